"""The project's cache pieces: `{% url %}` reversed once per process, the per-process front of versioned keys."""

import pytest
from django.core.cache import cache, caches
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse

from diplocourse.cache import VersionedCache
from lessons import addresses


def render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context, request=RequestFactory().get("/"))


def test_url_tag_gives_what_reverse_gives_for_each_argument():
    """Remembered addresses are told apart by view name and arguments, positional or by name."""
    addresses._MEMO.clear()
    source = "{% url 'learning:outline' slug %}|{% url 'learning:glossary' course_slug=slug %}|{% url 'login' %}"
    for slug in ("one", "two", "one"):
        assert render(source, slug=slug) == "|".join(
            [
                reverse("learning:outline", args=[slug]),
                reverse("learning:glossary", kwargs={"course_slug": slug}),
                reverse("login"),
            ]
        )
    assert len(addresses._MEMO) == 5


def test_model_addresses_come_from_the_memo_and_follow_a_renamed_slug(db):
    """`get_absolute_url` of courses, lessons and quizzes reverses once per address, and a new slug is a new one."""
    from tests.factories import QuizFactory

    addresses._MEMO.clear()
    quiz = QuizFactory()
    lesson, course = quiz.lesson, quiz.course
    expected = reverse("learning:quiz", kwargs={"course_slug": course.slug, "quiz_slug": quiz.slug})
    assert quiz.get_absolute_url() == quiz.get_absolute_url() == expected
    assert lesson.get_absolute_url() == reverse(
        "learning:lesson", kwargs={"course_slug": course.slug, "lesson_slug": lesson.slug}
    )
    assert course.get_absolute_url() == reverse("learning:outline", kwargs={"course_slug": course.slug})
    assert len(addresses._MEMO) == 3
    course.slug = "renamed"
    assert quiz.get_absolute_url() == f"/courses/renamed/quizzes/{quiz.slug}/"


def test_url_tag_reverses_other_arguments_every_time_and_keeps_as_var():
    """An argument that is not a string or a number is never part of a remembered key; `as var` still works."""
    addresses._MEMO.clear()

    class Slug:
        def __init__(self, text):
            self.text = text

        def __str__(self):
            return self.text

    source = "{% url 'learning:outline' slug as link %}<a href='{{ link }}'>x</a>"
    assert render(source, slug=Slug("a")) == f"<a href='{reverse('learning:outline', args=['a'])}'>x</a>"
    assert render(source, slug=Slug("b")) == f"<a href='{reverse('learning:outline', args=['b'])}'>x</a>"
    assert addresses._MEMO == {}
    assert render("{% url 'no-such-view' as link %}[{{ link }}]") == "[]"


def test_the_versioned_front_keeps_values_and_reads_misses_from_the_shared_cache():
    """Values set through the front are read back without the shared cache; a value only in the shared cache is
    found (and kept); a value in neither is a miss; get_many mixes the three."""
    front = caches["versioned"]
    front.set("v-test:1", {"a": 1})
    cache.delete("v-test:1")  # gone from the shared cache, still in this process
    assert front.get("v-test:1") == {"a": 1}
    cache.set("v-test:2", [2])
    assert front.get("v-test:2") == [2]
    assert front.get("v-test:3") is None and front.get("v-test:3", "dflt") == "dflt"
    assert front.get_many(["v-test:1", "v-test:2", "v-test:3"]) == {"v-test:1": {"a": 1}, "v-test:2": [2]}
    front.delete("v-test:1")
    assert front.get("v-test:1") is None


def test_the_versioned_front_forgets_its_oldest_entries():
    """The front holds at most its size; the oldest unread entries go first (they stay in the shared cache)."""
    front = VersionedCache("test-front", {"OPTIONS": {"BEHIND": "default", "SIZE": 3}})
    for index in range(5):
        front.set(f"v-size:{index}", index)
    assert list(front._table) == ["v-size:2", "v-size:3", "v-size:4"]
    assert front.get("v-size:0") == 0  # read back from the shared cache


def test_static_addresses_come_from_the_manifest_once_per_process(tmp_path, settings):
    """Production's static storage gives whitenoise's hashed address, and looks each one up only once."""
    import json

    from whitenoise.storage import CompressedManifestStaticFilesStorage

    from diplocourse.storage import StaticFilesStorage

    settings.DEBUG = False
    manifest = {"paths": {"css/site.css": "css/site.0123abcd.css"}, "version": "1.1", "hash": "x"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    ours = StaticFilesStorage(location=tmp_path, base_url="/static/")
    theirs = CompressedManifestStaticFilesStorage(location=tmp_path, base_url="/static/")
    assert ours.url("css/site.css") == theirs.url("css/site.css") == "/static/css/site.0123abcd.css"
    ours.hashed_files = {}  # a second lookup would now fail: the address is kept
    assert ours.url("css/site.css") == "/static/css/site.0123abcd.css"
    settings.STATIC_URL = "/assets/"  # any setting changed: worked out again, and the manifest is now empty
    with pytest.raises(ValueError, match=r"css/site\.css"):
        ours.url("css/site.css")
