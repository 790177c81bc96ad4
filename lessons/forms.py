from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _


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
