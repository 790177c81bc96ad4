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


def test_choices_are_drawn_as_a_labelled_group_with_the_answer_kept_and_text_escaped():
    """Radios sit in a fieldset whose legend asks the question; each has its label; the saved answer is checked."""
    choices = [choice(1, "<b>Mediation</b>"), choice(2, "Negotiation")]
    form = AttemptForm({"q1": "1"}, slots=[slot(1, "single", choices)])
    assert form.is_valid()
    (question,) = form.questions
    html = question.inputs_html
    assert '<fieldset><legend class="form-label fs-6">Your answer</legend>' in html
    assert '<label for="id_q1_0" class="form-check-label">&lt;b&gt;Mediation&lt;/b&gt;</label>' in html
    assert 'value="1"  id="id_q1_1" checked>' in html and 'id="id_q1_0" checked' not in html


def test_an_ordering_error_is_tied_to_its_select():
    """A repeated position is refused with a message the first select points to (aria-describedby)."""
    choices = [choice(1, "first"), choice(2, "second")]
    form = AttemptForm({"q1_0": "1", "q1_1": "1"}, slots=[slot(1, "ordering", choices)])
    assert not form.is_valid()
    html = form.questions[0].inputs_html
    assert '<label for="id_q1_0" class="form-label">first</label>' in html
    assert 'aria-invalid="true" aria-describedby="id_q1_0_error"' in html
    assert '<div id="id_q1_0_error" class="invalid-feedback"><strong>Question 1: give every item' in html
