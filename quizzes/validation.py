"""What makes a question's set of choices usable, per type: one rule book for the admin and imports."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from quizzes.gift import MAX_ANSWERS
from quizzes.grading import numerical_bounds
from quizzes.models import QuestionType

WEIGHT_TOLERANCE = Decimal("0.0001")


@dataclass(frozen=True)
class ChoiceSpec:
    text: str
    fraction: Decimal
    match: str = ""


def choice_problems(qtype: str, choices: list[ChoiceSpec]) -> list[str]:
    """Every reason the choices cannot make a fair question of this type; empty when they can."""
    problems = []
    right = [choice for choice in choices if choice.fraction >= 1]
    positive = sum((choice.fraction for choice in choices if choice.fraction > 0), Decimal(0))
    if qtype == QuestionType.SINGLE:
        if len(choices) < 2:
            problems.append(_("A single-choice question needs at least two choices."))
        if len(right) != 1:
            problems.append(_("A single-choice question needs exactly one choice at 100%."))
    elif qtype == QuestionType.TRUE_FALSE:
        if sorted(choice.text for choice in choices) != ["False", "True"] or len(right) != 1:
            problems.append(_("A true/false question has the choices True and False, exactly one of them at 100%."))
    elif qtype == QuestionType.MULTIPLE:
        if not any(choice.fraction > 0 for choice in choices):
            problems.append(_("A multiple-response question needs at least one right choice (a positive weight)."))
        elif abs(positive - 1) > WEIGHT_TOLERANCE:
            problems.append(
                _("The right choices' weights add up to %(total)s%%; they must add up to 100%%.")
                % {"total": f"{(positive * 100).quantize(Decimal('0.01')):f}".rstrip("0").rstrip(".")}
            )
    elif qtype == QuestionType.SHORT:
        if not right:
            problems.append(_("A short-answer question needs at least one accepted answer at 100%."))
    elif qtype == QuestionType.MATCHING:
        # A pair without a left side is an extra wrong right-hand item (Moodle's `= -> Chat`).
        if sum(1 for choice in choices if choice.text.strip()) < 2:
            problems.append(_("A matching question needs at least two pairs."))
        if any(not choice.match.strip() for choice in choices):
            problems.append(_("Every matching pair needs a right side."))
        matches = [choice.match.strip().casefold() for choice in choices]
        if len(set(matches)) != len(matches):
            problems.append(_("Two pairs share a right side; make each right side different."))
    elif qtype == QuestionType.ORDERING and len(choices) < 2:
        problems.append(_("An ordering question needs at least two items."))
    elif qtype == QuestionType.NUMERICAL:
        problems += _numerical_problems(choices)
    elif qtype == QuestionType.DESCRIPTION and choices:
        problems.append(_("A description is text only; it takes no choices."))
    elif qtype == QuestionType.WRITTEN and choices:
        problems.append(_("A written answer is marked against its rubric; it takes no choices."))
    if len(choices) > MAX_ANSWERS:
        problems.append(
            _("%(count)d choices; a question takes at most %(max)d choices, pairs or items.")
            % {"count": len(choices), "max": MAX_ANSWERS}
        )
    if qtype != QuestionType.MATCHING and any(not choice.text.strip() for choice in choices):
        problems.append(_("A choice has no text."))
    if any(not -1 <= choice.fraction <= 1 for choice in choices):
        problems.append(_("Weights must lie between -100% and 100%."))
    return problems


def _numerical_problems(choices: list[ChoiceSpec]) -> list[str]:
    problems = []
    if not any(choice.fraction >= 1 for choice in choices):
        problems.append(_("A numerical question needs at least one answer at 100%."))
    for choice in choices:
        try:
            numerical_bounds(choice.text)
        except ValueError:
            problems.append(
                _("%(answer)s is not a number, NUMBER:TOLERANCE, MIN..MAX or * (any other answer).")
                % {"answer": repr(choice.text)}
            )
    return problems
