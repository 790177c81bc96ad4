"""A quiz's questions in and out as GIFT or Moodle XML files, for instructors: preview, import and export.

A file starting with '<' is read as Moodle XML (quizzes/moodle_xml.py), anything else as GIFT; both give
the same question records, so what follows holds for both (in XML, `[id:]` is <idnumber>, tags are <tags>).
A file over MAX_IMPORT_BYTES is refused before it is parsed, one over MAX_IMPORT_QUESTIONS after.

On top of the content-file conventions (README "Quizzes (GIFT)"):

- `// [id:key]` matches a question of the course: import updates it (its version goes up) or leaves it
  unchanged. A question without one gets the key `<quiz-slug>-<10 hex digits of the SHA-256 of its text>`,
  so importing the same file again updates instead of duplicating. Keys are unique in a course.
- `// [tag:section:anchor]` must name a section of the question's lesson; without it the question links to
  the lesson's first section.
- `// [tag:lesson:lesson-slug]` names the lesson a question belongs to. The final exam draws from the whole
  course, so each of its questions must carry one (its export writes them); in a lesson quiz it may only
  name the quiz's own lesson.
- Other `[tag:]`s are kept on the question and written back on export; a `$CATEGORY:` becomes the tag
  `category:PATH`. Keys are kept as given (a Moodle idnumber such as `Q1` or `q_1` round-trips).
- Numerical questions and descriptions import; essay items (`{}`, Moodle's `essay`) import as written answers,
  marked by hand, with an empty rubric the linter flags (Q112) until an instructor writes one in the admin.
  A question without an explanation (`####`) imports with a warning (linter rule Q111).
- Import creates and updates, never deletes. New questions go after the lesson's existing ones; updated
  questions keep their place. One refused question or a parse error refuses the whole file, and every
  problem of the file is reported at once.
"""

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum

from django.db import transaction
from django.db.models import Max

from courseware.quiz_loading import (
    GROUP_TAG,
    LEVEL_TAG,
    OBJECTIVE_TAG,
    SUPPORTED_TYPES,
    desired_question_state,
    item_metadata,
    item_metadata_problems,
    item_metadata_tags,
    model_qtype,
    question_state,
    question_write,
)
from lessons.models import Lesson
from quizzes.gift import (
    MAX_QUESTIONS,
    ORDERING_TAG,
    SECTION_TAG_PREFIX,
    GiftAnswer,
    GiftError,
    GiftQuestion,
    parse_gift,
    write_gift,
)
from quizzes.gift import QuestionType as GiftType
from quizzes.grading import numerical_bounds
from quizzes.linting import lint_item_from_gift, lint_items
from quizzes.models import Choice, Question, QuestionType, Quiz
from quizzes.moodle_xml import MoodleXmlError, looks_like_xml, parse_moodle_xml, write_moodle_xml
from quizzes.validation import ChoiceSpec, choice_problems

LESSON_TAG_PREFIX = "lesson:"
KEY_HASH_LENGTH = 10
CATEGORY_TAG_PREFIX = "category:"
# Limits of one import file, checked before parsing (size) and after (questions).
MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_IMPORT_QUESTIONS = MAX_QUESTIONS
# Tags that set fields of the question rather than being kept as its tags.
FIELD_TAG_PREFIXES = (SECTION_TAG_PREFIX, LESSON_TAG_PREFIX, GROUP_TAG, OBJECTIVE_TAG, LEVEL_TAG)


class ImportAction(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    REFUSED = "refused"


@dataclass
class PlannedQuestion:
    """What importing one question of a file does, and why it is refused or what was assumed."""

    gift: GiftQuestion
    key: str
    action: ImportAction = ImportAction.REFUSED
    lesson: Lesson | None = None
    section: str = ""
    pool: str = Quiz.Kind.LESSON
    existing: Question | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Findings of the question linter: the question imports, but a student might answer it unread.
    warnings: list[str] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.gift.line

    @property
    def type_label(self) -> str:
        return dict(QuestionType.choices).get(model_qtype(self.gift.qtype), str(self.gift.qtype))

    @property
    def label(self) -> str:
        """The question's title, or the start of its text when it has none."""
        text = self.gift.title or self.gift.text
        return text if len(text) <= 80 else f"{text[:79]}…"


@dataclass
class ImportPreview:
    """What importing a file into a quiz would do, question by question; nothing is written."""

    filename: str
    questions: list[PlannedQuestion] = field(default_factory=list)
    # Why the file cannot be read at all, each as 'file:line: reason'.
    errors: list[str] = field(default_factory=list)
    # Linter findings about the file as a whole (a pool's option lengths, the true/false balance).
    warnings: list[str] = field(default_factory=list)

    @property
    def error(self) -> str:
        return "\n".join(self.errors)

    @property
    def problems(self) -> list[str]:
        """Every reason the file is refused, each as 'file:line: reason'; empty when it can be imported."""
        if self.errors:
            return self.errors
        return [
            f"{self.filename}:{planned.line}: {problem}" for planned in self.questions for problem in planned.problems
        ]

    @property
    def is_importable(self) -> bool:
        return not self.problems

    @property
    def counts(self) -> dict[str, int]:
        counts = Counter(planned.action for planned in self.questions)
        return {action.value: counts[action] for action in ImportAction}


@dataclass
class ImportResult:
    """What an import did, in file order."""

    questions: list[PlannedQuestion]

    def keys(self, action: ImportAction) -> list[str]:
        return [planned.key for planned in self.questions if planned.action == action]

    @property
    def created(self) -> list[str]:
        return self.keys(ImportAction.CREATE)

    @property
    def updated(self) -> list[str]:
        return self.keys(ImportAction.UPDATE)

    @property
    def unchanged(self) -> list[str]:
        return self.keys(ImportAction.UNCHANGED)


class GiftImportError(Exception):
    """A file refused as a whole; `problems` lists every reason as 'file:line: reason'."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class GiftExportError(Exception):
    """A question that cannot be written as GIFT that reads back the same."""


def quiz_by_reference(reference: str) -> Quiz:
    """The quiz a command names: its id, its slug when only one course uses it, or COURSE_SLUG/QUIZ_SLUG.

    Raises LookupError with a message for the user when none or several match.
    """
    quizzes = Quiz.objects.select_related("course", "lesson")
    if reference.isdigit():
        quizzes = quizzes.filter(pk=int(reference))
    elif "/" in reference:
        course_slug, _, slug = reference.partition("/")
        quizzes = quizzes.filter(course__slug=course_slug, slug=slug)
    else:
        quizzes = quizzes.filter(slug=reference)
    found = list(quizzes[:2])
    if not found:
        raise LookupError(f"No quiz {reference!r}: give its id, its slug, or COURSE_SLUG/QUIZ_SLUG.")
    if len(found) > 1:
        raise LookupError(f"Several courses have a quiz {reference!r}: write COURSE_SLUG/{reference} or use the id.")
    return found[0]


def gift_import_preview(*, quiz: Quiz, text: str, filename: str, lint: bool = True) -> ImportPreview:
    """Say what importing `text` into the quiz's lesson (or course, for the final exam) would do.

    A file that does not parse gives a preview with no questions whose `errors` list every malformed
    question as 'file:line: reason'. `lint=False` leaves out the linter's warnings, which refuse nothing.
    """
    size = len(text.encode())
    if size > MAX_IMPORT_BYTES:
        return ImportPreview(
            filename=filename,
            errors=[f"{filename}: the file is {size:,} bytes; the limit is {MAX_IMPORT_BYTES:,} bytes, split it"],
        )
    try:
        gifts, notes = _read_questions(text, filename=filename)
    except (GiftError, MoodleXmlError) as error:
        return ImportPreview(filename=filename, errors=error.messages)
    if not gifts:
        return ImportPreview(filename=filename, errors=[f"{filename}: the file holds no questions"])
    if len(gifts) > MAX_IMPORT_QUESTIONS:
        return ImportPreview(
            filename=filename,
            errors=[f"{filename}: {len(gifts)} questions; the limit is {MAX_IMPORT_QUESTIONS} a file, split it"],
        )

    lessons = _target_lessons(quiz)
    planned = _planned_with_keys(quiz, gifts)
    for question, read_notes in zip(planned, notes, strict=True):
        question.notes += read_notes
    existing = {
        question.key: question
        for question in Question.objects.filter(
            course_id=quiz.course_id, key__in=[question.key for question in planned]
        )
        .select_related("lesson")
        .prefetch_related("choices")
    }
    for question in planned:
        _plan(question, quiz=quiz, lessons=lessons, existing=existing.get(question.key))
        if question.problems:
            question.action = ImportAction.REFUSED
    preview = ImportPreview(filename=filename, questions=planned)
    if lint:
        _lint(preview, pool=quiz.slug)
    return preview


def _read_questions(text: str, *, filename: str) -> tuple[list[GiftQuestion], list[list[str]]]:
    """The questions of a GIFT or Moodle XML file, and what reading each one dropped."""
    if looks_like_xml(text):
        read = parse_moodle_xml(text, filename=filename)
        return [question.gift for question in read], [question.notes for question in read]
    gifts = parse_gift(text, filename=filename)
    return gifts, [[] for _ in gifts]


def _lint(preview: ImportPreview, *, pool: str) -> None:
    """Attach the question linter's findings on the file's questions as warnings; they refuse nothing."""
    items = [
        replace(
            lint_item_from_gift(
                planned.gift,
                pool=pool,
                known_sections=frozenset(section.anchor for section in planned.lesson.section_list),
            ),
            key=planned.key,
        )
        for planned in preview.questions
        if planned.lesson is not None
    ]
    by_key = {planned.key: planned for planned in preview.questions}
    for finding in lint_items(items):
        warning = f"{finding.code} {finding.message}"
        if finding.key in by_key:
            by_key[finding.key].warnings.append(warning)
        else:
            preview.warnings.append(warning)


@transaction.atomic
def gift_import(*, quiz: Quiz, text: str, filename: str) -> ImportResult:
    """Create and update the questions of a GIFT file for the quiz, or nothing at all.

    Raises GiftImportError listing every problem (with line numbers) when the file does not parse
    or any question is refused. An updated question gets a new version; attempts keep their snapshots.
    """
    # The linter's warnings were shown at preview; they change nothing here, and cost most of the time.
    preview = gift_import_preview(quiz=quiz, text=text, filename=filename, lint=False)
    if not preview.is_importable:
        raise GiftImportError(preview.problems)

    new = [planned for planned in preview.questions if planned.action == ImportAction.CREATE]
    changed = [planned for planned in preview.questions if planned.action == ImportAction.UPDATE]
    last_positions = dict(
        Question.objects.filter(lesson__in={planned.lesson.pk for planned in new})
        .values("lesson")
        .annotate(last=Max("position"))
        .values_list("lesson", "last")
    )
    for planned in new:
        position = last_positions.get(planned.lesson.pk, 0) + 1
        last_positions[planned.lesson.pk] = position
        _write(Question(key=planned.key, position=position), planned)
    for planned in changed:
        _write(planned.existing, planned)
    return ImportResult(questions=preview.questions)


def gift_export(*, quiz: Quiz) -> str:
    """The quiz's question pool as GIFT, with `[id:]`, `section:` (and for the final exam `lesson:`) tags.

    Importing the text back into the same quiz changes nothing. Raises GiftExportError naming a question
    (edited in the admin) that GIFT cannot express.
    """
    return gift_from_questions(quiz.question_pool(), lesson_tags=quiz.is_final)


def xml_export(*, quiz: Quiz) -> str:
    """The quiz's question pool as Moodle XML, with the same ids and tags as its GIFT export.

    Importing it back into the same quiz changes nothing. Raises GiftExportError naming a question
    that does not read back the same.
    """
    gifts = [_gift_question(question, lesson_tag=quiz.is_final) for question in quiz.question_pool()]
    for gift in gifts:
        _check_reads_back(gift)
        (read,) = parse_moodle_xml(write_moodle_xml([gift]), filename=gift.key)
        if _xml_comparable(read.gift) != _xml_comparable(gift):
            raise GiftExportError(f"question {gift.key!r} does not read back the same from Moodle XML")
    return write_moodle_xml(gifts)


def _xml_comparable(gift: GiftQuestion) -> tuple:
    """What Moodle XML must keep of a question: a range may come back as value:tolerance, a category as a tag."""
    answers = [
        (numerical_bounds(a.text) if gift.qtype is GiftType.NUMERICAL else a.text, a.fraction, a.feedback, a.match)
        for a in gift.answers
    ]
    tags = {*gift.tags, *([f"{CATEGORY_TAG_PREFIX}{gift.category}"] if gift.category else [])}
    return (gift.qtype, gift.title, gift.text, gift.explanation, gift.key, sorted(tags), answers)


def gift_from_questions(questions: Iterable[Question], *, lesson_tags: bool) -> str:
    """Write questions (with their choices and lessons loaded) as GIFT, checking that each reads back the same."""
    gifts = []
    for question in questions:
        gift = _gift_question(question, lesson_tag=lesson_tags)
        _check_reads_back(gift)
        gifts.append(gift)
    return write_gift(gifts)


def _target_lessons(quiz: Quiz) -> dict[str, Lesson]:
    """The lessons an import into this quiz may put questions in, by slug."""
    if quiz.is_final:
        return {lesson.slug: lesson for lesson in Lesson.objects.filter(course_id=quiz.course_id)}
    return {quiz.lesson.slug: quiz.lesson}


def _planned_with_keys(quiz: Quiz, gifts: list[GiftQuestion]) -> list[PlannedQuestion]:
    """Plan each question under its [id:], or a key generated from its text; a repeated text gets -2, -3, ...

    The numbering follows file order, so importing the same file again finds the same keys.
    """
    planned, seen = [], Counter()
    taken = {gift.key for gift in gifts if gift.key}
    for gift in gifts:
        question = PlannedQuestion(gift=gift, key=gift.key)
        if not gift.key:
            base = _generated_key(quiz, gift)
            seen[base] += 1
            question.key = base if seen[base] == 1 else f"{base}-{seen[base]}"
            while question.key in taken:
                seen[base] += 1
                question.key = f"{base}-{seen[base]}"
            taken.add(question.key)
            if seen[base] > 1:
                question.notes.append(f"same text as an earlier question without [id:]; numbered {question.key}")
        planned.append(question)
    return planned


def _generated_key(quiz: Quiz, gift: GiftQuestion) -> str:
    prefix = re.sub(r"[^a-z0-9]+", "-", quiz.slug.lower()).strip("-")
    return f"{prefix}-{hashlib.sha256(gift.text.encode()).hexdigest()[:KEY_HASH_LENGTH]}"


def _plan(planned: PlannedQuestion, *, quiz: Quiz, lessons: dict[str, Lesson], existing: Question | None) -> None:
    """Fill in the lesson, section, problems, notes and action of one question."""
    gift, problems, notes = planned.gift, planned.problems, planned.notes
    if model_qtype(gift.qtype) not in SUPPORTED_TYPES:
        problems.append(f"{gift.qtype} questions are not supported")
        return
    if model_qtype(gift.qtype) == QuestionType.WRITTEN and (existing is None or not existing.criteria.exists()):
        notes.append("a written answer, marked by hand: give it a rubric in the admin before students meet it")
    if not gift.key:
        notes.append(f"no [id:]; key {planned.key} generated from its text")
    if len(planned.key) > Question._meta.get_field("key").max_length:
        problems.append(f"key {planned.key!r} is longer than {Question._meta.get_field('key').max_length} characters")

    planned.pool = quiz.kind
    planned.lesson = _question_lesson(planned, quiz=quiz, lessons=lessons)
    if planned.lesson is not None:
        planned.section = _question_section(planned, planned.lesson)
    if existing is not None and not quiz.is_final and existing.lesson_id != quiz.lesson_id:
        problems.append(
            f"key {planned.key!r} belongs to a question of lesson {existing.lesson.slug!r}; keys are unique in "
            "the course, so change the [id:] (or remove it to have one generated)"
        )
    problems += _length_problems(gift)
    problems += choice_problems(
        str(gift.qtype), [ChoiceSpec(text=a.text, fraction=a.fraction, match=a.match) for a in gift.answers]
    )
    if planned.lesson is not None:
        problems += item_metadata_problems(gift, objective_count=len(planned.lesson.objective_list))
    if gift.category:
        notes.append(f"category {gift.category!r} is kept as the tag {CATEGORY_TAG_PREFIX}{gift.category}")
    if gift.text_format:
        notes.append(f"format marker [{gift.text_format}] is ignored: question text is plain text")
    if problems:
        return
    if existing is None:
        planned.action = ImportAction.CREATE
        return
    planned.existing = existing
    current = _comparable(
        {**question_state(existing, list(existing.choices.all())), "tags": existing.tags}, existing.lesson.slug
    )
    desired = _comparable(
        {
            **desired_question_state(gift, existing.position, pool=quiz.kind),
            "section_anchor": planned.section,
            "tags": question_tags(gift),
        },
        planned.lesson.slug,
    )
    planned.action = ImportAction.UNCHANGED if current == desired else ImportAction.UPDATE


def question_tags(gift: GiftQuestion) -> list[str]:
    """The tags a question keeps: its GIFT tags that set no field, then its category as `category:PATH`."""
    tags = [tag for tag in gift.tags if not tag.startswith(FIELD_TAG_PREFIXES) and tag != ORDERING_TAG]
    category = f"{CATEGORY_TAG_PREFIX}{gift.category}"
    if gift.category and category not in tags:
        tags.append(category)
    return tags


def _question_lesson(planned: PlannedQuestion, *, quiz: Quiz, lessons: dict[str, Lesson]) -> Lesson | None:
    named = next(
        (tag.removeprefix(LESSON_TAG_PREFIX) for tag in planned.gift.tags if tag.startswith(LESSON_TAG_PREFIX)), ""
    )
    if not quiz.is_final:
        if named and named != quiz.lesson.slug:
            planned.problems.append(
                f"tagged lesson:{named}, but this quiz's questions belong to lesson {quiz.lesson.slug!r}; "
                f"import it into that lesson's quiz or remove the tag"
            )
        return quiz.lesson
    if not named:
        planned.problems.append(
            "the final exam draws from every lesson, so each question must name its lesson: "
            "add // [tag:lesson:<lesson-slug>]"
        )
        return None
    if named not in lessons:
        planned.problems.append(f"no lesson {named!r} in this course")
        return None
    return lessons[named]


def _question_section(planned: PlannedQuestion, lesson: Lesson) -> str:
    anchors = [section.anchor for section in lesson.section_list]
    section = planned.gift.section
    if not section:
        if not anchors:
            planned.problems.append(f"no section: tag, and lesson {lesson.slug!r} has no sections to link to")
            return ""
        planned.notes.append(f"no section: tag; links to the lesson's first section, #{anchors[0]}")
        return anchors[0]
    if section not in anchors:
        planned.problems.append(
            f"section {section!r} is not a section of lesson {lesson.slug!r} (one of: {', '.join(anchors) or 'none'})"
        )
    return section


def _length_problems(gift: GiftQuestion) -> list[str]:
    title_limit = Question._meta.get_field("title").max_length
    text_limit = Choice._meta.get_field("text").max_length
    problems = []
    if len(gift.title) > title_limit:
        problems.append(f"the title is longer than {title_limit} characters")
    if any(len(answer.text) > text_limit or len(answer.match) > text_limit for answer in gift.answers):
        problems.append(f"an answer is longer than {text_limit} characters")
    return problems


def _comparable(state: dict, lesson_slug: str) -> dict:
    """A question's state for telling "update" from "unchanged": position is not the file's to change.

    Numerical answers compare by the numbers they accept: Moodle XML writes the range 1640..1650 as 1645:5.
    """
    state = {**{name: value for name, value in state.items() if name != "position"}, "lesson": lesson_slug}
    if state["qtype"] == GiftType.NUMERICAL:
        state["choices"] = [[str(numerical_bounds(text)), *rest] for text, *rest in state["choices"]]
    return state


def _write(question: Question, planned: PlannedQuestion) -> None:
    gift = planned.gift
    values = {
        "qtype": model_qtype(gift.qtype),
        "title": gift.title,
        "text": gift.text,
        "explanation": gift.explanation,
        "section_anchor": planned.section,
        "pool": planned.pool,
        "tags": question_tags(gift),
        **item_metadata(gift),
    }
    question_write(question, lesson=planned.lesson, values=values, answers=gift.answers)


def _clean(text: str) -> str:
    """Text as GIFT keeps it: Unix line ends, no surrounding blanks (the admin's text areas send CRLF)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _gift_question(question: Question, *, lesson_tag: bool) -> GiftQuestion:
    tags = [f"{SECTION_TAG_PREFIX}{question.section_anchor}"]
    if lesson_tag:
        tags.append(f"{LESSON_TAG_PREFIX}{question.lesson.slug}")
    tags += item_metadata_tags(question)
    tags += [tag for tag in question.tags if tag not in tags]
    if question.qtype == GiftType.ORDERING:
        tags.append(ORDERING_TAG)
    return GiftQuestion(
        qtype=GiftType.ESSAY if question.qtype == QuestionType.WRITTEN else GiftType(question.qtype),
        text=_clean(question.text),
        answers=[
            GiftAnswer(_clean(choice.text), choice.fraction, _clean(choice.feedback), _clean(choice.match_text))
            for choice in question.choices.all()
        ],
        title=_clean(question.title),
        key=question.key,
        tags=tags,
        explanation=_clean(question.explanation),
    )


def _check_reads_back(gift: GiftQuestion) -> None:
    if gift.qtype is GiftType.TRUE_FALSE and sorted(answer.text for answer in gift.answers) != ["False", "True"]:
        raise GiftExportError(f"question {gift.key!r}: a true/false question needs the choices True and False")
    try:
        (read,) = parse_gift(write_gift([gift]), filename=gift.key)
    except GiftError as error:
        raise GiftExportError(f"question {gift.key!r} cannot be written as GIFT: {error.reason}") from None
    if read != gift:
        raise GiftExportError(
            f"question {gift.key!r} does not read back the same from GIFT; check its type, text and choices"
        )
