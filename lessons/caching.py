"""Versions that key what pages keep in the Django cache: one per course's content, two per student.

A student's progress version changes with anything their pages show (progress, attempts, review cards,
enrolment); their enrolment version only with their enrolment, so the pages that need nothing of the
student's standing but the enrolment that lets them in (the attempt form, autosave, submit) keep
reading it from the cache while the student works through a quiz.

Cached data is stored under keys that carry these versions and is never updated in place: a
change bumps the version, so every key built from it is new and the old entries simply age out
(key-based expiry). A version missing from the cache (evicted, or a fresh cache) is made anew,
which can only cause a recomputation, never stale data.

A bump happens at once and again once the surrounding transaction commits: a reader that cached
what it read before the commit did so under the version the commit then replaces.
"""

import uuid
from typing import NamedTuple

from django.core.cache import cache
from django.db import transaction

# Long enough to serve many visits, short enough that an entry of a forgotten version is soon gone.
CACHE_SECONDS = 60 * 60 * 24


def _course_key(course_id: int) -> str:
    return f"course-version:{course_id}"


def _progress_key(user_id: int) -> str:
    return f"progress-version:{user_id}"


def _bump(keys: list[str]) -> None:
    def bump():
        cache.set_many({key: uuid.uuid4().hex for key in keys}, CACHE_SECONDS)

    bump()
    transaction.on_commit(bump)


def _enrolment_key(user_id: int) -> str:
    return f"enrolment-version:{user_id}"


class Versions(NamedTuple):
    course: str
    progress: str  # "" for visitors
    enrolment: str  # "" for visitors


def versions(*, course_id: int, user_id: int | None) -> Versions:
    """The course's content version and the student's progress and enrolment versions, in one cache read."""
    keys = [_course_key(course_id)] + ([_progress_key(user_id), _enrolment_key(user_id)] if user_id else [])
    found = cache.get_many(keys)
    missing = {key: uuid.uuid4().hex for key in keys if key not in found}
    if missing:
        # add() keeps a version another request set meanwhile; read back what won.
        for key, value in missing.items():
            cache.add(key, value, CACHE_SECONDS)
        found = {**missing, **found, **cache.get_many(list(missing))}
    if not user_id:
        return Versions(found[keys[0]], "", "")
    return Versions(found[keys[0]], found[keys[1]], found[keys[2]])


def catalog_version() -> str:
    """The version of the list of courses (titles, summaries, published flags, enrolment policies)."""
    return versions(course_id=0, user_id=None)[0]


def catalog_changed() -> None:
    """A course row changed: the catalog is drawn again."""
    _bump([_course_key(0)])


def course_changed(*course_ids: int) -> None:
    """The content of these courses (structure, lessons, quizzes, key terms, sources) changed."""
    _bump([_course_key(course_id) for course_id in set(course_ids) if course_id])


def progress_changed(*user_ids: int) -> None:
    """Something a student's pages show changed: progress, attempts, review cards (for enrolment, see below)."""
    _bump([_progress_key(user_id) for user_id in set(user_ids) if user_id])


def enrolment_changed(*user_ids: int) -> None:
    """A student's enrolment in some course changed: what is cached per progress version and per enrolment
    version (the active enrolment that lets them into a course's pages) is read afresh."""
    _bump([key for user_id in set(user_ids) if user_id for key in (_progress_key(user_id), _enrolment_key(user_id))])
