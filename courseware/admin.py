"""Admin screens that span apps: they extend the admin of the layers below with imports and regrades.

Each replaces the registration of the app that owns the model, so the lower app's admin keeps
working on its own and knows nothing of what is added here.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from courseware.admin_essays import EssayImportAdminMixin
from courseware.admin_gift import GiftTransferAdminMixin
from learning.services import question_regrade
from lessons import admin as lessons_admin
from lessons.forms import SectionSelect, section_choices
from lessons.models import Course, Lesson
from quizzes import admin as quizzes_admin
from quizzes.models import Question, Quiz
from quizzes.services import question_attempts_to_regrade

for model in (Course, Lesson, Quiz, Question):
    admin.site.unregister(model)


@admin.register(Course)
class CourseAdmin(EssayImportAdminMixin, lessons_admin.CourseAdmin):
    pass


class QuestionInline(lessons_admin.NormalisedTextMixin, admin.TabularInline):
    """The lesson quiz's questions, in order; each opens in full (choices, feedback) from its link."""

    model = Question
    fields = ["position", "key", "qtype", "title", "section_anchor"]
    show_change_link = True
    extra = 0
    verbose_name_plural = _("quiz questions (the lesson's quiz asks these; the final exam draws from them)")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # The lesson's sections as saved: a heading added in this same save can be picked once it is saved.
        formset.form.base_fields["section_anchor"].widget = SectionSelect(choices=section_choices(obj))
        return formset


@admin.register(Lesson)
class LessonAdmin(lessons_admin.LessonAdmin):
    """Lessons with their questions; a save that drops a heading questions link to warns and lists them."""

    inlines = [*lessons_admin.LessonAdmin.inlines, QuestionInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        lesson = form.instance
        anchors = {section.anchor for section in lesson.section_list}
        stranded = [
            question
            for question in lesson.questions.only("pk", "key", "title", "section_anchor").order_by("position", "pk")
            if question.section_anchor not in anchors
        ]
        if stranded:
            self.message_user(
                request,
                format_html(
                    "{} <ul>{}</ul>",
                    ngettext(
                        "%(count)d question links to a section this lesson no longer has; pick its new section:",
                        "%(count)d questions link to sections this lesson no longer has; pick their new sections:",
                        len(stranded),
                    )
                    % {"count": len(stranded)},
                    format_html_join(
                        "",
                        '<li><a href="{}">{}</a> (#{})</li>',
                        (
                            (reverse("admin:quizzes_question_change", args=[q.pk]), q.title or q.key, q.section_anchor)
                            for q in stranded
                        ),
                    ),
                ),
                messages.WARNING,
            )


@admin.register(Quiz)
class QuizAdmin(GiftTransferAdminMixin, quizzes_admin.QuizAdmin):
    pass


@admin.register(Question)
class QuestionAdmin(quizzes_admin.QuestionAdmin):
    """Questions, plus regrading finished attempts after an answer-key change (scores, completion, certificates)."""

    actions = ["regrade_selected"]

    def get_urls(self):
        return [
            path(
                "<int:question_id>/regrade/",
                self.admin_site.admin_view(self.regrade_view),
                name="quizzes_question_regrade",
            ),
            *super().get_urls(),
        ]

    def answer_key_changed(self, request, question):
        stale = question_attempts_to_regrade(question=question)
        if stale:
            url = reverse("admin:quizzes_question_regrade", args=[question.pk])
            self.message_user(
                request,
                format_html(
                    "The answer key changed. {} finished attempt(s) were marked with the old key: "
                    '<a href="{}">regrade them</a>.',
                    stale,
                    url,
                ),
                messages.WARNING,
            )

    def regrade_view(self, request, question_id):
        question = get_object_or_404(Question, pk=question_id)
        if not self.has_change_permission(request, question):
            raise PermissionDenied
        if request.method == "POST":
            changed = question_regrade(question=question)
            self.message_user(
                request,
                ngettext(
                    "Regraded: %(count)d attempt changed score.", "Regraded: %(count)d attempts changed score.", changed
                )
                % {"count": changed},
                messages.SUCCESS,
            )
            return redirect("admin:quizzes_question_change", question.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "question": question,
            "stale": question_attempts_to_regrade(question=question),
            "title": _("Regrade attempts"),
        }
        return TemplateResponse(request, "admin/quizzes/question/regrade.html", context)

    @admin.action(description=_("Regrade finished attempts of selected questions"), permissions=["change"])
    def regrade_selected(self, request, queryset):
        changed = sum(question_regrade(question=question) for question in queryset)
        self.message_user(request, _("Regraded: %(count)d attempts changed score.") % {"count": changed})
