from decimal import Decimal

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from lessons.admin import ContentAdmin, PublishActionsMixin
from lessons.models import Course
from quizzes.gift import MAX_ANSWERS
from quizzes.linting import RULES
from quizzes.models import (
    Attempt,
    AttemptQuestion,
    Choice,
    Question,
    QuestionLevel,
    QuestionType,
    Quiz,
    RubricCriterion,
    RubricLevel,
)
from quizzes.selectors import course_question_findings, exam_blueprint_coverage, written_waiting_count
from quizzes.validation import ChoiceSpec, choice_problems

CHOICE_FIELDS_BY_TYPE = {
    QuestionType.MATCHING: ["position", "text", "match_text"],
    QuestionType.ORDERING: ["position", "text"],
    QuestionType.SHORT: ["position", "text", "fraction", "feedback"],
}
CHOICE_HELP = {
    QuestionType.SINGLE: _("Exactly one choice at weight 1 (100%); wrong choices 0."),
    QuestionType.TRUE_FALSE: _("Two choices, True and False; the right one at weight 1."),
    QuestionType.MULTIPLE: _("Right choices' weights add up to 1 (100%); wrong picks can cost, e.g. -0.5."),
    QuestionType.SHORT: _("Each accepted answer on its own row; case, spacing and punctuation are ignored."),
    QuestionType.MATCHING: _(
        "Each row is a pair: left side and the right side it matches; a row with only a right side adds a wrong option."
    ),
    QuestionType.ORDERING: _("List the items in the right order; students see them shuffled."),
    QuestionType.NUMERICAL: _(
        "Each answer as 42, 42:0.5 (value and tolerance) or 40..44 (range), with its weight; * catches any other."
    ),
    QuestionType.DESCRIPTION: _("Text shown between questions and not marked; it has no choices."),
    QuestionType.WRITTEN: _(
        "Marked by hand: no choices. Give the rubric below (each criterion's levels on its own page, the lowest at "
        "0 points), what a good answer covers in the explanation, and the word limits."
    ),
}


@admin.register(Quiz)
class QuizAdmin(PublishActionsMixin, ContentAdmin):
    list_display = [
        "title",
        "kind",
        "pass_mark",
        "attempts_allowed",
        "time_limit_minutes",
        "grading_method",
        "is_published",
    ]
    list_filter = ["course", "kind", "is_published", "grading_method"]
    list_select_related = ["course", "lesson"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["preview_link", "question_list", "blueprint_coverage", "marking_link"]
    fieldsets = [
        (None, {"fields": ["course", "kind", "lesson", "module", "title", "slug", "is_published", "preview_link"]}),
        (_("Questions"), {"fields": ["question_list"]}),
        (_("Written answers"), {"fields": ["anonymous_marking", "marking_link"]}),
        (
            _("Review options: what a student sees after an attempt"),
            {
                "fields": [
                    "review_correctness",
                    "review_marks",
                    "review_feedback",
                    "review_section_link",
                    "review_right_answer",
                    "review_explanation",
                ]
            },
        ),
        (_("Grading"), {"fields": ["pass_mark", "attempts_allowed", "grading_method"]}),
        (
            _("Delivery"),
            {"fields": ["time_limit_minutes", "questions_per_attempt", "shuffle_questions", "shuffle_choices"]},
        ),
    ]

    @admin.display(description=_("preview"))
    def preview_link(self, quiz):
        if not quiz.pk:
            return "-"
        url = reverse("quizzes:preview", kwargs={"course_slug": quiz.course.slug, "quiz_slug": quiz.slug})
        return format_html('<a href="{}">{}</a>', url, _("Try this quiz as a student (nothing is recorded)"))

    @admin.display(description=_("marking queue"))
    def marking_link(self, quiz):
        if not quiz.pk:
            return "-"
        url = reverse("marking:queue", kwargs={"course_slug": quiz.course.slug, "quiz_slug": quiz.slug})
        waiting = written_waiting_count(quiz=quiz)
        return format_html(
            '<a href="{}">{}</a>', url, _("Mark written answers (%(count)d waiting)") % {"count": waiting}
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.is_final:
            blueprint = (_("Blueprint of the exam bank"), {"fields": ["blueprint", "blueprint_coverage"]})
            return [*fieldsets[:2], blueprint, *fieldsets[2:]]
        return fieldsets

    @admin.display(description=_("blueprint coverage"))
    def blueprint_coverage(self, quiz):
        if not quiz.pk or not quiz.is_final:
            return _("Only the final exam has a blueprint.")
        header = format_html_join("", "<th scope='col'>{}</th>", ((level.label,) for level in QuestionLevel))
        rows = format_html_join(
            "",
            "<tr><th scope='row'>{}</th>{}<td>{}</td></tr>",
            (
                (
                    row.module.title,
                    format_html_join("", "<td>{} / {}</td>", ((count, target) for _label, target, count in row.cells)),
                    _("covered") if row.covered else _("short"),
                )
                for row in exam_blueprint_coverage(quiz=quiz)
            ),
        )
        return format_html(
            "<table><caption>{}</caption><thead><tr><th scope='col'>{}</th>{}<th scope='col'>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            _("Questions in the bank / the blueprint's target"),
            _("Module"),
            header,
            _("Status"),
            rows,
        )

    @admin.display(description=_("questions"))
    def question_list(self, quiz):
        if not quiz.pk:
            return "-"
        questions = (
            quiz.question_pool()
            .only("id", "key", "title", "qtype", "lesson_id")
            .order_by("lesson__module__position", "lesson__position", "position")
        )
        rows = format_html_join(
            "",
            '<li><a href="{}">{}</a> ({})</li>',
            (
                (reverse("admin:quizzes_question_change", args=[q.pk]), q.title or q.key, q.get_qtype_display())
                for q in questions
            ),
        )
        note = _("Questions belong to the lesson: add or reorder them on the lesson's page.")
        if quiz.lesson_id:
            lesson_url = reverse("admin:lessons_lesson_change", args=[quiz.lesson_id])
            return format_html('<ol>{}</ol><p><a href="{}">{}</a></p>', rows, lesson_url, note)
        return format_html("<ol>{}</ol>", rows)


class ChoiceFormSet(forms.BaseInlineFormSet):
    """Refuse a set of choices that cannot make a fair question of the chosen type."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        specs = [
            ChoiceSpec(
                text=form.cleaned_data.get("text", ""),
                fraction=form.cleaned_data.get("fraction") or Decimal(0),
                match=form.cleaned_data.get("match_text", ""),
            )
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        qtype = self.instance.qtype
        if qtype in {QuestionType.MATCHING, QuestionType.ORDERING}:
            specs = [ChoiceSpec(text=spec.text, fraction=Decimal(1), match=spec.match) for spec in specs]
        problems = choice_problems(qtype, specs)
        if problems:
            raise forms.ValidationError(problems)


class ChoiceInline(admin.TabularInline):
    model = Choice
    formset = ChoiceFormSet
    extra = 0
    max_num = MAX_ANSWERS
    ordering = ["position"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["position", "text", "match_text", "fraction", "feedback"]
        return CHOICE_FIELDS_BY_TYPE.get(obj.qtype, ["position", "text", "fraction", "feedback"])


def _answer_key(question: Question) -> list[tuple]:
    return list(question.choices.order_by("position", "id").values_list("text", "match_text", "fraction"))


def _findings_by_key(request) -> dict[str, list]:
    """The linter's findings of every course, by question key; computed once per admin request."""
    if not hasattr(request, "_question_findings"):
        findings: dict[str, list] = {}
        for course in Course.objects.all():
            for finding in course_question_findings(course=course):
                findings.setdefault(finding.key, []).append(finding)
        request._question_findings = findings
    return request._question_findings


class QualityFilter(admin.SimpleListFilter):
    """Questions with or without findings of the question linter (manage.py check_questions)."""

    title = _("quality findings")
    parameter_name = "findings"

    def lookups(self, request, model_admin):
        return [("yes", _("With findings")), ("no", _("Clean"))]

    def queryset(self, request, queryset):
        keys = [key for key in _findings_by_key(request) if key]
        if self.value() == "yes":
            return queryset.filter(key__in=keys)
        if self.value() == "no":
            return queryset.exclude(key__in=keys)
        return queryset


@admin.register(Question)
class QuestionAdmin(ContentAdmin):
    list_display = ["key", "title", "qtype", "level", "pool"]
    list_filter = ["course", "pool", "qtype", "level", QualityFilter, "lesson__module"]
    list_select_related = ["lesson"]
    search_fields = ["key", "title", "text"]
    readonly_fields = ["version", "choice_guide", "quality_findings"]
    fields = [
        "quality_findings",
        "lesson",
        "pool",
        "key",
        "qtype",
        "choice_guide",
        "title",
        "text",
        "explanation",
        "section_anchor",
        "objective",
        "level",
        "variant_group",
        "min_words",
        "max_words",
        "position",
        "version",
    ]

    def get_list_display(self, request):
        findings = _findings_by_key(request)

        @admin.display(description=_("quality"))
        def quality(question):
            return ", ".join(finding.code for finding in findings.get(question.key, [])) or "✓"

        return [*super().get_list_display(request), quality]

    @admin.display(description=_("quality findings"))
    def quality_findings(self, question):
        if not question.pk:
            return "-"
        findings = [f for f in course_question_findings(course=question.course) if f.key == question.key]
        if not findings:
            return _("None: the question linter finds nothing a student could answer without reading.")
        return format_html_join(
            "", "<p><strong>{}</strong> {} <em>({})</em></p>", ((f.code, f.message, RULES[f.code]) for f in findings)
        )

    inlines = [ChoiceInline]

    @admin.display(description=_("how to fill the choices"))
    def choice_guide(self, question):
        return CHOICE_HELP.get(question.qtype, _("Pick a type and save to see the choice columns that fit it."))

    def save_model(self, request, obj, form, change):
        obj._key_before = _answer_key(obj) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        question = form.instance
        if change and _answer_key(question) != question._key_before:
            Question.objects.filter(pk=question.pk).update(version=question.version + 1)
            question.version += 1
            self.answer_key_changed(request, question)

    def answer_key_changed(self, request, question: Question) -> None:
        """Called after a save changed the answer key (the version is already bumped); past marks stay."""


class RubricCriterionInline(admin.StackedInline):
    """A written question's rubric criteria; each criterion's levels are edited on its own page (change link)."""

    model = RubricCriterion
    extra = 0
    fields = ["position", "title", "description", "levels_summary"]
    readonly_fields = ["levels_summary"]
    ordering = ["position", "id"]
    show_change_link = True

    @admin.display(description=_("levels"))
    def levels_summary(self, criterion):
        if not criterion.pk:
            return _("Save, then open the criterion to add its levels.")
        return ", ".join(str(level.points) for level in criterion.levels.all()) or _("none yet")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("levels")

    # Only a saved written question has a rubric: for any other, the inline (and its form data) is left out.
    def has_view_permission(self, request, obj=None):
        return _is_written(obj) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return _is_written(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return _is_written(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _is_written(obj) and super().has_delete_permission(request, obj)


def _is_written(question) -> bool:
    return isinstance(question, Question) and question.qtype == QuestionType.WRITTEN


class RubricLevelInline(admin.TabularInline):
    model = RubricLevel
    extra = 0
    fields = ["position", "points", "description"]
    ordering = ["position", "points", "id"]


@admin.register(RubricCriterion)
class RubricCriterionAdmin(admin.ModelAdmin):
    """A rubric criterion with its levels; reached from its written question's page."""

    list_display = ["title", "question"]
    list_select_related = ["question"]
    search_fields = ["title", "question__key"]
    fields = ["question", "position", "title", "description"]
    raw_id_fields = ["question"]
    inlines = [RubricLevelInline]

    def has_module_permission(self, request):
        # Edited from the question's page; no entry of its own in the admin index.
        return False


# A written question's rubric sits below its choices; registered here so the type-specific forms can reuse it.
QuestionAdmin.inlines = [*QuestionAdmin.inlines, RubricCriterionInline]


class AttemptQuestionInline(admin.TabularInline):
    model = AttemptQuestion
    fields = ["position", "question", "response", "mark", "marked_by", "marked_at", "marker_comment"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["quiz", "user", "number", "status", "score", "passed", "started_at", "finished_at"]
    list_filter = ["status", "passed", "quiz__course", "quiz"]
    list_select_related = ["quiz", "user"]
    search_fields = ["user__username", "quiz__title"]
    readonly_fields = [
        "quiz",
        "user",
        "number",
        "status",
        "started_at",
        "deadline",
        "finished_at",
        "closed_at_deadline",
        "score",
        "passed",
    ]
    inlines = [AttemptQuestionInline]

    def has_add_permission(self, request):
        return False
