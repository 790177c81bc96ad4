from http import HTTPStatus

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.forms import SignupForm
from accounts.throttling import client_ip, password_reset_refusal


def _safe_next(request) -> str:
    """The `next` the request asks for when it is a path on this site ("/courses/..."), else ""."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    is_path = next_url.startswith("/") and url_has_allowed_host_and_scheme(next_url, allowed_hosts=set())
    return next_url if is_path else ""


def signup(request):
    next_url = _safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url or "lessons:catalog")
    form = SignupForm(request.POST or None)
    if form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect(next_url or "lessons:catalog")
    return render(request, "registration/signup.html", {"form": form, "next": next_url})


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
