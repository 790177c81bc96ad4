from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.template.defaultfilters import filesizeformat
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from lessons.models import Module
from reports.gradebook import DEFAULT_INACTIVE_DAYS, RosterGroup
from reports.item_analysis import AttemptsAnalysed
from reports.roster import RosterCsv, roster_csv_read


def _filter_helper() -> FormHelper:
    """A GET form: filters belong in the URL, so a report can be bookmarked and shared."""
    helper = FormHelper()
    helper.form_method = "get"
    helper.form_class = "d-flex flex-wrap align-items-end column-gap-3"
    helper.disable_csrf = True
    helper.add_input(Submit("show", _("Show"), css_class="btn-primary"))
    return helper


class GradebookFilterForm(forms.Form):
    module = forms.ChoiceField(
        label=_("Module"),
        required=False,
        error_messages={"invalid_choice": _("This course has no module “%(value)s”.")},
    )
    group = forms.ChoiceField(
        label=_("Students"),
        required=False,
        choices=RosterGroup.choices,
        error_messages={"invalid_choice": _("There is no group of students called “%(value)s”.")},
    )
    days = forms.IntegerField(
        label=_("Inactive for (days)"),
        required=False,
        min_value=1,
        max_value=365,
        help_text=_("For “Inactive for N days”: no lesson, quiz or review in that many days."),
    )

    def __init__(self, *args, modules: list[Module], **kwargs):
        super().__init__(*args, **kwargs)
        self.modules = {module.slug: module for module in modules}
        self.fields["module"].choices = [("", _("All modules")), *((m.slug, m.title) for m in modules)]
        self.helper = _filter_helper()

    def clean_module(self) -> Module | None:
        """The chosen module, or None for the whole course."""
        return self.modules.get(self.cleaned_data["module"])

    def clean_days(self) -> int:
        return self.cleaned_data["days"] or DEFAULT_INACTIVE_DAYS

    def roster_query(self) -> str:
        """The group part of the query string, for links that keep the same students (CSV, message)."""
        module, group = self.cleaned_data["module"], self.cleaned_data["group"]
        params = {"module": module.slug if module else "", "group": group}
        if group == RosterGroup.INACTIVE:
            params["days"] = self.cleaned_data["days"]
        return urlencode({key: value for key, value in params.items() if value})


class QuizStatisticsForm(forms.Form):
    attempts = forms.ChoiceField(
        label=_("Attempts analysed"),
        choices=AttemptsAnalysed.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose the first attempts or all attempts.")},
    )

    def __init__(self, data: QueryDict, **kwargs):
        # The report opens on first attempts, and the radio button should say so.
        data = data.copy()
        if not data.get("attempts"):
            data["attempts"] = AttemptsAnalysed.FIRST
        super().__init__(data, **kwargs)
        self.helper = _filter_helper()


MAX_ROSTER_BYTES = 1024 * 1024
ROSTER_SALT = "reports.roster_upload"
# A preview stays valid for an hour; after that the file must be uploaded again.
ROSTER_MAX_AGE = 60 * 60


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV of e-mail addresses"),
        help_text=_(
            "One address a row (a header row naming an “email” column is fine), UTF-8, at most 1 MB and "
            "%(rows)d addresses a file."
        )
        % {"rows": settings.ROSTER_CSV_MAX_ROWS},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("preview", _("Preview"), css_class="btn-primary"))

    def clean_file(self) -> RosterCsv:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_ROSTER_BYTES:
            raise ValidationError(
                _("The file is %(size)s; the limit is 1 MB. Split it into several files."),
                code="too_large",
                params={"size": filesizeformat(upload.size)},
            )
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError(
                _("The file is not UTF-8 text (byte %(position)d cannot be read). Save it as UTF-8 and upload again."),
                code="encoding",
                params={"position": error.start + 1},
            ) from None
        try:
            roster = roster_csv_read(text, max_rows=settings.ROSTER_CSV_MAX_ROWS)
        except ValueError as error:
            raise ValidationError(str(error), code="too_many_rows") from None
        if not roster.emails:
            raise ValidationError(_("The file holds no e-mail address."), code="empty")
        return roster


class RosterConfirmForm(forms.Form):
    """Carries the previewed addresses back, signed, so the instructor confirms without uploading again."""

    payload = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, course, **kwargs):
        super().__init__(*args, **kwargs)
        self.course = course

    @classmethod
    def for_emails(cls, emails: list[str], *, course) -> "RosterConfirmForm":
        payload = signing.dumps({"course": course.pk, "emails": emails}, salt=ROSTER_SALT, compress=True)
        return cls(initial={"payload": payload}, course=course)

    def clean_payload(self) -> list[str]:
        try:
            payload = signing.loads(self.cleaned_data["payload"], salt=ROSTER_SALT, max_age=ROSTER_MAX_AGE)
        except signing.SignatureExpired:
            raise ValidationError(
                _("This preview is over an hour old; upload the file again."), code="expired"
            ) from None
        except signing.BadSignature:
            raise ValidationError(_("The previewed list was altered; upload it again."), code="bad_signature") from None
        if payload.get("course") != self.course.pk:
            raise ValidationError(_("This preview belongs to another course; upload it again."), code="other_course")
        return payload["emails"]


class ClassMessageForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=150)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 10}), max_length=20000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The template's form tag carries the gradebook filter in its action.
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_subject(self) -> str:
        subject = self.cleaned_data["subject"]
        if "\n" in subject or "\r" in subject:
            raise ValidationError(_("The subject must be one line."), code="newline")
        return subject
