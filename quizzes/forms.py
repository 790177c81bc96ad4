import dataclasses
import functools
import json
import threading
import types
from collections import OrderedDict
from dataclasses import dataclass

from django import forms
from django.forms.utils import flatatt
from django.template.defaultfilters import linebreaksbr
from django.template.loader import render_to_string
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lessons.markdown import render_markdown
from quizzes.grading import word_count
from quizzes.models import AttemptQuestion, QuestionType

MAX_SHORT_ANSWER = 200
# A written answer: about 3,000 words of English, far beyond any word limit a question sets.
MAX_WRITTEN_ANSWER = 20_000
CHOOSE = ("", _("Choose…"))


@dataclass
class AnswerOption:
    value: str
    label: str
    selected: bool
    id: str


@dataclass
class AnswerField:
    """One input of a question, drawn by `html()` with plain markup: a labelled group of radios or checkboxes
    in a fieldset with its legend, or a labelled select or text box, with its errors tied to it.

    An attempt page has dozens of choices; drawing each through a widget template (or a crispy-forms field
    template) cost about two thirds of the page, so they are drawn here, every value escaped by format_html.
    """

    kind: str  # "radio", "checkbox", "select", "text" or "textarea"
    name: str
    id: str
    label: str
    value: str
    options: list[AnswerOption]
    errors: list[str]
    max_length: int | None = None
    help_text: str = ""
    # A written answer's box: its rows and the word limits its counter reads.
    attrs: dict = dataclasses.field(default_factory=dict)
    # Set when drawing the field's shape (see QuestionFields): its state is left as markers to fill in later.
    marker: int | None = None

    def _chosen(self, option: AnswerOption, text: str):
        """` checked` (or ` selected`) if the option is chosen; in a shape, a marker: c or s, field, option value."""
        if self.marker is not None:
            return mark_safe(f"{MARK}{'c' if text == CHECKED else 's'}{self.marker}:{option.value}{MARK}")
        return mark_safe(text) if option.selected else ""

    def _value(self):
        return self.value if self.marker is None else mark_safe(f"{MARK}v{self.marker}{MARK}")

    def html(self) -> str:
        invalid = " is-invalid" if self.errors else ""
        error_id = f"{self.id}_error"
        errors = format_html_join(" ", "<strong>{}</strong>", ((error,) for error in self.errors))
        if self.kind in {"radio", "checkbox"}:
            options = format_html_join(
                "\n",
                '<div class="form-check"><input type="{}" class="form-check-input{}"  name="{}" value="{}"  id="{}"{}>'
                '<label for="{}" class="form-check-label">{}</label></div>',
                (
                    (self.kind, invalid, self.name, o.value, o.id, self._chosen(o, CHECKED), o.id, o.label)
                    for o in self.options
                ),
            )
            feedback = format_html('<div id="{}" class="invalid-feedback d-block">{}</div>', error_id, errors)
            return format_html(
                '<div id="div_{}" class="mb-3"><fieldset{}><legend class="form-label fs-6">{}</legend>'
                "<div>{}</div>{}</fieldset></div>",
                self.id,
                format_html(' aria-describedby="{}"', error_id) if self.errors else "",
                self.label,
                options,
                feedback if self.errors else "",
            )
        help_id = f"{self.id}_helptext"
        described_by = " ".join([*([error_id] if self.errors else []), *([help_id] if self.help_text else [])])
        described = format_html(
            "{}{}",
            mark_safe(' aria-invalid="true"') if self.errors else "",
            format_html(' aria-describedby="{}"', described_by) if described_by else "",
        )
        if self.kind == "select":
            control = format_html(
                '<select name="{}" class="select form-select{}" id="{}"{}>{}</select>',
                self.name,
                invalid,
                self.id,
                described,
                format_html_join(
                    "",
                    '<option value="{}"{}>{}</option>',
                    ((o.value, self._chosen(o, SELECTED), o.label) for o in self.options),
                ),
            )
        elif self.kind == "textarea":
            control = format_html(
                '<textarea name="{}"{}{} class="textarea form-control{}" id="{}"{}>\n{}</textarea>',
                self.name,
                flatatt(self.attrs),
                format_html(' maxlength="{}"', self.max_length) if self.max_length else "",
                invalid,
                self.id,
                described,
                self._value(),
            )
        else:
            control = format_html(
                '<input type="text" name="{}" value="{}"{} class="textinput form-control{}" id="{}"{}>',
                self.name,
                self._value(),
                format_html(' maxlength="{}"', self.max_length) if self.max_length else "",
                invalid,
                self.id,
                described,
            )
        return format_html(
            '<div id="div_{}" class="mb-3"><label for="{}" class="form-label">{}</label>{}{}{}</div>',
            self.id,
            self.id,
            self.label,
            control,
            format_html('<div id="{}" class="invalid-feedback">{}</div>', error_id, errors) if self.errors else "",
            format_html('<div id="{}" class="form-text">{}</div>', help_id, self.help_text) if self.help_text else "",
        )


CHECKED, SELECTED = " checked", " selected"
# Marks a state to fill in, in a field's shape: NUL, which no escaped snapshot text carries (checked below).
MARK = "\x00"


def answer_field(bound: forms.BoundField, marker: int | None = None) -> AnswerField:
    """The plain description of one bound answer field: its kind, current value, options and errors."""
    field, value = bound.field, bound.value()
    widget_kind = {
        forms.RadioSelect: "radio",
        forms.CheckboxSelectMultiple: "checkbox",
        forms.Select: "select",
        forms.Textarea: "textarea",
    }.get(type(field.widget), "text")
    options = []
    if widget_kind not in {"text", "textarea"}:
        chosen = {str(item) for item in value} if isinstance(value, list | tuple) else {str(value or "")}
        options = [
            AnswerOption(value=str(key), label=str(label), selected=str(key) in chosen, id=f"{bound.auto_id}_{index}")
            for index, (key, label) in enumerate(field.choices)
        ]
    return AnswerField(
        kind=widget_kind,
        name=bound.html_name,
        id=bound.auto_id,
        label=str(field.label),
        value="" if value is None or widget_kind not in {"text", "textarea"} else str(value),
        options=options,
        errors=list(bound.errors),
        max_length=getattr(field, "max_length", None),
        help_text=str(field.help_text),
        attrs={name: value for name, value in field.widget.attrs.items() if name != "maxlength"},
        marker=marker,
    )


@dataclass
class QuestionFields:
    """One question of the attempt page: its number, snapshot and bound form fields."""

    position: int
    snapshot: dict
    fields: list[forms.BoundField]
    # The inputs' markup split at the markers of their state (which options are chosen, what is typed): even
    # items are markup, odd ones markers. Kept per process for an unbound form (see AttemptForm.questions).
    shape: list[str] | None = None
    # The fields' values when drawn without a form (see AttemptDisplay), as the unbound fields would give them.
    values: list | None = None

    @property
    def text_html(self) -> str:
        """The question's text: a written task's situation and prompt are Markdown, rendered and sanitized as
        lessons are; any other question's text keeps its line breaks. Kept per process by type and text."""
        return _text_html(self.snapshot["qtype"], self.snapshot["text"])

    @property
    def inputs_html(self) -> str:
        """The question's inputs as the page draws them."""
        if self.shape is None:
            return mark_safe("\n".join(answer_field(bound).html() for bound in self.fields))
        values = self.values if self.values is not None else [bound.value() for bound in self.fields]
        return _fill(self.shape, values)

    @classmethod
    def shape_of(cls, fields: list[forms.BoundField]) -> list[str]:
        markup = "\n".join(answer_field(bound, marker=index).html() for index, bound in enumerate(fields))
        return markup.split(MARK)


@functools.lru_cache(maxsize=2048)
def _text_html(qtype: str, text: str) -> str:
    if qtype == QuestionType.WRITTEN:
        return mark_safe(render_markdown(text))
    return format_html("<p>{}</p>", linebreaksbr(text))


# Shapes of the inputs of questions as snapshots have them, per process: (position, snapshot as JSON, language).
_SHAPES: OrderedDict[tuple, list[str]] = OrderedDict()
_SHAPES_SIZE = 2048
# Shapes of questions' whole blocks on the attempt page, by the same keys (see _block).
_BLOCKS: OrderedDict[tuple, list[str]] = OrderedDict()
_shapes_lock = threading.Lock()


class AttemptForm(forms.Form):
    """The answers to one attempt.

    Field values are positions in this attempt's shuffled display order, never choice ids, so the
    page carries nothing that tells a right answer from a wrong one.
    """

    # The page draws a form's questions one by one (an AttemptDisplay draws them at once).
    questions_html = None

    def __init__(self, *args, slots: list[AttemptQuestion], **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = slots
        self._names: dict[int, list[str]] = {}
        for slot in slots:
            self._names[slot.position] = self._add_fields(slot)

    def _add_fields(self, slot: AttemptQuestion) -> list[str]:
        snapshot = slot.snapshot
        initials = field_values(snapshot, slot.response)
        choices = {choice["id"]: choice for choice in snapshot["choices"]}
        order = snapshot["order"]
        name = f"q{slot.position}"
        qtype = snapshot["qtype"]
        options = [(str(index), choices[choice_id]["text"]) for index, choice_id in enumerate(order)]
        if qtype in {QuestionType.SINGLE, QuestionType.TRUE_FALSE}:
            self.fields[name] = forms.ChoiceField(
                label=_("Your answer"),
                choices=options,
                widget=forms.RadioSelect,
                required=False,
                initial=initials[0],
            )
            return [name]
        if qtype == QuestionType.MULTIPLE:
            self.fields[name] = forms.MultipleChoiceField(
                label=_("Select every answer that applies"),
                choices=options,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=initials[0],
            )
            return [name]
        if qtype in {QuestionType.SHORT, QuestionType.NUMERICAL}:
            self.fields[name] = forms.CharField(
                label=_("Your answer (a number)") if qtype == QuestionType.NUMERICAL else _("Your answer"),
                max_length=MAX_SHORT_ANSWER,
                required=False,
                initial=initials[0],
            )
            return [name]
        if qtype == QuestionType.DESCRIPTION:
            return []
        if qtype == QuestionType.WRITTEN:
            self.fields[name] = forms.CharField(
                label=_("Your answer"),
                max_length=MAX_WRITTEN_ANSWER,
                required=False,
                strip=False,
                initial=initials[0],
                help_text=written_hint(snapshot),
                widget=forms.Textarea(
                    attrs={
                        "rows": 14,
                        "data-word-count": "",
                        "data-min-words": snapshot.get("min_words") or "",
                        "data-max-words": snapshot.get("max_words") or "",
                    }
                ),
            )
            return [name]
        names = []
        if qtype == QuestionType.MATCHING:
            match_order = snapshot["match_order"]
            match_options = [CHOOSE] + [(str(i), choices[cid]["match"]) for i, cid in enumerate(match_order)]
            for index, choice_id in enumerate(order):
                names.append(f"{name}_{index}")
                self.fields[names[-1]] = forms.ChoiceField(
                    label=choices[choice_id]["text"],
                    choices=match_options,
                    required=False,
                    initial=initials[index],
                )
            return names
        ranks = [CHOOSE] + [(str(rank), str(rank)) for rank in range(1, len(order) + 1)]
        for index, choice_id in enumerate(order):
            names.append(f"{name}_{index}")
            self.fields[names[-1]] = forms.ChoiceField(
                label=choices[choice_id]["text"],
                choices=ranks,
                required=False,
                initial=initials[index],
            )
        return names

    @property
    def questions(self) -> list[QuestionFields]:
        """Each question with its bound fields. An unbound form (no errors to show) draws its inputs from their
        shape, kept per process by position and snapshot: only which options are chosen and what is typed is
        filled in per page. A bound form draws them in full."""
        questions = []
        for slot in self.slots:
            question = QuestionFields(
                position=slot.position,
                snapshot=slot.snapshot,
                fields=[self[name] for name in self._names[slot.position]],
            )
            if not self.is_bound and question.fields:
                question.shape = _shape(question)
            questions.append(question)
        return questions

    def clean(self):
        cleaned = super().clean()
        for slot in self.slots:
            if slot.snapshot["qtype"] == QuestionType.WRITTEN:
                self._check_word_limit(slot, cleaned)
            if slot.snapshot["qtype"] != QuestionType.ORDERING:
                continue
            ranks = [cleaned.get(name) for name in self._names[slot.position]]
            given = [rank for rank in ranks if rank]
            if given and (len(given) != len(ranks) or len(set(given)) != len(given)):
                self.add_error(
                    self._names[slot.position][0],
                    forms.ValidationError(
                        _("Question %(number)d: give every item a different position, from 1 to %(count)d."),
                        code="bad_order",
                        params={"number": slot.position, "count": len(ranks)},
                    ),
                )
        return cleaned

    def _check_word_limit(self, slot: AttemptQuestion, cleaned: dict) -> None:
        """A written answer outside its word limits is saved as a draft but refused on submit (a blank one is
        left to the unanswered-question check, and scores 0)."""
        name = self._names[slot.position][0]
        least, most = slot.snapshot.get("min_words"), slot.snapshot.get("max_words")
        words = word_count(cleaned.get(name) or "")
        if "submit" not in self.data or not words:
            return
        if most and words > most:
            message, code, limit = (
                _("Question %(number)d: at most %(limit)d words; your answer has %(words)d."),
                "too_many_words",
                most,
            )
        elif least and words < least:
            message, code, limit = (
                _("Question %(number)d: at least %(limit)d words; your answer has %(words)d."),
                "too_few_words",
                least,
            )
        else:
            return
        self.add_error(
            name,
            forms.ValidationError(message, code=code, params={"number": slot.position, "limit": limit, "words": words}),
        )

    def responses(self) -> dict[int, dict | None]:
        """The cleaned answers in choice ids, keyed by question position; None for a blank question."""
        return {slot.position: self._response(slot) for slot in self.slots}

    def unanswered(self) -> list[int]:
        """Positions of the questions left blank; descriptions ask nothing, so they are never among them."""
        marked = {slot.position for slot in self.slots if slot.snapshot["qtype"] != QuestionType.DESCRIPTION}
        return [position for position, response in self.responses().items() if response is None and position in marked]

    def _response(self, slot: AttemptQuestion) -> dict | None:
        snapshot = slot.snapshot
        order = snapshot["order"]
        names = self._names[slot.position]
        values = [self.cleaned_data.get(name) for name in names]
        qtype = snapshot["qtype"]
        if qtype in {QuestionType.SINGLE, QuestionType.TRUE_FALSE}:
            return {"choice": order[int(values[0])]} if values[0] else None
        if qtype == QuestionType.MULTIPLE:
            return {"choices": sorted(order[int(value)] for value in values[0])} if values[0] else None
        if qtype in {QuestionType.SHORT, QuestionType.NUMERICAL}:
            return {"text": values[0].strip()} if values[0] and values[0].strip() else None
        if qtype == QuestionType.WRITTEN:
            # Line breaks are the student's paragraphs: kept as typed, with Windows line ends made plain.
            text = (values[0] or "").replace("\r\n", "\n").strip()
            return {"text": text} if text else None
        if qtype == QuestionType.DESCRIPTION:
            return None
        if qtype == QuestionType.MATCHING:
            match_order = snapshot["match_order"]
            pairs = {str(order[index]): match_order[int(value)] for index, value in enumerate(values) if value}
            return {"pairs": pairs} if pairs else None
        if not any(values):
            return None
        ranked = sorted(zip(values, order, strict=True), key=lambda pair: int(pair[0]))
        return {"order": [choice_id for _rank, choice_id in ranked]}


def written_hint(snapshot: dict) -> str:
    """The word count a written answer asks for, in words."""
    low, high = snapshot.get("min_words"), snapshot.get("max_words")
    if low and high:
        return _("Write %(low)d to %(high)d words.") % {"low": low, "high": high}
    if high:
        return _("Write at most %(high)d words.") % {"high": high}
    if low:
        return _("Write at least %(low)d words.") % {"low": low}
    return ""


class AttemptDisplay:
    """An open attempt's questions as a GET draws them, with the saved answers filled in, and no form built.

    Every question with inputs is drawn from its kept shape (see `_shape`) and the values `field_values`
    reads from the slot's response, which is exactly what an unbound `AttemptForm` draws; a question whose
    snapshot holds a NUL is drawn in full through a form of its own. Answers sent back with errors are
    redisplayed by the bound `AttemptForm` instead.
    """

    def __init__(self, slots: list[AttemptQuestion] | None, *, questions_html: str | None = None):
        self.slots = slots
        if questions_html is not None:
            # Drawn before from the same slots and answers (kept per progress version: learning.selectors).
            self.__dict__["questions_html"] = questions_html

    def non_field_errors(self) -> list:
        return []

    @functools.cached_property
    def questions_html(self) -> str | None:
        """Every question's block at once, its saved answers filled into the block's kept shape; None if one has
        no shape (a NUL in its snapshot), and the page then draws `questions` one by one."""
        out = []
        for slot in self.slots:
            block = _block(slot)
            if block is None:
                return None
            out.append(_fill(block, field_values(slot.snapshot, slot.response)))
        return mark_safe("".join(out))

    @property
    def questions(self) -> list[QuestionFields]:
        """The questions one by one, as `AttemptForm.questions` gives them (the page's way when one has no block)."""
        questions = []
        for slot in self.slots:
            snapshot = slot.snapshot
            question = QuestionFields(position=slot.position, snapshot=snapshot, fields=[])
            if snapshot["qtype"] != QuestionType.DESCRIPTION:
                question.shape = _shape(question)
                if question.shape is None:
                    form = AttemptForm(slots=[slot])
                    question.fields = [form[name] for name in form._names[slot.position]]
                else:
                    question.values = field_values(snapshot, slot.response)
            questions.append(question)
        return questions


def field_values(snapshot: dict, response: dict | None) -> list:
    """The values of a question's fields for a saved response, as its unbound fields give them: a chosen
    position (or a list of them), a typed text, or a rank; one per matching or ordering row."""
    response = response or {}
    qtype, order = snapshot["qtype"], snapshot["order"]
    if qtype in {QuestionType.SINGLE, QuestionType.TRUE_FALSE}:
        return [_index(order, response.get("choice"))]
    if qtype == QuestionType.MULTIPLE:
        return [[_index(order, choice_id) for choice_id in response.get("choices", [])]]
    if qtype in {QuestionType.SHORT, QuestionType.NUMERICAL, QuestionType.WRITTEN}:
        return [response.get("text", "")]
    if qtype == QuestionType.DESCRIPTION:
        return []
    if qtype == QuestionType.MATCHING:
        pairs = response.get("pairs", {})
        return [_index(snapshot["match_order"], pairs.get(str(choice_id))) for choice_id in order]
    given = response.get("order", [])
    return [str(given.index(choice_id) + 1) if choice_id in given else "" for choice_id in order]


def _fill(shape: list[str], values: list) -> str:
    """A shape's markup with its markers filled in: options chosen among `values` and texts typed, escaped."""
    chosen = [
        {str(item) for item in value} if isinstance(value, list | tuple) else {str(value or "")} for value in values
    ]
    out = []
    for index, piece in enumerate(shape):
        if index % 2 == 0:
            out.append(piece)
        elif piece[0] == "v":
            value = values[int(piece[1:])]
            out.append(conditional_escape("" if value is None else str(value)))
        else:
            field, key = piece[1:].split(":", 1)
            if key in chosen[int(field)]:
                out.append(CHECKED if piece[0] == "c" else SELECTED)
    return mark_safe("".join(out))


def _kept(store: OrderedDict, key: tuple, build):
    """The value kept per process under `key` in `store`, built and kept (the oldest dropped) if missing."""
    with _shapes_lock:
        value = store.get(key)
        if value is not None:
            store.move_to_end(key)
            return value
    value = build()
    with _shapes_lock:
        store[key] = value
        while len(store) > _SHAPES_SIZE:
            store.popitem(last=False)
    return value


def _block(slot: AttemptQuestion) -> list[str] | None:
    """The shape of a question's whole block on the attempt page (quizzes/_attempt_question.html, its inputs
    left as markers), kept per process by position, snapshot and language; None for a NUL in the snapshot."""
    snapshot = json.dumps(slot.snapshot, sort_keys=True)
    if "\\u0000" in snapshot:
        return None

    def build():
        question = QuestionFields(position=slot.position, snapshot=slot.snapshot, fields=[])
        inputs = ""
        if slot.snapshot["qtype"] != QuestionType.DESCRIPTION:
            inputs = MARK.join(_shape(question, snapshot))
        drawn = types.SimpleNamespace(
            position=slot.position, snapshot=slot.snapshot, text_html=question.text_html, inputs_html=mark_safe(inputs)
        )
        return render_to_string("quizzes/_attempt_question.html", {"question": drawn}).split(MARK)

    return _kept(_BLOCKS, (slot.position, snapshot, get_language()), build)


def _shape(question: QuestionFields, snapshot_json: str | None = None) -> list[str] | None:
    """The question's kept shape, by position, snapshot (as JSON) and language; drawn and kept if missing."""
    snapshot = json.dumps(question.snapshot, sort_keys=True) if snapshot_json is None else snapshot_json
    if "\\u0000" in snapshot:
        return None  # a NUL in the text would read as a marker: drawn in full

    def build():
        fields = question.fields
        if not fields:  # drawn without a form: the shape comes from an unbound form of this question alone
            form = AttemptForm(slots=[AttemptQuestion(position=question.position, snapshot=question.snapshot)])
            fields = [form[name] for name in form._names[question.position]]
        return QuestionFields.shape_of(fields)

    return _kept(_SHAPES, (question.position, snapshot, get_language()), build)


def _index(order: list[int], choice_id: int | None) -> str:
    return str(order.index(choice_id)) if choice_id in order else ""
