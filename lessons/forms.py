from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from lessons.markdown import markdown_preview


class LessonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search lessons"),
        max_length=100,
        strip=True,
        error_messages={"max_length": _("Keep the search under %(limit_value)d characters.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.add_input(Submit("search", _("Search"), css_class="btn-primary"))
        self.helper.disable_csrf = True


def normalise_line_endings(text: str) -> str:
    """Text with every line ending as LF: browsers submit a textarea's lines with CRLF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class NormalisedTextField(forms.CharField):
    """A textarea's text with LF line endings and otherwise as typed, so posting a form back unchanged changes nothing.

    Surrounding whitespace is kept (a stored body ends with a newline); text of only whitespace is empty.
    """

    def __init__(self, *, strip=False, **kwargs):
        super().__init__(strip=False, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values or not value.strip():
            return self.empty_value
        return normalise_line_endings(value)


def section_choices(lesson) -> list[tuple[str, str]]:
    """A select's choices for the sections of `lesson` (None: no lesson chosen yet), as "#anchor: title"."""
    if lesson is None:
        return [("", _("Choose the lesson first"))]
    return [("", "---------")] + [
        (section.anchor, f"#{section.anchor}: {section.title}") for section in lesson.section_list
    ]


class SectionSelect(forms.Select):
    """Picks a lesson section; a stored anchor the lesson no longer has stays selected, marked, so it is not lost."""

    def get_context(self, name, value, attrs):
        if value and value not in {str(choice) for choice, _label in self.choices}:
            self.choices = [*self.choices, (value, _("#%(anchor)s: not a section of this lesson") % {"anchor": value})]
        return super().get_context(name, value, attrs)


class MarkdownEditor(forms.Textarea):
    """A Markdown textarea with the lesson page's rendering beneath it.

    Without JavaScript the form's "Preview" button re-renders the page with `show_preview` set; with
    JavaScript, htmx posts the text to `preview_url` as one types and puts the answer in the preview box.
    """

    template = "admin/lessons/lesson/markdown_editor.html"

    def __init__(self, attrs=None):
        super().__init__(attrs={"rows": 24, **(attrs or {})})
        self.preview_url = ""
        self.show_preview = False

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        preview_id = f"{attrs.get('id', f'id_{name}')}_preview"
        if self.preview_url:
            attrs |= {
                "hx-post": self.preview_url,
                "hx-trigger": "input changed delay:500ms",
                "hx-target": f"#{preview_id}",
                "hx-swap": "innerHTML",
                "hx-sync": "this:replace",
                "hx-params": f"{name},csrfmiddlewaretoken",
            }
        preview = markdown_preview(normalise_line_endings(value or "")) if self.show_preview else None
        return render_to_string(
            self.template,
            {"textarea": super().render(name, value, attrs, renderer), "preview_id": preview_id, "preview": preview},
        )


class ListInput(forms.Widget):
    """One text input per item of a list, labelled "<item label> 1", "<item label> 2" ..., then blank rows to add more.

    The inputs are named `<name>_0`, `<name>_1` ...; every posted `<name>_<n>` is read in the order
    of n, so rows a script adds (static/js/list-input.js: an "Add another" button) post like the rest.
    Works without JavaScript: `extra` blank rows are always there, up to `max_items` rows in all.
    """

    template_name = "admin/lessons/lesson/list_input.html"

    class Media:
        js = ["js/list-input.js"]

    def __init__(self, attrs=None, *, item_label: str, group_label: str, max_items: int, max_chars: int, extra=2):
        super().__init__(attrs)
        self.item_label, self.group_label = item_label, group_label
        self.max_items, self.max_chars, self.extra = max_items, max_chars, extra

    def format_value(self, value) -> list[str]:
        if value is None:
            return []
        if isinstance(value, str):
            return [line.strip() for line in value.splitlines() if line.strip()]
        return [item or "" for item in value]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        items = context["widget"]["value"]
        count = max(len(items), min(len(items) + self.extra, self.max_items))
        base_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        context["widget"]["rows"] = [
            {"name": f"{name}_{index}", "id": f"{base_id}_{index}", "value": item, "number": index + 1}
            for index, item in enumerate([*items, *[""] * (count - len(items))])
        ]
        context["widget"] |= {
            "group_id": base_id,
            "group_label": self.group_label,
            "item_label": self.item_label,
            "max_items": self.max_items,
            "max_chars": self.max_chars,
        }
        return context

    def render(self, name, value, attrs=None, renderer=None):
        # Rendered from the project's templates, as MarkdownEditor is (the form renderer reads only apps' templates).
        return render_to_string(self.template_name, self.get_context(name, value, attrs))

    def id_for_label(self, id_):
        # The group is labelled by its own legend; each input by its own "<item label> <n>".
        return ""

    def _indexed(self, data, name) -> list[tuple[int, str]]:
        prefix = f"{name}_"
        indexed = []
        for key in data:
            if key.startswith(prefix) and key[len(prefix) :].isdigit() and len(key) - len(prefix) <= 4:
                indexed.append((int(key[len(prefix) :]), data.get(key)))
        return sorted(indexed)

    def value_from_datadict(self, data, files, name):
        indexed = self._indexed(data, name)
        return [value for _index, value in indexed] if indexed else None

    def value_omitted_from_data(self, data, files, name):
        return not self._indexed(data, name)


class LineListField(forms.Field):
    """A list of one-line items edited one input each, stored as text with one item a line.

    Blank rows are dropped and the order kept; more than `max_items` items, an item over
    `max_chars` characters or one holding a line break is refused, naming the row.
    """

    def __init__(self, *, item_label: str, max_items: int, max_chars: int, **kwargs):
        self.item_label, self.max_items, self.max_chars = item_label, max_items, max_chars
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget = ListInput(
            item_label=item_label, group_label=str(self.label or ""), max_items=max_items, max_chars=max_chars
        )

    def rows(self, value) -> list[tuple[int, str]]:
        """(row number, item) of the non-blank rows, stripped, in order."""
        if value in self.empty_values:
            return []
        if isinstance(value, str):
            value = value.splitlines()
        return [(number, str(item).strip()) for number, item in enumerate(value, start=1) if str(item or "").strip()]

    def to_python(self, value) -> str:
        rows = self.rows(value)
        errors = []
        for number, item in rows:
            if "\n" in item or "\r" in item:
                errors.append(
                    ValidationError(
                        _("%(item)s %(number)d must be one line."),
                        code="line_break",
                        params={"item": self.item_label, "number": number},
                    )
                )
            elif len(item) > self.max_chars:
                errors.append(
                    ValidationError(
                        _("%(item)s %(number)d has %(length)d characters; the limit is %(max)d."),
                        code="too_long",
                        params={"item": self.item_label, "number": number, "length": len(item), "max": self.max_chars},
                    )
                )
        if len(rows) > self.max_items:
            errors.append(
                ValidationError(
                    _("At most %(max)d are allowed; %(count)d were given. Remove %(extra)d."),
                    code="too_many",
                    params={"max": self.max_items, "count": len(rows), "extra": len(rows) - self.max_items},
                )
            )
        if errors:
            raise ValidationError(errors)
        return "\n".join(item for _number, item in rows)

    def has_changed(self, initial, data):
        return [item for _n, item in self.rows(initial)] != [item for _n, item in self.rows(data)]
