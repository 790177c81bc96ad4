from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from courseware.essay_import import EssayFileError, EssayImportError, essay_file_read, essays_import
from learning.services import attempt_start
from lessons.models import Lesson, Module, Passage, Source
from quizzes.models import Choice, Question, Quiz
from tests.conftest import THEME_MAP
from tests.courseware.conftest import TALKS_ESSAY
from tests.factories import QuizFactory, make_question

pytestmark = pytest.mark.django_db

SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"


def counts():
    return [model.objects.count() for model in (Source, Passage, Lesson, Quiz, Question, Choice)]


def test_each_essay_becomes_a_source_with_numbered_passages_and_themes(themed_course, essay_files):
    """Sources are keyed by the file's number; passages keep their order and know the themes they speak to."""
    report = essays_import(course=themed_course, files=essay_files)

    talks, climate = Source.objects.filter(course=themed_course).order_by("key")
    assert (talks.key, talks.title, talks.filename) == ("000", "Talking Across Borders", "000_talks.txt")
    assert (climate.key, climate.title) == ("001", "Essay 001")
    passages = list(talks.passages.prefetch_related("modules"))
    assert [p.position for p in passages] == [1, 2]
    assert passages[0].text.startswith("Negotiation lets two governments")
    assert [m.slug for m in passages[0].modules.all()] == ["talks"]
    assert [m.slug for m in passages[1].modules.all()] == ["trade"]
    assert [(e.source.key, e.passages, [(t.module.slug, t.passages) for t in e.themes]) for e in report.essays] == [
        ("000", 2, [("talks", 1), ("trade", 1)]),
        ("001", 2, [("climate", 2)]),
    ]


def test_each_theme_gets_one_draft_lesson_quoting_its_passages_with_citations(themed_course, essay_files):
    """The readings lesson sits after the module's lessons, with a section per source and cited block quotes."""
    essays_import(course=themed_course, files=essay_files)

    lesson = Lesson.objects.get(slug="talks-essay-readings")
    assert lesson.module.slug == "talks" and lesson.position == 2 and not lesson.is_published
    assert [s["anchor"] for s in lesson.sections] == ["essay-000"]
    assert "## From essay 000 {#essay-000}" in lesson.body
    assert "<blockquote>\n<p>Negotiation lets two governments" in lesson.body_html
    assert "Essay 000, passage 1." in lesson.body
    assert [source.key for source in lesson.sources.all()] == ["000"]
    climate = Lesson.objects.get(slug="climate-essay-readings")
    assert "Essay 001, passage 1." in climate.body and "Essay 001, passage 2." in climate.body
    assert not Lesson.objects.filter(slug__in=["talks-essay-readings"], module__slug="trade").exists()


def test_key_terms_in_passages_become_draft_fill_in_the_blank_questions(themed_course, essay_files):
    """A passage's key terms become short-answer questions on its sentence, answered by the term, citing the source."""
    essays_import(course=themed_course, files=essay_files)

    lesson = Lesson.objects.get(slug="talks-essay-readings")
    questions = {q.key: q for q in lesson.questions.prefetch_related("choices")}
    assert set(questions) == {"essay-000-1-mediation", "essay-000-1-bilateral-meetings"}
    question = questions["essay-000-1-mediation"]
    assert question.qtype == "short"
    assert question.text == "When the sides stop listening, _____ by a neutral friend can help."
    assert [(c.text, c.fraction) for c in question.choices.all()] == [("mediation", 1)]
    assert question.section_anchor == "essay-000"
    assert "essay 000" in question.explanation and "passage 1" in question.explanation
    trade = Question.objects.get(key="essay-000-2-free-trade-agreement")
    assert trade.text == "A _____ lowers tariffs and widens market access for both partners."
    assert [c.text for c in trade.choices.all()] == ["free-trade agreement"]
    assert lesson.quiz.slug == "talks-essay-readings-quiz"


def test_nothing_the_import_makes_is_published(themed_course, essay_files):
    """Draft lessons and their quizzes wait for an instructor."""
    essays_import(course=themed_course, files=essay_files)

    readings = Lesson.objects.filter(slug__endswith="-essay-readings")
    assert readings.count() == 3
    assert not readings.filter(is_published=True).exists()
    assert not Quiz.objects.filter(lesson__in=readings, is_published=True).exists()


def test_importing_the_same_files_twice_creates_nothing_new(themed_course, essay_files):
    """A second run finds every row unchanged and duplicates nothing."""
    essays_import(course=themed_course, files=essay_files)
    before = counts()
    passage_ids = list(Passage.objects.order_by("pk").values_list("pk", flat=True))

    again = essays_import(course=themed_course, files=essay_files)

    assert counts() == before
    assert list(Passage.objects.order_by("pk").values_list("pk", flat=True)) == passage_ids
    assert again.changes.created == again.changes.updated == again.changes.kept == again.removed == []


def test_reimporting_a_changed_essay_replaces_its_passages_in_place(themed_course, essay_files):
    """Passages keep their positions and rows; ones the essay lost go, with their lesson quotes and questions."""
    essays_import(course=themed_course, files=essay_files)
    first = Passage.objects.get(source__key="000", position=1)
    shorter = TALKS_ESSAY.split("\n\nMoney follows calm.")[0]

    report = essays_import(course=themed_course, files=[("000_talks.txt", shorter)])

    assert list(Passage.objects.filter(source__key="000").values_list("pk", flat=True)) == [first.pk]
    assert Source.objects.filter(key="000").count() == 1
    trade = Lesson.objects.get(slug="trade-essay-readings")
    assert "From essay 000" not in trade.body
    assert not Question.objects.filter(key__startswith="essay-000-2-").exists()
    assert "question essay-000-2-free-trade-agreement" in report.removed


def test_a_published_readings_lesson_is_never_changed(themed_course, essay_files):
    """Once an instructor publishes the lesson, re-imports leave it and its questions alone."""
    essays_import(course=themed_course, files=essay_files)
    Lesson.objects.filter(slug="trade-essay-readings").update(is_published=True)
    body = Lesson.objects.get(slug="trade-essay-readings").body

    report = essays_import(course=themed_course, files=[("000_talks.txt", TALKS_ESSAY.replace("Money", "Cash"))])

    lesson = Lesson.objects.get(slug="trade-essay-readings")
    assert lesson.body == body and lesson.is_published
    assert Question.objects.filter(lesson=lesson).count() == 2
    assert any(label.startswith("lesson trade-essay-readings (published") for label in report.changes.kept)


def test_a_draft_edited_by_an_instructor_is_kept(themed_course, essay_files):
    """Edits made in the admin to a readings lesson survive a re-import, which reports the lesson as kept."""
    essays_import(course=themed_course, files=essay_files)
    lesson = Lesson.objects.get(slug="talks-essay-readings")
    lesson.body = "## Rewritten {#rewritten}\n\nOur own words now."
    lesson.save()

    report = essays_import(course=themed_course, files=essay_files)

    lesson.refresh_from_db()
    assert lesson.body.startswith("## Rewritten")
    assert "lesson talks-essay-readings" in report.changes.kept
    assert [draft.kept for draft in report.lessons] == [True, False, False]


def test_students_cannot_open_the_drafts(themed_course, essay_files, student_client, instructor):
    """A draft readings lesson and its quiz answer 404 to students; staff can preview them."""
    essays_import(course=themed_course, files=essay_files)
    lesson = Lesson.objects.get(slug="talks-essay-readings")
    lesson_url = reverse("learning:lesson", kwargs={"course_slug": themed_course.slug, "lesson_slug": lesson.slug})
    quiz_url = reverse("learning:quiz", kwargs={"course_slug": themed_course.slug, "quiz_slug": lesson.quiz.slug})

    assert student_client.get(lesson_url).status_code == HTTPStatus.NOT_FOUND
    assert student_client.get(quiz_url).status_code == HTTPStatus.NOT_FOUND
    outline = student_client.get(themed_course.get_absolute_url())
    assert "readings from the essays" not in outline.text
    student_client.force_login(instructor)
    assert student_client.get(lesson_url).status_code == HTTPStatus.OK


def test_the_final_exam_never_draws_draft_questions(themed_course, essay_files, student):
    """Questions of an unpublished lesson stay out of the final exam until the lesson is published."""
    essays_import(course=themed_course, files=essay_files)
    draft = Lesson.objects.filter(course=themed_course, is_published=False).first()
    make_question(draft, "short", [("Mediation", 1)], key="draft-question", pool="final")
    make_question(
        Lesson.objects.get(slug="talking"), "short", [("Dialogue", 1)], key="published-question", pool="final"
    )
    final = QuizFactory(lesson=None, course=themed_course, kind=Quiz.Kind.FINAL, slug="final-exam")

    attempt = attempt_start(user=student, quiz=final)

    assert [slot.question.key for slot in attempt.slots.select_related("question")] == ["published-question"]


def test_essays_that_cannot_be_imported_together_write_nothing(themed_course):
    """Two files with one key, or a file with no text, refuse the whole import with a reason per file."""
    with pytest.raises(EssayImportError) as error:
        essays_import(
            course=themed_course,
            files=[("004_a.txt", TALKS_ESSAY), ("004_b.txt", TALKS_ESSAY), ("notes.txt", "Only A Title\n")],
        )
    assert error.value.problems == [
        "004_a.txt and 004_b.txt would both be source 004; import one of them.",
        "notes.txt: no paragraph or sentence of text was found.",
    ]
    assert not Source.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("essay.pdf", b"%PDF-1.4", "essay.pdf: only plain-text .txt files can be imported."),
        ("big.txt", b"a" * (200 * 1024 + 1), "big.txt: the file is larger than 200 KB"),
        ("latin.txt", "Café diplomacy.".encode("latin-1"), "latin.txt: the file is not UTF-8 text"),
        ("blank.txt", b"  \n\n ", "blank.txt: the file is empty."),
        ("image.txt", b"\x00\x01\x02", "image.txt: the file holds binary data"),
    ],
)
def test_essay_files_must_be_small_utf8_text(name, data, message):
    """A file that is not a plain UTF-8 .txt of at most 200 KB is refused with a message naming it."""
    with pytest.raises(EssayFileError, match=message.replace(".", r"\.")):
        essay_file_read(name=name, data=data)


def test_a_byte_order_mark_is_not_part_of_the_text():
    """UTF-8 files saved with a BOM read the same as without."""
    assert essay_file_read(name="a.txt", data="\ufeffHello.".encode()) == "Hello."


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed essays live in ../shared/seeds beside the repository")
def test_the_seed_essays_give_every_theme_passages_from_the_essays_the_theme_map_names(shipped_course):
    """Imported into the shipped course, the four seed essays speak to each module as DESIGN.md's map says."""
    files = [(path.name, path.read_text(encoding="utf-8")) for path in sorted(SEEDS.glob("*.txt"))]
    assert [name[:3] for name, _text in files] == ["000", "001", "002", "003"]

    report = essays_import(course=shipped_course, files=files)

    assert sorted(essay.source.key for essay in report.essays) == ["000", "001", "002", "003"]
    assert Source.objects.filter(course=shipped_course).count() == 4
    for slug, essays in THEME_MAP.items():
        module = Module.objects.get(course=shipped_course, slug=slug)
        found = set(Passage.objects.filter(modules=module).values_list("source__key", flat=True))
        assert essays <= found, f"{slug}: passages from {sorted(found)}, the theme map names {sorted(essays)}"
        lesson = Lesson.objects.get(slug=f"{slug}-essay-readings")
        assert not lesson.is_published and lesson.questions.exists()
        assert {f"essay-{key}" for key in essays} <= {section["anchor"] for section in lesson.sections}
    assert not Lesson.objects.filter(slug__endswith="-essay-readings", is_published=True).exists()
