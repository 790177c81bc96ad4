"""GIFT and Moodle XML import and export on the quiz change page of the admin (see courseware/gift_transfer.py)."""

from dataclasses import dataclass
from pathlib import Path

import reversion
from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courseware.admin_confirm import SignedPreviewForm
from courseware.gift_transfer import (
    MAX_IMPORT_BYTES,
    GiftExportError,
    GiftImportError,
    gift_export,
    gift_import,
    gift_import_preview,
    xml_export,
)

GIFT_SUFFIXES = {".gift", ".txt", ".xml"}
PERMISSIONS = ["quizzes.change_quiz", "quizzes.add_question", "quizzes.change_question"]


@dataclass(frozen=True)
class GiftUpload:
    filename: str
    text: str


class GiftUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("GIFT or Moodle XML file"),
        help_text=gettext_lazy("A .gift, .txt (GIFT) or .xml (Moodle XML) file in UTF-8, at most 10 MB."),
    )

    def clean_file(self) -> GiftUpload:
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in GIFT_SUFFIXES:
            raise ValidationError(
                _("%(name)s is not a .gift, .txt or .xml file."), code="extension", params={"name": upload.name}
            )
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(
                _("The file is %(size)s; the limit is 10 MB. Split it into several files."),
                code="too_large",
                params={"size": filesizeformat(upload.size)},
            )
        try:
            text = upload.read().decode("utf-8")
        except UnicodeDecodeError as error:
            raise ValidationError(
                _("The file is not UTF-8 text (byte %(position)d cannot be read). Save it as UTF-8 and upload again."),
                code="encoding",
                params={"position": error.start + 1},
            ) from None
        return GiftUpload(filename=upload.name, text=text)


class GiftConfirmForm(SignedPreviewForm):
    """Carries the previewed file back, signed, so the instructor confirms without uploading again."""

    salt = "courseware.admin_gift.import"
    owner_noun = "quiz"

    @classmethod
    def for_upload(cls, upload: GiftUpload, *, quiz) -> "GiftConfirmForm":
        return cls.for_data({"filename": upload.filename, "text": upload.text}, owner=quiz)

    def clean_payload(self) -> GiftUpload:
        data = super().clean_payload()
        return GiftUpload(filename=data["filename"], text=data["text"])


class GiftTransferAdminMixin:
    """Adds "Import GIFT" (upload, preview, confirm) and "Export GIFT" to a Quiz admin's change page.

    Put it first among the bases of the quiz ModelAdmin. Both need change_quiz, add_question and
    change_question; the links show on the change page's object tools only to users who have them.
    """

    gift_import_template = "admin/quizzes/quiz/gift_import.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/gift/import/",
                self.admin_site.admin_view(self.gift_import_view),
                name="{}_{}_gift_import".format(*info),
            ),
            path(
                "<path:object_id>/gift/export/",
                self.admin_site.admin_view(self.gift_export_view),
                name="{}_{}_gift_export".format(*info),
            ),
            path(
                "<path:object_id>/xml/export/",
                self.admin_site.admin_view(self.xml_export_view),
                name="{}_{}_xml_export".format(*info),
            ),
            *super().get_urls(),
        ]

    def has_gift_transfer_permission(self, request) -> bool:
        return request.user.has_perms(PERMISSIONS)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_gift_transfer_permission": self.has_gift_transfer_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def gift_import_view(self, request, object_id):
        quiz = self._gift_quiz(request, object_id)
        upload_form, confirm_form, preview = GiftUploadForm(), None, None
        if request.method == "POST" and "payload" in request.POST:
            confirm_form = GiftConfirmForm(request.POST, owner=quiz)
            if confirm_form.is_valid():
                upload = confirm_form.cleaned_data["payload"]
                try:
                    # Like a save in the admin, an import leaves a revision the question's history can restore.
                    with reversion.create_revision():
                        reversion.set_user(request.user)
                        reversion.set_comment(_("Imported from %(file)s") % {"file": upload.filename})
                        result = gift_import(quiz=quiz, text=upload.text, filename=upload.filename)
                except GiftImportError:
                    # The questions changed since the preview: show what the file would do now.
                    preview = gift_import_preview(quiz=quiz, text=upload.text, filename=upload.filename)
                else:
                    self.message_user(
                        request,
                        _("Imported %(file)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
                        % {
                            "file": upload.filename,
                            "created": len(result.created),
                            "updated": len(result.updated),
                            "unchanged": len(result.unchanged),
                        },
                        messages.SUCCESS,
                    )
                    return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", quiz.pk)
        elif request.method == "POST":
            upload_form = GiftUploadForm(request.POST, request.FILES)
            if upload_form.is_valid():
                upload = upload_form.cleaned_data["file"]
                preview = gift_import_preview(quiz=quiz, text=upload.text, filename=upload.filename)
                try:
                    confirm_form = GiftConfirmForm.for_upload(upload, quiz=quiz)
                except ValidationError as error:
                    upload_form.add_error("file", error)
                    preview = None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": quiz,
            "title": _("Import GIFT or Moodle XML into %(quiz)s") % {"quiz": quiz},
            "form": upload_form,
            "confirm_form": confirm_form,
            "preview": preview,
        }
        return TemplateResponse(request, self.gift_import_template, context)

    def gift_export_view(self, request, object_id):
        return self._export(request, object_id, gift_export, suffix="gift", content_type="text/plain")

    def xml_export_view(self, request, object_id):
        return self._export(request, object_id, xml_export, suffix="xml", content_type="application/xml")

    def _export(self, request, object_id, export, *, suffix: str, content_type: str):
        quiz = self._gift_quiz(request, object_id)
        try:
            text = export(quiz=quiz)
        except GiftExportError as error:
            self.message_user(request, _("Nothing exported: %(reason)s") % {"reason": error}, messages.ERROR)
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", quiz.pk)
        response = HttpResponse(text, content_type=f"{content_type}; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"{quiz.slug}.{suffix}"
        )
        return response

    def _gift_quiz(self, request, object_id):
        if not self.has_gift_transfer_permission(request):
            raise PermissionDenied
        quiz = self.get_object(request, unquote(object_id))
        if quiz is None:
            raise Http404(_("No quiz with this id."))
        return quiz
