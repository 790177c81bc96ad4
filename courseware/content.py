"""Read a course from its files (content as code) into plain data, validating as we go.

Layout of one course folder:

    course.toml                  slug, title, summary, description, published, modules, [[sources]]
    modules/<module>/module.toml title, summary, published, lessons (slugs in reading order)
    modules/<module>/<lesson>.md TOML front matter between +++ lines, then the Markdown body
"""

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from lessons.markdown import count_words, extract_sections, render_markdown
from lessons.models import MAX_OBJECTIVE_CHARS, MAX_OBJECTIVES, EnrolmentPolicy, SourceKind

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FRONT_MATTER = re.compile(r"\A\+\+\+\n(.*?)\n\+\+\+\n(.*)\Z", re.S)
MIN_LESSON_WORDS = 350


class ContentError(Exception):
    """A course file that cannot be loaded; the message names the file and the reason."""


@dataclass(frozen=True)
class KeyTermData:
    term: str
    definition: str


@dataclass(frozen=True)
class SourceData:
    key: str
    title: str
    filename: str = ""
    kind: str = SourceKind.ESSAY


@dataclass
class LessonData:
    slug: str
    title: str
    summary: str
    objectives: list[str]
    body: str
    sources: list[str]
    key_terms: list[KeyTermData]
    is_published: bool = True


@dataclass
class ModuleData:
    slug: str
    title: str
    summary: str
    lessons: list[LessonData]
    is_published: bool = True
    keywords: list[str] = field(default_factory=list)


@dataclass
class CourseData:
    slug: str
    title: str
    summary: str
    description: str
    sources: list[SourceData]
    modules: list[ModuleData] = field(default_factory=list)
    is_published: bool = True
    sequential_modules: bool = False
    enrolment: str = "open"
    manifest: dict = field(default_factory=dict)


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentError(f"{path}: file not found") from None
    except tomllib.TOMLDecodeError as error:
        raise ContentError(f"{path}: invalid TOML ({error})") from None


def _require(data: dict, key: str, kind: type, path: Path):
    value = data.get(key)
    if not isinstance(value, kind) or (isinstance(value, str | list) and not value):
        raise ContentError(f"{path}: '{key}' is required ({kind.__name__})")
    return value


def _slug(value: str, path: Path, what: str) -> str:
    if not SLUG.match(value):
        raise ContentError(f"{path}: {what} '{value}' must be lowercase letters, digits and hyphens")
    return value


def _enrolment(manifest: dict, path: Path) -> str:
    value = manifest.get("enrolment", EnrolmentPolicy.OPEN)
    if value not in EnrolmentPolicy.values:
        raise ContentError(f"{path}: 'enrolment' must be one of {', '.join(EnrolmentPolicy.values)}, not {value!r}")
    return value


def read_lesson(path: Path, source_keys: set[str]) -> LessonData:
    """Parse and validate one lesson file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError(f"{path}: file not found") from None
    match = FRONT_MATTER.match(text)
    if not match:
        raise ContentError(f"{path}: must start with TOML front matter between '+++' lines")
    try:
        meta = tomllib.loads(match.group(1))
    except tomllib.TOMLDecodeError as error:
        raise ContentError(f"{path}: invalid front matter ({error})") from None
    body = match.group(2).strip() + "\n"

    objectives = _require(meta, "objectives", list, path)
    if not 2 <= len(objectives) <= MAX_OBJECTIVES:
        raise ContentError(f"{path}: a lesson needs 2-{MAX_OBJECTIVES} objectives, found {len(objectives)}")
    for number, objective in enumerate(objectives, start=1):
        if not isinstance(objective, str) or not objective.strip() or "\n" in objective.strip():
            raise ContentError(f"{path}: objective {number} must be one line of text")
        if len(objective.strip()) > MAX_OBJECTIVE_CHARS:
            raise ContentError(f"{path}: objective {number} is over {MAX_OBJECTIVE_CHARS} characters")
    sources = meta.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(key, str) for key in sources):
        raise ContentError(f"{path}: 'sources' must be a list of source keys")
    unknown = sorted(set(sources) - source_keys)
    if unknown:
        raise ContentError(f"{path}: unknown source keys {', '.join(unknown)}")
    terms = []
    for entry in meta.get("key_terms", []):
        if not isinstance(entry, dict) or not entry.get("term") or not entry.get("definition"):
            raise ContentError(f"{path}: each key term needs a term and a definition")
        terms.append(KeyTermData(term=entry["term"].strip(), definition=entry["definition"].strip()))
    if len({term.term.lower() for term in terms}) != len(terms):
        raise ContentError(f"{path}: a key term is listed twice")

    words = count_words(body)
    if words < MIN_LESSON_WORDS:
        raise ContentError(f"{path}: body has {words} words; a lesson needs at least {MIN_LESSON_WORDS}")
    headings = re.findall(r"^#{2,3} .*$", body, re.M)
    unanchored = [h for h in headings if not re.search(r"\{#[a-z0-9-]+\}\s*$", h)]
    if unanchored:
        raise ContentError(f"{path}: heading without a {{#anchor}}: {unanchored[0]!r}")
    anchors = [section.anchor for section in extract_sections(render_markdown(body))]
    if len(set(anchors)) != len(anchors):
        raise ContentError(f"{path}: section anchors must be unique within a lesson")

    return LessonData(
        slug=_slug(path.stem, path, "lesson slug"),
        title=_require(meta, "title", str, path).strip(),
        summary=meta.get("summary", "").strip(),
        objectives=[str(objective).strip() for objective in objectives],
        body=body,
        sources=sorted(sources),
        key_terms=terms,
        is_published=bool(meta.get("published", True)),
    )


def read_course(folder: Path) -> CourseData:
    """Parse and validate a whole course folder; raise ContentError on the first problem."""
    folder = Path(folder)
    manifest_path = folder / "course.toml"
    manifest = _read_toml(manifest_path)
    sources = []
    for entry in manifest.get("sources", []):
        if not entry.get("key") or not entry.get("title"):
            raise ContentError(f"{manifest_path}: each source needs a key and a title")
        kind = entry.get("kind", SourceKind.ESSAY)
        if kind not in SourceKind.values:
            raise ContentError(
                f"{manifest_path}: source {entry['key']!r}: 'kind' must be one of {', '.join(SourceKind.values)}, "
                f"not {kind!r}"
            )
        sources.append(
            SourceData(key=str(entry["key"]), title=entry["title"], filename=entry.get("file", ""), kind=kind)
        )
    source_keys = {source.key for source in sources}

    course = CourseData(
        slug=_slug(_require(manifest, "slug", str, manifest_path), manifest_path, "course slug"),
        title=_require(manifest, "title", str, manifest_path),
        summary=manifest.get("summary", "").strip(),
        description=manifest.get("description", "").strip(),
        sources=sources,
        is_published=bool(manifest.get("published", True)),
        sequential_modules=bool(manifest.get("sequential_modules", False)),
        enrolment=_enrolment(manifest, manifest_path),
        manifest=manifest,
    )
    seen_lessons: set[str] = set()
    for module_slug in _require(manifest, "modules", list, manifest_path):
        module_dir = folder / "modules" / _slug(module_slug, manifest_path, "module slug")
        module_path = module_dir / "module.toml"
        meta = _read_toml(module_path)
        lessons = []
        for lesson_slug in _require(meta, "lessons", list, module_path):
            lesson = read_lesson(module_dir / f"{_slug(lesson_slug, module_path, 'lesson slug')}.md", source_keys)
            if lesson.slug in seen_lessons:
                raise ContentError(f"{module_path}: lesson '{lesson.slug}' appears twice in the course")
            seen_lessons.add(lesson.slug)
            lessons.append(lesson)
        course.modules.append(
            ModuleData(
                slug=module_slug,
                title=_require(meta, "title", str, module_path),
                summary=meta.get("summary", "").strip(),
                lessons=lessons,
                is_published=bool(meta.get("published", True)),
                keywords=[str(keyword).strip().lower() for keyword in meta.get("keywords", [])],
            )
        )
    return course
