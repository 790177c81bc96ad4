"""Read and write GIFT, Moodle's plain-text quiz format.

Parsing follows Moodle's importer (question/format/gift/format.php) and reads Moodle's own GIFT tests
the way it does (tests/quizzes/test_gift_moodle.py): questions are separated by lines that are blank
to PHP's trim(), `//` lines anywhere in a question are its comments (their `[id:]` and `[tag:]` are
its key and tags), format markers such as `[html]` are stripped from the question text, answers,
feedback and general feedback, and the answer type is told from the answer block the same way.
Where Moodle silently guesses (a garbled block becomes a short answer, a stray `#` joins the
feedback), this parser reports the question instead; README.md lists these differences.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

BLANK = "_____"
# Limits that keep a file's import, and a question's attempt page, small and quick (README "GIFT import/export").
MAX_QUESTIONS = 5000
MAX_ANSWERS = 20
ORDERING_TAG = "type:ordering"
SECTION_TAG_PREFIX = "section:"


class QuestionType(StrEnum):
    """Question types; the values are what the database stores."""

    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "truefalse"
    SHORT = "short"
    MATCHING = "matching"
    ORDERING = "ordering"
    NUMERICAL = "numerical"
    ESSAY = "essay"
    DESCRIPTION = "description"


@dataclass
class GiftAnswer:
    """An answer, matching pair, ordering item or numerical answer of a question."""

    text: str
    fraction: Decimal
    feedback: str = ""
    match: str = ""


@dataclass
class GiftQuestion:
    """A question as read from, or to be written to, a GIFT file."""

    qtype: QuestionType
    text: str
    answers: list[GiftAnswer] = field(default_factory=list)
    title: str = ""
    key: str = ""
    tags: list[str] = field(default_factory=list)
    category: str = ""
    explanation: str = ""
    text_format: str = ""
    line: int = field(default=0, compare=False)

    @property
    def section(self) -> str:
        """The ANCHOR of the first `section:ANCHOR` tag, or "" when there is none."""
        for tag in self.tags:
            if tag.startswith(SECTION_TAG_PREFIX):
                return tag.removeprefix(SECTION_TAG_PREFIX)
        return ""


class GiftError(ValueError):
    """Raised for a malformed file: `messages` lists every error as 'FILENAME:LINE: REASON', in file order.

    `line` and `reason` are those of the first error; str(error) is the messages, one a line.
    """

    def __init__(self, filename: str, line: int, reason: str, *, more: list[tuple[int, str]] = ()) -> None:
        errors = [(line, reason), *more]
        self.messages = [f"{filename}:{number}: {why}" for number, why in errors]
        super().__init__("\n".join(self.messages))
        self.filename = filename
        self.line = line
        self.reason = reason


class _Malformed(Exception):
    """A question cannot be read; parse_gift adds the file name and line."""


# Escaped characters become private-use placeholders, so splitting on = ~ # { } : skips them (as Moodle does).
_ESCAPABLE = "\\:#={}~n"
_PLACEHOLDERS = {char: chr(0xE000 + index) for index, char in enumerate(_ESCAPABLE)}
_LITERALS = str.maketrans({chr(0xE000 + index): "\n" if char == "n" else char for index, char in enumerate(_ESCAPABLE)})
_ESCAPE_SEQUENCE = re.compile(r"\\([\\:#={}~n])")
_RESERVED = re.compile("[\ue000-\ue007]")
# Control characters other than tab and line ends: no text holds them, and PostgreSQL refuses NUL outright.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPECIAL = re.compile(r"[\\:#={}~\n]")

# As Moodle's extract_idnumber_and_tags_from_comment: no control characters, `\]` escapes a bracket.
_ID = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f\x7f])+)\]")
_TAG = re.compile(r"\[tag:((?:\\\]|[^\]<>`\x00-\x1f\x7f])*)\]")
_FORMAT_MARKER = re.compile(r"\[(markdown|html|plain|moodle)\]")
# Moodle reads ASCII digits only (its regex is [0-9]); \d would take Arabic-Indic digits too.
_WEIGHT = re.compile(r"%(-?[0-9]+(?:\.[0-9]+)?)%")
_NUMBER = r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
# PHP's trim(): a line holding only a no-break space is not blank to Moodle.
_PHP_BLANKS = " \t\n\r\0\x0b"
_NUMERICAL_ANSWER = re.compile(rf"\*|{_NUMBER}(?:[ \t]*:[ \t]*{_NUMBER})?|{_NUMBER}[ \t]*\.\.[ \t]*{_NUMBER}")
_TRUE_FALSE_KEYS = {"T": True, "TRUE": True, "F": False, "FALSE": False}
# Multiple-response weights like 3 x 33.33333% may miss 100% by rounding; allow 0.01 percentage points.
_WEIGHT_TOLERANCE = Decimal("0.0001")


def parse_gift(text: str, *, filename: str = "<gift>") -> list[GiftQuestion]:
    """Parse a GIFT file into its questions, in file order.

    Each question carries the category of the last `$CATEGORY:` line above it and the key and
    tags of the comment lines of its paragraph (its run of non-blank lines), before or after it.
    Raises GiftError listing every malformed question of the file, each with `filename`, the
    question's first non-comment line and the reason; a control character (NUL, ...) anywhere and
    more than MAX_QUESTIONS questions refuse the file before the rest is read.
    """
    control = _CONTROL.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        raise GiftError(
            filename, line, f"contains the control character U+{ord(control[0]):04X}; save it as plain text"
        )
    questions: list[GiftQuestion] = []
    errors: list[tuple[int, str]] = []
    key_lines: dict[str, int] = {}
    category = ""
    for paragraph in _paragraphs(text.removeprefix("\ufeff")):
        comments: list[str] = []
        body: list[tuple[int, str]] = []
        for number, line in paragraph:
            trimmed = _trim(line)
            if trimmed.startswith("//"):
                comments.append(trimmed)
                if body:
                    # Moodle blanks a comment line inside a question rather than dropping it.
                    body.append((number, " "))
            elif not body and trimmed.startswith("$CATEGORY:"):
                category = _trim(trimmed.removeprefix("$CATEGORY:"))
                comments = []
            else:
                body.append((number, line))
        if not body:
            continue
        start = body[0][0]
        if len(questions) == MAX_QUESTIONS:
            raise GiftError(filename, start, f"more than {MAX_QUESTIONS} questions in one file; split it into several")
        try:
            question = _parse_question(_trim("\n".join(line for _, line in body)), "\n".join(comments))
        except _Malformed as error:
            errors.append((start, str(error)))
            continue
        if question.key in key_lines:
            errors.append((start, f"duplicate key {question.key!r}, already used on line {key_lines[question.key]}"))
            continue
        if question.key:
            key_lines[question.key] = start
        question.category = category
        question.line = start
        questions.append(question)
    if errors:
        (line, reason), *more = errors
        raise GiftError(filename, line, reason, more=more)
    return questions


def comment_metadata(comment: str) -> tuple[str, list[str]]:
    """The key and tags of a question's comment lines, as Moodle reads them.

    The key is the first `[id:...]`, the tags every non-empty `[tag:...]`, each trimmed and with
    `\\]` read as `]`; neither may span lines or hold control characters.
    """
    keys = _ID.findall(comment)
    key = _trim(keys[0].replace("\\]", "]")) if keys else ""
    tags = [_trim(tag.replace("\\]", "]")) for tag in _TAG.findall(comment)]
    return key, [tag for tag in tags if tag]


def write_gift(questions: Iterable[GiftQuestion]) -> str:
    """Write questions as GIFT that parse_gift reads back to equal questions.

    Each question gets `// [id:]` and `// [tag:]` comment lines (an ordering question also gets
    the `type:ordering` tag when it lacks it), and a `$CATEGORY:` paragraph precedes each change
    of category. Questions are separated by one blank line; the text ends with a newline, or is
    "" when there are no questions.
    """
    paragraphs = []
    category = ""
    for question in questions:
        if question.category != category:
            category = question.category
            paragraphs.append(f"$CATEGORY: {category}".rstrip())
        paragraphs.append(_write_question(question))
    return "\n\n".join(paragraphs) + "\n" if paragraphs else ""


def _trim(text: str) -> str:
    return text.strip(_PHP_BLANKS)


def _paragraphs(text: str) -> Iterator[list[tuple[int, str]]]:
    """Yield each run of lines that are not blank to PHP's trim() as (1-based line number, line) pairs."""
    paragraph: list[tuple[int, str]] = []
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        if _trim(line):
            paragraph.append((number, line))
        elif paragraph:
            yield paragraph
            paragraph = []
    if paragraph:
        yield paragraph


def _parse_question(source: str, comment: str) -> GiftQuestion:
    if _RESERVED.search(source):
        raise _Malformed("contains a private-use character U+E000..U+E007, which the parser reserves")
    key, tags = comment_metadata(comment)
    masked = _ESCAPE_SEQUENCE.sub(lambda match: _PLACEHOLDERS[match[1]], source)
    title = ""
    if masked.startswith("::"):
        end = masked.find("::", 2)
        if end == -1:
            raise _Malformed("the title opened with '::' is not closed")
        title = _trim(_unmask(masked[2:end]))
        masked = _trim(masked[end + 2 :])

    opening, closing = masked.find("{"), masked.find("}")
    if opening == -1 and closing == -1:
        text_format, text = _text_with_format(masked)
        return GiftQuestion(QuestionType.DESCRIPTION, text, title=title, key=key, tags=tags, text_format=text_format)
    if opening == -1 or -1 < closing < opening:
        raise _Malformed("'}' has no matching '{' (write \\} for a literal brace)")
    if closing == -1 or "{" in masked[opening + 1 : closing]:
        raise _Malformed("'{' is not closed (write \\{ for a literal brace)")
    after = masked[closing + 1 :]
    if "{" in after or "}" in after:
        raise _Malformed("more than one answer block (separate questions with a blank line)")
    before = masked[:opening]
    # Text after the block makes it a missing-word question: the block leaves a blank behind.
    text_format, text = _text_with_format(before + BLANK + after if _trim(after) else before)

    block = _trim(masked[opening + 1 : closing])
    explanation = ""
    separator = block.rfind("####")
    if separator != -1:
        # As in Moodle, a format marker counts only right after the ####.
        _, explanation = _text_with_format(block[separator + 4 :], trim_first=False)
        block = _trim(block[:separator])
    qtype, answers = _typed_answers(block, ordering=ORDERING_TAG in tags)
    if ORDERING_TAG in tags and qtype is not QuestionType.ORDERING:
        raise _Malformed(f"tagged {ORDERING_TAG} but written as a {qtype} question; list the items as '=' answers")
    return GiftQuestion(
        qtype,
        text,
        answers,
        title=title,
        key=key,
        tags=tags,
        explanation=explanation,
        text_format=text_format,
    )


def _unmask(masked: str) -> str:
    return masked.translate(_LITERALS)


def _text_with_format(masked: str, *, trim_first: bool = True) -> tuple[str, str]:
    """Split a leading format marker off masked text; return (format, unescaped trimmed text)."""
    if trim_first:
        masked = _trim(masked)
    marker = _FORMAT_MARKER.match(masked)
    if marker is None:
        return "", _trim(_unmask(masked))
    return marker[1], _trim(_unmask(masked[marker.end() :]))


def _formatted(masked: str) -> str:
    """Masked answer or feedback text, unescaped, without its format marker (we keep plain text), trimmed.

    Unlike Moodle, Unicode spaces are trimmed too: a stray no-break space would make an answer unmatchable.
    """
    return _text_with_format(masked)[1].strip()


def _typed_answers(block: str, *, ordering: bool) -> tuple[QuestionType, list[GiftAnswer]]:
    """Tell the question type from a masked answer block (general feedback removed) and read its answers."""
    if not block:
        return QuestionType.ESSAY, []
    if block.startswith("#"):
        return QuestionType.NUMERICAL, _numerical_answers(block[1:])
    if _trim(block.split("#", 1)[0]) in _TRUE_FALSE_KEYS:
        return QuestionType.TRUE_FALSE, _true_false_answers(block)
    pieces = re.split(r"([=~])", block)
    if _trim(pieces[0]):
        raise _Malformed(
            f"cannot read the answer block {{{_unmask(block)}}}: answers start with '=' or '~'; "
            "true/false is {T} or {F}, numerical {#...}, essay {}"
        )
    entries = [(marker, _trim(raw)) for marker, raw in zip(pieces[1::2], pieces[2::2], strict=True)]
    if len(entries) > MAX_ANSWERS:
        raise _Malformed(f"{len(entries)} answers; a question takes at most {MAX_ANSWERS} answers, pairs or items")
    if any(marker == "~" for marker, _ in entries):
        return _choice_answers(entries)
    if "->" in block:
        return QuestionType.MATCHING, _matching_answers([raw for _, raw in entries])
    if ordering:
        return QuestionType.ORDERING, _ordering_answers([raw for _, raw in entries])
    answers = [_weighted_answer(raw, default=Decimal(1)) for _, raw in entries]
    _require_full_credit(answers)
    return QuestionType.SHORT, answers


def _true_false_answers(block: str) -> list[GiftAnswer]:
    key, *feedbacks = (_trim(part) for part in block.split("#"))
    if len(feedbacks) > 2:
        raise _Malformed("true/false takes at most two feedbacks: {T#if answered wrong#if answered right}")
    wrong, right = [_formatted(feedback) for feedback in feedbacks] + [""] * (2 - len(feedbacks))
    truth = _TRUE_FALSE_KEYS[key]
    return [
        GiftAnswer("True", Decimal(int(truth)), right if truth else wrong),
        GiftAnswer("False", Decimal(int(not truth)), wrong if truth else right),
    ]


def _choice_answers(entries: list[tuple[str, str]]) -> tuple[QuestionType, list[GiftAnswer]]:
    if len(entries) < 2:
        raise _Malformed("a choice question needs at least two answers")
    rights = sum(marker == "=" for marker, _ in entries)
    if rights > 1:
        raise _Malformed(f"{rights} answers are marked '='; a single-choice question has exactly one")
    answers = []
    for marker, raw in entries:
        weight, rest = _split_weight(raw)
        if marker == "=" and weight is not None:
            raise _Malformed("'=' marks the right answer and takes no weight; write ~%50% for partial credit")
        text, feedback = _split_feedback(rest)
        fraction = Decimal(1) if marker == "=" else Decimal(0) if weight is None else weight
        answers.append(GiftAnswer(text, fraction, feedback))
    if rights:
        return QuestionType.SINGLE, answers
    positive = sum(answer.fraction for answer in answers if answer.fraction > 0)
    if not positive:
        raise _Malformed("no right answer: mark it with '=' or give the right answers positive %weights")
    if abs(positive - 1) > _WEIGHT_TOLERANCE:
        raise _Malformed(f"the positive weights add up to {_percent(positive)}%, not 100%")
    return QuestionType.MULTIPLE, answers


def _matching_answers(raws: list[str]) -> list[GiftAnswer]:
    """Read `=left -> right` pairs; `= -> right` (no left side) is an extra wrong right-hand item, as in Moodle."""
    pairs = []
    for raw in raws:
        left, arrow, right = raw.partition("->")
        if not arrow:
            raise _Malformed(f"matching pair {_unmask(raw)!r} has no '->'")
        if "#" in raw:
            raise _Malformed(f"matching pair {_unmask(raw)!r} has feedback, which matching pairs do not take")
        left, right = _formatted(left), _trim(_unmask(right))
        if not right:
            raise _Malformed(f"matching pair {_unmask(raw)!r} has no right side")
        pairs.append(GiftAnswer(left, Decimal(1), match=right))
    if sum(1 for pair in pairs if pair.text) < 2:
        raise _Malformed("a matching question needs at least two pairs")
    if len({pair.match for pair in pairs}) < len(pairs):
        raise _Malformed("two matching pairs have the same right side")
    return pairs


def _ordering_answers(raws: list[str]) -> list[GiftAnswer]:
    items = []
    for raw in raws:
        weight, rest = _split_weight(raw)
        if weight is not None:
            raise _Malformed("ordering items take no weight")
        text, feedback = _split_feedback(rest)
        items.append(GiftAnswer(text, Decimal(1), feedback))
    if len(items) < 2:
        raise _Malformed("an ordering question needs at least two items")
    return items


def _numerical_answers(block: str) -> list[GiftAnswer]:
    """Read the answers after the leading '#'; a trailing `~#feedback` becomes answer '*' worth 0."""
    ranges, tilde, otherwise = block.partition("~")
    pieces = ranges.split("=")
    # As in Moodle, the first answer may omit its '=' ({#3.5:0.1}).
    if not _trim(pieces[0]):
        pieces = pieces[1:]
    if len(pieces) > MAX_ANSWERS:
        raise _Malformed(f"{len(pieces)} answers; a question takes at most {MAX_ANSWERS} answers")
    answers = [_weighted_answer(_trim(raw), default=Decimal(1)) for raw in pieces]
    if not answers:
        raise _Malformed("a numerical question needs an answer")
    for answer in answers:
        if not _NUMERICAL_ANSWER.fullmatch(answer.text):
            raise _Malformed(f"numerical answer {answer.text!r} is not NUMBER, NUMBER:TOLERANCE or MIN..MAX")
    _require_full_credit(answers)
    if tilde:
        head, _, feedback = otherwise.partition("#")
        if _trim(head) or "#" in feedback or "~" in feedback:
            raise _Malformed("a numerical question ends with at most one '~#feedback for other answers'")
        answers.append(GiftAnswer("*", Decimal(0), _formatted(feedback)))
    return answers


def _weighted_answer(raw: str, *, default: Decimal) -> GiftAnswer:
    weight, rest = _split_weight(raw)
    text, feedback = _split_feedback(rest)
    return GiftAnswer(text, default if weight is None else weight, feedback)


def _split_weight(raw: str) -> tuple[Decimal | None, str]:
    """Split a leading %weight% off a masked answer; return (fraction or None, rest)."""
    if not raw.startswith("%"):
        return None, raw
    match = _WEIGHT.match(raw)
    if match is None:
        raise _Malformed(f"malformed weight in {_unmask(raw)!r}: write it as %50% or %-25%")
    percent = Decimal(match[1])
    if not -100 <= percent <= 100:
        raise _Malformed(f"weight {match[1]}% is outside -100..100")
    rest = _trim(raw[match.end() :])
    if rest.startswith("%"):
        raise _Malformed(f"answer {_unmask(rest)!r} starts with '%', which reads as a weight")
    return percent / 100, rest


def _split_feedback(raw: str) -> tuple[str, str]:
    """Split a masked answer at its '#'; return the unescaped (text, feedback)."""
    text, _, feedback = raw.partition("#")
    if "#" in feedback:
        raise _Malformed(f"answer {_unmask(raw)!r} has more than one '#' (write \\# for a literal #)")
    text, feedback = _formatted(text), _formatted(feedback)
    if not text:
        raise _Malformed(f"an answer has no text: {_unmask(raw)!r}")
    return text, feedback


def _require_full_credit(answers: list[GiftAnswer]) -> None:
    if not any(answer.fraction == 1 for answer in answers):
        raise _Malformed("no answer is worth 100%")


def _write_question(question: GiftQuestion) -> str:
    tags = list(question.tags)
    if question.qtype is QuestionType.ORDERING and ORDERING_TAG not in tags:
        tags.append(ORDERING_TAG)
    lines = [f"// [id:{_escape_bracket(question.key)}]"] if question.key else []
    lines += [f"// [tag:{_escape_bracket(tag)}]" for tag in tags]
    head = f"::{_escape(question.title)}::" if question.title else ""
    if question.text_format:
        head += f"[{question.text_format}]"
    text = question.text
    blank = text.find(BLANK)
    # Only the first marker is read, so text after an explicit one is written as it is.
    escape_start = _escape if question.text_format else _escape_formatted
    if question.qtype is QuestionType.DESCRIPTION:
        body = escape_start(text)
    elif blank != -1 and text[blank + len(BLANK) :].strip():
        body = escape_start(text[:blank]) + _write_block(question, inline=True) + _escape(text[blank + len(BLANK) :])
    else:
        body = escape_start(text) + _write_block(question, inline=False)
    if not head and (not body or body.startswith("//")):
        # An empty title keeps the line from reading as blank or as a comment.
        head = "::::"
    lines.append(head + body)
    return "\n".join(lines)


def _write_block(question: GiftQuestion, *, inline: bool) -> str:
    entries = _block_entries(question)
    if question.explanation:
        entries.append(f"####{_escape_formatted(question.explanation)}")
    if inline or len(entries) <= 1:
        return "{" + " ".join(entries) + "}"
    return "{\n" + "\n".join(entries) + "\n}"


def _block_entries(question: GiftQuestion) -> list[str]:
    answers = question.answers
    match question.qtype:
        case QuestionType.ESSAY:
            return []
        case QuestionType.TRUE_FALSE:
            by_text = {answer.text: answer for answer in answers}
            true, false = by_text["True"], by_text["False"]
            right, wrong = (true, false) if true.fraction == 1 else (false, true)
            entry = "T" if right is true else "F"
            if right.feedback:
                entry += f"#{_escape_formatted(wrong.feedback)}#{_escape_formatted(right.feedback)}"
            elif wrong.feedback:
                entry += f"#{_escape_formatted(wrong.feedback)}"
            return [entry]
        case QuestionType.NUMERICAL:
            if len(answers) == 1 and answers[0].fraction == 1:
                return [_entry("#", answers[0], default=Decimal(1), literal=True)]
            return ["#", *(_entry("=", answer, default=Decimal(1), literal=True) for answer in answers)]
        case QuestionType.SINGLE:
            right = next((answer for answer in answers if answer.fraction == 1), None)
            return [
                _entry("=", answer, default=Decimal(1)) if answer is right else _entry("~", answer, default=Decimal(0))
                for answer in answers
            ]
        case QuestionType.MULTIPLE:
            return [_entry("~", answer, default=Decimal(0)) for answer in answers]
        case QuestionType.MATCHING:
            return [f"={_escape_formatted(pair.text)} -> {_escape(pair.match)}" for pair in answers]
        case _:  # short answer and ordering
            return [_entry("=", answer, default=Decimal(1)) for answer in answers]


def _entry(marker: str, answer: GiftAnswer, *, default: Decimal, literal: bool = False) -> str:
    """Write one answer; `literal` keeps numerical answer text unescaped, as Moodle reads it."""
    weight = "" if answer.fraction == default else f"%{_percent(answer.fraction)}%"
    text = answer.text if literal else _escape_formatted(answer.text)
    feedback = f"#{_escape_formatted(answer.feedback)}" if answer.feedback else ""
    return f"{marker}{weight}{text}{feedback}"


def _percent(fraction: Decimal) -> str:
    return format((fraction * 100).normalize(), "f")


def _escape(text: str) -> str:
    return _SPECIAL.sub(lambda match: "\\n" if match[0] == "\n" else "\\" + match[0], text)


def _escape_formatted(text: str) -> str:
    """Escape text read with a format marker; text that starts like one gets [moodle] so it reads back whole."""
    escaped = _escape(text)
    return f"[moodle]{escaped}" if _FORMAT_MARKER.match(escaped) else escaped


def _escape_bracket(text: str) -> str:
    return text.replace("]", "\\]")
