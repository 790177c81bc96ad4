"""The attempt form for the types imported from Moodle: numerical answers, descriptions, matching extras."""

from quizzes.forms import AttemptForm
from quizzes.models import AttemptQuestion


def slot(position, qtype, choices, order=None, match_order=None):
    snapshot = {"qtype": qtype, "choices": choices, "order": order or [c["id"] for c in choices], "text": "?"}
    if match_order is not None:
        snapshot["match_order"] = match_order
    return AttemptQuestion(position=position, snapshot=snapshot)


def choice(choice_id, text, match=""):
    return {"id": choice_id, "text": text, "match": match, "fraction": "1", "feedback": ""}


def test_a_description_asks_nothing_and_is_never_unanswered():
    """A description has no field; leaving the numerical question blank is the only unanswered one."""
    slots = [slot(1, "description", []), slot(2, "numerical", [choice(5, "3:1")])]
    form = AttemptForm({}, slots=slots)
    assert form.is_valid()
    assert [len(question.fields) for question in form.questions] == [0, 1]
    assert form.unanswered() == [2]


def test_a_numerical_answer_is_kept_as_typed():
    """The numerical field's text is the response; grading reads the number from it."""
    form = AttemptForm({"q1": " 3,5 "}, slots=[slot(1, "numerical", [choice(5, "3.5")])])
    assert form.is_valid()
    assert form.responses() == {1: {"text": "3,5"}}


def test_matching_extra_right_hand_items_are_offered_but_asked_about_no_row():
    """Rows are the left items only; every right-hand item, the extra one too, is an option."""
    choices = [choice(1, "Kyoto", "Protocol"), choice(2, "Paris", "Agreement"), choice(3, "", "Charter")]
    form = AttemptForm({"q1_0": "2", "q1_1": "1"}, slots=[slot(1, "matching", choices, [1, 2], [2, 1, 3])])
    assert form.is_valid()
    (question,) = form.questions
    assert [field.label for field in question.fields] == ["Kyoto", "Paris"]
    assert [label for _value, label in question.fields[0].field.choices][1:] == ["Agreement", "Protocol", "Charter"]
    assert form.responses() == {1: {"pairs": {"1": 3, "2": 1}}}
