"""Reads that span courses, modules, lessons and progress; each runs a fixed number of queries."""

import re
from dataclasses import dataclass

import snowballstemmer
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models.functions import Lower
from django.http import Http404
from django.utils.html import escape, format_html, strip_tags
from django.utils.safestring import mark_safe

from lessons.models import Course, KeyTerm, Lesson, LessonStatus

MAX_SEARCH_WORDS = 8


class LessonStatusMixin:
    """Display helpers for anything carrying a lesson `status`."""

    status: str

    @property
    def status_label(self) -> str:
        return LessonStatus(self.status).label

    @property
    def is_completed(self) -> bool:
        return self.status == LessonStatus.COMPLETED


def course_get(*, slug: str, user) -> Course:
    """The course a user may see, or 404 (drafts are hidden from students)."""
    try:
        return Course.objects.visible_to(user).get(slug=slug)
    except Course.DoesNotExist:
        raise Http404("No such course.") from None


def course_list(*, user):
    return Course.objects.visible_to(user).order_by("title")


@dataclass
class LessonPage:
    lesson: Lesson
    previous: Lesson | None
    next: Lesson | None
    # Set by the student's path when the next lesson sits in a module still locked for this student.
    next_locked: bool = False


@dataclass(frozen=True)
class SearchHit:
    """A lesson found by a search, with the passage of its text that matched."""

    lesson: Lesson
    passage: str


_stemmer = snowballstemmer.stemmer("english")
_WORD = re.compile(r"\w+")
PASSAGE_CHARS = 220


def _matches(query_word: str, words: set[str], stems: set[str]) -> bool:
    """A query word matches a word it starts ("treat" -> "treaties") or any form of the same stem ("treaty")."""
    return _stemmer.stemWord(query_word) in stems or any(word.startswith(query_word) for word in words)


def _passage(text: str, query_words: list[str]) -> str:
    """The first paragraph that mentions a query word, cut around it, escaped, with the words marked."""
    query_stems = {_stemmer.stemWord(word) for word in query_words}

    def is_hit(word: str) -> bool:
        word = word.lower()
        return _stemmer.stemWord(word) in query_stems or any(word.startswith(q) for q in query_words)

    for paragraph in (part.strip() for part in text.split("\n")):
        first = next((m for m in _WORD.finditer(paragraph) if is_hit(m.group())), None)
        if first is None:
            continue
        start = max(0, first.start() - PASSAGE_CHARS // 3)
        if start:
            # Begin at a word, not in the middle of one.
            start = paragraph.find(" ", start, first.start()) + 1 or first.start()
        snippet = paragraph[start : start + PASSAGE_CHARS]
        pieces, position = [], 0
        for match in _WORD.finditer(snippet):
            if is_hit(match.group()):
                pieces.append(escape(snippet[position : match.start()]))
                pieces.append(format_html("<mark>{}</mark>", match.group()))
                position = match.end()
        pieces.append(escape(snippet[position:]))
        prefix = "… " if start else ""
        suffix = " …" if start + PASSAGE_CHARS < len(paragraph) else ""
        return mark_safe(prefix + "".join(pieces) + suffix)
    return ""


def lesson_search(*, course: Course, user, query: str) -> list[SearchHit]:
    """Lessons holding every word of `query` in some form, title matches first, each with its passage.

    Word forms fold: "treaty" finds "treaties" (the same stem), and a word matches the words it starts
    ("treat" finds "Treaties") but not the middle of one ("ties" does not). On PostgreSQL the database
    narrows with English full-text search (prefix queries over stemmed lexemes); elsewhere a Snowball
    stemmer does it here. One query.
    """
    words = [word.lower() for word in _WORD.findall(query)][:MAX_SEARCH_WORDS]
    if not words:
        return []
    candidates = Lesson.objects.visible_to(user).filter(course=course).select_related("module")
    if connection.vendor == "postgresql":
        vector = (
            SearchVector("title", weight="A", config="english")
            + SearchVector("summary", weight="B", config="english")
            + SearchVector("body", weight="C", config="english")
        )
        tsquery = SearchQuery(" & ".join(f"{word}:*" for word in words), search_type="raw", config="english")
        candidates = candidates.annotate(search=vector).filter(search=tsquery)
    hits = []
    for lesson in candidates.order_by("module__position", "position"):
        text = f"{lesson.title}\n{lesson.summary}\n{strip_tags(lesson.body_html)}"
        found = {word.lower() for word in _WORD.findall(text)}
        stems = {_stemmer.stemWord(word) for word in found}
        if connection.vendor != "postgresql" and not all(_matches(word, found, stems) for word in words):
            continue
        lesson.course = course
        hits.append(SearchHit(lesson=lesson, passage=_passage(strip_tags(lesson.body_html), words)))
    title_words = {hit.lesson.pk: {word.lower() for word in _WORD.findall(hit.lesson.title)} for hit in hits}
    hits.sort(
        key=lambda hit: (
            not all(
                _matches(word, title_words[hit.lesson.pk], {_stemmer.stemWord(w) for w in title_words[hit.lesson.pk]})
                for word in words
            )
        )
    )
    return hits


def course_glossary(*, course: Course, user) -> list[KeyTerm]:
    """Key terms of the lessons a user may open, alphabetically, each with its lesson."""
    lessons = Lesson.objects.visible_to(user).filter(course=course)
    terms = list(
        KeyTerm.objects.filter(lesson__in=lessons)
        .select_related("lesson")
        .only("term", "definition", "lesson__slug", "lesson__title", "lesson__course_id", "lesson__module_id")
        .order_by(Lower("term"), "lesson__title")
    )
    for term in terms:
        term.lesson.course = course
    return terms
