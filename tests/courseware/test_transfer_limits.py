"""Import size: a 2,000-question bank imports in seconds and one transaction; files over the limits are refused."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courseware import gift_transfer
from courseware.gift_transfer import gift_import, gift_import_preview
from quizzes.models import Choice, Question

pytestmark = pytest.mark.django_db

WORDS = [f"word{number}" for number in range(3000)]


def bank(count: int) -> str:
    """A GIFT bank of `count` single-choice questions with stems of random words."""
    rng = random.Random(1)
    return "\n\n".join(
        f"// [id:bulk-{index}] [tag:section:first-idea]\n{' '.join(rng.choices(WORDS, k=rng.randint(8, 20)))}?"
        f"{{=Right {index}#Yes. ~Wrong {index}#No. ~Other {index}####Because {index}.}}"
        for index in range(count)
    )


def test_a_2000_question_bank_imports_in_seconds_with_two_writes_a_question(empty_quiz):
    """2,000 questions import in one go, and a new question costs two queries (row, choices), so the time
    grows with the file only linearly (the seconds themselves are measured in docs/benchmarks.md, not here)."""
    text = bank(2000)
    with CaptureQueriesContext(connection) as queries:
        result = gift_import(quiz=empty_quiz, text=text, filename="bank.gift")
    assert len(result.created) == 2000
    assert (Question.objects.count(), Choice.objects.count()) == (2000, 6000)
    assert len(queries) <= 2 * 2000 + 20


def test_a_file_over_the_size_limit_is_refused_before_parsing(empty_quiz, monkeypatch):
    """Over MAX_IMPORT_BYTES, the file is not parsed: the preview says its size and the limit."""
    monkeypatch.setattr(gift_transfer, "MAX_IMPORT_BYTES", 100)
    monkeypatch.setattr(gift_transfer, "parse_gift", None)  # parsing it would fail loudly
    preview = gift_import_preview(quiz=empty_quiz, text="x" * 101, filename="big.gift")
    assert preview.errors == ["big.gift: the file is 101 bytes; the limit is 100 bytes, split it"]


def test_a_file_with_too_many_questions_is_refused(empty_quiz, monkeypatch):
    """Over MAX_IMPORT_QUESTIONS, nothing is planned or written."""
    monkeypatch.setattr(gift_transfer, "MAX_IMPORT_QUESTIONS", 3)
    preview = gift_import_preview(quiz=empty_quiz, text=bank(4), filename="many.gift")
    assert preview.errors == ["many.gift: 4 questions; the limit is 3 a file, split it"]
    assert not Question.objects.exists()
