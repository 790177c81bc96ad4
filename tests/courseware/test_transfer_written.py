"""GIFT and Moodle XML essay items import as written answers, and export back as essays."""

import pytest

from courseware.gift_transfer import gift_export, gift_import, gift_import_preview, xml_export
from quizzes.models import Question, QuestionType
from quizzes.selectors import quiz_question_findings

pytestmark = pytest.mark.django_db

ESSAY_GIFT = """// [id:talking-memo]
// [tag:section:first-idea]
::Memo:: An invented ministry must choose between talks and pressure. Argue one. {
####A good answer names what each path costs.}
"""

ESSAY_XML = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="essay">
    <name><text>Memo</text></name>
    <questiontext format="html"><text>Argue a choice between talks and pressure.</text></questiontext>
    <generalfeedback format="html"><text>Name what each path costs.</text></generalfeedback>
    <idnumber>talking-memo-xml</idnumber>
    <tags><tag><text>section:first-idea</text></tag></tags>
  </question>
</quiz>
"""


def test_a_gift_essay_imports_as_a_written_answer_flagged_for_its_rubric(empty_quiz):
    """{} becomes a written question without choices; the preview says it needs a rubric, and the linter flags it."""
    preview = gift_import_preview(quiz=empty_quiz, text=ESSAY_GIFT, filename="memo.gift")
    (planned,) = preview.questions
    assert not planned.problems and planned.type_label == "Written answer"
    assert any("rubric" in note for note in planned.notes)
    gift_import(quiz=empty_quiz, text=ESSAY_GIFT, filename="memo.gift")
    question = Question.objects.get(key="talking-memo")
    assert question.qtype == QuestionType.WRITTEN and not question.choices.exists()
    assert question.explanation == "A good answer names what each path costs."
    findings = [f for f in quiz_question_findings(quiz=empty_quiz) if f.key == "talking-memo"]
    assert [f.code for f in findings] == ["Q112"]


def test_a_written_answer_exports_as_a_gift_essay_and_reads_back_unchanged(empty_quiz):
    """Export writes {} (with the explanation); importing the export again changes nothing."""
    gift_import(quiz=empty_quiz, text=ESSAY_GIFT, filename="memo.gift")
    exported = gift_export(quiz=empty_quiz)
    assert "{\n####A good answer names what each path costs.\n}" in exported or "{####" in exported
    again = gift_import(quiz=empty_quiz, text=exported, filename="again.gift")
    assert again.unchanged == ["talking-memo"]


def test_a_moodle_xml_essay_imports_as_a_written_answer_and_exports_as_one(empty_quiz):
    """Moodle's essay type is our written answer, both ways."""
    gift_import(quiz=empty_quiz, text=ESSAY_XML, filename="memo.xml")
    assert Question.objects.get(key="talking-memo-xml").qtype == QuestionType.WRITTEN
    assert '<question type="essay">' in xml_export(quiz=empty_quiz)
