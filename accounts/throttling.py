"""Who a request comes from, and how often it may ask for a password-reset e-mail (counted in Django's cache).

Log-in throttling itself is django-axes (settings.AXES_*); it asks `client_ip` for the address too.
"""

import hashlib

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.utils.translation import gettext as _

# Password-reset e-mails: at most this many per address, and per client, in each window.
PASSWORD_RESET_PER_ADDRESS = 3
PASSWORD_RESET_PER_CLIENT = 10
PASSWORD_RESET_WINDOW_SECONDS = 60 * 60


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or behind PROXY_COUNT proxies the entry they added to X-Forwarded-For."""
    proxies = settings.PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        # Each proxy appends the address it saw; entries left of those are the client's to forge.
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def login_username(request, credentials) -> str | None:
    """The username a log-in tried, as django-axes counts it: cut to the longest a username can be.

    The log-in form does not check the length before authenticating, and axes stores the name in 255
    characters (PostgreSQL refuses more): a longer name is no account's anyway.
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    username = credentials.get(field) if credentials else request.POST.get(field)
    return None if username is None else str(username)[: User._meta.get_field("username").max_length]


def _hit(scope: str, who: str, limit: int) -> bool:
    """Count one request by `who` in this window; False once more than `limit` have been made."""
    key = f"throttle:{scope}:{hashlib.sha256(who.encode()).hexdigest()}"
    cache.add(key, 0, timeout=PASSWORD_RESET_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=PASSWORD_RESET_WINDOW_SECONDS)
        count = 1
    return count <= limit


def password_reset_refusal(*, email: str, client: str) -> str:
    """Count a password-reset request; the reason to refuse it when over a limit, else "".

    The address counts whether or not an account has it, so a refusal tells nothing about accounts.
    """
    if not _hit("password-reset-client", client, PASSWORD_RESET_PER_CLIENT):
        return _("Too many password-reset requests from your network. Try again in an hour.")
    if not _hit("password-reset-address", email.strip().lower(), PASSWORD_RESET_PER_ADDRESS):
        return _(
            "We have already sent several reset links to this address in the last hour. "
            "Check your inbox and spam folder, or try again in an hour."
        )
    return ""
