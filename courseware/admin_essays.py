"""Essay upload in the admin: a page on each course for staff who may add sources and lessons.

`EssayImportAdminMixin` goes on the course admin; it adds admin/lessons/course/<id>/essays/
(`admin:lessons_course_essay_import`), which calls the same service as `manage.py import_essays`:
upload, then a preview of every row the import would create, update, keep or remove (nothing is
written), then Confirm, which carries the files back signed (courseware/admin_confirm.py) and
imports them only if the import still does what the preview showed.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from courseware.admin_confirm import SignedPreviewForm
from courseware.essay_import import (
    MAX_ESSAY_BYTES,
    EssayFileError,
    EssayImportError,
    EssayImportReport,
    EssayPlanChanged,
    essay_file_read,
    essays_import,
    essays_import_preview,
)

ESSAY_IMPORT_PERMISSIONS = ("lessons.add_source", "lessons.add_lesson")
MAX_ESSAY_FILES = 20


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files at once and cleans to the list of uploads."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".txt,text/plain"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = [upload for upload in (data if isinstance(data, list | tuple) else [data]) if upload]
        if not uploads:
            raise ValidationError(self.error_messages["required"], code="required")
        return uploads


class EssayUploadForm(forms.Form):
    essays = MultipleFileField(
        label=gettext_lazy("Essay files"),
        help_text=gettext_lazy(
            "Plain-text .txt files in UTF-8, at most 200 KB each. A leading number in a file name "
            "(000_....txt) becomes the source key; importing a file again updates its source."
        ),
    )

    def clean_essays(self) -> list[tuple[str, str]]:
        """The uploads as (file name, text), or every problem with them, each naming its file."""
        uploads = self.cleaned_data["essays"]
        if len(uploads) > MAX_ESSAY_FILES:
            raise ValidationError(
                _("Import at most %(max)d essays at once; %(count)d were chosen."),
                code="too_many_files",
                params={"max": MAX_ESSAY_FILES, "count": len(uploads)},
            )
        essays, problems = [], []
        for upload in uploads:
            try:
                # Read one byte past the limit: enough to know a file is too big without reading all of it.
                essays.append((upload.name, essay_file_read(name=upload.name, data=upload.read(MAX_ESSAY_BYTES + 1))))
            except EssayFileError as error:
                problems.append(ValidationError(str(error), code="bad_file"))
        if problems:
            raise ValidationError(problems)
        return essays


class EssayConfirmForm(SignedPreviewForm):
    """Carries the previewed essays back, signed, with the preview's fingerprint, so Confirm imports what was shown."""

    salt = "courseware.admin_essays.import"
    owner_noun = "course"

    @classmethod
    def for_preview(cls, essays: list[tuple[str, str]], report: EssayImportReport, *, course) -> "EssayConfirmForm":
        return cls.for_data({"essays": essays, "fingerprint": report.fingerprint}, owner=course)

    def clean_payload(self) -> tuple[list[tuple[str, str]], str]:
        data = super().clean_payload()
        return [(name, text) for name, text in data["essays"]], data["fingerprint"]


class EssayImportAdminMixin:
    """For the course ModelAdmin: an "Import essays" page per course (upload, preview, confirm)."""

    essay_import_template = "admin/lessons/course/essay_import.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.essay_import_view)
        return [path("<path:object_id>/essays/", view, name="lessons_course_essay_import"), *super().get_urls()]

    def essay_import_view(self, request, object_id):
        if not request.user.has_perms(ESSAY_IMPORT_PERMISSIONS):
            raise PermissionDenied
        course = self.get_object(request, unquote(object_id))
        if course is None:
            raise Http404(_("No such course."))
        form, confirm_form, preview, changed = EssayUploadForm(), None, None, False
        if request.method == "POST" and "payload" in request.POST:
            confirm_form = EssayConfirmForm(request.POST, owner=course)
            if confirm_form.is_valid():
                essays, fingerprint = confirm_form.cleaned_data["payload"]
                try:
                    report = essays_import(course=course, files=essays, expect=fingerprint)
                except EssayImportError as error:  # pragma: no cover - the preview already parsed these files
                    for problem in error.problems:
                        form.add_error(None, ValidationError(problem, code="not_importable"))
                except EssayPlanChanged as rolled_back:
                    if rolled_back.report.changes_nothing:
                        # A second Confirm of the same preview: the first one imported it all.
                        messages.info(request, _("These essays are already imported; nothing was changed."))
                        return redirect("admin:lessons_course_change", course.pk)
                    preview, changed = rolled_back.report, True
                    confirm_form = EssayConfirmForm.for_preview(essays, preview, course=course)
                else:
                    self._essays_imported(request, report)
                    return redirect("admin:lessons_course_change", course.pk)
        elif request.method == "POST":
            form = EssayUploadForm(request.POST, request.FILES)
            if form.is_valid():
                essays = form.cleaned_data["essays"]
                try:
                    preview = essays_import_preview(course=course, files=essays)
                    confirm_form = EssayConfirmForm.for_preview(essays, preview, course=course)
                except EssayImportError as error:
                    for problem in error.problems:
                        form.add_error("essays", ValidationError(problem, code="not_importable"))
                except ValidationError as error:
                    form.add_error("essays", error)
                    preview = None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": course,
            "title": _("Import essays into “%(course)s”") % {"course": course},
            "form": form,
            "confirm_form": confirm_form,
            "preview": preview,
            "changed_since_preview": changed,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, self.essay_import_template, context)

    def _essays_imported(self, request, report: EssayImportReport):
        count = len(report.essays)
        changes = report.changes
        messages.success(
            request,
            ngettext(
                "%(count)d essay imported: %(created)d created, %(updated)d updated, %(removed)d removed. "
                "Everything it made is a draft until you publish it.",
                "%(count)d essays imported: %(created)d created, %(updated)d updated, %(removed)d removed. "
                "Everything they made is a draft until you publish it.",
                count,
            )
            % {
                "count": count,
                "created": len(changes.created),
                "updated": len(changes.updated),
                "removed": len(report.removed),
            },
        )
