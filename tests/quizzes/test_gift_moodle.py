"""Our GIFT parser and writer against Moodle's own GIFT tests (moodle/moodle question/format/gift/tests).

The cases live in moodle_gift_cases.py, each named after the Moodle test it comes from. The
deliberate differences from Moodle's parser are listed in README.md ("Moodle interop").
"""

from decimal import Decimal

import pytest

from quizzes.gift import GiftQuestion, comment_metadata, parse_gift, write_gift
from tests.quizzes.moodle_gift_cases import (
    COMMENT_CASES,
    EXPORT_CASES,
    FIXTURES,
    IMPORT_CASES,
    Answer,
    MoodleCase,
)


def numerical_range(text: str) -> tuple[str, Decimal | None]:
    """A numerical answer as Moodle stores it: (value, tolerance); '*' has no tolerance."""
    if text == "*":
        return "*", None
    if ".." in text:
        low, high = (Decimal(part) for part in text.split(".."))
        return format((low + high) / 2, "f"), (high - low) / 2
    value, _, tolerance = text.partition(":")
    return value.strip(), Decimal(tolerance or 0)


def as_moodle(question: GiftQuestion) -> MoodleCase:
    """What Moodle's parser would hold for a question we read, in the terms of the ported cases."""
    answers = []
    for answer in question.answers:
        if question.qtype == "numerical":
            value, tolerance = numerical_range(answer.text)
            answers.append(Answer(value, answer.fraction, answer.feedback, tolerance=tolerance))
        else:
            answers.append(Answer(answer.text, answer.fraction, answer.feedback, answer.match))
    return MoodleCase(
        test="",
        gift="",
        qtype=str(question.qtype),
        title=question.title,
        text=question.text,
        text_format=question.text_format or "moodle",
        explanation=question.explanation,
        answers=tuple(answers),
        key=question.key,
        tags=tuple(question.tags),
    )


def expected(case: MoodleCase) -> MoodleCase:
    return MoodleCase(**{**case.__dict__, "test": "", "gift": ""})


@pytest.mark.parametrize("case", IMPORT_CASES, ids=lambda case: case.test)
def test_reads_moodle_import_cases_as_moodle_does(case):
    """Each of Moodle's import tests reads to the values Moodle's parser gives."""
    (question,) = parse_gift(case.gift)
    assert as_moodle(question) == expected(case)


@pytest.mark.parametrize(("name", "comment", "key", "tags"), COMMENT_CASES, ids=[case[0] for case in COMMENT_CASES])
def test_reads_ids_and_tags_from_comments_as_moodle_does(name, comment, key, tags):
    """test_extract_idnumber_and_tags_from_comment: [id:] and [tag:] in comments, with \\] escaped."""
    assert comment_metadata(comment) == (key, list(tags))


@pytest.mark.parametrize("case", EXPORT_CASES, ids=lambda case: case.test)
def test_reads_moodle_export_strings_as_moodle_does(case):
    """The GIFT Moodle's exporter writes in each export test reads back to the question it was written from."""
    (question,) = parse_gift(case.gift)
    assert as_moodle(question) == expected(case)


@pytest.mark.parametrize("case", EXPORT_CASES + IMPORT_CASES, ids=lambda case: case.test)
def test_our_writer_output_reads_back_the_same(case):
    """What we write for each of Moodle's questions reads back (Moodle's way) to the same question."""
    (question,) = parse_gift(case.gift)
    (again,) = parse_gift(write_gift([question]))
    assert as_moodle(again) == as_moodle(question)


@pytest.mark.parametrize(("name", "text", "category", "questions"), FIXTURES, ids=[case[0] for case in FIXTURES])
def test_reads_moodle_fixture_files(name, text, category, questions):
    """Moodle's GIFT fixture files read whole, with the types, titles and category Moodle gives them."""
    read = parse_gift(text, filename=name)
    assert [(str(question.qtype), question.title) for question in read] == questions
    assert {question.category for question in read} == {category}
