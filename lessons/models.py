import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from lessons.addresses import reverse_memo
from lessons.markdown import Section, count_words, extract_sections, render_markdown

WORDS_PER_MINUTE = 200
# A lesson's learning objectives, one a line in `Lesson.objectives`: the admin and the content files
# (courseware/content.py) both allow at most this many, each at most this long.
MAX_OBJECTIVES = 4
MAX_OBJECTIVE_CHARS = 300


class CourseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Published courses, or every course for staff (who preview drafts)."""
        if user.is_staff:
            return self
        return self.filter(is_published=True)


class EnrolmentPolicy(models.TextChoices):
    OPEN = "open", _("Open: any student may enrol")
    INVITATION = "invitation", _("By invitation: instructors enrol students")


class Course(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Students see only published courses.")
    )
    sequential_modules = models.BooleanField(
        _("sequential modules"),
        default=False,
        help_text=_("A module opens only once the quizzes of the module before it are passed."),
    )
    enrolment = models.CharField(
        _("enrolment"),
        max_length=20,
        choices=EnrolmentPolicy.choices,
        default=EnrolmentPolicy.OPEN,
        # Also a database default, so rows written by code that predates the field (older servers) stay valid.
        db_default=EnrolmentPolicy.OPEN,
        help_text=_("Open: opening a lesson enrols a student. By invitation: students not enrolled are refused."),
    )
    # What the content files last gave this row; a difference from it means an instructor edited the row.
    loaded_state = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse_memo("learning:outline", course_slug=self.slug)


class SourceKind(models.TextChoices):
    """What a source is; the lesson page names it so ("Essay 000: ...", "Book 2: ...")."""

    ESSAY = "essay", _("Essay")
    ARTICLE = "article", _("Article")
    BOOK = "book", _("Book")
    WEB_PAGE = "web_page", _("Web page")
    NOTES = "notes", _("Notes")


class Source(models.Model):
    """An essay, article, book, web page or notes that lessons draw their facts from."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sources")
    key = models.SlugField(_("key"), max_length=40, help_text=_("Short stable name, e.g. 000."))
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=SourceKind.choices,
        default=SourceKind.ESSAY,
        # Also a database default, so rows written by code that predates the field stay valid.
        db_default=SourceKind.ESSAY,
    )
    title = models.CharField(_("title"), max_length=200)
    filename = models.CharField(_("file name"), max_length=200, blank=True)

    class Meta:
        ordering = ["course", "key"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.UniqueConstraint(fields=["course", "key"], name="source_key_unique_in_course"),
        ]

    def __str__(self):
        return f"{self.key}: {self.title}"


class Passage(models.Model):
    """A paragraph or group of sentences of a source, and the course themes (modules) it speaks to."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="passages")
    position = models.PositiveIntegerField(_("position"))
    text = models.TextField(_("text"))
    modules = models.ManyToManyField("Module", blank=True, related_name="passages", verbose_name=_("themes"))

    class Meta:
        ordering = ["source", "position"]
        verbose_name = _("passage")
        verbose_name_plural = _("passages")
        constraints = [
            models.UniqueConstraint(fields=["source", "position"], name="passage_position_unique_in_source"),
        ]

    def __str__(self):
        return f"{self.source.key} ¶{self.position}"


class ModuleQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.is_staff:
            return self
        return self.filter(is_published=True, course__is_published=True)


class Module(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    keywords = models.JSONField(
        _("theme keywords"),
        default=list,
        blank=True,
        help_text=_("Words and phrases that mark a passage of an imported essay as speaking to this module."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    is_published = models.BooleanField(_("published"), default=False)
    # What the content files last gave this row; a difference from it means an instructor edited the row.
    loaded_state = models.JSONField(default=dict, blank=True, editable=False)

    objects = ModuleQuerySet.as_manager()

    class Meta:
        ordering = ["course", "position", "id"]
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="module_slug_unique_in_course"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse_memo("learning:outline", course_slug=self.course.slug) + f"#module-{self.slug}"


class LessonQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Lessons a user may open: drafts anywhere up the chain hide them from students."""
        if user.is_staff:
            return self
        return self.filter(is_published=True, module__is_published=True, course__is_published=True)

    def in_reading_order(self):
        return self.order_by("module__position", "module_id", "position", "id")


class Lesson(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    # Copied from the module on save so lesson slugs can be unique per course and URLs stay short.
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons", editable=False)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, help_text=_("Unique within the course; part of the URL."))
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    objectives = models.TextField(_("learning objectives"), blank=True, help_text=_("One objective per line."))
    body = models.TextField(
        _("body"),
        help_text=_("Markdown. Give every section heading a stable anchor: ## Title {#anchor}."),
    )
    body_html = models.TextField(editable=False, blank=True)
    sections = models.JSONField(editable=False, default=list)
    word_count = models.PositiveIntegerField(editable=False, default=0)
    sources = models.ManyToManyField(Source, blank=True, related_name="lessons", verbose_name=_("sources"))
    position = models.PositiveIntegerField(_("position"), default=0)
    is_published = models.BooleanField(_("published"), default=False)
    # What the content files last gave this row; a difference from it means an instructor edited the row.
    loaded_state = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["module__position", "module_id", "position", "id"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="lesson_slug_unique_in_course"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.course_id = self.module.course_id
        self.body_html = render_markdown(self.body)
        self.sections = [
            {"anchor": s.anchor, "title": s.title, "level": s.level} for s in extract_sections(self.body_html)
        ]
        self.word_count = count_words(strip_tags(self.body_html))
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html", "sections", "word_count"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse_memo("learning:lesson", course_slug=self.course.slug, lesson_slug=self.slug)

    def clean(self):
        errors = {}
        anchors = [section.anchor for section in extract_sections(render_markdown(self.body))]
        duplicates = sorted({anchor for anchor in anchors if anchors.count(anchor) > 1})
        if duplicates:
            errors["body"] = ValidationError(
                _("Section anchors must be unique; repeated: %(anchors)s."),
                code="duplicate_anchor",
                params={"anchors": ", ".join(duplicates)},
            )
        if self.module_id and self.slug:
            taken = Lesson.objects.filter(course_id=self.module.course_id, slug=self.slug).exclude(pk=self.pk)
            if taken.exists():
                errors["slug"] = ValidationError(
                    _("Another lesson of this course already uses this slug."), code="slug_taken"
                )
        if errors:
            raise ValidationError(errors)

    @property
    def objective_list(self) -> list[str]:
        return [line.strip() for line in self.objectives.splitlines() if line.strip()]

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.word_count / WORDS_PER_MINUTE))

    @property
    def section_list(self) -> list[Section]:
        """The saved sections; a lesson not saved yet reads them from its body."""
        if self.pk is None and not self.sections:
            return extract_sections(render_markdown(self.body))
        return [Section(**section) for section in self.sections]

    @property
    def is_visible_to_students(self) -> bool:
        return self.is_published and self.module.is_published and self.course.is_published


class KeyTerm(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="key_terms")
    term = models.CharField(_("term"), max_length=120)
    definition = models.TextField(_("definition"))

    class Meta:
        ordering = ["term"]
        verbose_name = _("key term")
        verbose_name_plural = _("key terms")
        constraints = [
            models.UniqueConstraint(fields=["lesson", "term"], name="key_term_unique_in_lesson"),
        ]

    def __str__(self):
        return self.term


class LessonStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class LessonProgress(models.Model):
    """One student's state on one lesson; no row means not started."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress_records")
    status = models.CharField(
        _("status"), max_length=20, choices=LessonStatus.choices, default=LessonStatus.IN_PROGRESS
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    last_viewed_at = models.DateTimeField(_("last viewed"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="progress_unique_per_user_lesson"),
            models.CheckConstraint(
                condition=Q(status=LessonStatus.COMPLETED, completed_at__isnull=False)
                | (~Q(status=LessonStatus.COMPLETED) & Q(completed_at__isnull=True)),
                name="progress_completed_at_matches_status",
            ),
        ]

    def __str__(self):
        return f"{self.user} - {self.lesson}: {self.get_status_display()}"

    @property
    def status_label(self) -> str:
        """The status's label, as `get_status_display()` gives it, without rebuilding the field's choices."""
        return LessonStatus(self.status).label
