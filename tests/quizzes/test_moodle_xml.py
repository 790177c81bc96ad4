"""Reading and writing Moodle XML: Moodle's fixtures, every type we write, and hostile files."""

from decimal import Decimal

import pytest

from quizzes.gift import GiftAnswer, GiftQuestion, QuestionType, parse_gift
from quizzes.moodle_xml import MoodleXmlError, looks_like_xml, parse_moodle_xml, write_moodle_xml
from tests.quizzes.moodle_gift_cases import FIXTURE_QUESTIONS_GIFT
from tests.quizzes.moodle_xml_cases import MULTICHOICE_ABRIDGED, NESTED_CATEGORIES_WITH_QUESTIONS, TRUEFALSE_ABRIDGED


def refusal(text: str) -> list[str]:
    with pytest.raises(MoodleXmlError) as caught:
        parse_moodle_xml(text, filename="bank.xml")
    return caught.value.messages


def test_moodle_nested_categories_fixture_reads_with_categories_and_lines():
    """nested_categories_with_questions.xml: four true/false questions and an essay, each in its category."""
    read = parse_moodle_xml(NESTED_CATEGORIES_WITH_QUESTIONS)
    assert [(q.gift.qtype, q.gift.title, q.gift.category, q.gift.line) for q in read] == [
        (QuestionType.TRUE_FALSE, "Iota Question", "$course$/Iota", 15),
        (QuestionType.ESSAY, "Kappa Essay Question", "$course$/Iota/Kappa", 55),
        (QuestionType.TRUE_FALSE, "Kappa Question", "$course$/Iota/Kappa", 83),
        (QuestionType.TRUE_FALSE, "Lambda Question", "$course$/Iota/Kappa/Lambda", 123),
        (QuestionType.TRUE_FALSE, "Mu Question", "$course$/Iota/Mu", 163),
    ]
    assert read[0].gift.text == "Testing Iota Question"
    assert read[0].gift.answers == [GiftAnswer("True", Decimal(1)), GiftAnswer("False", Decimal(0))]
    assert "penalty 1 is ignored: a wrong try costs nothing extra here" in read[0].notes


def test_moodle_truefalse_fixture_reads_html_as_plain_text():
    """truefalse.xml: the right answer is False; HTML becomes text, images their alt text; files are noted."""
    (read,) = parse_moodle_xml(TRUEFALSE_ABRIDGED)
    gift = read.gift
    assert gift.text == ("Moodle [Moodle logo] is an acronym for Modular Object-Oriented Dynamic Learning Education.")
    assert gift.answers == [
        GiftAnswer("True", Decimal(0), "[Thumb down] Your answer is incorrect."),
        GiftAnswer("False", Decimal(1), "[Thumb up] Your answer is correct."),
    ]
    assert gift.explanation == "[Informations]For further information, see the documentation about Moodle."
    assert "embedded files (images, audio) are not imported" in read.notes


def test_moodle_multichoice_fixture_reads_a_single_choice_question():
    """multichoice.xml: <single>true</single> is a single-choice question; fractions are percentages."""
    (read,) = parse_moodle_xml(MULTICHOICE_ABRIDGED)
    assert read.gift.qtype is QuestionType.SINGLE
    assert read.gift.text == "Listen to this greeting:\n\nWhat language is being spoken?"
    assert [(a.text, a.fraction, a.feedback) for a in read.gift.answers] == [
        ("[France flag] French", Decimal(1), "Yes, well done!"),
        ("[Germany flag] German", Decimal(0), "Sorry, listen again."),
        ("[Denmark flag] Danish", Decimal(0), "Sorry, listen again."),
    ]


ROUND_TRIP = [
    GiftQuestion(QuestionType.SINGLE, "Who?", [GiftAnswer("A", Decimal(1), "Yes."), GiftAnswer("B", Decimal(0))]),
    GiftQuestion(
        QuestionType.MULTIPLE,
        "Which?",
        [GiftAnswer("A", Decimal("0.5")), GiftAnswer("B", Decimal("0.5")), GiftAnswer("C", Decimal("-1"), "No.")],
        title="Pick two",
        key="Q1",
        tags=["easy", "section:intro"],
        explanation="Because.",
    ),
    GiftQuestion(QuestionType.TRUE_FALSE, "Yes?", [GiftAnswer("True", Decimal(0), "No."), GiftAnswer("False", 1)]),
    GiftQuestion(QuestionType.SHORT, "Name?", [GiftAnswer("Frog", Decimal(1)), GiftAnswer("*", Decimal(0), "No.")]),
    GiftQuestion(
        QuestionType.NUMERICAL, "Year?", [GiftAnswer("1648:1", Decimal(1)), GiftAnswer("*", Decimal(0), "Later.")]
    ),
    GiftQuestion(
        QuestionType.MATCHING,
        "Match.",
        [GiftAnswer("A", Decimal(1), match="1"), GiftAnswer("B", 1, match="2"), GiftAnswer("", 1, match="3")],
    ),
    GiftQuestion(
        QuestionType.ORDERING,
        "Order.",
        [GiftAnswer("first", Decimal(1)), GiftAnswer("second", 1), GiftAnswer("third", 1)],
        tags=["type:ordering"],
    ),
    GiftQuestion(QuestionType.DESCRIPTION, "Read this first,\nthen answer <all> & everything.", key="q_intro"),
]


@pytest.mark.parametrize("question", ROUND_TRIP, ids=lambda question: str(question.qtype))
def test_every_type_reads_back_the_same(question):
    """What we write for each type reads back to the same question."""
    (read,) = parse_moodle_xml(write_moodle_xml([question]))
    assert read.gift == question


def test_written_xml_carries_what_moodles_importer_reads():
    """Moodle's readquestions needs these: type, name, idnumber, percent fractions, tolerance, ordering options."""
    xml = write_moodle_xml(ROUND_TRIP)
    for expected in [
        '<question type="multichoice">',
        "<single>false</single>",
        '<answer format="plain_text" fraction="-100">',
        "<idnumber>Q1</idnumber>",
        "<tags>\n      <tag>\n        <text>easy</text>",
        "<text>true</text>",
        "<tolerance>1</tolerance>",
        '<subquestion format="plain_text">\n      <text />\n      <answer>\n        <text>3</text>',
        '<question type="ordering">',
        "<layouttype>VERTICAL</layouttype>",
        '<answer format="plain_text" fraction="2">\n      <text>second</text>',
        '<question type="description">',
        "then answer &lt;all&gt; &amp; everything.",
    ]:
        assert expected in xml, expected


def test_a_category_tag_becomes_a_category_question_and_reads_back_as_the_category():
    """category:PATH tags are written as Moodle's category switch and read back as the question's category."""
    question = GiftQuestion(QuestionType.TRUE_FALSE, "Yes?", [GiftAnswer("True", 1), GiftAnswer("False", 0)])
    question.tags = ["category:$course$/top/Week 1"]
    xml = write_moodle_xml([question])
    assert '<question type="category">\n    <category>\n      <text>$course$/top/Week 1</text>' in xml
    (read,) = parse_moodle_xml(xml)
    assert (read.gift.category, read.gift.tags) == ("$course$/top/Week 1", [])


def test_moodles_gift_fixture_survives_gift_to_xml_and_back():
    """Moodle's GIFT fixture, written as XML and read again, keeps type, text, answers and feedback."""
    for question in parse_gift(FIXTURE_QUESTIONS_GIFT):
        (read,) = parse_moodle_xml(write_moodle_xml([question]))
        question.text_format = ""
        read.gift.line = question.line
        assert read.gift == question


def test_an_entity_expansion_bomb_is_refused_with_a_clear_message():
    """A billion-laughs file is refused before anything is expanded."""
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><quiz><question type="description"><name><text>&c;</text></name>'
        "</question></quiz>"
    )
    (message,) = refusal(bomb)
    assert message.startswith("bank.xml: refused: the file declares a DTD or entities")


def test_an_external_entity_is_refused():
    """An entity that would read a local file is refused; nothing of the file is read."""
    external = '<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY x SYSTEM "file:///etc/passwd">]><quiz>&x;</quiz>'
    (message,) = refusal(external)
    assert "refused" in message and "DTD or entities" in message


def test_malformed_xml_names_its_line():
    """XML that is not well-formed is reported with the line the parser stopped at."""
    (message,) = refusal('<?xml version="1.0"?>\n<quiz>\n<question type="truefalse">\n</quiz>\n')
    assert message.startswith("bank.xml:4: not well-formed XML")


def test_every_unsupported_or_broken_question_is_listed_with_its_line():
    """Unsupported types and unreadable questions are all reported at once, each with its line."""
    text = (
        '<?xml version="1.0"?>\n<quiz>\n<question type="calculated"><name><text>C</text></name></question>\n'
        '<question type="truefalse"><name><text>T</text></name><questiontext format="html"><text>x</text>'
        '</questiontext><answer fraction="100"><text>yes</text></answer></question>\n'
        '<question type="numerical"><name><text>N</text></name><answer fraction="100"><text>many</text>'
        "</answer></question>\n</quiz>\n"
    )
    assert refusal(text) == [
        "bank.xml:3: question type 'calculated' is not supported (supported: multichoice, truefalse, shortanswer, "
        "matching, numerical, description, ordering)",
        "bank.xml:4: a true/false question needs two answers, 'true' and 'false'",
        "bank.xml:5: numerical answer 'many' is not a number",
    ]


def test_xml_is_told_from_gift_by_its_first_character():
    """A file starting with '<' (after a BOM or blanks) is XML; GIFT never starts so."""
    assert looks_like_xml('\ufeff\n <?xml version="1.0"?><quiz/>')
    assert not looks_like_xml("// comment\n::Q::<b>x</b>{T}")


def test_true_false_answers_in_another_language_are_taken_true_first():
    """As Moodle reads old exports: answers not named true/false are True then False, in file order."""
    text = (
        '<?xml version="1.0"?><quiz><question type="truefalse"><name><text>T</text></name>'
        '<questiontext format="plain_text"><text>Paris is in France.</text></questiontext>'
        '<answer fraction="100"><text>Vrai</text></answer><answer fraction="0"><text>Faux</text></answer>'
        "</question></quiz>"
    )
    (read,) = parse_moodle_xml(text)
    assert read.gift.answers == [GiftAnswer("True", Decimal(1)), GiftAnswer("False", Decimal(0))]
