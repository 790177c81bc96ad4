from http import HTTPStatus

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from certificates.forms import CertificateLookupForm
from certificates.models import Certificate
from certificates.pdf import certificate_pdf
from certificates.selectors import course_completion
from lessons.selectors import course_get


@never_cache
@login_required
def course_certificate(request, course_slug):
    course = course_get(slug=course_slug, user=request.user)
    certificate = Certificate.objects.filter(user=request.user, course=course).first()
    completion = None if certificate else course_completion(course=course, user=request.user)
    return render(
        request,
        "certificates/course_certificate.html",
        {"course": course, "certificate": certificate, "completion": completion},
    )


def lookup(request):
    """Check a certificate by its code; a valid one leads to its verification page."""
    form = CertificateLookupForm(request.GET or None)
    if form.is_valid():
        return redirect("certificates:verify", code=form.cleaned_data["code"])
    status = HTTPStatus.BAD_REQUEST if form.is_bound else HTTPStatus.OK
    return render(request, "certificates/lookup.html", {"form": form}, status=status)


def verify(request, code):
    """A certificate's public page; an unknown code gets a friendly page with the look-up form, not a bare 404."""
    certificate = Certificate.objects.filter(code=code).first()
    if certificate is None:
        form = CertificateLookupForm(initial={"code": code})
        context = {"form": form, "unknown_code": code}
        return render(request, "certificates/lookup.html", context, status=HTTPStatus.NOT_FOUND)
    return render(request, "certificates/verify.html", {"certificate": certificate})


@never_cache
@login_required
def download(request, code):
    certificate = get_object_or_404(Certificate, code=code, user=request.user)
    pdf = certificate_pdf(certificate, verify_url=request.build_absolute_uri(certificate.get_absolute_url()))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    return response
