"""Addresses reversed once per process: the memo behind `{% url %}` (diplocourse/template_urls.py) and the
models' `get_absolute_url`.

Every page draws a dozen links (the header, the course menu, breadcrumbs); reversing each costs tens of
microseconds, as much as a third of a small page's template. An address depends only on the view name, its
string and number arguments, the current app, the URLconf, the script prefix and the language, all part of the
memo's key; arguments of any other type (a model instance, say) are reversed every time. Those three are read
once per request (the language too: a `translation.override()` inside a request does not change the addresses
given there, which only matters to language-prefixed URLs, and this project has none).
"""

import threading

from django.conf import settings
from django.core.signals import request_finished, request_started, setting_changed
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

_MEMO: dict[tuple, str] = {}
_MEMO_SIZE = 10_000
_PLAIN = (str, int)


# What else an address depends on, for callers without the request at hand (`get_absolute_url`): read once per
# request in each thread, and again after a setting changes.
_current = threading.local()


def _environment(request) -> tuple:
    """What else an address depends on; read once per request (each part is a context-local lookup)."""
    found = getattr(request, "_url_environment", None) if request is not None else getattr(_current, "env", None)
    if found is None:
        found = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), get_language())
        if request is not None:
            request._url_environment = found
        else:
            _current.env = found
    return found


def reverse_remembered(view_name, args=(), kwargs=None, current_app=None, request=None) -> str:
    """`reverse()`, from the memo when every argument is a string or a number."""
    kwargs = kwargs or {}
    if not all(type(value) in _PLAIN or isinstance(value, str) for value in (*args, *kwargs.values())):
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
    key = (
        str(view_name),
        tuple(str(value) for value in args),
        tuple(sorted((name, str(value)) for name, value in kwargs.items())),
        current_app,
        _environment(request),
    )
    found = _MEMO.get(key)
    if found is None:
        found = reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
        if len(_MEMO) >= _MEMO_SIZE:
            _MEMO.clear()
        _MEMO[key] = found
    return found


def reverse_memo(view_name: str, **kwargs) -> str:
    """`reverse(view_name, kwargs=kwargs)` from the memo (the models' `get_absolute_url`)."""
    return reverse_remembered(view_name, (), kwargs)


def _forget(**kwargs):
    _MEMO.clear()
    _current.env = None


def _new_request(**kwargs):
    # The script prefix is set for the request before `request_started` is sent.
    _current.env = None


setting_changed.connect(_forget)
request_started.connect(_new_request)
request_finished.connect(_new_request)
