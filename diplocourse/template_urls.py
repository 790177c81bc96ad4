"""`{% url %}` with each address reversed once per process (a template builtin that replaces Django's tag).

The memo, and what its keys hold, is `lessons.addresses`; arguments that are not strings or numbers (a model
instance, say) are reversed every time, as by Django's tag.
"""

from django.template import Library
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape

from lessons.addresses import reverse_remembered

register = Library()
_UNSET = object()


class MemoURLNode(URLNode):
    def render(self, context):
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        request = getattr(context, "request", None)
        # As Django's tag: the request's current_app, else its resolved namespace (without raising and catching
        # an AttributeError for each link of a page, as requests seldom have either).
        current_app = getattr(request, "current_app", _UNSET)
        if current_app is _UNSET:
            match = getattr(request, "resolver_match", None)
            current_app = getattr(match, "namespace", None)
        url = ""
        try:
            url = reverse_remembered(view_name, args, kwargs, current_app, request)
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
