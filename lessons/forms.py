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
