"""Read and write Moodle XML question banks (question/format/xml/format.php), for the types our engine has.

Questions are read into the same GiftQuestion records as GIFT, so one import path serves both:
multichoice (single and multiple), truefalse, shortanswer, matching, numerical, description,
ordering (qtype_ordering) and essay (which the import then refuses). Text in HTML is turned into
plain text (paragraphs and line breaks kept, tags dropped); a category becomes each following
question's `category`. Parsing goes through defusedxml: a DTD, entity declarations (an
entity-expansion bomb) and external entities are refused before anything is read.

We write plain text (format="plain_text") with everything Moodle's importer reads for each type,
and a `$CATEGORY`-style category question before each change of category (taken from a
`category:PATH` tag).
"""

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser
from xml.etree.ElementTree import Element, SubElement, TreeBuilder, indent, tostring

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from quizzes.gift import ORDERING_TAG, GiftAnswer, GiftQuestion, QuestionType
from quizzes.grading import numerical_bounds

CATEGORY_TAG_PREFIX = "category:"
NAME_LENGTH = 60
# Moodle qtype -> ours; multichoice is told apart by <single>.
_TYPES = {
    "truefalse": QuestionType.TRUE_FALSE,
    "shortanswer": QuestionType.SHORT,
    "matching": QuestionType.MATCHING,
    "numerical": QuestionType.NUMERICAL,
    "description": QuestionType.DESCRIPTION,
    "ordering": QuestionType.ORDERING,
    "essay": QuestionType.ESSAY,
}
_BLOCK_TAGS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "table", "ul"}


@dataclass
class XmlQuestion:
    """A question read from Moodle XML, with what our import should tell the instructor about it."""

    gift: GiftQuestion
    notes: list[str] = field(default_factory=list)


class MoodleXmlError(ValueError):
    """A file that cannot be read: `messages` lists every error as 'FILENAME:LINE: REASON' (or 'FILENAME: REASON')."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


def looks_like_xml(text: str) -> bool:
    """Whether an uploaded bank is XML rather than GIFT (GIFT never starts with '<')."""
    return text.lstrip("\ufeff \t\r\n").startswith("<")


def parse_moodle_xml(text: str, *, filename: str = "<xml>") -> list[XmlQuestion]:
    """Read the questions of a Moodle XML file, in file order; raise MoodleXmlError listing every problem."""
    root, lines = _parse_tree(text, filename)
    if root.tag != "quiz":
        raise MoodleXmlError([f"{filename}:{lines.get(root, 1)}: the root element is <{root.tag}>, not <quiz>"])
    questions, errors = [], []
    category = ""
    for element in root.findall("question"):
        line = lines.get(element, 0)
        qtype = element.get("type", "")
        if qtype == "category":
            category = _text(element, "category")
            continue
        try:
            read = _read_question(element, qtype)
        except _Unreadable as error:
            errors.append(f"{filename}:{line}: {error}")
            continue
        read.gift.line = line
        read.gift.category = category
        questions.append(read)
    if errors:
        raise MoodleXmlError(errors)
    return questions


def write_moodle_xml(questions: Iterable[GiftQuestion]) -> str:
    """Write questions as Moodle XML that Moodle's importer and parse_moodle_xml read back the same."""
    root = Element("quiz")
    category = ""
    for question in questions:
        tags = [tag for tag in question.tags if tag != ORDERING_TAG]
        wanted = next(
            (tag.removeprefix(CATEGORY_TAG_PREFIX) for tag in tags if tag.startswith(CATEGORY_TAG_PREFIX)), ""
        )
        tags = [tag for tag in tags if not tag.startswith(CATEGORY_TAG_PREFIX)]
        if wanted and wanted != category:
            category = wanted
            switch = SubElement(root, "question", type="category")
            _text_element(switch, "category", category, plain=False)
        _write_question(root, question, tags)
    indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="unicode") + "\n"


def default_name(text: str) -> str:
    """The name we give a question without a title (Moodle needs one); reading it back gives no title."""
    words = " ".join(text.split())
    return words if len(words) <= NAME_LENGTH else words[: NAME_LENGTH - 1] + "…"


class _Unreadable(Exception):
    """One question cannot be read; parse_moodle_xml adds the file name and line."""


class _LineTreeBuilder(TreeBuilder):
    """Remembers the line each element starts on, for 'file:line: reason' messages."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[Element, int] = {}
        self.parser: DefusedXMLParser | None = None

    def start(self, tag, attrs):
        element = super().start(tag, attrs)
        self.lines[element] = self.parser.parser.CurrentLineNumber
        return element


def _parse_tree(text: str, filename: str) -> tuple[Element, dict[Element, int]]:
    builder = _LineTreeBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    builder.parser = parser
    try:
        parser.feed(text.removeprefix("\ufeff"))
        root = parser.close()
    except (EntitiesForbidden, DTDForbidden):
        raise MoodleXmlError(
            [
                f"{filename}: refused: the file declares a DTD or entities (<!DOCTYPE>, <!ENTITY>), which can expand "
                "without limit or read other files; Moodle's exports have none"
            ]
        ) from None
    except ExternalReferenceForbidden:
        raise MoodleXmlError(
            [f"{filename}: refused: the file refers to an external resource (an external entity)"]
        ) from None
    except ParseError as error:
        line = error.position[0] if error.position else 0
        raise MoodleXmlError([f"{filename}:{line}: not well-formed XML ({error})"]) from None
    return root, builder.lines


def _read_question(element: Element, qtype: str) -> XmlQuestion:
    notes = []
    if qtype == "multichoice":
        single = _value(element, "single").lower() in {"true", "1"}
        ours = QuestionType.SINGLE if single else QuestionType.MULTIPLE
    elif qtype in _TYPES:
        ours = _TYPES[qtype]
    else:
        raise _Unreadable(
            f"question type {qtype!r} is not supported (supported: multichoice, truefalse, "
            "shortanswer, matching, numerical, description, ordering)"
        )
    text, text_format = _formatted_text(element, "questiontext")
    gift = GiftQuestion(
        ours,
        text,
        title=_text(element, "name").strip(),
        key=_value(element, "idnumber"),
        tags=[tag for tag in (_text(tag, None).strip() for tag in element.findall("tags/tag")) if tag],
        explanation=_formatted_text(element, "generalfeedback")[0],
    )
    if text_format == "html" and "<" in _text(element, "questiontext"):
        notes.append("HTML question text is kept as plain text")
    if gift.title == default_name(text):
        gift.title = ""
    penalty = _decimal(_value(element, "penalty") or "0", "penalty")
    if penalty and ours is not QuestionType.DESCRIPTION:
        notes.append(f"penalty {penalty.normalize():f} is ignored: a wrong try costs nothing extra here")
    if element.find(".//file") is not None:
        notes.append("embedded files (images, audio) are not imported")
    gift.answers = _answers(element, ours)
    if ours is QuestionType.ORDERING:
        gift.tags.append(ORDERING_TAG)
    return XmlQuestion(gift, notes)


def _answers(element: Element, qtype: QuestionType) -> list[GiftAnswer]:
    if qtype is QuestionType.MATCHING:
        return [
            GiftAnswer(_formatted_text(sub, None)[0], Decimal(1), match=_text(sub, "answer").strip())
            for sub in element.findall("subquestion")
            if _text(sub, "answer").strip()
        ]
    answers = []
    for answer in element.findall("answer"):
        fraction = _decimal(answer.get("fraction", "0"), "fraction")
        text = _formatted_text(answer, None)[0]
        feedback = _formatted_text(answer, "feedback")[0]
        if qtype is QuestionType.NUMERICAL and text != "*":
            tolerance = _decimal(_value(answer, "tolerance") or "0", "tolerance")
            _decimal(text, "numerical answer")
            text = text if not tolerance else f"{text}:{tolerance.normalize():f}"
        answers.append(GiftAnswer(text, fraction / 100, feedback))
    if qtype is QuestionType.TRUE_FALSE:
        by_text = {answer.text.strip(): answer for answer in answers}
        if set(by_text) != {"true", "false"} and len(answers) == 2:
            # As Moodle: old exports name the answers in the site's language, true first.
            by_text = {"true": answers[0], "false": answers[1]}
        if set(by_text) != {"true", "false"}:
            raise _Unreadable("a true/false question needs two answers, 'true' and 'false'")
        return [
            GiftAnswer("True", by_text["true"].fraction, by_text["true"].feedback),
            GiftAnswer("False", by_text["false"].fraction, by_text["false"].feedback),
        ]
    if qtype is QuestionType.ORDERING:
        # qtype_ordering keeps each item's place in its fraction (1, 2, 3 ...).
        ordered = sorted(enumerate(answers), key=lambda pair: (pair[1].fraction, pair[0]))
        return [GiftAnswer(answer.text, Decimal(1), answer.feedback) for _, answer in ordered]
    return answers


def _decimal(value: str, what: str) -> Decimal:
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        raise _Unreadable(f"{what} {value!r} is not a number") from None
    if not number.is_finite():
        raise _Unreadable(f"{what} {value!r} is not a number")
    return number


def _value(element: Element, child: str) -> str:
    """The trimmed text directly inside a child element, '' when absent."""
    return (element.findtext(child) or "").strip()


def _text(element: Element, child: str | None) -> str:
    """The <text> of a child element (or of the element itself when child is None), '' when absent."""
    holder = element if child is None else element.find(child)
    if holder is None:
        return ""
    node = holder.find("text")
    return (node.text or "") if node is not None else ""


def _formatted_text(element: Element, child: str | None) -> tuple[str, str]:
    """(plain text, Moodle format name) of a child with a format attribute; HTML becomes plain text."""
    holder = element if child is None else element.find(child)
    if holder is None:
        return "", ""
    fmt = holder.get("format", "")
    raw = _text(holder, None)
    if fmt in {"html", "moodle_auto_format", "markdown", ""} and "<" in raw:
        return _html_to_text(raw), fmt
    if fmt == "html":
        return html.unescape(raw).strip(), fmt
    return raw.strip(), fmt


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self.skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.parts.append(f"[{alt}]")

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def _html_to_text(markup: str) -> str:
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    lines = [" ".join(line.split()) for line in "".join(extractor.parts).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _text_element(parent: Element, tag: str, text: str, *, plain: bool = True, **attrs) -> Element:
    element = SubElement(parent, tag, {"format": "plain_text"} if plain else {}, **attrs)
    SubElement(element, "text").text = text
    return element


def _percent(fraction: Decimal) -> str:
    return format((Decimal(fraction) * 100).normalize(), "f")


def _write_question(root: Element, question: GiftQuestion, tags: list[str]) -> None:
    qtype = question.qtype
    moodle_type = {QuestionType.SINGLE: "multichoice", QuestionType.MULTIPLE: "multichoice"}.get(qtype) or next(
        name for name, ours in _TYPES.items() if ours is qtype
    )
    element = SubElement(root, "question", type=moodle_type)
    name = SubElement(element, "name")
    SubElement(name, "text").text = question.title or default_name(question.text)
    _text_element(element, "questiontext", question.text)
    _text_element(element, "generalfeedback", question.explanation)
    marked = qtype is not QuestionType.DESCRIPTION
    SubElement(element, "defaultgrade").text = "1.0000000" if marked else "0.0000000"
    SubElement(element, "penalty").text = "0.0000000"
    SubElement(element, "hidden").text = "0"
    SubElement(element, "idnumber").text = question.key
    if qtype in {QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.MATCHING, QuestionType.ORDERING}:
        _write_options(element, question)
    if qtype is QuestionType.MATCHING:
        for pair in question.answers:
            sub = _text_element(element, "subquestion", pair.text)
            answer = SubElement(sub, "answer")
            SubElement(answer, "text").text = pair.match
    elif qtype is QuestionType.TRUE_FALSE:
        for answer in question.answers:
            _write_answer(element, answer.text.lower(), answer.fraction, answer.feedback)
    elif qtype is QuestionType.ORDERING:
        for position, item in enumerate(question.answers, start=1):
            _write_answer(element, item.text, Decimal(position) / 100, item.feedback)
    elif qtype is QuestionType.NUMERICAL:
        for answer in question.answers:
            bounds = numerical_bounds(answer.text)
            value, tolerance = (
                ("*", Decimal(0)) if bounds is None else ((bounds[0] + bounds[1]) / 2, (bounds[1] - bounds[0]) / 2)
            )
            text = value if isinstance(value, str) else format(value.normalize(), "f")
            written = _write_answer(element, text, answer.fraction, answer.feedback)
            SubElement(written, "tolerance").text = format(tolerance.normalize(), "f")
        for tag, value in (
            ("unitgradingtype", "0"),
            ("unitpenalty", "0.1000000"),
            ("showunits", "3"),
            ("unitsleft", "0"),
        ):
            SubElement(element, tag).text = value
    elif qtype is not QuestionType.DESCRIPTION:
        if qtype is QuestionType.SHORT:
            SubElement(element, "usecase").text = "0"
        for answer in question.answers:
            _write_answer(element, answer.text, answer.fraction, answer.feedback)
    if tags:
        holder = SubElement(element, "tags")
        for tag in tags:
            SubElement(SubElement(holder, "tag"), "text").text = tag


def _write_options(element: Element, question: GiftQuestion) -> None:
    if question.qtype in {QuestionType.SINGLE, QuestionType.MULTIPLE}:
        SubElement(element, "single").text = "true" if question.qtype is QuestionType.SINGLE else "false"
    if question.qtype is QuestionType.ORDERING:
        for tag, value in (
            ("layouttype", "VERTICAL"),
            ("selecttype", "ALL"),
            ("selectcount", "0"),
            ("gradingtype", "ABSOLUTE_POSITION"),
            ("showgrading", "SHOW"),
            ("numberingstyle", "none"),
        ):
            SubElement(element, tag).text = value
    else:
        SubElement(element, "shuffleanswers").text = "true"
    if question.qtype in {QuestionType.SINGLE, QuestionType.MULTIPLE}:
        SubElement(element, "answernumbering").text = "abc"
        SubElement(element, "showstandardinstruction").text = "0"
    for feedback in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
        _text_element(element, feedback, "")
    SubElement(element, "shownumcorrect")


def _write_answer(element: Element, text: str, fraction: Decimal, feedback: str) -> Element:
    answer = _text_element(element, "answer", text, fraction=_percent(fraction))
    _text_element(answer, "feedback", feedback)
    return answer
