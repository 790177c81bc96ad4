"""The attempt form for the types imported from Moodle: numerical answers, descriptions, matching extras."""

from django.template.loader import render_to_string

from quizzes.forms import AttemptDisplay, AttemptForm, answer_field
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


def every_kind_of_slot(responses: dict) -> list[AttemptQuestion]:
    """One slot of each answered type, with `responses` by position (choice ids, as attempts store them)."""
    picks = [choice(1, "<i>Mediation</i> & talks"), choice(2, 'Say "no"'), choice(3, "Negotiation")]
    slots = [
        slot(1, "single", picks, [3, 1, 2]),
        slot(2, "multiple", picks),
        slot(3, "matching", [choice(4, "Kyoto", "Protocol"), choice(5, "Paris", "<Agreement>")], [5, 4], [4, 5]),
        slot(4, "ordering", picks, [2, 3, 1]),
        slot(5, "short", []),
        slot(6, "numerical", [choice(6, "3.5")]),
        slot(7, "written", []),
        slot(8, "description", []),
    ]
    for item in slots:
        item.response = responses.get(item.position)
    return slots


ANSWERS = {
    1: {"choice": 1},
    2: {"choices": [2, 3]},
    3: {"pairs": {"4": 5}},
    4: {"order": [3, 1, 2]},
    5: {"text": '<script>alert("x")</script> & more'},
    6: {"text": "3,5"},
    7: {"text": "A memo\nover two lines <b>bold</b>"},
}


def test_inputs_drawn_from_a_kept_shape_are_the_inputs_drawn_in_full():
    """An unbound form fills the answers into a shape of its inputs kept per process: the markup is exactly what
    drawing every input in full gives, for no answers, for answers of every type, and again for other answers
    (the kept shape carries no answer of the attempt that drew it first)."""
    for responses in ({}, ANSWERS, {1: {"choice": 2}, 5: {"text": "other"}}, {}):
        form = AttemptForm(slots=every_kind_of_slot(responses))
        for question in form.questions:
            if not question.fields:
                continue
            assert question.shape is not None
            full = "\n".join(answer_field(bound).html() for bound in question.fields)
            assert question.inputs_html == full
    drawn = "".join(question.inputs_html for question in AttemptForm(slots=every_kind_of_slot(ANSWERS)).questions)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in drawn and "<script>" not in drawn
    assert 'value="1"  id="id_q1_1" checked>' in drawn and "\x00" not in drawn


def test_an_attempt_drawn_without_a_form_is_the_form_drawn_in_full():
    """A GET draws the saved answers into the kept shapes without building a form: the questions' markup is what
    an unbound form draws in full, for no answers, answers of every type and other answers in turn, with shapes
    kept from the first (so one student's answers never show in another's page)."""
    for responses in ({}, ANSWERS, {1: {"choice": 2}, 5: {"text": "other"}}, {}):
        drawn = AttemptDisplay(every_kind_of_slot(responses)).questions
        full = AttemptForm(slots=every_kind_of_slot(responses)).questions
        assert [q.position for q in drawn] == [q.position for q in full]
        for shown, question in zip(drawn, full, strict=True):
            assert shown.snapshot == question.snapshot and shown.text_html == question.text_html
            assert shown.inputs_html == "\n".join(answer_field(bound).html() for bound in question.fields)
    assert "other" not in "".join(q.inputs_html for q in AttemptDisplay(every_kind_of_slot(ANSWERS)).questions)
    assert not AttemptDisplay([]).non_field_errors()


def test_questions_drawn_at_once_are_the_questions_drawn_one_by_one():
    """A GET draws every question's block at once from block shapes kept per process: the markup is what the page
    draws question by question from an unbound form, for each set of answers in turn (one student's answers never
    show in the next page), with the text escaped; a NUL in a snapshot leaves the page to draw them one by one."""
    for responses in ({}, ANSWERS, {1: {"choice": 2}, 5: {"text": "other"}}, {}):
        questions = AttemptForm(slots=every_kind_of_slot(responses)).questions
        one_by_one = "".join(render_to_string("quizzes/_attempt_question.html", {"question": q}) for q in questions)
        assert AttemptDisplay(every_kind_of_slot(responses)).questions_html == one_by_one
    drawn = AttemptDisplay(every_kind_of_slot(ANSWERS)).questions_html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in drawn and "<script>" not in drawn
    assert '<legend class="card-header h5 mb-0">Question 4</legend>' in drawn and "\x00" not in drawn
    assert AttemptDisplay([slot(1, "single", [choice(1, "a\x00b"), choice(2, "c")])]).questions_html is None
    assert AttemptForm(slots=[]).questions_html is None


def test_an_attempt_drawn_without_a_form_draws_a_nul_in_full():
    """A question whose snapshot holds a NUL has no kept shape: it is drawn in full, with its saved answer."""
    item = slot(1, "single", [choice(1, "a\x00b"), choice(2, "c")])
    item.response = {"choice": 2}
    (question,) = AttemptDisplay([item]).questions
    assert question.shape is None and "a\x00b" in question.inputs_html
    assert 'id="id_q1_1" checked>' in question.inputs_html


def test_a_nul_in_a_snapshot_is_drawn_in_full():
    """A NUL in a question's text would read as a state marker: such a question is drawn without a shape."""
    form = AttemptForm(slots=[slot(1, "single", [choice(1, "a\x00b"), choice(2, "c")])])
    (question,) = form.questions
    assert question.shape is None and "a\x00b" in question.inputs_html


def test_a_bound_form_draws_its_inputs_in_full():
    """Answers sent back with errors are drawn in full, with their messages."""
    form = AttemptForm({"q4_0": "1", "q4_1": "1", "q4_2": "2"}, slots=every_kind_of_slot({}))
    assert not form.is_valid()
    assert all(question.shape is None for question in form.questions)
    assert "give every item a different position" in "".join(q.inputs_html for q in form.questions)
