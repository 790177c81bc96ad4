"""The quiz statistics page: item analysis in numbers and pictures, first or all attempts."""

import random
import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from learning.services import attempt_graded, attempt_start, attempt_submit
from quizzes.models import AttemptQuestion
from quizzes.services import slot_mark
from reports.statistics import ItemFlag
from tests.factories import QuizFactory, UserFactory, make_question, make_written_question
from tests.reports.conftest import HALF, RIGHT, answer_marks, finish_attempt, make_students

pytestmark = pytest.mark.django_db

# The worked example of test_statistics.py, as five students' first attempts.
WORKED_EXAMPLE = [[1, 1, 1], [0, 1, 0], [0.5, 1, 0.5], [0, 0, 1], [0, 0, 1]]


def statistics_url(quiz, **params):
    url = reverse("reports:quiz_statistics", kwargs={"course_slug": quiz.course.slug, "quiz_slug": quiz.slug})
    return url + ("?" + "&".join(f"{key}={value}" for key, value in params.items()) if params else "")


@pytest.fixture
def worked_example(analysis_quiz):
    students = make_students(5)
    for student, marks in zip(students, WORKED_EXAMPLE, strict=True):
        answer_marks(analysis_quiz, student, marks)
    return students


def summary(statistics):
    return [(q.key, q.responses, q.facility, q.discrimination, q.flags) for q in statistics.questions]


def test_report_shows_facility_discrimination_and_flags(staff_client, analysis_quiz, worked_example):
    """The worked example's numbers: 30/100, 60/0 (weak), 70/-25 (negative); mean 53.3, deviation 29.8."""
    response = staff_client.get(statistics_url(analysis_quiz))
    assert response.status_code == HTTPStatus.OK
    statistics = response.context["statistics"]
    assert summary(statistics) == [
        ("talks-q1", 5, 30.0, 100.0, []),
        ("talks-q2", 5, 60.0, 0.0, [ItemFlag.WEAK_DISCRIMINATION]),
        ("talks-q3", 5, 70.0, -25.0, [ItemFlag.NEGATIVE_DISCRIMINATION]),
    ]
    assert (statistics.attempt_count, statistics.mean_score, statistics.score_deviation) == (5, 53.3, 29.8)
    html = response.text
    row = re.search(r'<tr data-question="talks-q3">.*?</tr>', html, re.S).group()
    assert '<td class="text-end" data-testid="facility">70.0%</td>' in row
    assert '<td class="text-end" data-testid="discrimination">-25.0</td>' in row
    assert 'data-flag="negative_discrimination"' in row
    assert "Weak discrimination (below 20)" in html
    assert "Average score <strong>53.3%</strong>" in html


def test_report_counts_how_often_each_answer_was_picked(staff_client, analysis_quiz, worked_example):
    """Q1: Right once, Half once, Wrong three times, out of five responses."""
    statistics = staff_client.get(statistics_url(analysis_quiz)).context["statistics"]
    answers = [(a.label, a.count, a.percent, a.correct) for a in statistics.questions[0].answers]
    assert answers == [("Right", 1, 20.0, True), ("Half", 1, 20.0, True), ("Wrong", 3, 60.0, False)]


def test_report_draws_accessible_svg_charts(staff_client, analysis_quiz, worked_example):
    """An inline SVG per chart, role="img" with a title and a description that carries the numbers."""
    html = staff_client.get(statistics_url(analysis_quiz)).text
    facility = re.search(r'<svg[^>]*data-chart="facility".*?</svg>', html, re.S).group()
    assert 'role="img"' in facility
    assert 'aria-labelledby="facility-title facility-desc"' in facility
    assert '<title id="facility-title">Facility index per question</title>' in facility
    assert "Q1: 30.0%; Q2: 60.0%; Q3: 70.0%" in facility
    assert facility.count("<rect") == 3
    answers = re.search(r'<svg[^>]*data-chart="answers-q1".*?</svg>', html, re.S).group()
    assert 'role="img"' in answers
    assert "Wrong: 3 (60%)" in answers
    assert answers.count("<rect") == 3


def test_report_flags_too_easy_and_too_hard_questions(staff_client, analysis_quiz):
    """Everyone right is too easy (facility 100); everyone wrong is too hard (0); both bars are highlighted."""
    for student, third in zip(make_students(4), [1, 0, 1, 0], strict=True):
        answer_marks(analysis_quiz, student, [1, 0, third])
    response = staff_client.get(statistics_url(analysis_quiz))
    statistics = response.context["statistics"]
    assert [q.flags for q in statistics.questions[:2]] == [[ItemFlag.TOO_EASY], [ItemFlag.TOO_HARD]]
    assert [q.discrimination for q in statistics.questions[:2]] == [None, None]
    assert statistics.flagged_count == 2
    assert "Too easy (facility above 90%)" in response.text
    assert "Too hard (facility below 20%)" in response.text
    assert response.text.count('fill="#b02a37"') == 2


def test_first_attempts_by_default_and_all_on_request(staff_client, analysis_quiz, worked_example):
    """A retake counts only under ?attempts=all: Q1 goes from 1.5 / 5 (30%) to 2.5 / 6 (41.7%)."""
    answer_marks(analysis_quiz, worked_example[1], [1, 1, 1])
    first = staff_client.get(statistics_url(analysis_quiz)).context["statistics"]
    every = staff_client.get(statistics_url(analysis_quiz, attempts="all")).context["statistics"]
    assert (first.attempt_count, first.student_count, first.questions[0].facility) == (5, 5, 30.0)
    assert (every.attempt_count, every.student_count, every.questions[0].facility) == (6, 5, 41.7)


def test_staff_attempts_and_open_attempts_are_left_out(staff_client, analysis_quiz, worked_example, instructor):
    """An instructor trying the quiz, and a student's unfinished attempt, change nothing."""
    answer_marks(analysis_quiz, instructor, [1, 1, 1])
    attempt_start(user=UserFactory(username="halfway"), quiz=analysis_quiz)
    statistics = staff_client.get(statistics_url(analysis_quiz, attempts="all")).context["statistics"]
    assert statistics.attempt_count == 5


def test_a_bad_attempts_switch_is_refused(staff_client, analysis_quiz):
    """Only first or all: anything else is a 400 that says so."""
    response = staff_client.get(statistics_url(analysis_quiz, attempts="best"))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Choose the first attempts or all attempts." in response.text


def test_a_quiz_nobody_finished_says_so(staff_client, analysis_quiz):
    """No finished attempt: no table, no chart, a sentence."""
    response = staff_client.get(statistics_url(analysis_quiz))
    assert "No student has finished this quiz yet." in response.text
    assert "<svg" not in response.text


def test_drawn_and_shuffled_questions_are_told_apart_by_their_snapshot(staff_client, lessons):
    """Two of four questions per attempt, shuffled: each question's responses are its own, whatever its position."""
    lesson = lessons[0]
    quiz = QuizFactory(lesson=lesson, slug="drawn", shuffle_questions=True, questions_per_attempt=2)
    questions = [make_question(lesson, "single", key=f"drawn-q{number}") for number in range(4)]
    right_keys = {"drawn-q0", "drawn-q1"}
    seen = {question.key: 0 for question in questions}
    for index, student in enumerate(make_students(12)):
        attempt = attempt_start(user=student, quiz=quiz, rng=random.Random(index))
        responses = {}
        for slot in attempt.slots.all():
            key = slot.snapshot["key"]
            seen[key] += 1
            wanted = "Right" if key in right_keys else "Wrong"
            choice = next(c for c in slot.snapshot["choices"] if c["text"] == wanted)
            responses[slot.position] = {"choice": choice["id"]}
        attempt_submit(attempt=attempt, responses=responses)
    statistics = staff_client.get(statistics_url(quiz)).context["statistics"]
    assert [q.key for q in statistics.questions] == ["drawn-q0", "drawn-q1", "drawn-q2", "drawn-q3"]
    assert {q.key: q.responses for q in statistics.questions} == seen
    assert [q.facility for q in statistics.questions] == [100.0, 100.0, 0.0, 0.0]


def test_short_answers_are_grouped_by_their_normalized_text(staff_client, mixed_quiz):
    """'rcep' and 'R.C.E.P.' are one answer (right); 'NAFTA' another (wrong); a blank counts as no answer."""
    typed = ["rcep", "R.C.E.P.", "NAFTA", None]
    for student, text in zip(make_students(4), typed, strict=True):
        finish_attempt(mixed_quiz, student, ["Mediation", "True", ["UN"], text, None, None])
    statistics = staff_client.get(statistics_url(mixed_quiz)).context["statistics"]
    short = next(q for q in statistics.questions if q.qtype == "short")
    assert [(a.label, a.count, a.correct) for a in short.answers] == [
        ("rcep", 2, True),
        ("NAFTA", 1, False),
        ("No answer", 1, False),
    ]
    multiple = next(q for q in statistics.questions if q.qtype == "multiple")
    assert [(a.label, a.count, a.correct) for a in multiple.answers] == [
        ("UN", 4, True),
        ("ASEAN", 0, True),
        ("NATO", 0, False),
    ]


def test_matching_and_ordering_count_right_parts(staff_client, mixed_quiz):
    """Matching and ordering show, per pair or item, how many responses got that part right."""
    half_matched = {"Kyoto": "Protocol", "Paris": "Conference", "COP": "Agreement"}
    swapped_ends = ["third", "second", "first"]
    finish_attempt(mixed_quiz, UserFactory(), ["Mediation", "True", ["UN"], "RCEP", half_matched, swapped_ends])
    finish_attempt(mixed_quiz, UserFactory(), ["Mediation", "True", ["UN"], "RCEP", None, None])
    statistics = staff_client.get(statistics_url(mixed_quiz)).context["statistics"]
    matching = next(q for q in statistics.questions if q.qtype == "matching")
    assert [(a.label, a.count, a.percent) for a in matching.answers] == [
        ("Kyoto → Protocol", 1, 50.0),
        ("Paris → Agreement", 0, 0.0),
        ("COP → Conference", 0, 0.0),
        ("No answer", 1, 50.0),
    ]
    ordering = next(q for q in statistics.questions if q.qtype == "ordering")
    assert [(a.label, a.count) for a in ordering.answers] == [
        ("1. first", 0),
        ("2. second", 1),
        ("3. third", 0),
        ("No answer", 1),
    ]


def slot_of(student, quiz, key):
    return AttemptQuestion.objects.get(attempt__user=student, attempt__quiz=quiz, snapshot__key=key)


def test_an_answer_awaiting_marking_is_not_analysed(staff_client, analysis_quiz, worked_example):
    """A slot without a mark yet (a written answer before marking) counts nowhere: Q3 goes from 3.5 / 5 (70%) to
    2.5 / 4 (62.5%), its answers out of 4, and the attempt is scored on its marked questions."""
    AttemptQuestion.objects.filter(pk=slot_of(worked_example[0], analysis_quiz, "talks-q3").pk).update(mark=None)
    statistics = staff_client.get(statistics_url(analysis_quiz)).context["statistics"]
    assert summary(statistics)[2][:3] == ("talks-q3", 4, 62.5)
    assert sum(answer.count for answer in statistics.questions[2].answers) == 4
    assert summary(statistics)[0][:3] == ("talks-q1", 5, 30.0)
    assert (statistics.attempt_count, statistics.student_count) == (5, 5)
    # Scores 100 (two marked questions), 33.3, 66.7, 33.3, 33.3.
    assert statistics.mean_score == 53.3


def test_answers_to_an_earlier_version_count_under_the_latest_text(staff_client, analysis_quiz, worked_example):
    """Q1 edited after three students took it: answers are counted by choice whatever the version, each choice
    under its latest text, in the latest version's order, and a choice the edit removed still listed."""
    for student in worked_example[3:]:
        slot = slot_of(student, analysis_quiz, "talks-q1")
        choices = [choice for choice in slot.snapshot["choices"] if choice["text"] != HALF]
        for choice in choices:
            choice["text"] = "Right answer" if choice["text"] == RIGHT else choice["text"]
        slot.snapshot |= {"version": 2, "choices": choices[::-1]}
        slot.save(update_fields=["snapshot"])
    statistics = staff_client.get(statistics_url(analysis_quiz)).context["statistics"]
    answers = [(a.label, a.count, a.correct) for a in statistics.questions[0].answers]
    assert answers == [("Wrong", 3, False), ("Right answer", 1, True), ("Half", 1, True)]


def test_answers_outlive_a_deleted_question(staff_client, analysis_quiz, worked_example):
    """Slots whose question was deleted are told apart by the question id in their snapshot."""
    AttemptQuestion.objects.filter(snapshot__key="talks-q2").update(question=None)
    statistics = staff_client.get(statistics_url(analysis_quiz)).context["statistics"]
    assert [row[:3] for row in summary(statistics)] == [
        ("talks-q1", 5, 30.0),
        ("talks-q2", 5, 60.0),
        ("talks-q3", 5, 70.0),
    ]


def test_a_written_answer_counts_once_marked(staff_client, lessons, instructor):
    """A written answer joins the analysis by its rubric mark once marked (its attempt is finished then); an attempt
    still awaiting marking is left out. Essays have no answer distribution."""
    quiz = QuizFactory(lesson=lessons[0], slug="memo-quiz")
    make_question(lessons[0], "single", key="memo-choice")
    make_written_question(lessons[0], key="memo-written")
    attempts = []
    for student in make_students(3):
        attempt = attempt_start(user=student, quiz=quiz, rng=random.Random(1))
        responses = {}
        for slot in attempt.slots.all():
            if slot.snapshot["qtype"] == "written":
                responses[slot.position] = {"text": "Talk first, because talks keep the options open. " * 4}
            else:
                right = next(c for c in slot.snapshot["choices"] if c["text"] == "Right")
                responses[slot.position] = {"choice": right["id"]}
        attempts.append(attempt_submit(attempt=attempt, responses=responses))
    assert all(attempt.is_awaiting_marking for attempt in attempts)
    for attempt, picks in zip(attempts[:2], [(2, 2), (1, 0)], strict=True):
        slot = attempt.slots.get(snapshot__key="memo-written")
        levels = {
            str(criterion["id"]): criterion["levels"][pick]["id"]
            for criterion, pick in zip(slot.snapshot["rubric"], picks, strict=True)
        }
        slot_mark(slot_id=slot.pk, marker=instructor, levels=levels, on_graded=attempt_graded)
    statistics = staff_client.get(statistics_url(quiz)).context["statistics"]
    assert statistics.attempt_count == 2
    written = next(q for q in statistics.questions if q.key == "memo-written")
    # Full marks (6 of 6) and 2 of 6: facility 66.7%.
    assert (written.responses, written.facility, written.answers, written.chart) == (2, 66.7, [], None)


def test_numerical_answers_are_counted_by_value_and_marked_right_within_tolerance(staff_client, lessons):
    """A typed number is one answer per text, right when it falls within the tolerance; a blank is no answer."""
    lesson = lessons[0]
    quiz = QuizFactory(lesson=lesson, slug="numbers-quiz", shuffle_questions=False)
    make_question(lesson, "numerical", [("42:0.5", 1)])
    for student, typed in zip(make_students(4), ["42", "42.3", "40", None], strict=True):
        finish_attempt(quiz, student, [typed])
    statistics = staff_client.get(statistics_url(quiz)).context["statistics"]
    (numerical,) = statistics.questions
    assert [(a.label, a.count, a.correct) for a in numerical.answers] == [
        ("40", 1, False),
        ("42", 1, True),
        ("42.3", 1, True),
        ("No answer", 1, False),
    ]
