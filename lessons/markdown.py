"""Lesson Markdown -> safe HTML, and the section anchors quiz feedback links to."""

import re
from dataclasses import dataclass

import markdown
import nh3
from django.utils.translation import gettext

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


# Longest lesson body the admin saves or previews (about 30,000 words); the shipped lessons are under 8,000.
MAX_BODY_CHARS = 200_000
UNANCHORED_HEADING = re.compile(r"^(#{2,3})\s+(?!.*\{#[^}]+\}\s*$)(.+)$", re.M)


@dataclass(frozen=True)
class MarkdownPreview:
    """A lesson body as the lesson page would show it, with what an instructor should fix."""

    html: str
    sections: list[Section]
    problems: list[str]


def markdown_preview(text: str) -> MarkdownPreview:
    """Render a body for the editor's preview: the lesson page's sanitized HTML, its sections and its problems."""
    if len(text) > MAX_BODY_CHARS:
        return MarkdownPreview(
            html="",
            sections=[],
            problems=[
                gettext("The body is %(count)s characters long; the limit is %(limit)s. Split the lesson.")
                % {"count": f"{len(text):,}", "limit": f"{MAX_BODY_CHARS:,}"}
            ],
        )
    html = render_markdown(text)
    sections = extract_sections(html)
    anchors = [section.anchor for section in sections]
    problems = [
        gettext("Heading “%(heading)s” has no {#anchor}, so no question can link to it.") % {"heading": heading.strip()}
        for _level, heading in UNANCHORED_HEADING.findall(text.replace("\r\n", "\n"))
    ]
    duplicates = sorted({anchor for anchor in anchors if anchors.count(anchor) > 1})
    if duplicates:
        problems.append(
            gettext("Section anchors must be unique; repeated: %(anchors)s.") % {"anchors": ", ".join(duplicates)}
        )
    return MarkdownPreview(html=html, sections=sections, problems=problems)
