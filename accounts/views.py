"""Sign-up and the student's own account: details, data download, deletion; the password reset limits.

Views parse the request, call one service or selector, and render.
"""

import csv
import json
from http import HTTPStatus

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts import selectors, services
from accounts.forms import AccountDeleteForm, AccountForm, SignupForm
from accounts.throttling import client_ip, password_reset_refusal


def _safe_next(request) -> str:
    """The `next` the request asks for when it is a path on this site ("/courses/..."), else ""."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    is_path = next_url.startswith("/") and url_has_allowed_host_and_scheme(next_url, allowed_hosts=set())
    return next_url if is_path else ""


def signup(request):
    next_url = _safe_next(request)
    if request.user.is_authenticated:
        return HttpResponseRedirect(next_url or reverse("lessons:catalog"))
    form = SignupForm(request.POST or None)
    if form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return HttpResponseRedirect(next_url or reverse("lessons:catalog"))
    return render(request, "registration/signup.html", {"form": form, "next": next_url})


@login_required
def account(request):
    form = AccountForm(request.POST or None, user=request.user)
    if form.is_valid():
        services.account_update(
            user=request.user, full_name=form.cleaned_data["full_name"], email=form.cleaned_data["email"]
        )
        messages.success(request, _("Your details are saved."))
        return redirect("accounts:account")
    return render(request, "accounts/account.html", {"form": form})


def _attachment_name(request, extension: str) -> str:
    return f"diplocourse-{request.user.get_username()}-{timezone.localdate():%Y-%m-%d}.{extension}"


@login_required
@never_cache
def data_json(request):
    data = selectors.account_data(user=request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{_attachment_name(request, "json")}"'
    return response


class _Echo:
    def write(self, value):
        return value


@login_required
def attempts_csv(request):
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in selectors.account_attempt_rows(user=request.user)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{_attachment_name(request, "attempts.csv")}"'
    # Cache-Control: no-store, as never_cache gives the JSON download.
    add_never_cache_headers(response)
    return response


@login_required
def delete(request):
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if form.is_valid():
        services.account_delete(user=request.user)
        logout(request)
        messages.success(request, _("Your account is deleted. Thank you for learning with us."))
        return redirect("lessons:catalog")
    return render(request, "accounts/delete.html", {"form": form})


class LogoutView(auth_views.LogoutView):
    """Django's log-out (a POST), with a page at the same address that asks for it.

    The header links here instead of holding a log-out form on every page: a GET only shows the button and
    logs nobody out, so a link or an image elsewhere cannot end a session.
    """

    http_method_names = ["get", "post", "options"]

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(settings.LOGOUT_REDIRECT_URL)
        return render(request, "registration/logout.html")


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, with a limit on e-mails per address and per client (accounts/throttling.py)."""

    def form_valid(self, form):
        refusal = password_reset_refusal(email=form.cleaned_data["email"], client=client_ip(self.request))
        if refusal:
            form.add_error("email", refusal)
            response = self.form_invalid(form)
            response.status_code = HTTPStatus.TOO_MANY_REQUESTS
            return response
        return super().form_valid(form)


def lockout(request, original_response=None, credentials=None):
    """The page django-axes shows a locked-out log-in (site or admin): what happened and what to do."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/locked_out.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes},
        status=HTTPStatus.TOO_MANY_REQUESTS,
    )
