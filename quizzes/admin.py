from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from lessons.admin import PublishActionsMixin
from quizzes.models import Attempt, AttemptQuestion, Choice, Question, Quiz


@admin.register(Quiz)
class QuizAdmin(PublishActionsMixin, admin.ModelAdmin):
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
    fieldsets = [
        (None, {"fields": ["course", "kind", "lesson", "title", "slug", "is_published"]}),
        (_("Grading"), {"fields": ["pass_mark", "attempts_allowed", "grading_method"]}),
        (
            _("Delivery"),
            {"fields": ["time_limit_minutes", "questions_per_attempt", "shuffle_questions", "shuffle_choices"]},
        ),
    ]


class ChoiceInline(admin.TabularInline):
    model = Choice
    fields = ["position", "text", "match_text", "fraction", "feedback"]
    extra = 0


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["key", "title", "qtype", "lesson", "section_anchor", "version"]
    list_filter = ["course", "qtype", "lesson__module"]
    list_select_related = ["lesson"]
    search_fields = ["key", "title", "text"]
    readonly_fields = ["version"]
    inlines = [ChoiceInline]


class AttemptQuestionInline(admin.TabularInline):
    model = AttemptQuestion
    fields = ["position", "question", "response", "mark"]
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
