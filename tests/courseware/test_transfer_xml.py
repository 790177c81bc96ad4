"""Moodle XML through the same import and export as GIFT: services, admin upload and commands."""

from http import HTTPStatus
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from courseware.gift_transfer import gift_export, gift_import, gift_import_preview, xml_export
from quizzes.models import Question
from tests.courseware.conftest import GOOD_GIFT
from tests.quizzes.moodle_xml_cases import MULTICHOICE_ABRIDGED, NESTED_CATEGORIES_WITH_QUESTIONS, TRUEFALSE_ABRIDGED

pytestmark = pytest.mark.django_db

EXTRA_GIFT = (
    "\n// [id:Q7] [tag:section:first-idea] [tag:easy]\n"
    "In which year?{#=1648:1#Yes. =%50%1640..1650 ~#No.####Westphalia.}\n"
    "\n// [id:talking-intro]\nRead the two questions below together.\n"
    "\n// [id:talking-match]\nMatch.{=Kyoto -> Protocol =Paris -> Agreement = -> Charter####Names of treaties.}\n"
)
WITHOUT_ESSAY = NESTED_CATEGORIES_WITH_QUESTIONS.replace(
    NESTED_CATEGORIES_WITH_QUESTIONS[
        NESTED_CATEGORIES_WITH_QUESTIONS.index("<!-- question: 106") : NESTED_CATEGORIES_WITH_QUESTIONS.index(
            "<!-- question: 97"
        )
    ],
    "",
)


def test_moodles_xml_fixture_imports_with_categories_as_tags_and_the_essay_as_a_written_answer(empty_quiz):
    """nested_categories_with_questions.xml: the essay imports as a written answer; the others with their tags."""
    with_essay = gift_import(quiz=empty_quiz, text=NESTED_CATEGORIES_WITH_QUESTIONS, filename="bank.xml")
    assert len(with_essay.created) == 5
    assert empty_quiz.question_pool().filter(qtype="written").count() == 1
    assert [question.tags for question in empty_quiz.question_pool().exclude(qtype="written")] == [
        ["category:$course$/Iota"],
        ["category:$course$/Iota/Kappa"],
        ["category:$course$/Iota/Kappa/Lambda"],
        ["category:$course$/Iota/Mu"],
    ]
    preview = gift_import_preview(quiz=empty_quiz, text=WITHOUT_ESSAY, filename="bank.xml")
    assert any("penalty 1 is ignored" in note for note in preview.questions[0].notes)


def test_gift_to_us_to_xml_to_us_loses_nothing(empty_quiz):
    """A GIFT bank imported, exported as XML and imported again changes nothing, and exports the same GIFT."""
    gift_import(quiz=empty_quiz, text=GOOD_GIFT + EXTRA_GIFT, filename="talking.gift")
    before = gift_export(quiz=empty_quiz)
    xml = xml_export(quiz=empty_quiz)
    result = gift_import(quiz=empty_quiz, text=xml, filename="talking.xml")
    assert result.unchanged == [
        "talking-channels",
        "talking-signing",
        "talking-steps",
        "Q7",
        "talking-intro",
        "talking-match",
    ]
    assert gift_export(quiz=empty_quiz) == before


def test_xml_exported_from_one_course_imports_into_another(empty_quiz, other_course_quiz):
    """The XML export carries everything: imported into another course's quiz, it exports the same XML."""
    gift_import(quiz=empty_quiz, text=GOOD_GIFT + EXTRA_GIFT, filename="talking.gift")
    xml = xml_export(quiz=empty_quiz)
    gift_import(quiz=other_course_quiz, text=xml, filename="talking.xml")
    assert xml_export(quiz=other_course_quiz) == xml


def test_admin_upload_previews_and_imports_moodle_xml(instructor_client, empty_quiz):
    """An .xml upload gets the same preview and confirm as GIFT."""
    url = reverse("admin:quizzes_quiz_gift_import", args=[empty_quiz.pk])
    upload = SimpleUploadedFile("bank.xml", WITHOUT_ESSAY.encode(), content_type="application/xml")
    preview = instructor_client.post(url, {"file": upload})
    assert "4 to create, 0 to update, 0 unchanged, 0 refused." in preview.text
    payload = preview.context["confirm_form"]["payload"].value()
    done = instructor_client.post(url, {"payload": payload}, follow=True)
    assert "Imported bank.xml: 4 created" in done.text
    export = instructor_client.get(reverse("admin:quizzes_quiz_xml_export", args=[empty_quiz.pk]))
    assert export.status_code == HTTPStatus.OK
    assert export["Content-Type"] == "application/xml; charset=utf-8"
    assert "<text>Iota Question</text>" in export.content.decode()


def test_import_questions_and_export_questions_commands(empty_quiz, tmp_path):
    """import_questions reads either format (with --dry-run); export_questions writes --format xml or gift."""
    bank = tmp_path / "bank.xml"
    bank.write_text(WITHOUT_ESSAY, encoding="utf-8")
    out = StringIO()
    call_command("import_questions", str(bank), "--quiz", "talking-quiz", "--dry-run", stdout=out)
    assert out.getvalue().endswith(
        "talking-quiz: 4 would create, 0 would update, 0 unchanged (dry run: nothing written)\n"
    )
    assert not Question.objects.exists()
    call_command("import_questions", str(bank), "--quiz", "talking-quiz", stdout=StringIO())
    assert Question.objects.count() == 4

    out = StringIO()
    call_command("export_questions", "--quiz", "talking-quiz", "--format", "xml", stdout=out)
    assert out.getvalue() == xml_export(quiz=empty_quiz)
    target = tmp_path / "out.gift"
    call_command("export_questions", "--quiz", "talking-quiz", "-o", str(target), stdout=StringIO())
    assert target.read_text(encoding="utf-8") == gift_export(quiz=empty_quiz)
    with pytest.raises(CommandError):
        call_command("export_questions", "--quiz", "no-such-quiz", "--format", "xml")


def test_moodles_truefalse_and_multichoice_fixtures_import(empty_quiz):
    """truefalse.xml and multichoice.xml import into a quiz, with notes for their files and penalties."""
    for fixture in (TRUEFALSE_ABRIDGED, MULTICHOICE_ABRIDGED):
        preview = gift_import_preview(quiz=empty_quiz, text=fixture, filename="bank.xml")
        assert preview.is_importable
        (planned,) = preview.questions
        assert "embedded files (images, audio) are not imported" in planned.notes
        assert gift_import(quiz=empty_quiz, text=fixture, filename="bank.xml").created
    assert sorted(question.qtype for question in empty_quiz.question_pool()) == ["single", "truefalse"]
