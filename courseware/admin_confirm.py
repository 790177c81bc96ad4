"""Preview, then confirm: the one mechanism the admin's file imports (GIFT, essays) share.

An upload is read and previewed, and nothing is written. The preview page carries what was
uploaded back to the server in one hidden field, signed with the project's secret key, tied to
the object it was previewed for and valid for an hour, so "Confirm" imports exactly what was
previewed without a second upload and without keeping anything on the server in between. A
payload that was altered, has expired, or belongs to another object is refused with a message
that says which, and nothing is imported.
"""

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# A preview stays valid for an hour; after that the file must be uploaded again.
PREVIEW_MAX_AGE = 60 * 60
# Room for the CSRF token and the field name next to the payload in the confirming POST.
REQUEST_MARGIN = 4 * 1024


class SignedPreviewForm(forms.Form):
    """The hidden, signed payload of a preview; `cleaned_data["payload"]` is the dict that was signed.

    Subclasses set `salt` (one per kind of import, so one kind's payload is refused by another)
    and `owner_noun` (what the payload is tied to, for the message when it is posted to another one).
    """

    salt: str
    owner_noun = "object"
    max_age = PREVIEW_MAX_AGE

    payload = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner

    @classmethod
    def owner_key(cls, owner) -> str:
        return f"{owner._meta.label_lower}:{owner.pk}"

    @classmethod
    def for_data(cls, data: dict, *, owner) -> "SignedPreviewForm":
        """The confirm form carrying `data`; ValidationError when it would not fit in the confirming request."""
        token = signing.dumps({"owner": cls.owner_key(owner), "data": data}, salt=cls.salt, compress=True)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and len(token) > limit - REQUEST_MARGIN:
            raise ValidationError(
                _("Too much to import at once: the preview could not be confirmed. Upload fewer or smaller files."),
                code="preview_too_large",
            )
        return cls(initial={"payload": token}, owner=owner)

    def clean_payload(self) -> dict:
        try:
            signed = signing.loads(self.cleaned_data["payload"], salt=self.salt, max_age=self.max_age)
        except signing.SignatureExpired:
            raise ValidationError(
                _("This preview is over an hour old; upload the file again."), code="expired"
            ) from None
        except signing.BadSignature:
            raise ValidationError(_("The previewed file was altered; upload it again."), code="bad_signature") from None
        if not isinstance(signed, dict) or signed.get("owner") != self.owner_key(self.owner):
            raise ValidationError(
                _("This preview belongs to another %(noun)s; upload the file again.") % {"noun": self.owner_noun},
                code="other_owner",
            )
        return signed["data"]
