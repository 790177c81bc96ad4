"""`{% url %}` with each address reversed once per process (a template builtin that replaces Django's tag), and
`reverse_memo` for the models' `get_absolute_url` from the same memo.

Every page draws a dozen links (the header, the course menu); reversing each costs tens of microseconds,
as much as a third of a small page's template. An address depends only on the view name, its string and
number arguments, the current app, the URLconf, the script prefix and the language, all part of the memo's
key; arguments of any other type (a model instance, say) are reversed every time, as by Django's tag.
"""

from django.conf import settings
from django.core.signals import setting_changed
from django.template import Library
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.translation import get_language

register = Library()

_MEMO: dict[tuple, str] = {}
_MEMO_SIZE = 10_000
_PLAIN = (str, int)


def _environment(request) -> tuple:
    """What else an address depends on; read once per request (each is a context-local lookup)."""
    found = getattr(request, "_url_environment", None)
    if found is None:
        found = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), get_language())
        if request is not None:
            request._url_environment = found
    return found


def _reverse(view_name, args, kwargs, current_app, request) -> str:
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
    """`reverse(view_name, kwargs=kwargs)` from the same memo as the tag (models' `get_absolute_url`)."""
    return _reverse(view_name, (), kwargs, None, None)


def _forget(**kwargs):
    _MEMO.clear()


setting_changed.connect(_forget)


class MemoURLNode(URLNode):
    def render(self, context):
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        request = getattr(context, "request", None)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = _reverse(view_name, args, kwargs, current_app, request)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = django_url(parser, token)
    return MemoURLNode(node.view_name, node.args, node.kwargs, node.asvar)
