"""Moodle's own GIFT test cases, as data: inputs and the values Moodle's parser reads from them.

Ported from moodle/moodle question/format/gift/tests/giftformat_test.php and its fixtures
(question/format/gift/tests/fixtures/); each case names the Moodle test it comes from. Moodle's
fields are written in our terms: `name` is the title, `generalfeedback` the explanation, a
true/false question's `correctanswer`, `feedbacktrue` and `feedbackfalse` its True and False
answers, a matching question's subquestions and subanswers its (text, match) pairs, a numerical
answer and its tolerance the pair (value, tolerance).
"""

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Answer:
    text: str
    fraction: Decimal = Decimal(0)
    feedback: str = ""
    match: str = ""
    tolerance: Decimal | None = None  # numerical answers only; None for the catch-all '*'


@dataclass(frozen=True)
class MoodleCase:
    test: str
    gift: str
    qtype: str
    title: str
    text: str
    text_format: str = "moodle"
    explanation: str = ""
    answers: tuple[Answer, ...] = ()
    key: str = ""
    tags: tuple[str, ...] = field(default=())


def _tf(right: bool, *, true_feedback: str = "", false_feedback: str = "") -> tuple[Answer, ...]:
    return (
        Answer("True", Decimal(int(right)), true_feedback),
        Answer("False", Decimal(int(not right)), false_feedback),
    )


ONE, HALF, ZERO = Decimal(1), Decimal("0.5"), Decimal(0)
SPECTRUM = "What's between orange and green in the spectrum?"
ANIMALS = (
    Answer("Frog", ONE, "Good!"),
    Answer("Cat", HALF, "What is it with Moodlers and cats?"),
    Answer("*", ZERO, "Completely wrong"),
)
NUMBER_1_TO_5 = (Answer("3", ONE, "", tolerance=Decimal(2)), Answer("*", ZERO, "Completely wrong"))
ACTIVITIES = (
    ("An activity supporting asynchronous discussions.", "Forum"),
    ("A teacher asks a question and specifies a choice of multiple responses.", "Choice"),
    ("A bank of record entries which participants can add to.", "Database"),
    ("A collection of web pages that anyone can add to or edit.", "Wiki"),
    ("", "Chat"),
)

# Import tests: Moodle's readquestion() on the GIFT text gives these values.
IMPORT_CASES = [
    MoodleCase("test_import_essay", "\n// essay\n::Q8:: How are you? {}", "essay", "Q8", "How are you?"),
    MoodleCase(
        "test_import_match",
        "\n// question: 2  name: Moodle activities\n"
        "::Moodle activities::[html]Match the <b>activity</b> to the description.{\n"
        "    =[html]An activity supporting asynchronous discussions. -> Forum\n"
        "    =[moodle]A teacher asks a question and specifies a choice of multiple responses. -> Choice\n"
        "    =[plain]A bank of record entries which participants can add to. -> Database\n"
        "    =[markdown]A collection of web pages that anyone can add to or edit. -> Wiki\n"
        "    = -> Chat\n"
        "}",
        "matching",
        "Moodle activities",
        "Match the <b>activity</b> to the description.",
        text_format="html",
        answers=tuple(Answer(left, ONE, match=right) for left, right in ACTIVITIES),
    ),
    MoodleCase(
        "test_import_multichoice",
        "\n// multiple choice with specified feedback for right and wrong answers\n"
        f"::Q2:: {SPECTRUM}\n{{\n    =yellow # right; good!\n    ~red # [html]wrong, it's yellow\n"
        "    ~[plain]blue # wrong, it's yellow\n}",
        "single",
        "Q2",
        SPECTRUM,
        answers=(
            Answer("yellow", ONE, "right; good!"),
            Answer("red", ZERO, "wrong, it's yellow"),
            Answer("blue", ZERO, "wrong, it's yellow"),
        ),
    ),
    MoodleCase(
        "test_import_multichoice_multi",
        "\n// multiple choice, multiple response with specified feedback for right and wrong answers\n"
        f"::colours:: {SPECTRUM}\n{{\n    ~%50%yellow # right; good!\n    ~%-100%red # [html]wrong\n"
        "    ~%50%off-beige # right; good!\n    ~%-100%[plain]blue # wrong\n}",
        "multiple",
        "colours",
        SPECTRUM,
        answers=(
            Answer("yellow", HALF, "right; good!"),
            Answer("red", -ONE, "wrong"),
            Answer("off-beige", HALF, "right; good!"),
            Answer("blue", -ONE, "wrong"),
        ),
    ),
    MoodleCase(
        "test_import_multichoice_multi_tricky",
        "\n// multiple choice, multiple response with specified feedback for right and wrong answers\n"
        f"::colours:: {SPECTRUM}\n{{\n    ~%100%yellow # right; good!\n    ~%-50%red # wrong\n"
        "    ~%-50%blue # wrong\n}",
        "multiple",
        "colours",
        SPECTRUM,
        answers=(Answer("yellow", ONE, "right; good!"), Answer("red", -HALF, "wrong"), Answer("blue", -HALF, "wrong")),
    ),
    MoodleCase(
        "test_import_numerical",
        "\n// math range question\n::Q5:: What is a number from 1 to 5? {#3:2~#Completely wrong}",
        "numerical",
        "Q5",
        "What is a number from 1 to 5?",
        answers=NUMBER_1_TO_5,
    ),
    MoodleCase(
        "test_import_shortanswer",
        "\n// question: 666  name: Shortanswer\n::Shortanswer::Which is the best animal?{\n    =Frog#Good!\n"
        "    =%50%Cat#What is it with Moodlers and cats?\n    =%0%*#Completely wrong\n}",
        "short",
        "Shortanswer",
        "Which is the best animal?",
        answers=ANIMALS,
    ),
    MoodleCase(
        "test_import_shortanswer_with_general_feedback",
        "\n// question: 666  name: Shortanswer\n::Shortanswer::Which is the best animal?{\n    =Frog#Good!\n"
        "    =%50%Cat#What is it with Moodlers and cats?\n    =%0%*#Completely wrong\n"
        "    ####[html]Here is some general feedback!\n}",
        "short",
        "Shortanswer",
        "Which is the best animal?",
        explanation="Here is some general feedback!",
        answers=ANIMALS,
    ),
    MoodleCase(
        "test_import_truefalse",
        "\n// true/false\n::Q1:: 42 is the Absolute Answer to everything.{\n"
        "FALSE#42 is the Ultimate Answer.#You gave the right answer.}",
        "truefalse",
        "Q1",
        "42 is the Absolute Answer to everything.",
        answers=_tf(False, true_feedback="42 is the Ultimate Answer.", false_feedback="You gave the right answer."),
    ),
    MoodleCase(
        "test_import_truefalse_true_answer1",
        "// name 0-11\n::2-08 TSL::TSL is blablabla.{T}",
        "truefalse",
        "2-08 TSL",
        "TSL is blablabla.",
        answers=_tf(True),
    ),
    MoodleCase(
        "test_import_truefalse_true_answer2",
        "// name 0-11\n::2-08 TSL::TSL is blablabla.{TRUE}",
        "truefalse",
        "2-08 TSL",
        "TSL is blablabla.",
        answers=_tf(True),
    ),
    MoodleCase(
        "test_import_backslash",
        "\n// essay\n::double backslash:: A \\\\ B \\\\\\\\ C{}",
        "essay",
        "double backslash",
        "A \\ B \\\\ C",
    ),
    MoodleCase(
        "test_import_pre_content",
        "\n::Q001::[html]<p>What would running the test method print?</p>\n<pre>\n    public void test() \\{\n"
        "        method1();\n        method2();\n        method3();\n    \\}\n</pre>\n{}",
        "essay",
        "Q001",
        "<p>What would running the test method print?</p>\n<pre>\n    public void test() {\n        method1();\n"
        "        method2();\n        method3();\n    }\n</pre>",
        text_format="html",
    ),
    MoodleCase(
        "test_import_question_with_tags",
        "\n// This question is to test importing tags: [tag:tag] [tag:other-tag].\n"
        "// And an idnumber: [id:myid].\n::Question name:: How are you? {}",
        "essay",
        "Question name",
        "How are you?",
        key="myid",
        tags=("tag", "other-tag"),
    ),
]

# test_extract_idnumber_and_tags_from_comment: (case name, comment, idnumber, tags).
COMMENT_CASES = [
    ("blank comment", "", "", ()),
    ("nothing in comment", "// A basic comment.", "", ()),
    ("idnumber only", "// A comment with [id:frog] <-- an idnumber.", "frog", ()),
    ("tags only", "// Look tags: [tag:frog] [tag:toad].", "", ("frog", "toad")),
    ("everything", "// [tag:add] [tag:basic] [id:four]", "four", ("add", "basic")),
    (
        "everything mixed up",
        "// [tag:  basic] Here is  \n// a [id:   four   ] que[tag:add   ]stion.",
        "four",
        ("basic", "add"),
    ),
    ("split over line", "// Ceci n\\'est pas une [tag:\n\\ frog].", "", ()),
    ("escape ] idnumber", "// [id:i\\]d].", "i]d", ()),
    ("escape ] tag", "// [tag:t\\]ag].", "", ("t]ag",)),
]

# Export tests: the GIFT Moodle's writequestion() gives for a question, and that question's values.
# Reading the GIFT back must give the values (our parser reads Moodle's output as Moodle does).
EXPORT_CASES = [
    MoodleCase(
        "test_export_essay", "// question: 666  name: Q8\n::Q8::How are you?{}\n\n", "essay", "Q8", "How are you?"
    ),
    MoodleCase(
        "test_export_match",
        "// question: 666  name: Moodle activities\n"
        "::Moodle activities::[html]Match the <b>activity</b> to the description.{\n"
        '\t=<div class\\="frog">An activity supporting asynchronous discussions.</div> -> Forum\n'
        "\t=[moodle]A teacher asks a question and specifies a choice of multiple responses. -> Choice\n"
        "\t=[plain]A bank of record entries which participants can add to. -> Database\n"
        "\t=[markdown]A collection of web pages that anyone can add to or edit. -> Wiki\n"
        "\t= -> Chat\n}\n\n",
        "matching",
        "Moodle activities",
        "Match the <b>activity</b> to the description.",
        text_format="html",
        answers=(
            Answer('<div class="frog">An activity supporting asynchronous discussions.</div>', ONE, match="Forum"),
            *(Answer(left, ONE, match=right) for left, right in ACTIVITIES[1:]),
        ),
    ),
    MoodleCase(
        "test_export_multichoice",
        f"// question: 666  name: Q8\n::Q8::{SPECTRUM}{{\n\t=yellow#right; good!\n"
        "\t~red#[html]wrong, it's yellow\n\t~[plain]blue#wrong, it's yellow\n}\n\n",
        "single",
        "Q8",
        SPECTRUM,
        answers=(
            Answer("yellow", ONE, "right; good!"),
            Answer("red", ZERO, "wrong, it's yellow"),
            Answer("blue", ZERO, "wrong, it's yellow"),
        ),
    ),
    MoodleCase(
        "test_export_multichoice_multi_tricky",
        f"// question: 666  name: Q8\n::Q8::{SPECTRUM}{{\n\t~%100%yellow#right; good!\n"
        "\t~%-50%red#wrong, it's yellow\n\t~%-50%blue#wrong, it's yellow\n}\n\n",
        "multiple",
        "Q8",
        SPECTRUM,
        answers=(
            Answer("yellow", ONE, "right; good!"),
            Answer("red", -HALF, "wrong, it's yellow"),
            Answer("blue", -HALF, "wrong, it's yellow"),
        ),
    ),
    MoodleCase(
        "test_export_numerical",
        "// question: 666  name: Q5\n::Q5::What is a number from 1 to 5?{#\n\t=%100%3:2#\n\t~#Completely wrong\n}\n\n",
        "numerical",
        "Q5",
        "What is a number from 1 to 5?",
        answers=NUMBER_1_TO_5,
    ),
    MoodleCase(
        "test_export_shortanswer",
        "// question: 666  name: Shortanswer\n::Shortanswer::Which is the best animal?{\n\t=%100%Frog#Good!\n"
        "\t=%50%Cat#What is it with Moodlers and cats?\n\t=%0%*#Completely wrong\n}\n\n",
        "short",
        "Shortanswer",
        "Which is the best animal?",
        answers=ANIMALS,
    ),
    MoodleCase(
        "test_export_shortanswer_with_general_feedback",
        "// question: 666  name: Shortanswer\n::Shortanswer::Which is the best animal?{\n\t=%100%Frog#Good!\n"
        "\t=%50%Cat#What is it with Moodlers and cats?\n\t=%0%*#Completely wrong\n"
        "\t####[html]Here is some general feedback!\n}\n\n",
        "short",
        "Shortanswer",
        "Which is the best animal?",
        explanation="Here is some general feedback!",
        answers=ANIMALS,
    ),
    MoodleCase(
        "test_export_truefalse",
        "// question: 666  name: Q1\n::Q1::42 is the Absolute Answer to everything."
        "{TRUE#[html]42 is the Ultimate Answer.#You gave the right answer.}\n\n",
        "truefalse",
        "Q1",
        "42 is the Absolute Answer to everything.",
        answers=_tf(True, true_feedback="You gave the right answer.", false_feedback="42 is the Ultimate Answer."),
    ),
    MoodleCase(
        "test_export_backslash",
        "// question: 666  name: backslash\n::backslash::A \\\\ B \\\\\\\\ C{}\n\n",
        "essay",
        "backslash",
        "A \\ B \\\\ C",
    ),
    MoodleCase(
        "test_export_question_with_tags_and_idnumber",
        "// question: 1  name: True/false question\n// [id:myid] [tag:tag1] [tag:tag2]\n"
        "::True/false question::[html]The answer is true.{TRUE#This is the wrong answer.#This is the right answer."
        "####You should have selected true.}\n\n",
        "truefalse",
        "True/false question",
        "The answer is true.",
        text_format="html",
        explanation="You should have selected true.",
        answers=_tf(True, true_feedback="This is the right answer.", false_feedback="This is the wrong answer."),
        key="myid",
        tags=("tag1", "tag2"),
    ),
]

# question/format/gift/tests/fixtures/: each file and the (type, title) of the questions Moodle reads from it.
FIXTURE_QUESTIONS_GIFT = """// essay
::Q8:: How are you? {}

// question: 2  name: Moodle activities
::Moodle activities::[html]Match the <b>activity</b> to the description.{
    =[html]An activity supporting asynchronous discussions. -> Forum
    =[moodle]A teacher asks a question and specifies a choice of multiple responses. -> Choice
    =[plain]A bank of record entries which participants can add to. -> Database
    =[markdown]A collection of web pages that anyone can add to or edit. -> Wiki
    = -> Chat
}

// multiple choice with specified feedback for right and wrong answers
::Q2:: What's between orange and green in the spectrum?
{
    =yellow # right; good!
    ~red # [html]wrong, it's yellow
    ~[plain]blue # wrong, it's yellow
}

// multiple choice, multiple response with specified feedback for right and wrong answers
::colours:: What's between orange and green in the spectrum?
{
    ~%50%yellow # right; good!
    ~%-100%red # [html]wrong
    ~%50%off-beige # right; good!
    ~%-100%[plain]blue # wrong
}

// math range question
::Q5:: What is a number from 1 to 5? {#3:2~#Completely wrong}";

// question: 666  name: Shortanswer
::Shortanswer::Which is the best animal?{
    =Frog#Good!
    =%50%Cat#What is it with Moodlers and cats?
    =%0%*#Completely wrong
}

// true/false, with general feedback
::Q1:: 42 is the Absolute Answer to everything.{
FALSE#42 is the Ultimate Answer.#You gave the right answer.
####This is, of course, a Hitchiker's Guide to the Galaxy reference.}";

// name 0-11
::2-08 TSL::TSL is blablabla.{T}

// name 0-11
::2-08 TSL::TSL is blablabla.{TRUE}
"""
FIXTURE_QUESTIONS_IN_CATEGORY_GIFT = """// question: 0  name: switch category to $course$/Default for New Features
$CATEGORY: $course$/Default for New Features

// question: 44  name: Moodle activities
::Moodle activities::[html]Match the activity to the description.{
\t=An activity supporting asynchronous discussions. -> Forum
\t=A teacher asks a question and specifies a choice of multiple responses. -> Choice
\t=A bank of record entries which participants can add to. -> Database
\t=A collection of web pages that anyone can add to or edit. -> Wiki
\t= -> Chat
}

// question: 43  name: Greeting
::Greeting::[html]<a href\\="http\\://demo.moodle.net/file.php/5/media/bonjour.mp3">Listen to this greeting\\:</a>\
<br /><br />What language is being spoken?{
\t~English#Sorry, listen again.
\t=French#Yes, well done!
\t~German#Sorry, listen again.
\t~Spanish#Sorry, listen again.
}

// question: 46  name: Moodle user
::Moodle user::[html]Anyone who uses Moodle is a ...{
\t=%100%Moodler#
}

// question: 45  name: Moodle acronym
::Moodle acronym::[html]Moodle is an acronym for <span style\\="font-style\\: italic;">Modular Object-Oriented \
Dynamic Learning Environment</span>.{TRUE}
"""
FIXTURES = [
    (
        "fixtures/questions.gift.txt",
        FIXTURE_QUESTIONS_GIFT,
        "",
        [
            ("essay", "Q8"),
            ("matching", "Moodle activities"),
            ("single", "Q2"),
            ("multiple", "colours"),
            ("numerical", "Q5"),
            ("short", "Shortanswer"),
            ("truefalse", "Q1"),
            ("truefalse", "2-08 TSL"),
            ("truefalse", "2-08 TSL"),
        ],
    ),
    (
        "fixtures/questions_in_category.gift.txt",
        FIXTURE_QUESTIONS_IN_CATEGORY_GIFT,
        "$course$/Default for New Features",
        [
            ("matching", "Moodle activities"),
            ("single", "Greeting"),
            ("short", "Moodle user"),
            ("truefalse", "Moodle acronym"),
        ],
    ),
]
