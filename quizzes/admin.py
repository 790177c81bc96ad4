from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from lessons.admin import ContentAdmin, NormalisedTextMixin, PublishActionsMixin
from lessons.forms import SectionSelect, section_choices
from lessons.models import Course, Lesson
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

# Only a written answer has word limits.
WORD_LIMITS = frozenset({"min_words", "max_words"})


@dataclass(frozen=True)
class TypeForm:
    """What the admin shows for one question type: a description to choose it by, its fields and inlines.

    `choice_columns` maps each column of the choice rows to its heading for this type; `inlines` names
    entries of `QuestionAdmin.type_inlines`; `hidden_fields` are question fields the type has no use for.
    """

    description: str
    choice_help: str = ""
    choice_columns: dict = field(default_factory=dict)
    inlines: tuple[str, ...] = ("choices",)
    hidden_fields: frozenset[str] = WORD_LIMITS


WEIGHTED_CHOICES = {"position": _("position"), "text": _("choice"), "fraction": _("weight"), "feedback": _("feedback")}

# One entry per question type: a new type is one more entry here (and its inline in QuestionAdmin.type_inlines).
TYPE_FORMS = {
    QuestionType.SINGLE: TypeForm(
        description=_("Students pick one answer from a list."),
        choice_help=_("Exactly one choice at weight 1 (100%); wrong choices 0."),
        choice_columns=WEIGHTED_CHOICES,
    ),
    QuestionType.TRUE_FALSE: TypeForm(
        description=_("Students say whether a statement is true or false."),
        choice_help=_("Two choices, True and False; the right one at weight 1."),
        choice_columns=WEIGHTED_CHOICES,
    ),
    QuestionType.MULTIPLE: TypeForm(
        description=_("Students tick every right answer; partial credit, and wrong picks can cost."),
        choice_help=_("Right choices' weights add up to 1 (100%); wrong picks can cost, e.g. -0.5."),
        choice_columns=WEIGHTED_CHOICES,
    ),
    QuestionType.SHORT: TypeForm(
        description=_("Students type a word or a short phrase; several answers can be accepted."),
        choice_help=_("Each accepted answer on its own row; case, spacing and punctuation are ignored."),
        choice_columns={**WEIGHTED_CHOICES, "text": _("accepted answer")},
    ),
    QuestionType.MATCHING: TypeForm(
        description=_("Students match each item on the left with one on the right."),
        choice_help=_(
            "Each row is a pair: left side and the right side it matches; "
            "a row with only a right side adds a wrong option."
        ),
        choice_columns={"position": _("position"), "text": _("left side"), "match_text": _("matches")},
    ),
    QuestionType.ORDERING: TypeForm(
        description=_("Students put items in the right order."),
        choice_help=_("List the items in the right order; students see them shuffled."),
        choice_columns={"position": _("position"), "text": _("item")},
    ),
    QuestionType.NUMERICAL: TypeForm(
        description=_("Students type a number; an answer within a tolerance or a range counts."),
        choice_help=_(
            "Each answer as 42, 42:0.5 (value and tolerance) or 40..44 (range), with its weight; * catches any other."
        ),
        choice_columns={**WEIGHTED_CHOICES, "text": _("answer: value, value:tolerance or min..max")},
    ),
    QuestionType.DESCRIPTION: TypeForm(
        description=_("Text shown between questions and not marked: a case to read, a source, an instruction."),
        choice_help=_("Text shown between questions and not marked; it has no choices."),
        inlines=(),
        hidden_fields=frozenset({"explanation", "objective", "level"}) | WORD_LIMITS,
    ),
    QuestionType.WRITTEN: TypeForm(
        description=_("Students write a few paragraphs; a marker marks the answer by hand against a rubric."),
        choice_help=_(
            "Marked by hand: no choices. Give the rubric below (each criterion's levels on its own page, the lowest "
            "at 0 points), what a good answer covers in the explanation, and the word limits."
        ),
        inlines=("rubric",),
        hidden_fields=frozenset(),
    ),
}
CHOICE_HELP = {qtype: spec.choice_help for qtype, spec in TYPE_FORMS.items()}
# Before a type is known (a question whose type is not in TYPE_FORMS): every column.
ALL_CHOICE_COLUMNS = {**WEIGHTED_CHOICES, "match_text": _("matches")}


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


def question_type(request, obj=None) -> str | None:
    """The type of the question on this admin page: the saved one, else the one chosen when adding (?qtype=...)."""
    if obj is not None and obj.qtype:
        return obj.qtype
    chosen = request.POST.get("qtype") or request.GET.get("qtype")
    return chosen if chosen in QuestionType.values else None


class ChoiceInline(NormalisedTextMixin, admin.TabularInline):
    """The choice rows, with only the columns the question's type uses, headed in that type's words."""

    model = Choice
    formset = ChoiceFormSet
    extra = 0
    max_num = MAX_ANSWERS
    ordering = ["position"]

    def _columns(self, request, obj) -> dict:
        spec = TYPE_FORMS.get(question_type(request, obj))
        return spec.choice_columns if spec else ALL_CHOICE_COLUMNS

    def get_fields(self, request, obj=None):
        return list(self._columns(request, obj))

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        for name, label in self._columns(request, obj).items():
            formset.form.base_fields[name].label = label
        return formset


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


class QuestionAdminForm(forms.ModelForm):
    """A question whose section is picked from the sections of its lesson."""

    class Meta:
        model = Question
        fields = [
            "lesson",
            "pool",
            "key",
            "qtype",
            "title",
            "text",
            "explanation",
            "section_anchor",
            "objective",
            "level",
            "variant_group",
            "position",
        ]
        widgets = {"section_anchor": SectionSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.qtype and self.initial.get("qtype") in QuestionType.values:
            # Adding: the type chosen in the first step, so the choice guide speaks of it.
            self.instance.qtype = self.initial["qtype"]
        if "section_anchor" in self.fields:
            self.fields["section_anchor"].widget.choices = section_choices(self._chosen_lesson())

    def _chosen_lesson(self):
        """The lesson as this form stands: as posted, else as given when adding, else as saved."""
        value = self.data.get(self.add_prefix("lesson")) if self.is_bound else self.initial.get("lesson")
        if value not in (None, "") and "lesson" in self.fields:
            try:
                return self.fields["lesson"].clean(value)
            except forms.ValidationError:
                return None
        return self.instance.lesson if self.instance.lesson_id else None


@admin.register(Question)
class QuestionAdmin(ContentAdmin):
    form = QuestionAdminForm
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
    # The inlines a type may name in TYPE_FORMS.
    type_inlines = {"choices": ChoiceInline}
    choose_type_template = "admin/quizzes/question/choose_type.html"

    def get_urls(self):
        return [
            path(
                "sections/",
                self.admin_site.admin_view(self.sections_view),
                name="quizzes_question_sections",
            ),
            *super().get_urls(),
        ]

    def get_list_display(self, request):
        findings = _findings_by_key(request)

        @admin.display(description=_("quality"))
        def quality(question):
            return ", ".join(finding.code for finding in findings.get(question.key, [])) or "✓"

        return [*super().get_list_display(request), quality]

    def get_fields(self, request, obj=None):
        spec = TYPE_FORMS.get(question_type(request, obj))
        hidden = spec.hidden_fields if spec else frozenset()
        return [name for name in super().get_fields(request, obj) if name not in hidden]

    def get_inlines(self, request, obj):
        spec = TYPE_FORMS.get(question_type(request, obj))
        names = spec.inlines if spec else tuple(self.type_inlines)
        return [self.type_inlines[name] for name in names]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None and "qtype" in form.base_fields:
            # The type was chosen in the first step; the form shows only that type's fields.
            form.base_fields["qtype"].widget = forms.HiddenInput()
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "lesson":
            # With JavaScript, choosing another lesson refreshes the section list (htmx); without, the save checks.
            kwargs["widget"] = forms.Select(
                attrs={
                    "hx-get": reverse("admin:quizzes_question_sections"),
                    "hx-trigger": "change",
                    "hx-target": "#id_section_anchor",
                    "hx-swap": "innerHTML",
                }
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def add_view(self, request, form_url="", extra_context=None):
        if request.method == "GET" and question_type(request) is None:
            return self.choose_type_view(request)
        return super().add_view(request, form_url, extra_context)

    def choose_type_view(self, request):
        """The first step of adding a question: its type (each with what it asks of students) and its lesson."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Add question: choose its type"),
            "types": [(qtype, QuestionType(qtype).label, spec.description) for qtype, spec in TYPE_FORMS.items()],
            "lessons": Lesson.objects.select_related("course").order_by(
                "course__title", "module__position", "position"
            ),
            "chosen_lesson": request.GET.get("lesson", ""),
            "invalid_type": "qtype" in request.GET,
        }
        return TemplateResponse(request, self.choose_type_template, context)

    def sections_view(self, request):
        """The section options of one lesson (?lesson=ID), for the section select when the lesson changes."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        key = request.GET.get("lesson", "")
        lesson = Lesson.objects.filter(pk=key).only("pk", "sections").first() if key.isdigit() else None
        return TemplateResponse(
            request, "admin/quizzes/question/section_options.html", {"choices": section_choices(lesson)}
        )

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


# A written question's rubric: the inline its entry in TYPE_FORMS names.
QuestionAdmin.type_inlines["rubric"] = RubricCriterionInline


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
