"""Importing GIFT into a quiz: preview, create, update by key, and refusing whole files."""

from decimal import Decimal

import pytest

from courseware.gift_transfer import GiftImportError, ImportAction, gift_export, gift_import, gift_import_preview
from quizzes.models import Question
from tests.courseware.conftest import GOOD_GIFT
from tests.factories import LessonFactory, ModuleFactory, QuizFactory, make_question
from tests.quizzes.moodle_gift_cases import FIXTURE_QUESTIONS_GIFT, FIXTURE_QUESTIONS_IN_CATEGORY_GIFT

pytestmark = pytest.mark.django_db


def import_text(quiz, text, filename="talking.gift"):
    return gift_import(quiz=quiz, text=text, filename=filename)


def refusal(quiz, text, filename="talking.gift") -> list[str]:
    with pytest.raises(GiftImportError) as caught:
        import_text(quiz, text, filename)
    return caught.value.problems


def test_import_creates_questions_with_choices_in_the_quizs_lesson(empty_quiz):
    """Every question of a good file becomes a question of the lesson, with its choices, sections and positions."""
    result = import_text(empty_quiz, GOOD_GIFT)
    assert result.created == ["talking-channels", "talking-signing", "talking-steps"]
    pool = list(empty_quiz.question_pool())
    assert [(q.key, q.qtype, q.section_anchor, q.position, q.version) for q in pool] == [
        ("talking-channels", "single", "first-idea", 1, 1),
        ("talking-signing", "truefalse", "second-idea", 2, 1),
        ("talking-steps", "ordering", "second-idea", 3, 1),
    ]
    channels = pool[0]
    assert channels.title == "Channels"
    assert channels.explanation == "The lesson says diplomats talk so that soldiers do not have to."
    assert [(c.text, c.fraction, c.feedback) for c in channels.choices.all()] == [
        ("Talks", Decimal(1), "Yes: talking comes before anything else."),
        ("Force", Decimal(0), "No: force is what talks try to avoid."),
    ]
    assert [c.text for c in pool[2].choices.all()] == ["Negotiate", "Sign", "Ratify"]


def test_importing_the_same_file_again_changes_nothing(empty_quiz):
    """A second import reports every question unchanged and keeps their versions."""
    import_text(empty_quiz, GOOD_GIFT)
    result = import_text(empty_quiz, GOOD_GIFT)
    assert result.unchanged == ["talking-channels", "talking-signing", "talking-steps"]
    assert not result.created and not result.updated
    assert set(Question.objects.values_list("version", flat=True)) == {1}


def test_a_changed_question_is_updated_by_key_and_gets_a_new_version(empty_quiz):
    """Same [id:], new text and choices: the row is updated in place, its version goes up, its place is kept."""
    import_text(empty_quiz, GOOD_GIFT)
    before = Question.objects.get(key="talking-channels")
    changed = GOOD_GIFT.replace("~Force#No", "~Threats#No").replace("try first", "reach for first")
    result = import_text(empty_quiz, changed)
    assert result.updated == ["talking-channels"]
    assert result.unchanged == ["talking-signing", "talking-steps"]
    question = Question.objects.get(key="talking-channels")
    assert (question.pk, question.position, question.version) == (before.pk, before.position, 2)
    assert question.text == "Which channel do diplomats reach for first?"
    assert [c.text for c in question.choices.all()] == ["Talks", "Threats"]
    assert Question.objects.count() == 3


def test_new_questions_go_after_the_lessons_existing_ones(stocked_quiz):
    """Importing into a stocked quiz appends: positions continue after the last existing question."""
    import_text(stocked_quiz, GOOD_GIFT)
    assert list(Question.objects.filter(key__startswith="talking-").values_list("position", flat=True)) == [7, 8, 9]


def test_a_question_without_id_gets_a_stable_generated_key(empty_quiz):
    """No [id:]: the key is the quiz slug plus a hash of the text, so re-importing updates, never duplicates."""
    text = "// [tag:section:first-idea]\nWho guides both sides?{=A mediator ~A judge####Mediators guide.}\n"
    preview = gift_import_preview(quiz=empty_quiz, text=text, filename="talking.gift")
    (planned,) = preview.questions
    assert planned.key.startswith("talking-quiz-") and len(planned.key) == len("talking-quiz-") + 10
    assert any("generated" in note for note in planned.notes)
    import_text(empty_quiz, text)
    assert import_text(empty_quiz, text).unchanged == [planned.key]
    assert Question.objects.count() == 1


def test_a_question_without_section_links_to_the_lessons_first_section(empty_quiz):
    """A missing section: tag is allowed; the question links to the first section anchor of the lesson."""
    text = "// [id:talking-who]\nWho guides both sides?{=A mediator ~A judge####Mediators guide.}\n"
    preview = gift_import_preview(quiz=empty_quiz, text=text, filename="talking.gift")
    assert preview.questions[0].section == "first-idea"
    assert "first section, #first-idea" in preview.questions[0].notes[0]
    import_text(empty_quiz, text)
    assert Question.objects.get(key="talking-who").section_anchor == "first-idea"


def test_preview_tells_create_update_and_unchanged_and_writes_nothing(empty_quiz):
    """The preview names the action of every question without touching the database."""
    import_text(empty_quiz, GOOD_GIFT.split("\n\n")[0])
    changed = GOOD_GIFT.replace("Talks#Yes", "Dialogue#Yes")
    extra = "\n\n// [id:talking-who]\nWho guides both sides?{=A mediator ~A judge####Mediators guide.}\n"
    preview = gift_import_preview(quiz=empty_quiz, text=changed + extra, filename="talking.gift")
    assert [(p.key, p.action) for p in preview.questions] == [
        ("talking-channels", ImportAction.UPDATE),
        ("talking-signing", ImportAction.CREATE),
        ("talking-steps", ImportAction.CREATE),
        ("talking-who", ImportAction.CREATE),
    ]
    assert preview.is_importable
    assert preview.counts == {"create": 3, "update": 1, "unchanged": 0, "refused": 0}
    assert Question.objects.count() == 1


def test_a_parse_error_names_file_and_line_and_creates_nothing(empty_quiz):
    """A malformed question makes the whole file fail with 'file:line: reason'."""
    broken = GOOD_GIFT.replace("####Terms are agreed", "}####Terms are agreed")
    preview = gift_import_preview(quiz=empty_quiz, text=broken, filename="talking.gift")
    assert preview.questions == []
    assert preview.error.startswith("talking.gift:16: ")
    (problem,) = refusal(empty_quiz, broken)
    assert problem == preview.error
    assert not Question.objects.exists()


def test_numerical_questions_descriptions_and_essays_import(empty_quiz):
    """Numerical and description items import, and an essay becomes a written answer marked by hand."""
    numerical = "\n// [id:talking-year]\n// [tag:section:first-idea]\nIn which year?{#1648:1####Westphalia.}\n"
    description = "\n// [id:talking-intro]\nRead the two questions below together.\n"
    essay = "\n// [id:talking-essay]\n// [tag:section:first-idea]\nDescribe a summit.{####Any account.}\n"
    result = import_text(empty_quiz, GOOD_GIFT + numerical + description + essay)
    assert result.created[-3:] == ["talking-year", "talking-intro", "talking-essay"]
    year = Question.objects.get(key="talking-year")
    assert (year.qtype, [(c.text, c.fraction) for c in year.choices.all()]) == ("numerical", [("1648:1", 1)])
    intro = Question.objects.get(key="talking-intro")
    assert (intro.qtype, intro.choices.count(), intro.explanation) == ("description", 0, "")
    essay_question = Question.objects.get(key="talking-essay")
    assert (essay_question.qtype, essay_question.choices.count()) == ("written", 0)


def test_a_section_missing_from_the_lesson_is_refused(empty_quiz):
    """A section: tag must name an anchor of the lesson; the message lists the anchors there are."""
    problems = refusal(empty_quiz, GOOD_GIFT.replace("section:second-idea", "section:third-idea", 1))
    assert problems == [
        "talking.gift:11: section 'third-idea' is not a section of lesson 'talking' (one of: first-idea, second-idea)"
    ]
    assert not Question.objects.exists()


def test_a_question_without_explanation_imports_with_a_warning(empty_quiz):
    """A missing explanation (#### general feedback) is linter finding Q111 in the preview, not a refusal."""
    text = "// [id:talking-who]\nWho guides both sides?{=A mediator#Yes. ~A judge}\n"
    preview = gift_import_preview(quiz=empty_quiz, text=text, filename="talking.gift")
    assert preview.is_importable
    (planned,) = preview.questions
    assert any(warning.startswith("Q111 ") for warning in planned.warnings)
    assert import_text(empty_quiz, text).created == ["talking-who"]


def test_moodle_idnumbers_tags_and_categories_are_kept_and_exported(empty_quiz):
    """Q1 and q_1 stay the keys; other tags and the category (as category:PATH) are kept and written back."""
    text = (
        "$CATEGORY: $course$/top/Week 1\n\n"
        "// [id:Q1] [tag:easy]\nWho guides both sides?{=A mediator ~A judge####Mediators guide.}\n\n"
        "// [id:q_1]\nTalks come first.{T####They do.}\n"
    )
    import_text(empty_quiz, text)
    first, second = empty_quiz.question_pool()
    assert (first.key, first.tags) == ("Q1", ["easy", "category:$course$/top/Week 1"])
    assert (second.key, second.tags) == ("q_1", ["category:$course$/top/Week 1"])
    exported = gift_export(quiz=empty_quiz)
    assert "// [id:Q1]" in exported and "// [tag:category:$course$/top/Week 1]" in exported
    assert import_text(empty_quiz, exported).unchanged == ["Q1", "q_1"]


def test_every_parse_error_of_a_file_is_listed(empty_quiz):
    """Two malformed questions give two 'file:line: reason' problems, in file order."""
    broken = "Q1?{=a ~b\n\nQ2?{T####Fine.}\n\nQ3?{true}\n"
    preview = gift_import_preview(quiz=empty_quiz, text=broken, filename="talking.gift")
    assert [error.split(": ")[0] for error in preview.errors] == ["talking.gift:1", "talking.gift:5"]
    assert refusal(empty_quiz, broken) == preview.errors


def test_moodle_fixture_files_import(empty_quiz):
    """Moodle's GIFT fixtures import whole, the essay as a written answer."""
    result = import_text(empty_quiz, FIXTURE_QUESTIONS_GIFT)
    assert len(result.created) == 9
    assert Question.objects.filter(qtype="written").count() == 1
    in_category = import_text(empty_quiz, FIXTURE_QUESTIONS_IN_CATEGORY_GIFT)
    assert len(in_category.created) == 4
    tags = Question.objects.filter(key__in=in_category.created).values_list("tags", flat=True)
    assert list(tags) == [["category:$course$/Default for New Features"]] * 4


def test_a_key_of_another_lessons_question_is_refused(empty_quiz, lesson):
    """Keys are unique in the course: a lesson quiz cannot take over a question of another lesson."""
    other = LessonFactory(module=lesson.module, slug="treaties")
    make_question(other, key="talking-channels")
    (problem,) = refusal(empty_quiz, GOOD_GIFT)
    assert problem.startswith("talking.gift:3: key 'talking-channels' belongs to a question of lesson 'treaties'")
    assert Question.objects.count() == 1


def test_a_lesson_quiz_refuses_questions_tagged_for_another_lesson(empty_quiz):
    """A lesson: tag in a lesson quiz may only name the quiz's own lesson."""
    problems = refusal(
        empty_quiz, GOOD_GIFT.replace("// [id:talking-signing]", "// [id:talking-signing] [tag:lesson:treaties]")
    )
    assert len(problems) == 1 and "tagged lesson:treaties" in problems[0]
    import_text(
        empty_quiz, GOOD_GIFT.replace("// [id:talking-signing]", "// [id:talking-signing] [tag:lesson:talking]")
    )
    assert Question.objects.count() == 3


def test_two_questions_with_the_same_text_and_no_id_get_numbered_keys(empty_quiz):
    """Generated keys come from the text; a repeat is numbered in file order, so a re-import finds it again."""
    question = "// [tag:section:first-idea]\nWho guides both sides?{=A mediator ~A judge####Mediators guide.}\n"
    created = import_text(empty_quiz, question + "\n" + question).created
    assert created[1] == f"{created[0]}-2"
    assert import_text(empty_quiz, question + "\n" + question).unchanged == created


def test_an_empty_file_is_refused(empty_quiz):
    """A file with no questions is reported instead of importing nothing silently."""
    assert refusal(empty_quiz, "// only a comment\n") == ["talking.gift: the file holds no questions"]


def test_the_final_exam_needs_each_question_to_name_its_lesson(final_exam):
    """Final-exam questions go to the lesson their lesson: tag names; without the tag they are refused."""
    (problem,) = refusal(final_exam, GOOD_GIFT.split("\n\n")[0], filename="final.gift")
    assert problem.startswith("final.gift:3: the final exam draws from every lesson") and "[tag:lesson:" in problem

    text = "// [id:treaties-who] [tag:lesson:treaties]\nWho signs treaties?{=States ~Rivers####States sign.}\n"
    import_text(final_exam, text, filename="final.gift")
    question = Question.objects.get(key="treaties-who")
    assert (question.lesson.slug, question.section_anchor) == ("treaties", "first-idea")
    assert list(final_exam.question_pool()) == [question]


def test_the_final_exam_refuses_an_unknown_lesson(final_exam):
    """A lesson: tag must name a lesson of the course."""
    text = "// [id:x-who] [tag:lesson:nowhere]\nWho signs treaties?{=States ~Rivers####States sign.}\n"
    assert refusal(final_exam, text, filename="final.gift") == ["final.gift:2: no lesson 'nowhere' in this course"]


def test_a_lesson_without_sections_refuses_questions_without_section(course):
    """With no anchors to default to, a question without section: cannot be placed."""
    module = ModuleFactory(course=course)
    lesson = LessonFactory(module=module, slug="plain", body="No headings here. " * 400)
    quiz = QuizFactory(lesson=lesson, slug="plain-quiz")
    (problem,) = refusal(quiz, "// [id:plain-who]\nWho?{=A ~B####Because.}\n")
    assert "has no sections to link to" in problem
