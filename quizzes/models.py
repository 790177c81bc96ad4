from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lessons.addresses import reverse_memo
from lessons.models import Course, Lesson, Module


class GradingMethod(models.TextChoices):
    HIGHEST = "highest", _("Highest grade")
    LATEST = "latest", _("Latest attempt")
    FIRST = "first", _("First attempt")
    AVERAGE = "average", _("Average of attempts")


class ReviewWhen(models.TextChoices):
    """When one part of an attempt's review is shown to the student (Moodle's review options)."""

    ALWAYS = "always", _("After every attempt")
    CLOSED = "closed", _("Once the quiz is passed or no attempt is left")
    NEVER = "never", _("Never")


# The parts of a review and when each shows by default, per kind of quiz. A lesson quiz points the
# student back to the lesson at once but keeps the key until the quiz is over; the final exam shows
# only the score and a per-module breakdown until then.
REVIEW_PARTS = ("correctness", "marks", "feedback", "section_link", "right_answer", "explanation")
REVIEW_DEFAULTS = {
    "lesson": {
        "correctness": ReviewWhen.ALWAYS,
        "marks": ReviewWhen.ALWAYS,
        "feedback": ReviewWhen.ALWAYS,
        "section_link": ReviewWhen.ALWAYS,
        "right_answer": ReviewWhen.CLOSED,
        "explanation": ReviewWhen.CLOSED,
    },
    "final": dict.fromkeys(REVIEW_PARTS, ReviewWhen.CLOSED),
    # A written task has no key to keep back: the rubric, mark, comment and guidance show once marked.
    "task": dict.fromkeys(REVIEW_PARTS, ReviewWhen.ALWAYS),
}


@dataclass(frozen=True)
class ReviewShown:
    """What a student may see of a finished attempt right now."""

    correctness: bool
    marks: bool
    feedback: bool
    section_link: bool
    right_answer: bool
    explanation: bool

    @classmethod
    def everything(cls) -> "ReviewShown":
        return cls(**dict.fromkeys(REVIEW_PARTS, True))

    @property
    def anything_per_question(self) -> bool:
        return any(getattr(self, part) for part in REVIEW_PARTS)


def _review_field(verbose_name, help_text, part: str) -> models.CharField:
    """When one part of the review shows; a new quiz starts from the lesson quiz's default."""
    return models.CharField(
        verbose_name,
        max_length=10,
        choices=ReviewWhen.choices,
        default=REVIEW_DEFAULTS["lesson"][part],
        help_text=help_text,
    )


class QuizQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.is_staff:
            return self
        return self.filter(is_published=True, course__is_published=True).filter(
            Q(lesson__isnull=True, module__isnull=True)
            | Q(lesson__is_published=True, lesson__module__is_published=True)
            | Q(module__is_published=True)
        )


class Quiz(models.Model):
    class Kind(models.TextChoices):
        LESSON = "lesson", _("Lesson quiz")
        FINAL = "final", _("Final exam")
        TASK = "task", _("Written task")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="quizzes")
    lesson = models.OneToOneField(
        Lesson,
        on_delete=models.CASCADE,
        related_name="quiz",
        null=True,
        blank=True,
        help_text=_("The lesson this quiz checks; empty for the final exam and a module's written task."),
    )
    module = models.OneToOneField(
        Module,
        on_delete=models.CASCADE,
        related_name="task",
        null=True,
        blank=True,
        help_text=_("Written task only: the module it belongs to (one task per module)."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.LESSON)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"), default=70, validators=[MaxValueValidator(100)])
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty for unlimited attempts."),
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty for no time limit. Enforced on the server."),
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=True)
    shuffle_choices = models.BooleanField(_("shuffle choices"), default=True)
    questions_per_attempt = models.PositiveSmallIntegerField(
        _("questions per attempt"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Draw this many questions from the pool at random; empty for all of them."),
    )
    grading_method = models.CharField(
        _("grading method"), max_length=10, choices=GradingMethod.choices, default=GradingMethod.HIGHEST
    )
    review_correctness = _review_field(
        _("review: whether each answer was right"), _("Correct / partly / incorrect per question."), "correctness"
    )
    review_marks = _review_field(_("review: marks"), _("The mark of each question."), "marks")
    review_feedback = _review_field(
        _("review: feedback on the student's choices"),
        _("The feedback written for the answers the student gave."),
        "feedback",
    )
    review_section_link = _review_field(
        _("review: link to the lesson section"), _("Where in the lesson each question is answered."), "section_link"
    )
    review_right_answer = _review_field(
        _("review: right answer"), _("The right answer of each question."), "right_answer"
    )
    review_explanation = _review_field(
        _("review: explanation"), _("The general feedback that explains the answer."), "explanation"
    )
    blueprint = models.JSONField(
        _("blueprint"),
        default=dict,
        blank=True,
        help_text=_(
            "Final exam: how many bank questions each module should have at each level, "
            'e.g. {"foundations": {"recall": 2, "understand": 3, "apply": 2}}.'
        ),
    )
    anonymous_marking = models.BooleanField(
        _("hide student names until marked"),
        default=False,
        help_text=_(
            "The marking queue shows an anonymous label instead of the student's name until the answer is marked."
        ),
    )
    is_published = models.BooleanField(_("published"), default=False)
    # What the content files last gave this row; a difference from it means an instructor edited the row.
    loaded_state = models.JSONField(default=dict, blank=True, editable=False)

    objects = QuizQuerySet.as_manager()

    class Meta:
        ordering = ["course", "kind", "lesson__module__position", "lesson__position"]
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="quiz_slug_unique_in_course"),
            models.UniqueConstraint(fields=["course"], condition=Q(kind="final"), name="one_final_exam_per_course"),
            models.CheckConstraint(condition=Q(pass_mark__lte=100), name="quiz_pass_mark_at_most_100"),
            models.CheckConstraint(
                condition=Q(kind="lesson", lesson__isnull=False, module__isnull=True)
                | Q(kind="final", lesson__isnull=True, module__isnull=True)
                | Q(kind="task", lesson__isnull=True, module__isnull=False),
                name="quiz_kind_matches_lesson",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse_memo("learning:quiz", course_slug=self.course.slug, quiz_slug=self.slug)

    @property
    def is_final(self) -> bool:
        return self.kind == self.Kind.FINAL

    @property
    def is_task(self) -> bool:
        return self.kind == self.Kind.TASK

    def review_shown(self, *, passed: bool, attempts_left: int | None) -> ReviewShown:
        """What a student sees of a finished attempt, given their standing on this quiz."""
        closed = passed or attempts_left == 0
        return ReviewShown(
            **{
                part: getattr(self, f"review_{part}") == ReviewWhen.ALWAYS
                or (getattr(self, f"review_{part}") == ReviewWhen.CLOSED and closed)
                for part in REVIEW_PARTS
            }
        )

    def question_pool(self):
        """The questions an attempt draws from: the lesson quiz's own, or the exam bank of published lessons."""
        questions = Question.objects.filter(course_id=self.course_id, pool=self.kind)
        if self.is_final:
            # Questions of draft lessons (e.g. from the essay import) stay out until an instructor publishes them.
            questions = questions.filter(lesson__is_published=True, lesson__module__is_published=True)
        elif self.is_task:
            questions = questions.filter(lesson__module_id=self.module_id)
        else:
            questions = questions.filter(lesson_id=self.lesson_id)
        return questions.select_related("lesson__module").prefetch_related("choices")


class QuestionType(models.TextChoices):
    SINGLE = "single", _("Single choice")
    TRUE_FALSE = "truefalse", _("True/false")
    MULTIPLE = "multiple", _("Multiple response")
    SHORT = "short", _("Short answer")
    MATCHING = "matching", _("Matching")
    ORDERING = "ordering", _("Ordering")
    NUMERICAL = "numerical", _("Numerical")
    DESCRIPTION = "description", _("Description (not marked)")
    WRITTEN = "written", _("Written answer")


class QuestionLevel(models.TextChoices):
    """What a question asks of the student, lowest first."""

    RECALL = "recall", _("Recall")
    UNDERSTAND = "understand", _("Understanding")
    APPLY = "apply", _("Application")
    ANALYSE = "analyse", _("Analysis")


class Question(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="questions", editable=False)
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="questions")
    key = models.CharField(
        _("key"),
        max_length=100,
        help_text=_("Stable id, GIFT's [id:...] or a Moodle idnumber, kept as given; unique in the course."),
    )
    qtype = models.CharField(_("type"), max_length=12, choices=QuestionType.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    text = models.TextField(_("question"))
    explanation = models.TextField(
        _("explanation"),
        blank=True,
        help_text=_(
            "Shown after submission (GIFT general feedback). A written answer's guidance: what a good answer "
            "covers, shown to the marker and, once marked, to the student."
        ),
    )
    section_anchor = models.SlugField(
        _("lesson section"), max_length=100, help_text=_("Anchor of the lesson section that answers the question.")
    )
    pool = models.CharField(
        _("pool"),
        max_length=10,
        choices=Quiz.Kind.choices,
        default=Quiz.Kind.LESSON,
        help_text=_("The lesson's quiz asks it, or the final exam draws it from its own bank."),
    )
    variant_group = models.SlugField(
        _("variant group"),
        max_length=60,
        blank=True,
        help_text=_("Questions of a quiz in one group test one objective; an attempt draws one of them."),
    )
    objective = models.PositiveSmallIntegerField(
        _("objective"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Number of the lesson objective it assesses (1 = the first)."),
    )
    level = models.CharField(_("level"), max_length=10, choices=QuestionLevel.choices, blank=True)
    min_words = models.PositiveIntegerField(
        _("minimum words"),
        null=True,
        blank=True,
        help_text=_("Written answer: the answer box asks for at least this many."),
    )
    max_words = models.PositiveIntegerField(
        _("maximum words"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Written answer: a submitted answer may not be longer."),
    )
    tags = models.JSONField(
        _("tags"),
        default=list,
        blank=True,
        help_text=_("Tags from GIFT or Moodle XML (a Moodle category becomes category:PATH); written back on export."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # What the content files last gave this row; a difference from it means an instructor edited the row.
    loaded_state = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["lesson", "position", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(fields=["course", "key"], name="question_key_unique_in_course"),
            models.CheckConstraint(
                condition=Q(min_words__isnull=True) | Q(max_words__isnull=True) | Q(min_words__lte=F("max_words")),
                name="question_min_words_at_most_max",
            ),
        ]

    def __str__(self):
        return self.title or self.text[:60]

    def save(self, *args, **kwargs):
        self.course_id = self.lesson.course_id
        super().save(*args, **kwargs)

    def clean(self):
        # The feedback links to lesson#anchor: an anchor the lesson lacks would be a dead link.
        if self.lesson_id is None or not self.section_anchor:
            return
        anchors = [section.anchor for section in self.lesson.section_list]
        if self.section_anchor not in anchors:
            raise ValidationError(
                {
                    "section_anchor": ValidationError(
                        _("The lesson “%(lesson)s” has no section #%(anchor)s; pick one of its sections: %(anchors)s."),
                        code="unknown_section",
                        params={
                            "lesson": self.lesson,
                            "anchor": self.section_anchor,
                            "anchors": ", ".join(f"#{anchor}" for anchor in anchors) or _("none (add headings first)"),
                        },
                    )
                }
            )

    @property
    def section_url(self) -> str:
        return f"{self.lesson.get_absolute_url()}#{self.section_anchor}"

    @property
    def is_written(self) -> bool:
        return self.qtype == QuestionType.WRITTEN

    def rubric_points(self) -> int:
        """A written answer's points total: the top level of each criterion, added up."""
        return sum(
            max((level.points for level in criterion.levels.all()), default=0) for criterion in self.criteria.all()
        )


class Choice(models.Model):
    """An answer option: a choice, an accepted short answer, a matching pair or an ordering item."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("text"), max_length=500)
    match_text = models.CharField(_("matches"), max_length=500, blank=True, help_text=_("Matching only."))
    fraction = models.DecimalField(
        _("weight"),
        max_digits=8,
        decimal_places=7,
        default=Decimal(0),
        help_text=_("1 = fully right, 0 = wrong, negative = a wrong pick that costs (multiple response)."),
    )
    feedback = models.TextField(_("feedback"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        # By the key column, not the relation: ordering by `question` would join every table of its ordering.
        ordering = ["question_id", "position", "id"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        constraints = [
            models.CheckConstraint(
                condition=Q(fraction__gte=-1, fraction__lte=1), name="choice_fraction_between_minus_one_and_one"
            ),
        ]

    def __str__(self):
        return f"{self.text} -> {self.match_text}" if self.match_text else self.text


class RubricCriterion(models.Model):
    """One thing a written answer is judged on; its levels are the marks a marker can give for it."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), max_length=1000, blank=True)

    class Meta:
        ordering = ["question", "position", "id"]
        verbose_name = _("rubric criterion")
        verbose_name_plural = _("rubric criteria")

    def __str__(self):
        return self.title


class RubricLevel(models.Model):
    """A level of a criterion: the points it gives and the work it describes (the lowest gives 0)."""

    criterion = models.ForeignKey(RubricCriterion, on_delete=models.CASCADE, related_name="levels")
    position = models.PositiveIntegerField(_("position"), default=0)
    points = models.PositiveSmallIntegerField(_("points"), validators=[MaxValueValidator(100)])
    description = models.TextField(_("description"), max_length=1000)

    class Meta:
        ordering = ["criterion", "position", "points", "id"]
        verbose_name = _("rubric level")
        verbose_name_plural = _("rubric levels")
        constraints = [
            models.CheckConstraint(condition=Q(points__lte=100), name="rubric_level_points_at_most_100"),
        ]

    def __str__(self):
        return f"{self.points}: {self.description[:40]}"


class AttemptQuerySet(models.QuerySet):
    def finished(self):
        return self.filter(status=Attempt.Status.FINISHED)


class Attempt(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        FINISHED = "finished", _("Finished")
        AWAITING_MARKING = "awaiting_marking", _("Awaiting marking")

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts")
    number = models.PositiveSmallIntegerField(_("attempt number"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    started_at = models.DateTimeField(_("started"))
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    closed_at_deadline = models.BooleanField(_("closed at the deadline"), default=False)
    score = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["quiz", "user", "number"]
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        constraints = [
            models.UniqueConstraint(fields=["quiz", "user", "number"], name="attempt_number_unique"),
            models.UniqueConstraint(
                fields=["quiz", "user"], condition=Q(status="in_progress"), name="one_open_attempt_per_quiz"
            ),
            models.CheckConstraint(
                condition=Q(status="in_progress", finished_at__isnull=True, score__isnull=True)
                | Q(status="finished", finished_at__isnull=False, score__gte=0, score__lte=100)
                # Submitted, every written answer not yet marked: no score until the last one is.
                | Q(status="awaiting_marking", finished_at__isnull=False, score__isnull=True, passed__isnull=True),
                name="attempt_score_set_when_finished",
            ),
        ]

    def __str__(self):
        return f"{self.user} - {self.quiz} #{self.number}"

    def get_absolute_url(self):
        return reverse_memo("learning:attempt", course_slug=self.quiz.course.slug, attempt_id=self.pk)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.IN_PROGRESS

    @property
    def is_awaiting_marking(self) -> bool:
        return self.status == self.Status.AWAITING_MARKING


class AttemptQuestion(models.Model):
    """One question as it stood when the attempt began: grading and review read the snapshot, never the live row."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="slots")
    position = models.PositiveSmallIntegerField()
    question = models.ForeignKey(Question, on_delete=models.SET_NULL, null=True, related_name="attempt_slots")
    snapshot = models.JSONField()
    response = models.JSONField(null=True, blank=True)
    mark = models.DecimalField(max_digits=8, decimal_places=7, null=True, blank=True)
    # A written answer, marked by hand: who marked it and when, the level chosen per criterion
    # ({criterion id: level id}, ids of the snapshot's rubric) and the comment to the student.
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    marked_at = models.DateTimeField(_("marked"), null=True, blank=True)
    rubric_levels = models.JSONField(_("rubric levels"), null=True, blank=True)
    marker_comment = models.TextField(_("comment to the student"), blank=True)

    class Meta:
        # By the key column, not the relation: ordering by `attempt` would join quiz, course, lesson and module.
        ordering = ["attempt_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="attempt_slot_position_unique"),
            models.CheckConstraint(condition=Q(mark__gte=0, mark__lte=1) | Q(mark__isnull=True), name="slot_mark_0_1"),
        ]

    def __str__(self):
        return f"{self.attempt} Q{self.position}"
