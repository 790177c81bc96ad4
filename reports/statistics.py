"""Item analysis maths, as Moodle's quiz statistics report does it, over plain lists of numbers.

A mark is a question's score as a fraction of its maximum (0 to 1); an attempt's total is the sum
of its question marks. Nothing here touches the database.
"""

import math
from collections.abc import Sequence
from enum import StrEnum

# Facility (percent): above this nearly everyone gets the question right, below the other nearly no one.
TOO_EASY_FACILITY = 90
TOO_HARD_FACILITY = 20
# Discrimination (100 x correlation): from 0 up to this, the question barely tells strong students from weak ones.
WEAK_DISCRIMINATION = 20


class ItemFlag(StrEnum):
    TOO_EASY = "too_easy"
    TOO_HARD = "too_hard"
    NEGATIVE_DISCRIMINATION = "negative_discrimination"
    WEAK_DISCRIMINATION = "weak_discrimination"

    @property
    def label(self) -> str:
        return FLAG_LABELS[self]


FLAG_LABELS = {
    ItemFlag.TOO_EASY: f"Too easy (facility above {TOO_EASY_FACILITY}%)",
    ItemFlag.TOO_HARD: f"Too hard (facility below {TOO_HARD_FACILITY}%)",
    ItemFlag.NEGATIVE_DISCRIMINATION: "Negative discrimination (weaker students do better)",
    ItemFlag.WEAK_DISCRIMINATION: f"Weak discrimination (below {WEAK_DISCRIMINATION})",
}


def mean(values: Sequence[float]) -> float | None:
    """The arithmetic mean, or None for no values."""
    if not values:
        return None
    return math.fsum(values) / len(values)


def standard_deviation(values: Sequence[float]) -> float | None:
    """The sample standard deviation (n - 1), or None for fewer than two values."""
    if len(values) < 2:
        return None
    centre = mean(values)
    return math.sqrt(math.fsum((value - centre) ** 2 for value in values) / (len(values) - 1))


def facility_index(marks: Sequence[float], *, max_mark: float = 1) -> float | None:
    """Mean mark as a percentage of the maximum mark: 100 means everyone got it fully right."""
    if not marks:
        return None
    # Sum first and divide once, so 9 of 10 right is exactly 90.0, not 90.00000000000001.
    return 100 * math.fsum(marks) / (len(marks) * max_mark)


def pearson_correlation(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r of paired values, or None when it is undefined (under two pairs, or a constant side)."""
    if len(xs) != len(ys):
        raise ValueError("pearson_correlation needs paired values")
    if len(xs) < 2:
        return None
    x_mean, y_mean = mean(xs), mean(ys)
    covariance = math.fsum((x - x_mean) * (y - y_mean) for x, y in zip(xs, ys, strict=True))
    x_spread = math.fsum((x - x_mean) ** 2 for x in xs)
    y_spread = math.fsum((y - y_mean) ** 2 for y in ys)
    if x_spread == 0 or y_spread == 0:
        return None
    return covariance / math.sqrt(x_spread * y_spread)


def discrimination_index(marks: Sequence[float], totals: Sequence[float]) -> float | None:
    """100 x the correlation between a question's marks and the rest of the test in the same attempts.

    `totals[i]` is the sum of every question mark of the attempt that gave `marks[i]`; the question's
    own mark is taken out, so it does not correlate with itself.
    """
    rest = [total - mark for mark, total in zip(marks, totals, strict=True)]
    correlation = pearson_correlation(marks, rest)
    return None if correlation is None else 100 * correlation


def item_flags(*, facility: float | None, discrimination: float | None) -> list[ItemFlag]:
    """What an instructor should look at in a question, by the thresholds above; unknown values raise no flag."""
    flags = []
    if facility is not None and facility > TOO_EASY_FACILITY:
        flags.append(ItemFlag.TOO_EASY)
    if facility is not None and facility < TOO_HARD_FACILITY:
        flags.append(ItemFlag.TOO_HARD)
    if discrimination is not None and discrimination < 0:
        flags.append(ItemFlag.NEGATIVE_DISCRIMINATION)
    elif discrimination is not None and discrimination < WEAK_DISCRIMINATION:
        flags.append(ItemFlag.WEAK_DISCRIMINATION)
    return flags
