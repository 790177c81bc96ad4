from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
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
