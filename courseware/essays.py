"""Plain-text essays as passages, themes and key terms: pure text functions, no database.

An essay is split into passages: its paragraphs when blank lines separate two or more of them,
else groups of about three sentences. Header lines (a blog's "Daily Archives: ..." line, a title)
are never passages. Keywords and terms match case-insensitively on whole words; a phrase matches
across any run of spaces or hyphens, so "cyber-attacks" finds "cyber attacks" too.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePath
from typing import TypeVar

from django.utils.text import slugify

from quizzes.gift import BLANK

SENTENCES_PER_PASSAGE = 3
MAX_HEADING_WORDS = 15
SOURCE_KEY_LENGTH = 40
LEADING_NUMBER = re.compile(r"^(\d+)(?=$|[^0-9a-z])", re.IGNORECASE)
# A run of stops starts only after a non-stop, and is never given back: linear time on any text, even "!.!.!.".
SENTENCE_END = re.compile(r"(?<![.!?])[.!?]++[\"\u201d\u2019')\]]*+\s+")
SENTENCE_FINAL = re.compile(r"[.!?;:,][\"\u201d\u2019')\]]*$")
# Spaces, and the hyphens and dashes that join the words of a phrase.
SEPARATOR_CLASS = r"[\s\-\u2010\u2011\u2013]+"
SEPARATOR = re.compile(SEPARATOR_CLASS)
APOSTROPHE_CLASS = r"['\u2019]"
APOSTROPHE = re.compile(APOSTROPHE_CLASS)
QUOTES = "\"'\u201c\u201d\u2018\u2019"
PARENTHESIS = re.compile(r"^(.*?)\s*\(([^()]+)\)\s*$")
# Words that end with a full stop without ending a sentence.
ABBREVIATIONS = {"e.g", "i.e", "mr", "mrs", "ms", "dr", "prof", "st", "vs", "u.s", "u.k", "u.n", "no", "art", "cf"}
SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to", "with"}

Theme = TypeVar("Theme")


@dataclass(frozen=True)
class EssayText:
    """An essay as the import sees it: its title line, if it has one, and its passages in order."""

    title: str
    passages: list[str]


@dataclass(frozen=True)
class TermFound:
    """A term present in a text, in the words the text uses for it."""

    term: str
    found: str


def source_key_for(filename: str) -> str:
    """A short stable key for an essay file: its leading number ("000_e030.txt" -> "000"), else a slug of its stem."""
    stem = PurePath(filename.replace("\\", "/")).stem
    number = LEADING_NUMBER.match(stem)
    if number:
        return number.group(1)[:SOURCE_KEY_LENGTH]
    return slugify(stem)[:SOURCE_KEY_LENGTH].strip("-")


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _is_title_like(line: str) -> bool:
    """Every word capitalized (small words and numbers aside), as in a heading or a blog's archive line."""
    words = [word.strip(QUOTES + "()[]:,") for word in line.split()]
    return all(not word or not word[0].isalpha() or word[0].isupper() or word in SMALL_WORDS for word in words)


def _is_heading(line: str, *, alone: bool) -> bool:
    """A short line that does not end like a sentence; inside a paragraph it must also be title-like."""
    line = line.strip()
    if not line or len(line.split()) > MAX_HEADING_WORDS or SENTENCE_FINAL.search(line):
        return False
    return alone or _is_title_like(line)


def split_sentences(text: str) -> list[str]:
    """The sentences of a text, with its whitespace collapsed; abbreviations and initials do not end one."""
    text = _collapse(text)
    sentences, start = [], 0
    for match in SENTENCE_END.finditer(text):
        following = text[match.end() : match.end() + 1]
        if not (following.isupper() or following.isdigit() or (following and following in QUOTES + "([")):
            continue
        # Only the word before the stop, found without copying the text since the sentence began.
        word_start = text.rfind(" ", start, match.start()) + 1
        last_word = text[max(word_start, start) : match.start()].lstrip(QUOTES + "([").lower()
        if last_word in ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha()):
            continue
        sentences.append(text[start : match.end()].strip())
        start = match.end()
    if text[start:].strip():
        sentences.append(text[start:].strip())
    return sentences


def _sentence_groups(sentences: list[str], size: int) -> list[str]:
    groups = [sentences[index : index + size] for index in range(0, len(sentences), size)]
    # A lone last sentence joins the group before it rather than standing as a passage of one.
    if len(groups) > 1 and len(groups[-1]) == 1:
        last = groups.pop()
        groups[-1] += last
    return [" ".join(group) for group in groups]


def split_essay(text: str, *, sentences_per_passage: int = SENTENCES_PER_PASSAGE) -> EssayText:
    """Split an essay into its title and passages.

    Blocks are separated by blank lines. A block that is one short line without a full stop is a
    heading; so are short title-like lines at the top of a block ("Daily Archives: ...", a title
    typed straight above the text). The last heading before the first paragraph is the title.
    """
    blocks = [block for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")) if block.strip()]
    headings, paragraphs = [], []
    for block in blocks:
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if len(lines) == 1 and _is_heading(lines[0], alone=True):
            if not paragraphs:
                headings.append(lines[0])
            continue
        while len(lines) > 1 and _is_heading(lines[0], alone=False):
            heading = lines.pop(0)
            if not paragraphs:
                headings.append(heading)
        paragraphs.append(_collapse(" ".join(lines)))
    title = _collapse(headings[-1]) if headings else ""
    if len(paragraphs) > 1:
        return EssayText(title=title, passages=paragraphs)
    sentences = split_sentences(paragraphs[0]) if paragraphs else []
    return EssayText(title=title, passages=_sentence_groups(sentences, sentences_per_passage))


def term_forms(term: str) -> list[str]:
    """The ways a term may appear: "Conference of the Parties (COP)" is also "Conference of the Parties" and "COP"."""
    term = _collapse(term)
    forms = [term]
    spelled_out = PARENTHESIS.match(term)
    if spelled_out:
        forms += [part.strip() for part in spelled_out.groups() if part.strip()]
    return list(dict.fromkeys(forms))


@lru_cache(maxsize=2048)
def keyword_pattern(phrase: str) -> re.Pattern:
    """A pattern for a keyword or phrase: whole words, any case, spaces and hyphens interchangeable."""
    words = [re.escape(word) for word in SEPARATOR.split(phrase.strip()) if word]
    body = APOSTROPHE.sub(lambda _match: APOSTROPHE_CLASS, SEPARATOR_CLASS.join(words))
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def match_keywords(text: str, keywords: Iterable[str]) -> list[str]:
    """The keywords found in a text, in the order given, each once."""
    return [keyword for keyword in dict.fromkeys(keywords) if keyword.strip() and keyword_pattern(keyword).search(text)]


def match_themes(text: str, keywords_by_theme: Mapping[Theme, Iterable[str]]) -> dict[Theme, list[str]]:
    """The themes a text speaks to, each with the keywords that show it; a text may speak to several."""
    found = {theme: match_keywords(text, keywords) for theme, keywords in keywords_by_theme.items()}
    return {theme: keywords for theme, keywords in found.items() if keywords}


def find_terms(text: str, terms: Iterable[str]) -> list[TermFound]:
    """The terms present in a text, in the order given, each with the words the text first uses for it."""
    found = []
    for term in dict.fromkeys(terms):
        for form in term_forms(term):
            match = keyword_pattern(form).search(text) if form else None
            if match:
                found.append(TermFound(term=term, found=match.group(0)))
                break
    return found


def blank_term(sentence: str, term: str) -> str:
    """The sentence with every appearance of the term, in any of its forms, replaced by a blank."""
    for form in sorted(term_forms(term), key=len, reverse=True):
        sentence = keyword_pattern(form).sub(BLANK, sentence)
    return sentence


def sentence_with_term(text: str, term: str) -> str:
    """The first sentence of a text that contains the term, or "" when none does."""
    patterns = [keyword_pattern(form) for form in term_forms(term)]
    return next((s for s in split_sentences(text) if any(p.search(s) for p in patterns)), "")


def escape_markdown(text: str) -> str:
    """Text that Markdown shows as it is: no emphasis, links, headings, lists or HTML made from it."""
    text = re.sub(r"([\\`*_{}\[\]<>|])", r"\\\1", _collapse(text)).replace("\\<", "&lt;").replace("\\>", "&gt;")
    text = re.sub(r"^(\d+)([.)])", r"\1\\\2", text)
    return re.sub(r"^([#+\-])", r"\\\1", text)
