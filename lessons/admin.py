import reversion
from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from reversion.admin import VersionAdmin

from lessons.forms import NormalisedTextField
from lessons.models import Course, KeyTerm, Lesson, LessonProgress, Module, Passage, Source


class NormalisedTextMixin:
    """Textareas save LF line endings, so a form posted back unchanged by a browser (CRLF) changes nothing."""

    formfield_overrides = {models.TextField: {"form_class": NormalisedTextField}}


class ContentAdmin(NormalisedTextMixin, VersionAdmin):
    """Admin for course content: every save is kept as a revision (who, when) that can be restored."""

    history_latest_first = True


class PublishActionsMixin:
    """Bulk publish / unpublish for any model with an `is_published` flag."""

    actions = ["publish", "unpublish"]

    def _set_published(self, request, queryset, value: bool):
        count = 0
        for item in queryset.exclude(is_published=value):
            # Saved one by one inside a revision, so the history shows who published what, and when.
            with reversion.create_revision():
                item.is_published = value
                item.save()
                reversion.set_user(request.user)
                reversion.set_comment(_("Published") if value else _("Moved to draft"))
            count += 1
        verb = _("published") if value else _("moved to draft")
        self.message_user(
            request,
            ngettext("%(count)d item %(verb)s.", "%(count)d items %(verb)s.", count) % {"count": count, "verb": verb},
            messages.SUCCESS,
        )

    @admin.action(description=_("Publish selected items"), permissions=["change"])
    def publish(self, request, queryset):
        self._set_published(request, queryset, True)

    @admin.action(description=_("Move selected items to draft"), permissions=["change"])
    def unpublish(self, request, queryset):
        self._set_published(request, queryset, False)


class SourceInline(NormalisedTextMixin, admin.TabularInline):
    model = Source
    extra = 0


class ModuleInline(NormalisedTextMixin, admin.TabularInline):
    model = Module
    fields = ["position", "title", "slug", "is_published"]
    prepopulated_fields = {"slug": ["title"]}
    show_change_link = True
    extra = 0


@admin.register(Course)
class CourseAdmin(PublishActionsMixin, ContentAdmin):
    list_display = ["title", "slug", "is_published", "enrolment", "updated_at"]
    list_filter = ["is_published", "enrolment"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ModuleInline, SourceInline]


class LessonInline(NormalisedTextMixin, admin.TabularInline):
    model = Lesson
    fields = ["position", "title", "slug", "is_published", "word_count"]
    readonly_fields = ["word_count"]
    prepopulated_fields = {"slug": ["title"]}
    show_change_link = True
    extra = 0


@admin.register(Module)
class ModuleAdmin(PublishActionsMixin, ContentAdmin):
    list_display = ["title", "course", "position", "is_published"]
    list_editable = ["position", "is_published"]
    list_filter = ["course", "is_published"]
    list_select_related = ["course"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    ordering = ["course", "position"]
    inlines = [LessonInline]


class KeyTermInline(NormalisedTextMixin, admin.TabularInline):
    model = KeyTerm
    extra = 1


@admin.register(Lesson)
class LessonAdmin(PublishActionsMixin, ContentAdmin):
    list_display = ["title", "module", "position", "is_published", "word_count", "updated_at"]
    list_editable = ["position"]
    list_filter = ["course", "module", "is_published"]
    list_select_related = ["module", "course"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["sources"]
    readonly_fields = ["word_count", "updated_at"]
    ordering = ["course", "module__position", "position"]
    inlines = [KeyTermInline]
    fieldsets = [
        (None, {"fields": ["module", "title", "slug", "position", "is_published"]}),
        (_("Content"), {"fields": ["summary", "objectives", "body", "sources"]}),
        (_("Facts"), {"fields": ["word_count", "updated_at"]}),
    ]


class PassageInline(NormalisedTextMixin, admin.TabularInline):
    model = Passage
    fields = ["position", "text", "modules"]
    extra = 0


@admin.register(Source)
class SourceAdmin(ContentAdmin):
    list_display = ["key", "kind", "title", "course", "filename"]
    list_filter = ["course", "kind"]
    list_select_related = ["course"]
    search_fields = ["key", "title"]
    inlines = [PassageInline]


@admin.register(Passage)
class PassageAdmin(admin.ModelAdmin):
    list_display = ["__str__", "source", "position"]
    list_filter = ["source__course", "source", "modules"]
    list_select_related = ["source"]
    search_fields = ["text"]
    filter_horizontal = ["modules"]


@admin.register(LessonProgress)
class LessonProgressAdmin(admin.ModelAdmin):
    list_display = ["user", "lesson", "status", "last_viewed_at", "completed_at"]
    list_filter = ["status", "lesson__course", "lesson__module"]
    list_select_related = ["user", "lesson"]
    search_fields = ["user__username", "lesson__title"]
    readonly_fields = ["user", "lesson", "status", "started_at", "last_viewed_at", "completed_at"]

    def has_add_permission(self, request):
        return False
