"""Question-quality lint: flag quiz items a student could answer without reading the lesson.

Each rule is one small function, registered with its stable code in `_RULES` at the bottom. The
rules read plain `LintItem`s, never the database: adapters build them from a parsed GIFT question
(`lint_item_from_gift`) or from a stored question (`lint_item_from_question`). `lint_items` runs
item rules on each item, pool rules on the items of each pool (a lesson's quiz) and course rules
on all the items it is given.
"""

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from difflib import SequenceMatcher
from fractions import Fraction
from itertools import combinations, pairwise
from types import MappingProxyType
from typing import NamedTuple

from quizzes.gift import GiftQuestion, QuestionType
from quizzes.grading import normalize_answer

# Q103: the right option may be the longest in at most a third of a pool's single-choice items.
LONGEST_RIGHT_MAX_SHARE = Fraction(1, 3)
LONGEST_RIGHT_MIN_ITEMS = 3
# Q105: the share of true/false items whose answer is false, across the course.
FALSE_SHARE_RANGE = (Fraction(35, 100), Fraction(65, 100))
TRUE_FALSE_MIN_ITEMS = 4
# Q106: stems of fewer words are too generic to compare; either measure at its threshold flags a pair.
NEAR_DUPLICATE_MIN_WORDS = 6
NEAR_DUPLICATE_WORD_OVERLAP = 0.7
NEAR_DUPLICATE_TEXT_SIMILARITY = 0.85
# Text similarity costs a difflib comparison per pair of stems; above this many stems (a bulk import),
# Q106 compares word overlap only, so that linting stays within seconds.
NEAR_DUPLICATE_TEXT_MAX_STEMS = 500
# Q108
MATCHING_MIN_PAIRS = 4

ABSOLUTE_WORDS = re.compile(
    r"\b(only|always|never|all|none|every|entirely|completely|solely|must|cannot|impossible|guaranteed"
    r"|no[\s-]+one|nothing)\b",
    re.IGNORECASE,
)
NAMES_THE_ESSAY = re.compile(r"\b(?:the\s+)?essays?\b|\bthe\s+authors?\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+")
_QUOTE_LIMIT = 70


@dataclass(frozen=True)
class LintChoice:
    """An option, accepted answer, matching pair or ordering item, as the rules see it."""

    text: str
    match: str
    fraction: Decimal
    feedback: str


@dataclass(frozen=True)
class LintItem:
    """A question as the rules see it; `known_sections` is None when the lesson's anchors are unknown."""

    key: str
    qtype: str
    title: str
    text: str
    explanation: str
    section: str
    choices: tuple[LintChoice, ...]
    pool: str
    known_sections: frozenset[str] | None
    # A written answer's rubric: (criterion title, its levels' points in order) each; None when unknown (GIFT).
    rubric: tuple[tuple[str, tuple[int, ...]], ...] | None = None


@dataclass(frozen=True)
class Finding:
    """One problem: `key` is "" for a pool-level finding, and `pool` is "" too for a course-level one."""

    code: str
    key: str
    pool: str
    message: str


class _Flag(NamedTuple):
    """What a rule reports; lint_items adds the rule's code."""

    pool: str
    key: str
    message: str


def lint_items(items: Iterable[LintItem]) -> list[Finding]:
    """Run every rule and return the findings sorted by pool, key and code.

    Item rules see each item, pool rules the items sharing a `pool`, course rules all the items;
    so give every pool of a course in one call for the course-wide rules (Q105, Q106) to mean anything.
    """
    items = list(items)
    pools: dict[str, list[LintItem]] = defaultdict(list)
    for item in items:
        pools[item.pool].append(item)
    findings = []
    for rule in _RULES:
        groups = [items] if rule.course_wide else list(pools.values())
        for group in groups:
            findings += [Finding(rule.code, flag.key, flag.pool, flag.message) for flag in rule.check(group)]
    return sorted(findings, key=lambda finding: (finding.pool, finding.key, finding.code, finding.message))


def lint_item_from_gift(question: GiftQuestion, *, pool: str, known_sections: frozenset[str] | None) -> LintItem:
    """The LintItem of a parsed GIFT question, in `pool`, pointing at a lesson with `known_sections`."""
    return LintItem(
        key=question.key,
        qtype=str(question.qtype),
        title=question.title,
        text=question.text,
        explanation=question.explanation,
        section=question.section,
        choices=tuple(
            LintChoice(answer.text, answer.match, answer.fraction, answer.feedback) for answer in question.answers
        ),
        pool=pool,
        known_sections=known_sections,
    )


def lint_item_from_question(question) -> LintItem:
    """The LintItem of a stored quizzes.models.Question; prefetch its choices and select its lesson.

    The pool is the lesson's slug (a question belongs to a lesson, whose quiz draws from it), and the
    known sections are the anchors the lesson saved from its body. True/false questions are stored as
    the choices "True" and "False", exactly as the GIFT parser gives them, so they need no translation.
    """
    lesson = question.lesson
    return LintItem(
        key=question.key,
        qtype=str(question.qtype),
        title=question.title,
        text=question.text,
        explanation=question.explanation,
        section=question.section_anchor,
        choices=tuple(
            LintChoice(choice.text, choice.match_text, choice.fraction, choice.feedback)
            for choice in question.choices.all()
        ),
        pool=lesson.slug if question.pool == "lesson" else f"{question.pool} exam",
        known_sections=frozenset(section.anchor for section in lesson.section_list),
        rubric=_rubric(question) if question.qtype == "written" else None,
    )


def _rubric(question) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """A stored written question's rubric as the rules see it; prefetch criteria__levels."""
    return tuple(
        (
            criterion.title,
            tuple(level.points for level in sorted(criterion.levels.all(), key=lambda lv: (lv.position, lv.pk))),
        )
        for criterion in sorted(question.criteria.all(), key=lambda c: (c.position, c.pk))
    )


# Text helpers


def _words(text: str) -> list[str]:
    """Lower-cased words, folded as grading folds answers (NFKC, case); punctuation separates words."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def _contains_phrase(text: str, phrase: str) -> bool:
    """Whether `phrase` is a run of whole words of `text`, ignoring case, punctuation and spacing.

    The fold is grading's: "U.N." contains "UN", "cyber-attack" contains "cyberattack", but
    "cooperation" does not contain "COP".
    """
    wanted = normalize_answer(phrase)
    if not wanted:
        return False
    words = _words(text)
    for start in range(len(words)):
        run = ""
        for word in words[start:]:
            run += word
            if len(run) >= len(wanted):
                break
        if run == wanted:
            return True
    return False


def _quote(text: str) -> str:
    """The text on one line in double quotes, cut short with an ellipsis when long."""
    flat = " ".join(text.split())
    if len(flat) > _QUOTE_LIMIT:
        flat = flat[: _QUOTE_LIMIT - 1].rstrip() + "…"
    return f'"{flat}"'


def _quotes(texts: Iterable[str]) -> str:
    return ", ".join(_quote(text) for text in texts)


def _length(text: str) -> int:
    """Characters as a student sees them, runs of spaces counted once."""
    return len(" ".join(text.split()))


def _right_choices(item: LintItem) -> list[LintChoice]:
    return [choice for choice in item.choices if choice.fraction > 0]


def _absolute_words(text: str) -> set[str]:
    return {" ".join(word.casefold().replace("-", " ").split()) for word in ABSOLUTE_WORDS.findall(text)}


def _question_parts(item: LintItem) -> Iterator[tuple[str, str]]:
    """(where, text) for the title, the stem and every option (both sides of a matching pair)."""
    yield "title", item.title
    yield "stem", item.text
    for choice in item.choices:
        yield "options", choice.text
        yield "options", choice.match


def _each_item(check: Callable[[LintItem], Iterable[str]]) -> Callable[[Sequence[LintItem]], Iterator[_Flag]]:
    """Turn a rule about one item, yielding messages, into a rule over a group of items."""

    def check_each(items: Sequence[LintItem]) -> Iterator[_Flag]:
        for item in items:
            for message in check(item):
                yield _Flag(item.pool, item.key, message)

    return check_each


# Rules


def _key_in_other_item(pool: Sequence[LintItem]) -> Iterator[_Flag]:
    for item in pool:
        if item.qtype != QuestionType.SHORT:
            continue
        for answer in _right_choices(item):
            for other in pool:
                where = _where_phrase_appears(other, answer.text) if other is not item else ""
                if where:
                    message = f"accepted answer {_quote(answer.text)} appears in the {where} of {other.key}"
                    yield _Flag(item.pool, item.key, message)


def _where_phrase_appears(item: LintItem, phrase: str) -> str:
    """The first part of the question ("title", "stem", "options") that contains `phrase`, or ""."""
    return next((where for where, text in _question_parts(item) if _contains_phrase(text, phrase)), "")


def _title_gives_key(item: LintItem) -> Iterator[str]:
    if item.qtype not in {QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.SHORT}:
        return
    places = [("title", item.title)]
    if item.qtype == QuestionType.SHORT:
        places.append(("stem", item.text))
    for where, text in places:
        for answer in _right_choices(item):
            if _contains_phrase(text, answer.text):
                yield f"the {where} {_quote(text)} contains the right answer {_quote(answer.text)}"


def _longest_right_option(pool: Sequence[LintItem]) -> Iterator[_Flag]:
    singles = [item for item in pool if item.qtype == QuestionType.SINGLE and item.choices]
    if len(singles) < LONGEST_RIGHT_MIN_ITEMS:
        return
    longest = [item.key for item in singles if _right_option_is_longest(item)]
    if Fraction(len(longest), len(singles)) > LONGEST_RIGHT_MAX_SHARE:
        message = (
            f"the right option is the longest (or tied) in {len(longest)} of {len(singles)} single-choice items"
            f" ({', '.join(longest)}); at most a third may be"
        )
        yield _Flag(singles[0].pool, "", message)


def _right_option_is_longest(item: LintItem) -> bool:
    right = max(item.choices, key=lambda choice: choice.fraction)
    return all(_length(right.text) >= _length(choice.text) for choice in item.choices)


def _absolute_distractor(item: LintItem) -> Iterator[str]:
    if item.qtype not in {QuestionType.SINGLE, QuestionType.MULTIPLE}:
        return
    key_words = set().union(*(_absolute_words(choice.text) for choice in _right_choices(item)))
    for choice in (choice for choice in item.choices if choice.fraction <= 0):
        extra = _absolute_words(choice.text) - key_words
        if extra:
            yield f"wrong option {_quote(choice.text)} says {_quotes(sorted(extra))}, which no right option says"


def _true_false_balance(course: Sequence[LintItem]) -> Iterator[_Flag]:
    statements = [item for item in course if item.qtype == QuestionType.TRUE_FALSE]
    if len(statements) < TRUE_FALSE_MIN_ITEMS:
        return
    false = sum(_answer_is_false(item) for item in statements)
    share = Fraction(false, len(statements))
    low, high = FALSE_SHARE_RANGE
    if not low <= share <= high:
        message = (
            f"{false} of {len(statements)} true/false items ({float(share):.0%}) have the answer false;"
            f" keep it between {float(low):.0%} and {float(high):.0%}"
        )
        yield _Flag("", "", message)


def _answer_is_false(item: LintItem) -> bool:
    return any(choice.fraction > 0 and choice.text.casefold() == "false" for choice in item.choices)


def _near_duplicate_stem(course: Sequence[LintItem]) -> Iterator[_Flag]:
    """Flag the later item (by pool, key) of each pair of near-duplicate stems.

    Word overlap (Jaccard similarity of the word sets) catches a stem reworded by reordering;
    text similarity (difflib's ratio on the folded text) catches one with a few words inflected or swapped.
    """
    stems = [_Stem(item, _words(item.text)) for item in sorted(course, key=lambda item: (item.pool, item.key))]
    stems = [stem for stem in stems if len(stem.words) >= NEAR_DUPLICATE_MIN_WORDS]
    compare_text = len(stems) <= NEAR_DUPLICATE_TEXT_MAX_STEMS
    for first, second in combinations(stems, 2):
        likeness = _stem_likeness(first, second, compare_text=compare_text)
        if likeness:
            yield _Flag(
                second.item.pool,
                second.item.key,
                f"stem {_quote(second.item.text)} nearly repeats {first.item.key} ({likeness})",
            )


class _Stem:
    """A stem's words, word set, folded text and letter counts, computed once for all its pairs."""

    def __init__(self, item: LintItem, words: list[str]) -> None:
        self.item = item
        self.words = words
        self.word_set = set(words)
        self.text = " ".join(words)
        self.letters = Counter(self.text)


def _stem_likeness(first: _Stem, second: _Stem, *, compare_text: bool = True) -> str:
    """How two stems' words make them near-duplicates ("78% shared words"), or "" when they do not."""
    overlap = len(first.word_set & second.word_set) / len(first.word_set | second.word_set)
    if overlap >= NEAR_DUPLICATE_WORD_OVERLAP:
        return f"{overlap:.0%} shared words"
    if not compare_text:
        return ""
    # Upper bounds of difflib's ratio(), cheapest first (its real_quick_ratio and quick_ratio, from the
    # precomputed lengths and letter counts), so that most pairs stop before a SequenceMatcher is built.
    threshold = NEAR_DUPLICATE_TEXT_SIMILARITY
    length = len(first.text) + len(second.text)
    if 2 * min(len(first.text), len(second.text)) < threshold * length:
        return ""
    shared = sum(min(count, second.letters[letter]) for letter, count in first.letters.items())
    if 2 * shared < threshold * length:
        return ""
    similarity = SequenceMatcher(None, first.text, second.text, autojunk=False).ratio()
    return f"{similarity:.0%} similar text" if similarity >= threshold else ""


def _right_option_without_feedback(item: LintItem) -> Iterator[str]:
    if item.qtype not in {QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE, QuestionType.SHORT}:
        return
    silent = [choice.text for choice in _right_choices(item) if not choice.feedback.strip()]
    if len(silent) == 1:
        yield f"right answer {_quote(silent[0])} has no feedback of its own"
    elif silent:
        yield f"right answers {_quotes(silent)} have no feedback of their own"


def _few_matching_pairs(item: LintItem) -> Iterator[str]:
    # Extra right-hand items (no left side) are no pairs.
    pairs = sum(1 for choice in item.choices if choice.text.strip())
    if item.qtype == QuestionType.MATCHING and pairs < MATCHING_MIN_PAIRS:
        yield f"only {pairs} pairs; write at least {MATCHING_MIN_PAIRS}"


def _unknown_section(item: LintItem) -> Iterator[str]:
    if item.known_sections is None or item.section in item.known_sections:
        return
    known = f"anchors: {', '.join(sorted(item.known_sections))}" if item.known_sections else "no lesson anchors found"
    if item.section:
        yield f"section {_quote(item.section)} is not an anchor of the lesson ({known})"
    else:
        yield f"no section tag ({known})"


def _names_the_essay(item: LintItem) -> Iterator[str]:
    parts = [*_question_parts(item), ("explanation", item.explanation)]
    parts += [("feedback", choice.feedback) for choice in item.choices]
    named = [(where, match[0]) for where, text in parts for match in NAMES_THE_ESSAY.finditer(text)]
    if named:
        yield "names the essays, not the lesson: " + ", ".join(f"{where} {_quote(words)}" for where, words in named)


def _no_explanation(item: LintItem) -> Iterator[str]:
    if item.qtype != QuestionType.DESCRIPTION and not item.explanation.strip():
        yield "no general feedback (####explanation)"


@dataclass(frozen=True)
class _Rule:
    code: str
    name: str
    explanation: str
    check: Callable[[Sequence[LintItem]], Iterable[_Flag]]
    course_wide: bool = False


def _rubric_problems(item: LintItem) -> Iterator[str]:
    if item.qtype not in {"written", "essay"} or item.rubric is None:
        return
    if not item.rubric:
        yield "a written answer without a rubric cannot be marked: add at least one criterion with its levels"
        return
    for title, points in item.rubric:
        if not points:
            yield f"criterion {_quote(title)} has no levels"
        elif points[0] != 0:
            yield f"criterion {_quote(title)}: the lowest level gives {points[0]} points; it should give 0"
        elif any(later <= earlier for earlier, later in pairwise(points)):
            listed = ", ".join(map(str, points))
            yield f"criterion {_quote(title)}: levels must give more points each, in order ({listed})"
        elif len(points) < 2:
            yield f"criterion {_quote(title)} has one level only, so it gives no points"


_RULES = (
    _Rule(
        "Q101",
        "key-in-other-item",
        "a short-answer key appears in another question's title, stem or options in the same pool",
        _key_in_other_item,
    ),
    _Rule(
        "Q102",
        "title-gives-key",
        "the question's title (or a short answer's stem) contains a right answer",
        _each_item(_title_gives_key),
    ),
    _Rule(
        "Q103",
        "longest-right-option",
        "the right option is the longest (or tied) in more than a third of a pool's single-choice items",
        _longest_right_option,
    ),
    _Rule(
        "Q104",
        "absolute-distractor",
        'a wrong option carries an absolute word ("only", "always", "never" ...) that the right option lacks',
        _each_item(_absolute_distractor),
    ),
    _Rule(
        "Q105",
        "true-false-balance",
        f"across the course, the share of true/false items whose answer is false is outside"
        f" {float(FALSE_SHARE_RANGE[0]):.0%}-{float(FALSE_SHARE_RANGE[1]):.0%}",
        _true_false_balance,
        course_wide=True,
    ),
    _Rule(
        "Q106",
        "near-duplicate-stem",
        f"two stems in the course are near-duplicates ({NEAR_DUPLICATE_WORD_OVERLAP:.0%} shared words"
        f" or {NEAR_DUPLICATE_TEXT_SIMILARITY:.0%} similar text)",
        _near_duplicate_stem,
        course_wide=True,
    ),
    _Rule(
        "Q107",
        "right-option-without-feedback",
        "a right answer has no feedback of its own explaining why it is right",
        _each_item(_right_option_without_feedback),
    ),
    _Rule(
        "Q108",
        "few-matching-pairs",
        f"a matching question has fewer than {MATCHING_MIN_PAIRS} pairs, so elimination gives the last ones away",
        _each_item(_few_matching_pairs),
    ),
    _Rule(
        "Q109",
        "unknown-section",
        "the section tag names no anchor of the lesson, so the feedback link leads nowhere",
        _each_item(_unknown_section),
    ),
    _Rule(
        "Q110",
        "names-the-essay",
        'the question or its feedback names "the essay(s)" or "the author"; students read the lessons',
        _each_item(_names_the_essay),
    ),
    _Rule(
        "Q111",
        "no-explanation",
        "the question has no general feedback (####explanation) shown after submission",
        _each_item(_no_explanation),
    ),
    _Rule(
        "Q112",
        "written-without-rubric",
        "a written answer needs a rubric: at least one criterion, each with levels from 0 points, increasing",
        _each_item(_rubric_problems),
    ),
)

RULES: Mapping[str, str] = MappingProxyType({rule.code: f"{rule.name}: {rule.explanation}" for rule in _RULES})
