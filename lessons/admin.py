import reversion
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from reversion.admin import VersionAdmin

from lessons.forms import LineListField, MarkdownEditor, NormalisedTextField
from lessons.markdown import MAX_BODY_CHARS, markdown_preview
from lessons.models import (
    MAX_OBJECTIVE_CHARS,
    MAX_OBJECTIVES,
    Course,
    KeyTerm,
    Lesson,
    LessonProgress,
    Module,
    Passage,
    Source,
)


class NormalisedTextMixin:
    """Textareas save LF line endings, so a form posted back unchanged by a browser (CRLF) changes nothing."""

    formfield_overrides = {models.TextField: {"form_class": NormalisedTextField}}


class ContentAdmin(NormalisedTextMixin, VersionAdmin):
    """Admin for course content: every save is kept as a revision (who, when) that can be restored."""

    history_latest_first = True

    class Media:
        css = {"all": ["css/admin.css"]}


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


class LessonAdminForm(forms.ModelForm):
    """A lesson whose body is written in a Markdown editor; a "Preview the body" submit renders it and saves nothing."""

    body = NormalisedTextField(
        label=_("body"),
        max_length=MAX_BODY_CHARS,
        widget=MarkdownEditor,
        help_text=Lesson._meta.get_field("body").help_text,
    )
    objectives = LineListField(
        label=_("learning objectives"),
        item_label=_("Objective"),
        max_items=MAX_OBJECTIVES,
        max_chars=MAX_OBJECTIVE_CHARS,
        help_text=format_lazy(
            _(
                "What a student can do after the lesson, one per row, in order: at most {max}, each at most "
                "{chars} characters. Blank rows are ignored."
            ),
            max=MAX_OBJECTIVES,
            chars=MAX_OBJECTIVE_CHARS,
        ),
    )

    class Meta:
        model = Lesson
        fields = ["module", "title", "slug", "position", "is_published", "summary", "objectives", "body", "sources"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.previewing = self.is_bound and "_preview" in self.data
        if "body" in self.fields:
            self.fields["body"].widget.show_preview = self.previewing

    def clean_objectives(self) -> str:
        objectives = self.cleaned_data["objectives"]
        # The list as stored keeps the stored text as it is (spacing, blank lines): a no-op save changes nothing.
        if self.instance.pk and objectives.splitlines() == self.instance.objective_list:
            return self.instance.objectives
        return objectives

    def is_valid(self):
        # A preview re-renders the form with what was typed, and the admin saves only a valid form.
        return super().is_valid() and not self.previewing


@admin.register(Lesson)
class LessonAdmin(PublishActionsMixin, ContentAdmin):
    form = LessonAdminForm
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

    def get_urls(self):
        view = self.admin_site.admin_view(require_POST(self.body_preview_view))
        return [path("preview/", view, name="lessons_lesson_preview"), *super().get_urls()]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "body" in form.base_fields:
            form.base_fields["body"].widget.preview_url = reverse("admin:lessons_lesson_preview")
        return form

    def body_preview_view(self, request):
        """The body as the lesson page renders it (htmx posts it as the instructor types); nothing is saved."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        preview = markdown_preview(request.POST.get("body", ""))
        return TemplateResponse(request, "admin/lessons/lesson/markdown_preview.html", {"preview": preview})


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
