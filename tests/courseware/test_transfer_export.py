"""Exporting a quiz's pool as GIFT, and the round trips back through import."""

import pytest

from courseware.gift_transfer import GiftExportError, ImportAction, gift_export, gift_import, gift_import_preview
from quizzes.gift import parse_gift
from quizzes.models import Choice, Question
from tests.courseware.conftest import GOOD_GIFT
from tests.factories import make_question

pytestmark = pytest.mark.django_db


def question_content(question):
    choices = [(c.text, c.fraction, c.feedback, c.match_text) for c in question.choices.all()]
    return question.qtype, question.title, question.text, question.explanation, question.section_anchor, choices


def test_export_writes_id_and_section_tags_and_marks_ordering(stocked_quiz):
    """Each question carries // [id:key] and // [tag:section:anchor]; ordering questions also type:ordering."""
    text = gift_export(quiz=stocked_quiz)
    first = text.split("\n\n")[0].splitlines()
    assert first[:2] == ["// [id:q-1-talking]", "// [tag:section:first-idea]"]
    assert first[2].startswith("::single question::A single question?{")
    assert "// [tag:type:ordering]" in text.split("\n\n")[-1]
    assert "[tag:lesson:" not in text
    assert [question.key for question in parse_gift(text)] == list(
        stocked_quiz.question_pool().values_list("key", flat=True)
    )


def test_exporting_the_final_exam_names_each_questions_lesson(final_exam, lesson, stocked_quiz):
    """The final exam's own bank spans the course, so each question also gets // [tag:lesson:slug]."""
    for number in range(3):
        make_question(lesson, key=f"exam-{number}", text=f"Exam question {number}?", pool="final")
    questions = parse_gift(gift_export(quiz=final_exam))
    assert [question.key for question in questions] == ["exam-0", "exam-1", "exam-2"]
    assert all("lesson:talking" in question.tags for question in questions)


def test_export_then_import_into_the_same_quiz_changes_nothing(stocked_quiz):
    """Every exported question reads back unchanged; no version moves."""
    result = gift_import(quiz=stocked_quiz, text=gift_export(quiz=stocked_quiz), filename="talking.gift")
    assert len(result.unchanged) == 6 and not result.created and not result.updated
    assert set(Question.objects.values_list("version", flat=True)) == {1}


def test_export_then_import_into_another_lessons_empty_quiz_gives_the_same_questions(stocked_quiz, other_course_quiz):
    """A quiz copied through GIFT into a lesson with the same anchors has the same text, types and choices."""
    gift_import(quiz=other_course_quiz, text=gift_export(quiz=stocked_quiz), filename="talking.gift")
    originals = [question_content(q) for q in stocked_quiz.question_pool()]
    copies = [question_content(q) for q in other_course_quiz.question_pool()]
    assert copies == originals
    assert len(copies) == 6


def test_a_file_imported_then_exported_reads_back_as_the_same_questions(empty_quiz):
    """Import then export keeps every question of a hand-written file."""
    gift_import(quiz=empty_quiz, text=GOOD_GIFT, filename="talking.gift")
    assert parse_gift(gift_export(quiz=empty_quiz)) == parse_gift(GOOD_GIFT)


def test_the_final_exam_export_imports_back_unchanged(final_exam, lesson):
    """The final exam's export, with its lesson: tags, imports into the final exam with nothing to do."""
    for number in range(3):
        make_question(lesson, key=f"exam-{number}", text=f"Exam question {number}?", pool="final")
    preview = gift_import_preview(quiz=final_exam, text=gift_export(quiz=final_exam), filename="final.gift")
    assert [planned.action for planned in preview.questions] == [ImportAction.UNCHANGED] * 3


def test_export_cleans_line_ends_typed_in_the_admin(empty_quiz, lesson):
    """Windows line ends and surrounding blanks from admin text areas do not reach the file."""
    question = make_question(lesson, text="Line one\r\nline two  ")
    (read,) = parse_gift(gift_export(quiz=empty_quiz))
    assert read.text == "Line one\nline two"
    assert read.key == question.key


def test_a_question_gift_cannot_express_is_named_in_an_error(empty_quiz, lesson):
    """A single-choice question whose weights make no valid GIFT is refused by name, not written wrong."""
    question = make_question(lesson, "multiple", [("Half", "0.5"), ("Nothing", 0)], key="talking-half")
    with pytest.raises(GiftExportError, match="talking-half"):
        gift_export(quiz=empty_quiz)
    Choice.objects.filter(question=question).update(text="Yes")
    question.qtype = "truefalse"
    question.save()
    with pytest.raises(GiftExportError, match="True and False"):
        gift_export(quiz=empty_quiz)


def test_an_empty_pool_exports_as_an_empty_text(empty_quiz):
    """A quiz without questions gives an empty file."""
    assert gift_export(quiz=empty_quiz) == ""
