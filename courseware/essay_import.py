"""Import plain-text essays: sources, passages, themes, and draft lessons and questions for instructors.

Each essay becomes a source (keyed by its file name) and numbered passages, and each passage is
linked to the modules (themes) whose keywords it uses. Every module with passages then gets one
draft lesson, `<module>-essay-readings`, quoting its passages source by source with citations,
and draft fill-in-the-blank questions on the key terms those passages contain. Nothing is ever
published here, a published lesson is never touched, and importing the same files again updates
rows in place; rows an instructor has edited since the import made them are kept as they are.
"""

import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify

from courseware.essays import (
    EssayText,
    blank_term,
    escape_markdown,
    find_terms,
    match_themes,
    sentence_with_term,
    source_key_for,
    split_essay,
    term_forms,
)
from courseware.quiz_loading import question_write
from courseware.sync import LoadReport, sync_row
from lessons.caching import course_changed
from lessons.models import Course, KeyTerm, Lesson, Module, Passage, Source
from quizzes.gift import GiftAnswer
from quizzes.grading import normalize_answer
from quizzes.models import Question, QuestionType, Quiz

MAX_ESSAY_BYTES = 200 * 1024
LESSON_SLUG_SUFFIX = "-essay-readings"
QUESTION_KEY_PREFIX = "essay-"
MAX_BLANKS_PER_PASSAGE = 2
FRACTION_PLACES = Decimal("0.0000001")


class EssayFileError(ValueError):
    """An uploaded or named essay file that cannot be read; the message names the file and says why."""


class EssayImportError(ValueError):
    """Essays that cannot be imported together; `problems` holds one message per problem."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


class EssayPlanChanged(Exception):
    """The import would now do something other than what was previewed; it was rolled back, `report` says what."""

    def __init__(self, report: "EssayImportReport"):
        super().__init__("the course changed since the preview")
        self.report = report


@dataclass
class ThemeCount:
    module: Module
    passages: int


@dataclass
class EssayReport:
    """What one essay gave: its source, how many passages, and the themes they speak to."""

    source: Source
    passages: int
    themes: list[ThemeCount] = field(default_factory=list)

    @property
    def source_label(self) -> str:
        return f"essay {self.source.key}"


@dataclass
class DraftLessonReport:
    """A module's draft lesson of essay readings: how many passages it quotes and questions it holds."""

    lesson: Lesson
    passages: int
    questions: int
    kept: bool = False


@dataclass
class EssayImportReport:
    """What `essays_import` did, per essay and per row, for the command, the admin page and the tests."""

    course: Course
    essays: list[EssayReport] = field(default_factory=list)
    changes: LoadReport = field(default_factory=LoadReport)
    removed: list[str] = field(default_factory=list)
    lessons: list[DraftLessonReport] = field(default_factory=list)

    KINDS = ("source", "passage", "lesson", "quiz", "question")

    @property
    def changes_nothing(self) -> bool:
        return not (self.changes.created or self.changes.updated or self.removed)

    @property
    def counts(self) -> list[dict]:
        """Per kind of row (source, passage, lesson, quiz, question): how many are created, updated, ... removed."""
        tallies = {
            action: Counter(label.split(" ", 1)[0] for label in labels)
            for action, labels in (
                ("created", self.changes.created),
                ("updated", self.changes.updated),
                ("unchanged", self.changes.unchanged),
                ("kept", self.changes.kept),
                ("removed", self.removed),
            )
        }
        return [{"kind": kind, **{action: tally[kind] for action, tally in tallies.items()}} for kind in self.KINDS]

    @property
    def warnings(self) -> list[str]:
        """What an instructor should know before confirming: rows kept as edited, rows removed, unused essays."""
        warnings = [
            f"{essay.source_label}: no passage uses any module's keywords" for essay in self.essays if not essay.themes
        ]
        warnings += [
            f"kept {label}" if "(" in label else f"kept {label}: edited since the import made it, so it stays as it is"
            for label in self.changes.kept
        ]
        warnings += [f"removes {label}: no longer in the essays" for label in self.removed]
        return warnings

    @property
    def fingerprint(self) -> str:
        """A digest of every row's action: equal fingerprints mean an import does the same as its preview."""
        changes = self.changes
        plan = [changes.created, changes.updated, changes.unchanged, changes.kept, self.removed]
        return hashlib.sha256(json.dumps(plan).encode()).hexdigest()


def essay_file_read(*, name: str, data: bytes) -> str:
    """The text of an essay file, or EssayFileError: it must be a .txt file of at most 200 KB in UTF-8."""
    if not name.lower().endswith(".txt"):
        raise EssayFileError(f"{name}: only plain-text .txt files can be imported.")
    if len(data) > MAX_ESSAY_BYTES:
        raise EssayFileError(f"{name}: the file is larger than 200 KB, the most an essay may be.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise EssayFileError(f"{name}: the file is not UTF-8 text; save it as UTF-8 and try again.") from None
    if "\x00" in text:
        raise EssayFileError(f"{name}: the file holds binary data, not plain text.")
    if not text.strip():
        raise EssayFileError(f"{name}: the file is empty.")
    return text


def essay_lesson_slug(module: Module) -> str:
    """The slug of a module's draft lesson of essay readings."""
    return f"{module.slug[: 80 - len(LESSON_SLUG_SUFFIX)]}{LESSON_SLUG_SUFFIX}"


def essay_section_anchor(source: Source) -> str:
    """The anchor of a source's section in the draft lessons, e.g. essay-000."""
    return f"essay-{slugify(source.key)}"


def _parse(files: list[tuple[str, str]]) -> list[tuple[str, str, EssayText]]:
    problems, parsed, names_by_key = [], [], {}
    for name, text in files:
        key = source_key_for(name)
        essay = split_essay(text)
        if not key:
            problems.append(f"{name}: no source key can be made from this file name; use letters or digits.")
        elif key in names_by_key:
            problems.append(f"{names_by_key[key]} and {name} would both be source {key}; import one of them.")
        elif not essay.passages:
            problems.append(f"{name}: no paragraph or sentence of text was found.")
        else:
            names_by_key[key] = name
            parsed.append((name, key, essay))
    if problems:
        raise EssayImportError(problems)
    return parsed


def essays_import_preview(*, course: Course, files: list[tuple[str, str]]) -> EssayImportReport:
    """What `essays_import` would do, row by row; nothing is written.

    The import runs for real inside a transaction that is then rolled back, so the preview cannot
    drift from the import. Raises EssayImportError like the import.
    """
    try:
        with transaction.atomic():
            raise EssayPlanChanged(_import(course, files))
    except EssayPlanChanged as rolled_back:
        return rolled_back.report


@transaction.atomic
def essays_import(*, course: Course, files: list[tuple[str, str]], expect: str | None = None) -> EssayImportReport:
    """Import essays given as (file name, text) into a course, idempotently; nothing is published.

    Raises EssayImportError, having written nothing, when a file has no text or two files would
    share a source key. With `expect`, the fingerprint of a preview, raises EssayPlanChanged, having
    written nothing, when the import would now do anything other than what that preview showed.
    """
    report = _import(course, files)
    if expect is not None and report.fingerprint != expect:
        # Leaving the atomic block by an exception rolls back everything the import wrote.
        raise EssayPlanChanged(report)
    return report


def _import(course: Course, files: list[tuple[str, str]]) -> EssayImportReport:
    essays = _parse(files)
    # Imports into one course run one at a time, so two uploads of a new essay cannot both create it.
    course = Course.objects.select_for_update().get(pk=course.pk)
    report = EssayImportReport(course=course)
    modules = list(Module.objects.filter(course=course).order_by("position", "id"))
    keywords = {module: _keywords(module) for module in modules}
    for name, key, essay in essays:
        report.essays.append(_import_essay(course, name, key, essay, keywords, report.changes, report.removed))
    _sync_draft_lessons(course, modules, report)
    # Some rows are bulk-written, which sends no signals: the course's cached pages go here.
    course_changed(course.pk)
    return report


def _keywords(module: Module) -> list[str]:
    # The admin edits keywords as raw JSON: anything but a list of strings counts as no keywords.
    keywords = module.keywords if isinstance(module.keywords, list) else []
    return [keyword for keyword in keywords if isinstance(keyword, str) and keyword.strip()]


def _import_essay(
    course, name: str, key: str, essay: EssayText, keywords: dict, changes: LoadReport, removed: list[str]
) -> EssayReport:
    source = Source.objects.filter(course=course, key=key).first()
    filename = name.replace("\\", "/").rsplit("/", 1)[-1][:200]
    if source is None:
        source = Source.objects.create(
            course=course, key=key, title=(essay.title or f"Essay {key}")[:200], filename=filename
        )
        changes.created.append(f"source {key}")
    elif source.filename != filename:
        source.filename = filename
        source.save(update_fields=["filename"])
        changes.updated.append(f"source {key}")
    else:
        changes.unchanged.append(f"source {key}")

    existing = {passage.position: passage for passage in source.passages.prefetch_related("modules")}
    counts: dict[Module, int] = defaultdict(int)
    for position, text in enumerate(essay.passages, start=1):
        themes = list(match_themes(text, keywords))
        for module in themes:
            counts[module] += 1
        label = f"passage {key}-{position}"
        passage = existing.pop(position, None)
        if passage is None:
            passage = Passage.objects.create(source=source, position=position, text=text)
            passage.modules.set(themes)
            changes.created.append(label)
        elif passage.text != text or {m.pk for m in passage.modules.all()} != {m.pk for m in themes}:
            passage.text = text
            passage.save(update_fields=["text"])
            passage.modules.set(themes)
            changes.updated.append(label)
        else:
            changes.unchanged.append(label)
    Passage.objects.filter(pk__in=[passage.pk for passage in existing.values()]).delete()
    removed.extend(f"passage {key}-{position}" for position in sorted(existing))
    themes = [ThemeCount(module=module, passages=counts[module]) for module in keywords if counts[module]]
    return EssayReport(source=source, passages=len(essay.passages), themes=themes)


def _lesson_state(lesson: Lesson, sources: list[str]) -> dict:
    return {
        "title": lesson.title,
        "summary": lesson.summary,
        "objectives": lesson.objectives,
        "body": lesson.body,
        "sources": sorted(sources),
    }


def _lesson_body(module: Module, passages: list[Passage]) -> str:
    parts = [
        f"Passages of the course essays that speak to the theme *{escape_markdown(module.title)}*, gathered by "
        "the essay import. The quotations are the essays' own words: rewrite this draft in the course's own "
        "words, keep the facts and the citations, and publish it only when it reads as a lesson."
    ]
    if not passages:
        parts.append("No imported passage speaks to this theme any more.")
    by_source: dict[Source, list[Passage]] = defaultdict(list)
    for passage in passages:
        by_source[passage.source].append(passage)
    for source, quoted in by_source.items():
        parts.append(f"## From essay {source.key} {{#{essay_section_anchor(source)}}}")
        parts.append(f"*{escape_markdown(source.title)}*")
        for passage in quoted:
            parts.append(f"> {escape_markdown(passage.text)}")
            parts.append(f"— Essay {escape_markdown(source.key)}, passage {passage.position}.")
    return "\n\n".join(parts) + "\n"


def _desired_lesson(module: Module, passages: list[Passage]) -> dict:
    return {
        "title": f"{module.title}: readings from the essays"[:200],
        "summary": f"Draft from the essay import: what the course essays say about {module.title}."[:300],
        "objectives": "Read what the course essays say about this theme\nFind the key terms in the essays' own words",
        "body": _lesson_body(module, passages),
        "sources": sorted({passage.source.key for passage in passages}),
    }


def _sync_draft_lessons(course: Course, modules: list[Module], report: EssayImportReport):
    passages_by_module: dict[int, list[Passage]] = defaultdict(list)
    for passage in (
        Passage.objects.filter(source__course=course)
        .select_related("source")
        .prefetch_related("modules")
        .order_by("source__key", "position")
    ):
        for module in passage.modules.all():
            passages_by_module[module.pk].append(passage)
    slugs = {module.pk: essay_lesson_slug(module) for module in modules}
    lessons = {
        lesson.slug: lesson
        for lesson in Lesson.objects.filter(course=course, slug__in=slugs.values())
        .select_related("module")
        .prefetch_related("sources")
    }
    sources = {source.key: source for source in Source.objects.filter(course=course)}
    vocabulary = _vocabulary(course, modules)
    existing_questions = {
        question.key: question
        for question in Question.objects.filter(course=course, key__startswith=QUESTION_KEY_PREFIX)
        .select_related("lesson")
        .prefetch_related("choices")
    }
    draft_ids: set[int] = set()
    used_keys: set[str] = set()
    for module in modules:
        passages = passages_by_module.get(module.pk, [])
        lesson = lessons.get(slugs[module.pk])
        if lesson is None and not passages:
            continue
        label = f"lesson {slugs[module.pk]}"
        if lesson is not None and lesson.is_published:
            report.changes.kept.append(f"{label} (published; the import never changes a published lesson)")
            continue
        lesson = _sync_lesson(module, lesson, slugs[module.pk], passages, sources, report.changes)
        lesson.course = module.course = course
        if label in report.changes.kept:
            report.lessons.append(DraftLessonReport(lesson, len(passages), lesson.questions.count(), kept=True))
            continue
        draft_ids.add(lesson.pk)
        questions = _desired_questions(lesson, passages, vocabulary[module.pk], used_keys)
        report.lessons.append(DraftLessonReport(lesson, len(passages), len(questions)))
        if questions:
            _ensure_draft_quiz(course, lesson, report.changes)
        for position, (key, desired, answers) in enumerate(questions, start=1):
            _sync_question(lesson, key, {**desired, "position": position}, answers, existing_questions, report)
    for key, question in existing_questions.items():
        if question.lesson_id in draft_ids and key not in used_keys:
            if question.loaded_state and question.loaded_state == _question_state(question):
                question.delete()
                report.removed.append(f"question {key}")
            else:
                report.changes.kept.append(f"question {key}")


def _sync_lesson(module, lesson, slug, passages, sources, changes: LoadReport) -> Lesson:
    current = _lesson_state(lesson, [s.key for s in lesson.sources.all()]) if lesson else None
    if lesson is None:
        last = Lesson.objects.filter(module=module).aggregate(last=Max("position"))["last"] or 0
        lesson = Lesson(module=module, slug=slug, position=last + 1, is_published=False)
    desired = _desired_lesson(module, passages)

    def apply(instance):
        for name in ("title", "summary", "objectives", "body"):
            setattr(instance, name, desired[name])
        instance.save()
        instance.sources.set([sources[key] for key in desired["sources"]])

    sync_row(lesson, current=current, desired=desired, force=False, label=f"lesson {slug}", report=changes, apply=apply)
    return lesson


def _vocabulary(course: Course, modules: list[Module]) -> dict[int, list[str]]:
    """Per module, the terms worth a blank: its lessons' key terms, then its keywords, longest first in each."""
    terms: dict[int, list[str]] = defaultdict(list)
    for module_id, term in (
        KeyTerm.objects.filter(lesson__module__course=course)
        .exclude(lesson__slug__endswith=LESSON_SLUG_SUFFIX)
        .values_list("lesson__module_id", "term")
    ):
        terms[module_id].append(term)
    vocabulary = {}
    for module in modules:
        ordered = sorted(terms[module.pk], key=len, reverse=True) + sorted(_keywords(module), key=len, reverse=True)
        vocabulary[module.pk] = _unique(ordered, key=str.casefold)
    return vocabulary


def _unique(items: list[str], *, key) -> list[str]:
    """The items in order without those whose key an earlier item already had."""
    seen, unique = set(), []
    for item in items:
        if key(item) not in seen:
            seen.add(key(item))
            unique.append(item)
    return unique


def _question_key(source: Source, passage: Passage, term: str) -> str:
    stem = f"{QUESTION_KEY_PREFIX}{slugify(source.key)}-{passage.position}-"
    return f"{stem}{slugify(term)[: 100 - len(stem)]}".strip("-")


def _desired_questions(lesson: Lesson, passages: list[Passage], terms: list[str], used_keys: set[str]) -> list:
    """(key, state, accepted answers) of the fill-in-the-blank questions a draft lesson should hold."""
    questions, asked = [], set()
    for passage in passages:
        blanks = 0
        for found in find_terms(passage.text, terms):
            key = _question_key(passage.source, passage, found.term)
            if blanks == MAX_BLANKS_PER_PASSAGE or key in used_keys or found.term.casefold() in asked:
                continue
            sentence = sentence_with_term(passage.text, found.term)
            surface = find_terms(sentence, [found.term])[0].found
            answers = _unique([surface, *term_forms(found.term)], key=normalize_answer)
            source = passage.source
            state = {
                "lesson": lesson.slug,
                "qtype": QuestionType.SHORT.value,
                "title": "Fill in the blank",
                "text": blank_term(sentence, found.term),
                "explanation": (
                    f"The missing term is “{surface}”. Source: essay {source.key} (“{source.title}”), passage "
                    f"{passage.position}, quoted in the section “From essay {source.key}” of “{lesson.title}”."
                ),
                "section_anchor": essay_section_anchor(source),
                "choices": [[answer, _fraction(1)] for answer in answers],
            }
            questions.append((key, state, answers))
            used_keys.add(key)
            asked.add(found.term.casefold())
            blanks += 1
    return questions


def _fraction(value) -> str:
    return str(Decimal(value).quantize(FRACTION_PLACES))


def _question_state(question: Question) -> dict:
    return {
        "lesson": question.lesson.slug,
        "qtype": question.qtype,
        "title": question.title,
        "text": question.text,
        "explanation": question.explanation,
        "section_anchor": question.section_anchor,
        "position": question.position,
        "choices": [[choice.text, _fraction(choice.fraction)] for choice in question.choices.all()],
    }


def _sync_question(lesson, key: str, desired: dict, answers: list[str], existing: dict, report: EssayImportReport):
    question = existing.get(key)
    if question is not None and question.lesson_id != lesson.pk and question.lesson.is_published:
        report.changes.kept.append(f"question {key} (on a published lesson)")
        return

    def apply(instance):
        fields = ("qtype", "title", "text", "explanation", "section_anchor", "position")
        question_write(
            instance,
            lesson=lesson,
            values={name: desired[name] for name in fields},
            answers=[GiftAnswer(text=answer[:500], fraction=Decimal(1)) for answer in answers],
        )

    sync_row(
        question or Question(key=key),
        current=_question_state(question) if question else None,
        desired=desired,
        force=False,
        label=f"question {key}",
        report=report.changes,
        apply=apply,
    )


def _ensure_draft_quiz(course: Course, lesson: Lesson, changes: LoadReport):
    if Quiz.objects.filter(lesson=lesson).exists():
        return
    taken = set(Quiz.objects.filter(course=course, slug__startswith=lesson.slug).values_list("slug", flat=True))
    slug = next(
        s for s in (f"{lesson.slug}-quiz", *(f"{lesson.slug}-quiz-{n}" for n in range(2, 100))) if s not in taken
    )
    Quiz.objects.create(
        course=course, lesson=lesson, kind=Quiz.Kind.LESSON, title=f"Quiz: {lesson.title}"[:200], slug=slug
    )
    changes.created.append(f"quiz {slug}")
