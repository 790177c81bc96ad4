from decimal import Decimal

import pytest

from quizzes.gift import parse_gift
from quizzes.linting import (
    RULES,
    Finding,
    LintChoice,
    LintItem,
    lint_item_from_gift,
    lint_item_from_question,
    lint_items,
)
from tests.factories import LessonFactory, make_question


def choice(
    text: str, fraction: int | str = 0, *, feedback: str = "Because the lesson says so.", match: str = ""
) -> LintChoice:
    return LintChoice(text=text, match=match, fraction=Decimal(fraction), feedback=feedback)


SINGLE_CHOICES = (
    choice("Talks between two states", 1),
    choice("A summit of many states held in turn"),
    choice("A vote taken in a regional body"),
)


def item(key: str = "talks-q1", **fields) -> LintItem:
    """A single-choice item that breaks no rule; keyword arguments replace its fields."""
    values = {
        "key": key,
        "qtype": "single",
        "title": "Channels compared",
        "text": "Which arrangement does the lesson call bilateral diplomacy?",
        "explanation": "Bilateral means two sides; the lesson contrasts it with multilateral forums.",
        "section": "first-idea",
        "choices": SINGLE_CHOICES,
        "pool": "talks",
        "known_sections": frozenset({"first-idea", "second-idea"}),
    }
    return LintItem(**{**values, **fields})


def short(key: str, *answers: str, **fields) -> LintItem:
    """A short-answer item accepting `answers`, each with feedback."""
    fields = {"text": "Name the kind of talks the lesson describes.", **fields}
    return item(key, qtype="short", choices=tuple(choice(answer, 1) for answer in answers), **fields)


def true_false(key: str, *, answer_is_true: bool, **fields) -> LintItem:
    """A true/false item whose stem is too short to count as anyone's near-duplicate."""
    choices = (choice("True", int(answer_is_true)), choice("False", int(not answer_is_true)))
    return item(key, qtype="truefalse", text=f"Claim {key} holds.", choices=choices, **fields)


def codes(items: list[LintItem]) -> list[str]:
    return [finding.code for finding in lint_items(items)]


def test_a_well_written_item_has_no_findings():
    """The factory's item is clean, so every other test changes one thing about it."""
    assert lint_items([item()]) == []


def test_rules_have_stable_codes_and_one_line_explanations():
    """RULES lists the codes Q101..Q112, each with a one-line explanation starting with the rule's name."""
    assert list(RULES) == [f"Q1{number:02d}" for number in range(1, 13)]
    assert RULES["Q101"].startswith("key-in-other-item: ")
    assert all("\n" not in explanation for explanation in RULES.values())


# Q101 key-in-other-item


def test_short_answer_key_in_another_items_stem_is_flagged():
    """A short-answer key that another question of the pool spells out gives the answer away."""
    giveaway = item("talks-q2", text="Why does bilateral diplomacy suit a dispute over a shared river?")
    findings = lint_items([short("talks-q1", "bilateral"), giveaway])
    assert findings == [
        Finding("Q101", "talks-q1", "talks", 'accepted answer "bilateral" appears in the stem of talks-q2')
    ]


def test_short_answer_key_matches_across_case_punctuation_and_spacing():
    """Keys fold as grading folds answers: the key "UN" is found in an option that says "U.N."."""
    other = item("talks-q2", choices=(choice("Through the U.N. in New York", 1), *SINGLE_CHOICES[1:]))
    assert codes([short("talks-q1", "UN"), other]) == ["Q101"]


def test_short_answer_key_inside_a_longer_word_passes():
    """Only whole words count: the key "COP" is not found in "cooperation"."""
    other = item("talks-q2", text="What does cooperation between two ministries usually need first?")
    assert codes([short("talks-q1", "COP"), other]) == []


def test_short_answer_key_in_another_pool_passes():
    """Giveaways are looked for within one pool: another lesson may use the word freely."""
    other = item("trade-q1", pool="trade", text="Why does bilateral diplomacy suit a dispute over a shared river?")
    assert codes([short("talks-q1", "bilateral"), other]) == []


# Q102 title-gives-key


def test_title_containing_the_right_option_is_flagged():
    """An instructor title that names the right option is flagged."""
    findings = lint_items([item(title="Talks between two states")])
    assert [finding.code for finding in findings] == ["Q102"]
    assert '"Talks between two states"' in findings[0].message


def test_short_answer_stem_containing_an_accepted_answer_is_flagged():
    """A short answer whose own stem spells out an accepted answer is flagged."""
    question = short("talks-q1", "bilateral", text="Bilateral talks involve how many sides? Name the kind.")
    assert codes([question]) == ["Q102"]


def test_title_containing_only_a_wrong_option_passes():
    """Naming a distractor in the title gives nothing away."""
    assert codes([item(title="A vote taken in a regional body")]) == []


# Q103 longest-right-option


def single_with_longest(key: str, *, right_is_longest: bool) -> LintItem:
    right = "Talks between two states with a mediator" if right_is_longest else "Talks between two states"
    choices = (choice(right, 1), choice("A summit of many states held in turn"), choice("A regional vote"))
    return item(key, text=f"Which channel fits {key}?", choices=choices)


def test_right_option_longest_in_more_than_a_third_of_single_choice_items_is_flagged():
    """Two of three single-choice items with the longest option right is a pattern students learn."""
    pool = [single_with_longest(f"talks-q{n}", right_is_longest=n < 3) for n in range(1, 4)]
    findings = lint_items(pool)
    assert [(finding.code, finding.key) for finding in findings] == [("Q103", "")]
    assert "2 of 3" in findings[0].message


def test_right_option_tied_for_longest_counts_as_longest():
    """A right option as long as the longest distractor still stands out."""
    tied = item("talks-q1", text="Which channel fits?", choices=(choice("Two states", 1), choice("Six states")))
    pool = [
        tied,
        single_with_longest("talks-q2", right_is_longest=True),
        single_with_longest("talks-q3", right_is_longest=False),
    ]
    assert codes(pool) == ["Q103"]


def test_right_option_longest_in_a_third_of_single_choice_items_passes():
    """One in three is within the limit."""
    pool = [single_with_longest(f"talks-q{n}", right_is_longest=n == 1) for n in range(1, 4)]
    assert codes(pool) == []


def test_pool_with_fewer_than_three_single_choice_items_is_not_judged():
    """Two items are too few to call a length pattern."""
    pool = [single_with_longest(f"talks-q{n}", right_is_longest=True) for n in range(1, 3)]
    assert codes(pool) == []


# Q104 absolute-distractor


def test_absolute_word_in_a_distractor_only_is_flagged():
    """A distractor saying "always" when the right option hedges is easy to rule out."""
    findings = lint_items([item(choices=(*SINGLE_CHOICES[:2], choice("A vote that always binds every member")))])
    assert [finding.code for finding in findings] == ["Q104"]
    assert '"always", "every"' in findings[0].message


def test_absolute_word_shared_with_the_right_option_passes():
    """When the right option says "only" too, the word tells the student nothing."""
    choices = (choice("Talks between only two states", 1), choice("A summit open only to members"))
    assert codes([item(choices=choices)]) == []


# Q105 true-false-balance


def test_true_false_answers_mostly_true_across_the_course_are_flagged():
    """Three true answers out of four (25% false) invite guessing "true"."""
    statements = [true_false(f"pool{n}-q1", pool=f"pool{n}", answer_is_true=n != 1) for n in range(1, 5)]
    findings = lint_items(statements)
    assert [(finding.code, finding.pool, finding.key) for finding in findings] == [("Q105", "", "")]
    assert "1 of 4" in findings[0].message


def test_true_false_answers_half_false_pass():
    """Two false answers out of four sit inside 35-65%."""
    statements = [true_false(f"talks-q{n}", answer_is_true=n % 2 == 0) for n in range(1, 5)]
    assert codes(statements) == []


def test_fewer_than_four_true_false_items_are_not_judged():
    """Three statements, all true, are too few to call a bias."""
    assert codes([true_false(f"talks-q{n}", answer_is_true=True) for n in range(1, 4)]) == []


# Q106 near-duplicate-stem


def test_near_duplicate_stems_across_pools_are_flagged_once():
    """Reworded stems sharing most words are flagged on the later item, naming the earlier one."""
    first = item("talks-q1", text="Which arrangement does the lesson call bilateral diplomacy?")
    second = item("trade-q1", pool="trade", text="Which arrangement does the lesson call multilateral diplomacy?")
    findings = lint_items([second, first])
    assert [(finding.code, finding.key) for finding in findings] == [("Q106", "trade-q1")]
    assert "talks-q1" in findings[0].message


def test_stems_differing_by_inflections_are_flagged():
    """Text similarity catches a stem whose word set changed only through plural forms."""
    first = item("talks-q1", text="Which arrangement does the lesson call the bilateral talk between states?")
    second = item("talks-q2", text="Which arrangements does the lesson calls the bilateral talks between state?")
    assert codes([first, second]) == ["Q106"]


def test_distinct_stems_pass():
    """Stems asking different things in different words are fine."""
    second = item("talks-q2", text="What can a mediator offer two delegations that distrust each other?")
    assert codes([item(), second]) == []


def test_stems_under_six_words_are_not_compared():
    """Short generic stems ("Put these in order.") are left alone."""
    assert codes([item("talks-q1", text="Put these in order."), item("talks-q2", text="Put these in order.")]) == []


# Q107 right-option-without-feedback


def test_right_option_without_feedback_is_flagged():
    """A right option with no feedback of its own is flagged, quoting it."""
    findings = lint_items([item(choices=(choice("Talks between two states", 1, feedback=""), *SINGLE_CHOICES[1:]))])
    assert [(finding.code, finding.message) for finding in findings] == [
        ("Q107", 'right answer "Talks between two states" has no feedback of its own')
    ]


def test_true_false_right_side_without_feedback_is_flagged():
    """For true/false, the side that is right needs the feedback."""
    choices = (choice("True", 0), choice("False", 1, feedback=""))
    assert codes([item(qtype="truefalse", text="Mediators decide for the parties.", choices=choices)]) == ["Q107"]


def test_wrong_option_without_feedback_passes():
    """Feedback on wrong options is good practice but not this rule."""
    assert codes([item(choices=(*SINGLE_CHOICES[:2], choice("A vote taken in a regional body", feedback="")))]) == []


# Q108 few-matching-pairs


def matching(pairs: int) -> LintItem:
    choices = tuple(choice(f"Term {n}", 1, feedback="", match=f"Meaning {n}") for n in range(1, pairs + 1))
    return item(qtype="matching", text="Match each term with its meaning in the lesson.", choices=choices)


def test_matching_with_three_pairs_is_flagged():
    """With three pairs, two matches give the third away."""
    assert codes([matching(3)]) == ["Q108"]


def test_matching_with_four_pairs_passes():
    """Four pairs is the minimum."""
    assert codes([matching(4)]) == []


# Q109 unknown-section


def test_section_missing_from_the_lesson_is_flagged():
    """A section tag naming no anchor of the lesson is flagged with the anchors there are."""
    findings = lint_items([item(section="third-idea")])
    assert [finding.code for finding in findings] == ["Q109"]
    assert "first-idea, second-idea" in findings[0].message


def test_section_of_the_lesson_passes():
    """An anchor the lesson has is fine."""
    assert codes([item(section="second-idea")]) == []


def test_section_is_not_checked_when_the_lessons_anchors_are_unknown():
    """known_sections=None means the rule cannot judge, so it stays quiet."""
    assert codes([item(section="third-idea", known_sections=None)]) == []


# Q110 names-the-essay


def test_naming_the_essays_in_the_explanation_is_flagged():
    """Students read the lessons: "the essays" in any text of the question is flagged, quoted."""
    findings = lint_items([item(explanation="As the essays say, two sides talk directly.")])
    assert [(finding.code, finding.message) for finding in findings] == [
        ("Q110", 'names the essays, not the lesson: explanation "the essays"')
    ]


def test_naming_the_author_in_option_feedback_is_flagged():
    """Feedback on an option that cites "the author" is flagged too."""
    choices = (*SINGLE_CHOICES[:2], choice("A vote taken in a regional body", feedback="The author rejects this."))
    assert codes([item(choices=choices)]) == ["Q110"]


def test_pointing_at_the_lesson_passes():
    """Words like "essayist" or "authority" are not the essay."""
    assert codes([item(explanation="The lesson quotes an essayist and a port authority.")]) == []


# Q111 no-explanation


def test_question_without_explanation_is_flagged():
    """A blank general feedback is flagged."""
    assert codes([item(explanation="  ")]) == ["Q111"]


def test_question_with_explanation_passes():
    """The factory's explanation satisfies the rule."""
    assert codes([item(explanation="Two sides talk directly.")]) == []


# Running the rules


def test_findings_are_sorted_by_pool_key_and_code():
    """Course-level findings come first, then each pool's pool-level findings, then its items in key order."""
    items = [
        item("trade-q2", pool="trade", text="Which tariff cut helps?", explanation=""),
        item("trade-q1", pool="trade", section="nowhere", explanation=""),
        *[true_false(f"talks-q{n}", answer_is_true=True) for n in range(1, 5)],
    ]
    assert [(finding.pool, finding.key, finding.code) for finding in lint_items(items)] == [
        ("", "", "Q105"),
        ("trade", "trade-q1", "Q109"),
        ("trade", "trade-q1", "Q111"),
        ("trade", "trade-q2", "Q111"),
    ]


def test_a_parsed_gift_file_is_linted():
    """GIFT questions become LintItems: sections, true/false sides and short-answer keys are checked."""
    gift = """
// [id:talks-q1]
// [tag:section:first-idea]
::Kind of talks::Name the kind of talks the lesson describes.{=bilateral ####Two sides talk directly.}

// [id:talks-q2]
// [tag:section:lost-idea]
::Statement::Bilateral talks need a third party to chair them.{F#No, that is mediation.####Two sides talk.}

// [id:talks-q3]
// [tag:section:first-idea]
::Channels::Which arrangement suits the essays best?{
=Talks between two states#Right, two sides.
~Only a vote of all members#No, that is multilateral.
####Bilateral means two sides.
}
"""
    items = [
        lint_item_from_gift(question, pool="talks", known_sections=frozenset({"first-idea"}))
        for question in parse_gift(gift)
    ]
    assert items[1].choices[1] == LintChoice("False", "", Decimal(1), "")
    assert [(finding.key, finding.code) for finding in lint_items(items)] == [
        ("talks-q1", "Q101"),
        ("talks-q1", "Q107"),
        ("talks-q2", "Q107"),
        ("talks-q2", "Q109"),
        ("talks-q3", "Q104"),
        ("talks-q3", "Q110"),
    ]


@pytest.mark.django_db
def test_a_stored_question_becomes_a_lint_item_of_its_lessons_pool():
    """A stored question's pool is its lesson's slug and its known sections are the lesson's anchors."""
    lesson = LessonFactory(slug="talks")
    stored = make_question(lesson, "truefalse", [("True", 0, "", "No."), ("False", 1, "", "Right.")], section="gone")
    question = type(stored).objects.select_related("lesson").prefetch_related("choices").get(pk=stored.pk)

    lint_item = lint_item_from_question(question)

    assert (lint_item.pool, lint_item.qtype, lint_item.section) == ("talks", "truefalse", "gone")
    assert lint_item.known_sections == frozenset({"first-idea", "second-idea"})
    assert lint_item.choices[1] == LintChoice("False", "", Decimal(1), "Right.")
    assert [finding.code for finding in lint_items([lint_item])] == ["Q109"]
