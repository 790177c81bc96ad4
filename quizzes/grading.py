"""Marking one response against the snapshot of a question, as plain functions.

A snapshot is the dict `snapshot_question` builds when an attempt starts; a response is what
the student gave, in choice ids:

    single, truefalse  {"choice": id}
    multiple           {"choices": [id, ...]}
    short              {"text": "..."}
    matching           {"pairs": {"left id": right id, ...}}    (right id = the choice whose match text was picked)
    ordering           {"order": [id, ...]}                      (first to last)
"""

import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

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


def _short_answer_match(snapshot: dict, text: str) -> dict | None:
    given = normalize_answer(text)
    matches = [choice for choice in snapshot["choices"] if given and normalize_answer(choice["text"]) == given]
    return max(matches, key=_fraction, default=None)


def grade_response(snapshot: dict, response: dict | None) -> Decimal:
    """The mark for one response, from 0 (wrong or blank) to 1 (fully right)."""
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
    if qtype == "matching":
        pairs = response.get("pairs", {})
        right = sum(1 for choice_id in choices if pairs.get(str(choice_id)) == choice_id)
        return _clamp(Decimal(right) / len(choices))
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
    if qtype == "short":
        best = max(_fraction(choice) for choice in choices)
        return [" / ".join(choice["text"] for choice in choices if _fraction(choice) == best)]
    if qtype == "matching":
        return [f"{choice['text']} → {choice['match']}" for choice in choices]
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
    if qtype == "short":
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
