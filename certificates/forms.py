from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

CODE_SHAPE = RegexValidator(
    r"^[A-Za-z0-9]{4}-?[A-Za-z0-9]{4}-?[A-Za-z0-9]{4}$",
    _("A certificate code has twelve letters and digits, e.g. 7KQM-X2PD-94HT."),
    code="code_shape",
)


class CertificateLookupForm(forms.Form):
    """Anyone checks a certificate by the code printed on it."""

    code = forms.CharField(
        label=_("Certificate code"),
        max_length=20,
        strip=True,
        validators=[CODE_SHAPE],
        help_text=_("As printed on the certificate, e.g. 7KQM-X2PD-94HT."),
        error_messages={"max_length": _("A certificate code is at most %(limit_value)d characters.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.add_input(Submit("check", _("Check"), css_class="btn-primary"))

    def clean_code(self) -> str:
        """The code as stored: upper case, in dash-separated groups of four."""
        raw = self.cleaned_data["code"].replace("-", "").upper()
        return "-".join(raw[i : i + 4] for i in range(0, 12, 4))
