"""Lesson Markdown -> safe HTML, and the section anchors quiz feedback links to."""

import re
from dataclasses import dataclass

import markdown
import nh3

ALLOWED_TAGS = {
    "a",
    "abbr",
    "aside",
    "blockquote",
    "br",
    "code",
    "dd",
    "details",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "td": {"align"},
    "th": {"align"},
}
HEADING = re.compile(r'<h([23]) id="([^"]+)">(.*?)</h\1>', re.S)
TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Section:
    """A titled part of a lesson that can be linked to as lesson_url#anchor."""

    anchor: str
    title: str
    level: int


def render_markdown(text: str) -> str:
    """Render instructor Markdown to HTML that can carry no script, style or event handler."""
    html = markdown.markdown(text, extensions=["attr_list", "tables", "fenced_code", "sane_lists", "md_in_html"])
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        # Background boxes (`<aside class="background" markdown="1">`) are the only styled block.
        allowed_classes={"aside": {"background"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def extract_sections(html: str) -> list[Section]:
    """The h2/h3 headings of rendered lesson HTML that carry an explicit anchor, in order."""
    return [
        Section(anchor=anchor, title=TAG.sub("", title).strip(), level=int(level))
        for level, anchor, title in HEADING.findall(html)
    ]


def count_words(text: str) -> int:
    return len(re.findall(r"\w+", text))
