"""Marking one response against the snapshot of a question, as plain functions.

A snapshot is the dict `snapshot_question` builds when an attempt starts; a response is what
the student gave, in choice ids:

    single, truefalse  {"choice": id}
    multiple           {"choices": [id, ...]}
    short, numerical   {"text": "..."}
    matching           {"pairs": {"left id": right id, ...}}    (right id = the choice whose match text was picked)
    ordering           {"order": [id, ...]}                      (first to last)
    description        nothing: it is text shown between questions, and not marked
    written            {"text": "..."}                           (marked by hand against the snapshot's rubric)

A short answer or numerical answer '*' matches anything the other answers do not (Moodle's catch-all).
A numerical answer is VALUE, VALUE:TOLERANCE or MIN..MAX; a matching choice with no text is an extra
wrong right-hand item.
"""

import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

CATCH_ALL = "*"
UNMARKED_TYPES = frozenset({"description"})
HAND_MARKED_TYPES = frozenset({"written"})
ZERO = Decimal(0)
ONE = Decimal(1)
MARK_PLACES = Decimal("0.0000001")


def normalize_answer(text: str) -> str:
    """Fold case, punctuation and spacing: 'U.N.' matches 'un', 'Cyber-attack' matches 'cyber attack'."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(char for char in text if char.isalnum())


def _choices(snapshot: dict) -> dict[int, dict]:
    return {choice["id"]: choice for choice in snapshot["choices"]}


def _fraction(choice: dict) -> Decimal:
    return Decimal(choice["fraction"])


def _clamp(value: Decimal) -> Decimal:
    return min(ONE, max(ZERO, value)).quantize(MARK_PLACES, rounding=ROUND_HALF_UP)


def is_marked(snapshot: dict) -> bool:
    """Whether a question counts towards the score (a description does not)."""
    return snapshot["qtype"] not in UNMARKED_TYPES


def is_hand_marked(snapshot: dict) -> bool:
    """Whether a marker, not the machine, marks the question (a written answer)."""
    return snapshot["qtype"] in HAND_MARKED_TYPES


def word_count(text: str) -> int:
    """Words as the answer box counts them: runs of characters between spaces."""
    return len(text.split())


def rubric_total(rubric: list[dict]) -> int:
    """The points a snapshot's rubric gives at most: each criterion's top level, added up."""
    return sum(max((level["points"] for level in criterion["levels"]), default=0) for criterion in rubric)


def rubric_mark(rubric: list[dict], chosen: dict[str, int]) -> tuple[int, Decimal]:
    """(points, mark from 0 to 1) for the level chosen per criterion ({criterion id as text: level id}).

    Raises ValueError unless exactly one level of each criterion is chosen and the rubric gives points.
    """
    total = rubric_total(rubric)
    if not rubric or total <= 0:
        raise ValueError("the rubric gives no points")
    points = 0
    for criterion in rubric:
        levels = {level["id"]: level for level in criterion["levels"]}
        level = levels.get(chosen.get(str(criterion["id"])))
        if level is None:
            raise ValueError(f"no level chosen for {criterion['title']!r}")
        points += level["points"]
    if set(chosen) != {str(criterion["id"]) for criterion in rubric}:
        raise ValueError("a level was chosen for a criterion the rubric does not have")
    return points, _clamp(Decimal(points) / Decimal(total))


def numerical_bounds(text: str) -> tuple[Decimal, Decimal] | None:
    """The (lowest, highest) value a numerical answer accepts; None for the catch-all '*'.

    Raises ValueError for text that is not VALUE, VALUE:TOLERANCE or MIN..MAX.
    """
    text = text.strip()
    if text == CATCH_ALL:
        return None
    try:
        if ".." in text:
            low, high = (Decimal(part) for part in text.split("..", 1))
            return min(low, high), max(low, high)
        value, _, tolerance = text.partition(":")
        center, margin = Decimal(value), abs(Decimal(tolerance or 0))
    except ArithmeticError:
        raise ValueError(f"not a numerical answer: {text!r}") from None
    if not (center.is_finite() and margin.is_finite()):
        raise ValueError(f"not a numerical answer: {text!r}")
    return center - margin, center + margin


def read_number(text: str) -> Decimal | None:
    """A student's number: spaces ignored, a lone comma read as the decimal point; None if it is no number."""
    text = "".join(text.split())
    if "," in text and "." not in text and text.count(",") == 1:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


def _catch_all(snapshot: dict) -> dict | None:
    return next((choice for choice in snapshot["choices"] if choice["text"].strip() == CATCH_ALL), None)


def _short_answer_match(snapshot: dict, text: str) -> dict | None:
    given = normalize_answer(text)
    if not given:
        return None
    matches = [
        choice
        for choice in snapshot["choices"]
        if choice["text"].strip() != CATCH_ALL and normalize_answer(choice["text"]) == given
    ]
    return max(matches, key=_fraction, default=None) or _catch_all(snapshot)


def _numerical_match(snapshot: dict, text: str) -> dict | None:
    number = read_number(text)
    if number is None:
        return None
    matches = []
    for choice in snapshot["choices"]:
        bounds = numerical_bounds(choice["text"])
        if bounds is not None and bounds[0] <= number <= bounds[1]:
            matches.append(choice)
    return max(matches, key=_fraction, default=None) or _catch_all(snapshot)


def _left_items(snapshot: dict) -> list[dict]:
    """A matching question's left-hand items: choices without text only add wrong right-hand items."""
    return [choice for choice in snapshot["choices"] if choice["text"].strip()]


def grade_response(snapshot: dict, response: dict | None) -> Decimal:
    """The mark for one response, from 0 (wrong or blank) to 1 (fully right)."""
    if is_hand_marked(snapshot):
        raise ValueError("a written answer is marked by hand")
    if not response:
        return ZERO
    choices = _choices(snapshot)
    qtype = snapshot["qtype"]
    if qtype in {"single", "truefalse"}:
        choice = choices.get(response.get("choice"))
        return _clamp(_fraction(choice)) if choice else ZERO
    if qtype == "multiple":
        picked = [choices[choice_id] for choice_id in set(response.get("choices", [])) if choice_id in choices]
        return _clamp(sum((_fraction(choice) for choice in picked), ZERO))
    if qtype == "short":
        match = _short_answer_match(snapshot, response.get("text", ""))
        return _clamp(_fraction(match)) if match else ZERO
    if qtype == "numerical":
        match = _numerical_match(snapshot, response.get("text", ""))
        return _clamp(_fraction(match)) if match else ZERO
    if qtype == "matching":
        pairs = response.get("pairs", {})
        lefts = _left_items(snapshot)
        right = sum(1 for choice in lefts if pairs.get(str(choice["id"])) == choice["id"])
        return _clamp(Decimal(right) / len(lefts))
    if qtype == "ordering":
        expected = [choice["id"] for choice in snapshot["choices"]]
        given = response.get("order", [])
        right = sum(1 for index, choice_id in enumerate(expected) if index < len(given) and given[index] == choice_id)
        return _clamp(Decimal(right) / len(expected))
    raise ValueError(f"unknown question type {qtype!r}")


def response_feedback(snapshot: dict, response: dict | None) -> list[str]:
    """The per-answer feedback a student earned by what they picked or typed."""
    if not response:
        return []
    choices = _choices(snapshot)
    qtype = snapshot["qtype"]
    if qtype in {"single", "truefalse"}:
        picked = [choices.get(response.get("choice"))]
    elif qtype == "multiple":
        picked = [choices.get(choice_id) for choice_id in response.get("choices", [])]
    elif qtype == "short":
        picked = [_short_answer_match(snapshot, response.get("text", ""))]
    elif qtype == "numerical":
        picked = [_numerical_match(snapshot, response.get("text", ""))]
    else:
        picked = []
    return [choice["feedback"] for choice in picked if choice and choice["feedback"]]


def correct_answer_lines(snapshot: dict) -> list[str]:
    """What a fully right answer looks like, one line per part, for the review page."""
    choices = snapshot["choices"]
    qtype = snapshot["qtype"]
    if qtype in {"single", "truefalse"}:
        best = max(choices, key=_fraction)
        return [best["text"]]
    if qtype == "multiple":
        return [choice["text"] for choice in choices if _fraction(choice) > 0]
    if qtype in {"description", "written"}:
        return []
    if qtype in {"short", "numerical"}:
        best = max(_fraction(choice) for choice in choices)
        texts = [_answer_words(qtype, choice["text"]) for choice in choices if _fraction(choice) == best]
        return [" / ".join(text for text in texts if text)]
    if qtype == "matching":
        return [f"{choice['text']} → {choice['match']}" for choice in _left_items(snapshot)]
    return [f"{index}. {choice['text']}" for index, choice in enumerate(choices, start=1)]


def response_lines(snapshot: dict, response: dict | None) -> list[str]:
    """What the student answered, in words, for the review page."""
    if not response:
        return []
    choices = _choices(snapshot)
    qtype = snapshot["qtype"]
    if qtype in {"single", "truefalse"}:
        choice = choices.get(response.get("choice"))
        return [choice["text"]] if choice else []
    if qtype == "multiple":
        return [choices[choice_id]["text"] for choice_id in response.get("choices", []) if choice_id in choices]
    if qtype in {"short", "numerical", "written"}:
        return [response.get("text", "")]
    if qtype == "matching":
        pairs = response.get("pairs", {})
        # Each pair says whether it was right, so a partly right answer shows which pairs to revisit.
        return [
            f"{choice['text']} → {choices[pairs[str(choice_id)]]['match']}"
            f" ({_('right') if pairs[str(choice_id)] == choice_id else _('wrong')})"
            for choice_id, choice in choices.items()
            if pairs.get(str(choice_id)) in choices
        ]
    return [f"{index}. {choices[choice_id]['text']}" for index, choice_id in enumerate(response.get("order", []), 1)]


def _answer_words(qtype: str, text: str) -> str:
    """An accepted answer as the review shows it: no catch-all, a numerical range as words."""
    if text.strip() == CATCH_ALL:
        return ""
    if qtype != "numerical":
        return text
    low, high = numerical_bounds(text)
    if low == high:
        return format(low.normalize(), "f")
    center, margin = (low + high) / 2, (high - low) / 2
    return f"{format(center.normalize(), 'f')} ± {format(margin.normalize(), 'f')}"
