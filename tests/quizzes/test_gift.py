from decimal import Decimal

import pytest

from quizzes.gift import GiftAnswer, GiftError, GiftQuestion, QuestionType, parse_gift, write_gift


def parse_one(source: str) -> GiftQuestion:
    (question,) = parse_gift(source)
    return question


def parse_error(source: str) -> GiftError:
    with pytest.raises(GiftError) as caught:
        parse_gift(source, filename="quiz.gift")
    return caught.value


# Types


def test_single_choice_gives_the_equals_answer_full_credit():
    """`=` marks the one right answer of a single-choice question; plain `~` answers are worth 0."""
    question = parse_one("Who guides both sides?{~Negotiator =Mediator ~Judge}")
    assert question.qtype is QuestionType.SINGLE
    assert question.text == "Who guides both sides?"
    assert question.answers == [
        GiftAnswer("Negotiator", Decimal(0)),
        GiftAnswer("Mediator", Decimal(1)),
        GiftAnswer("Judge", Decimal(0)),
    ]


def test_single_choice_takes_partial_and_negative_weights():
    """`~%50%` and `~%-25%` answers of a single-choice question become fractions 0.5 and -0.25."""
    question = parse_one("Who guides both sides?{=Mediator ~%50%Facilitator ~%-25%Judge}")
    assert question.qtype is QuestionType.SINGLE
    assert [answer.fraction for answer in question.answers] == [Decimal(1), Decimal("0.5"), Decimal("-0.25")]


@pytest.mark.parametrize(("key", "true_is_right"), [("T", True), ("TRUE", True), ("F", False), ("FALSE", False)])
def test_true_false_keys(key, true_is_right):
    """{T}, {TRUE}, {F} and {FALSE} make a true/false question with True listed first."""
    question = parse_one(f"Mediators decide for the parties.{{{key}}}")
    assert question.qtype is QuestionType.TRUE_FALSE
    assert question.answers == [
        GiftAnswer("True", Decimal(int(true_is_right))),
        GiftAnswer("False", Decimal(int(not true_is_right))),
    ]


def test_true_false_feedback_is_what_the_student_who_picks_it_sees():
    """In {T#wrong#right} the first feedback goes to the False answer, the second to True."""
    question = parse_one("Mediators guide the parties.{T#No: they do guide.#Yes, they guide.}")
    assert question.answers == [
        GiftAnswer("True", Decimal(1), "Yes, they guide."),
        GiftAnswer("False", Decimal(0), "No: they do guide."),
    ]


def test_multiple_response_reads_percent_weights():
    """`~` answers with positive weights and no `=` make a multiple-response question."""
    question = parse_one("Which are diplomatic tools?{~%50%Mediation ~%50%Negotiation ~%-100%Invasion ~Luck}")
    assert question.qtype is QuestionType.MULTIPLE
    assert [(answer.text, answer.fraction) for answer in question.answers] == [
        ("Mediation", Decimal("0.5")),
        ("Negotiation", Decimal("0.5")),
        ("Invasion", Decimal(-1)),
        ("Luck", Decimal(0)),
    ]


def test_rounded_weights_that_add_up_to_100_within_a_hundredth_are_accepted():
    """Three `%33.33333%` answers (99.99999%) are a valid multiple-response question."""
    question = parse_one("Pick the three.{~%33.33333%A ~%33.33333%B ~%33.33333%C ~%-100%D}")
    assert question.qtype is QuestionType.MULTIPLE
    assert question.answers[0].fraction == Decimal("0.3333333")


def test_short_answer_accepts_every_equals_answer():
    """Only `=` answers make a short answer; each is worth 1 unless weighted."""
    question = parse_one("Who guides both sides?{=Mediator =a mediator =%50%Facilitator#Close: a mediator.}")
    assert question.qtype is QuestionType.SHORT
    assert question.answers == [
        GiftAnswer("Mediator", Decimal(1)),
        GiftAnswer("a mediator", Decimal(1)),
        GiftAnswer("Facilitator", Decimal("0.5"), "Close: a mediator."),
    ]


def test_matching_pairs_keep_left_in_text_and_right_in_match():
    """`=left -> right` answers make a matching question."""
    question = parse_one("Match the capitals.{=Canada -> Ottawa =Italy->Rome =Japan -> Tokyo}")
    assert question.qtype is QuestionType.MATCHING
    assert question.answers == [
        GiftAnswer("Canada", Decimal(1), match="Ottawa"),
        GiftAnswer("Italy", Decimal(1), match="Rome"),
        GiftAnswer("Japan", Decimal(1), match="Tokyo"),
    ]


def test_ordering_tag_turns_equals_answers_into_items_in_listed_order():
    """A `type:ordering` tag makes `=` answers an ordering question, each item worth 1."""
    question = parse_one("// [tag:type:ordering]\nOrder the steps.{=Contact =Talks =Draft =Signature}")
    assert question.qtype is QuestionType.ORDERING
    assert [answer.text for answer in question.answers] == ["Contact", "Talks", "Draft", "Signature"]
    assert {answer.fraction for answer in question.answers} == {Decimal(1)}


def test_numerical_keeps_answer_text_as_written():
    """{#...} answers keep their text; `~#feedback` becomes answer '*' worth 0."""
    question = parse_one("When was Grant born?{#=1822:0#Exact. =%50%1820..1824 ~#Too far.}")
    assert question.qtype is QuestionType.NUMERICAL
    assert question.answers == [
        GiftAnswer("1822:0", Decimal(1), "Exact."),
        GiftAnswer("1820..1824", Decimal("0.5")),
        GiftAnswer("*", Decimal(0), "Too far."),
    ]
    assert parse_one("Pi?{#3.14:0.01}").answers == [GiftAnswer("3.14:0.01", Decimal(1))]


def test_empty_answer_block_is_an_essay():
    """{} makes an essay question with no answers."""
    question = parse_one("Explain mediation.{}")
    assert question.qtype is QuestionType.ESSAY
    assert question.answers == []


def test_no_answer_block_is_a_description():
    """A question without an answer block is a description."""
    question = parse_one("::Intro::Read the lesson first.")
    assert question.qtype is QuestionType.DESCRIPTION
    assert question.text == "Read the lesson first."
    assert question.title == "Intro"


# Text features


def test_escapes_become_literal_characters():
    r"""\~ \= \# \{ \} \: \n and \\ stand for the literal characters everywhere."""
    source = r"Use \{x\}, \~, \=, \#, \: and a\nbreak; C\\new stays.{=a \= b#x \# y ~c}"
    question = parse_one(source)
    assert question.text == "Use {x}, ~, =, #, : and a\nbreak; C\\new stays."
    assert question.answers[0] == GiftAnswer("a = b", Decimal(1), "x # y")


def test_metadata_is_read_from_the_comment_lines_directly_above():
    """[id:] and [tag:] in the comments above a question are read; other comments are ignored."""
    source = """// Lesson 2 quiz
// [id:core-q1]
// [tag:section:core-toolkit] [tag:easy]
// [tag:review]
Who guides both sides?{
// a comment inside the block is ignored
=Mediator
~Judge
}"""
    question = parse_one(source)
    assert question.key == "core-q1"
    assert question.tags == ["section:core-toolkit", "easy", "review"]
    assert [answer.text for answer in question.answers] == ["Mediator", "Judge"]


def test_metadata_separated_by_a_blank_line_is_not_attached():
    """Comments followed by a blank line belong to no question."""
    question = parse_one("// [id:orphan]\n// [tag:section:a]\n\nQuestion?{T}")
    assert question.key == ""
    assert question.tags == []


def test_section_is_the_anchor_of_the_section_tag():
    """GiftQuestion.section returns the ANCHOR of `section:ANCHOR`, or "" without such a tag."""
    assert parse_one("// [tag:easy] [tag:section:core-toolkit]\nQ?{T}").section == "core-toolkit"
    assert parse_one("// [tag:easy]\nQ?{T}").section == ""


def test_category_applies_to_the_following_questions():
    """Each question takes the category of the last $CATEGORY: line above it."""
    source = "Q0?{T}\n\n$CATEGORY: course/one\n\nQ1?{T}\n\nQ2?{F}\n\n$CATEGORY: course/two\nQ3?{T}\n"
    assert [question.category for question in parse_gift(source)] == ["", "course/one", "course/one", "course/two"]


def test_title_is_read_and_unescaped():
    """`::Title::` before the text sets the title."""
    question = parse_one("::Three\\: core tools::Which one?{T}")
    assert question.title == "Three: core tools"
    assert question.text == "Which one?"


def test_text_format_marker_is_recorded_and_stripped():
    """A leading [markdown]/[html]/[plain]/[moodle] sets text_format; other brackets stay text."""
    question = parse_one("::T::[markdown] **Bold** claim?{T}")
    assert (question.text_format, question.text) == ("markdown", "**Bold** claim?")
    assert parse_one("[note] claim?{T}").text_format == ""
    assert parse_one("[note] claim?{T}").text == "[note] claim?"


def test_answer_feedback_and_general_feedback():
    """`#` after an answer is its feedback; `####` starts the explanation."""
    question = parse_one("Who guides?{=Mediator#Right. ~Judge#A judge decides.####Mediators guide.}")
    assert question.answers[0].feedback == "Right."
    assert question.answers[1].feedback == "A judge decides."
    assert question.explanation == "Mediators guide."


def test_missing_word_block_leaves_a_blank_in_the_text():
    """An answer block in mid-sentence is replaced by "_____" in the text."""
    question = parse_one("Diplomacy is both an art and a {=practice ~science ~accident} of managing relations.")
    assert question.text == "Diplomacy is both an art and a _____ of managing relations."
    assert question.qtype is QuestionType.SINGLE


def test_multiline_question_and_answer_block():
    """A question may span lines; as in Moodle, lines keep their indentation and only the whole is trimmed."""
    source = """::Three core tools::Which activity
    has a third party?{
    ~Negotiation#Between the parties themselves.
    =Mediation#Right.
    ####Mediation brings in an outsider.
    }"""
    question = parse_one(source)
    assert question.text == "Which activity\n    has a third party?"
    assert [answer.text for answer in question.answers] == ["Negotiation", "Mediation"]
    assert question.explanation == "Mediation brings in an outsider."


def test_windows_line_endings_are_read():
    """CRLF files parse like LF files, line numbers included."""
    questions = parse_gift("// [id:a]\r\nQ1?{\r\n=yes\r\n~no\r\n}\r\n\r\nQ2?{F}\r\n")
    assert [(question.key, question.text, question.line) for question in questions] == [
        ("a", "Q1?", 2),
        ("", "Q2?", 7),
    ]
    assert [answer.text for answer in questions[0].answers] == ["yes", "no"]


def test_utf8_bom_is_ignored():
    """A leading byte-order mark does not hide the first comment."""
    assert parse_one("\ufeff// [id:first]\nQ?{T}").key == "first"


def test_question_line_is_its_first_non_comment_line():
    """GiftQuestion.line is the 1-based line where the question text starts."""
    questions = parse_gift("// intro\n\n// [id:a]\nQ1?{T}\n\n\n::T::\nQ2?{F}")
    assert [question.line for question in questions] == [4, 7]


def test_format_markers_are_stripped_from_answers_feedback_and_explanation():
    """[html] and the other markers come off answers, feedback and general feedback too, as in Moodle."""
    question = parse_one("Q?{=[html]yes#[plain]Right. ~no#[markdown]Wrong.####[moodle]Because.}")
    assert question.answers == [
        GiftAnswer("yes", Decimal(1), "Right."),
        GiftAnswer("no", Decimal(0), "Wrong."),
    ]
    assert question.explanation == "Because."


def test_a_lone_format_marker_is_no_explanation():
    """`####[html]` with nothing after it leaves the explanation empty."""
    assert parse_one("Q?{T####[html]}").explanation == ""


def test_matching_reads_extra_wrong_right_hand_items():
    """`= -> Chat` adds a right-hand item that matches no left side (Moodle's extra wrong answer)."""
    question = parse_one("Match.{=Canada -> Ottawa =Italy -> Rome = -> Paris}")
    assert question.answers[-1] == GiftAnswer("", Decimal(1), match="Paris")
    assert parse_gift(write_gift([question])) == [question]


def test_star_short_answer_is_kept_as_the_catch_all():
    """`=%0%*#...` is the catch-all answer '*' worth 0, with its feedback."""
    question = parse_one("Which?{=Frog =%0%*#Anything else}")
    assert question.answers[-1] == GiftAnswer("*", Decimal(0), "Anything else")


def test_a_line_of_no_break_space_does_not_split_a_question():
    """Only PHP's blanks make a line blank: a line of U+00A0 or U+3000 stays inside the question."""
    for space in ("\u00a0", "\u3000"):
        question = parse_one(f"Who guides?{{\n=Mediator\n{space}\n~Judge\n}}")
        assert [answer.text for answer in question.answers] == ["Mediator", "Judge"]


def test_weights_take_ascii_digits_only():
    """`%` + Arabic-Indic 50 + `%` is no weight (Moodle reads [0-9] only): refused, not weighted."""
    error = parse_error("Q?{~%\u0665\u0660%a ~%50%b ~%50%c}")
    assert "malformed weight" in error.reason


def test_id_and_tags_after_the_question_are_read():
    """Comment lines after the question, in its paragraph, carry its [id:] and [tag:] as in Moodle."""
    question = parse_one("Q?{T}\n// [id:Q1] [tag:easy]")
    assert (question.key, question.tags) == ("Q1", ["easy"])


def test_moodle_idnumbers_are_kept_as_given():
    """Keys are any Moodle idnumber (Q1, q_1, with an escaped bracket), and are written back escaped."""
    questions = parse_gift("// [id:Q1]\nA?{T}\n\n// [id:q_1]\nB?{T}\n\n// [id:i\\]d]\nC?{T}")
    assert [question.key for question in questions] == ["Q1", "q_1", "i]d"]
    assert parse_gift(write_gift(questions)) == questions


def test_writer_keeps_text_that_starts_like_a_format_marker():
    """An answer whose text starts with "[html]" is written so that it reads back whole."""
    question = parse_one("Q?{=\\[html\\] yes ~no}")
    question.answers[0].text = "[html]yes"
    assert parse_gift(write_gift([question])) == [question]


# Errors


def test_every_error_of_a_file_is_reported_at_once():
    """A file with several bad questions lists each as file:line: reason, in file order."""
    error = parse_error("Q1?{=a ~b\n\nQ2?{T}\n\nQ3?{true}\n\n// [id:x]\nQ4?{T}\n\n// [id:x]\nQ5?{T}")
    assert [message.split(": ")[0] for message in error.messages] == ["quiz.gift:1", "quiz.gift:5", "quiz.gift:11"]
    assert str(error) == "\n".join(error.messages)
    assert (error.line, "'{' is not closed" in error.reason) == (1, True)


def test_unclosed_brace_is_rejected_with_file_and_line():
    """An unclosed `{` names the file and the question's line, and rejects the whole file."""
    error = parse_error("Q1?{T}\n\nQ2 is {=a ~b\n\nQ3?{T}")
    assert (error.filename, error.line) == ("quiz.gift", 3)
    assert "'{' is not closed" in error.reason
    assert str(error) == f"quiz.gift:3: {error.reason}"


def test_garbled_answer_block_is_rejected():
    """A block that is no known type (here lowercase `true`) is rejected rather than guessed."""
    error = parse_error("Q1?{T}\n\nQ2?{true}")
    assert error.line == 3
    assert "cannot read the answer block {true}" in error.reason


def test_choice_question_without_a_right_answer_is_rejected():
    """`~` answers with no `=` and no positive weight have no right answer."""
    error = parse_error("\n// [id:a]\nQ?{~Negotiation ~Arbitration}")
    assert error.line == 3
    assert "no right answer" in error.reason


def test_matching_with_fewer_than_two_pairs_is_rejected():
    """A matching question needs at least two pairs."""
    error = parse_error("Q1?{T}\n\nMatch.{=Canada -> Ottawa}")
    assert error.line == 3
    assert "at least two pairs" in error.reason


def test_matching_pair_without_arrow_is_rejected():
    """Every pair of a matching question needs `->`."""
    error = parse_error("Match.{\n=Canada -> Ottawa\n=Italy Rome\n}")
    assert error.line == 1
    assert "matching pair 'Italy Rome' has no '->'" in error.reason


def test_weight_outside_minus_100_to_100_is_rejected():
    """A `%150%` weight is refused."""
    error = parse_error("Q1?{T}\n\n\nQ2?{=a ~%150%b}")
    assert error.line == 4
    assert "outside -100..100" in error.reason


def test_multiple_response_weights_must_add_up_to_100():
    """The positive weights of a multiple-response question must total 100%."""
    error = parse_error("Q?{~%50%a ~%40%b ~c}")
    assert error.line == 1
    assert "add up to 90%, not 100%" in error.reason


def test_duplicate_keys_are_rejected():
    """Two questions with the same [id:] key reject the file at the second one."""
    error = parse_error("// [id:q1]\nQ1?{T}\n\n// [id:q1]\nQ2?{F}")
    assert error.line == 5
    assert "duplicate key 'q1', already used on line 2" in error.reason


def test_ordering_tag_on_a_choice_question_is_rejected():
    """`type:ordering` only fits a list of `=` items."""
    error = parse_error("// [tag:type:ordering]\nOrder.{=a ~b}")
    assert error.line == 2
    assert "tagged type:ordering" in error.reason


# Writing


def test_write_gift_lays_out_metadata_title_answers_and_explanation():
    """write_gift writes comment metadata, the title, one answer per line and the explanation last."""
    question = GiftQuestion(
        QuestionType.SINGLE,
        "Who guides both sides?",
        [GiftAnswer("Negotiator", Decimal(0), "No one in the middle."), GiftAnswer("Mediator", Decimal(1), "Right.")],
        title="Core tools",
        key="core-q1",
        tags=["section:core-toolkit"],
        explanation="Mediators guide.",
    )
    assert write_gift([question]) == (
        "// [id:core-q1]\n"
        "// [tag:section:core-toolkit]\n"
        "::Core tools::Who guides both sides?{\n"
        "~Negotiator#No one in the middle.\n"
        "=Mediator#Right.\n"
        "####Mediators guide.\n"
        "}\n"
    )


def test_write_gift_escapes_special_characters():
    """Reserved characters and line breaks in text, answers and feedback are escaped."""
    question = GiftQuestion(
        QuestionType.SHORT, "2 = {1+1}?\nSure: #1 ~ C\\n", [GiftAnswer("a=b", Decimal(1), "see #2")]
    )
    assert write_gift([question]) == "2 \\= \\{1+1\\}?\\nSure\\: \\#1 \\~ C\\\\n{=a\\=b#see \\#2}\n"


def test_write_gift_writes_weights_and_true_false_feedback():
    """Weights other than the default become %n%; true/false feedback goes wrong-first."""
    questions = [
        GiftQuestion(
            QuestionType.MULTIPLE,
            "Pick.",
            [
                GiftAnswer("a", Decimal("0.3333333")),
                GiftAnswer("b", Decimal("0.6666667")),
                GiftAnswer("c", Decimal(-1)),
            ],
        ),
        GiftQuestion(
            QuestionType.TRUE_FALSE,
            "False?",
            [GiftAnswer("True", Decimal(0), "No."), GiftAnswer("False", Decimal(1), "Yes.")],
        ),
    ]
    assert write_gift(questions) == "Pick.{\n~%33.33333%a\n~%66.66667%b\n~%-100%c\n}\n\nFalse?{F#No.#Yes.}\n"


def test_write_gift_emits_category_only_when_it_changes():
    """A $CATEGORY: paragraph precedes the first question of each new category."""
    questions = [
        GiftQuestion(QuestionType.ESSAY, "Q1?", category="course/one"),
        GiftQuestion(QuestionType.ESSAY, "Q2?", category="course/one"),
        GiftQuestion(QuestionType.ESSAY, "Q3?", category="course/two"),
    ]
    assert write_gift(questions) == "$CATEGORY: course/one\n\nQ1?{}\n\nQ2?{}\n\n$CATEGORY: course/two\n\nQ3?{}\n"


def test_write_gift_puts_the_block_where_the_blank_is():
    """A missing-word question is written with its answer block inline at the blank."""
    question = GiftQuestion(
        QuestionType.SINGLE,
        "An art and a _____ of relations.",
        [GiftAnswer("practice", Decimal(1)), GiftAnswer("science", Decimal(0))],
    )
    assert write_gift([question]) == "An art and a {=practice ~science} of relations.\n"


EVERY_FEATURE = r"""// Exported quiz: every type and feature.
$CATEGORY: diplomacy/core

// [id:single-q]
// [tag:section:core-toolkit] [tag:easy]
::Three core tools::[markdown]Which activity has a **third party**?{
~Negotiation#Between the parties themselves.
=Mediation#Right\: a mediator guides.
~%50%Facilitation#Half right.
~%-25%Arbitration
####Mediation brings in an outsider \{see the toolkit\}.
}

// [id:multiple-q]
// [tag:section:core-toolkit]
Which are tools?{~%33.33333%Talks ~%33.33333%Mediation ~%33.33334%Treaties ~%-100%War#Never.}

// [id:truefalse-q]
// [tag:section:core-toolkit]
Mediators decide for the parties.{F#Wrong\: they only guide.#Right.####They guide only.}

// [id:short-q]
// [tag:section:core-toolkit]
::Short::Who guides both sides?{=Mediator =%50%facilitator#Close.}

// [id:matching-q]
// [tag:section:capitals]
Match the capitals.{=Canada -> Ottawa =Italy -> Rome =Japan -> Tokyo}

$CATEGORY: diplomacy/process

// [id:ordering-q]
// [tag:section:process] [tag:type:ordering]
Put the steps in order.{=Contact#First. =Talks =Draft =Signature}

// [id:numerical-q]
// [tag:section:process]
When was the treaty signed?{#=1648:0#Exact. =%50%1640..1656 ~#Think Westphalia.}

// [id:numerical-simple-q]
How many parties, at least?{#2}

// [id:essay-q]
// [tag:section:process]
[html]Explain <b>mediation</b>.{####Any answer mentioning a third party.}

// [id:missing-word-q]
Diplomacy is both an art and a {=practice ~science ~accident} of managing relations.

Text ending in a blank _____{=x ~y}

::Welcome::[plain]Read the lesson first.\nThen answer.
"""


def test_round_trip_keeps_every_feature():
    """parse_gift(write_gift(questions)) equals the questions for every type and feature."""
    questions = parse_gift(EVERY_FEATURE)
    assert [question.qtype for question in questions] == [
        QuestionType.SINGLE,
        QuestionType.MULTIPLE,
        QuestionType.TRUE_FALSE,
        QuestionType.SHORT,
        QuestionType.MATCHING,
        QuestionType.ORDERING,
        QuestionType.NUMERICAL,
        QuestionType.NUMERICAL,
        QuestionType.ESSAY,
        QuestionType.SINGLE,
        QuestionType.SINGLE,
        QuestionType.DESCRIPTION,
    ]
    written = write_gift(questions)
    assert parse_gift(written) == questions
    assert write_gift(parse_gift(written)) == written
