"""The benchmark's reference pages exist only when BENCH_VIEWS is on."""

import importlib
from http import HTTPStatus

import pytest
from django.urls import clear_url_caches

import diplocourse.urls

pytestmark = pytest.mark.django_db


def _remount(settings, enabled: bool):
    settings.BENCH_VIEWS = enabled
    importlib.reload(diplocourse.urls)
    clear_url_caches()


def test_bench_views_are_not_mounted_by_default(client):
    """Production does not expose /bench/."""
    assert client.get("/bench/bare/").status_code == HTTPStatus.NOT_FOUND


def test_bench_views_answer_when_enabled(client, student, settings):
    """With BENCH_VIEWS the bare page answers anyone and the floor page needs a log-in."""
    _remount(settings, True)
    try:
        assert client.get("/bench/bare/").content == b"ok"
        assert client.get("/bench/floor/").status_code == HTTPStatus.FOUND
        client.force_login(student)
        assert client.get("/bench/floor/").status_code == HTTPStatus.OK
    finally:
        _remount(settings, False)
