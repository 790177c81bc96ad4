from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _


class LessonCompleteForm(forms.Form):
    """A button: the lesson to complete comes from the URL."""

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.add_input(Submit("complete", _("Mark this lesson complete"), css_class="btn-success"))
