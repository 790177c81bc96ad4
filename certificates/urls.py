from django.urls import path, register_converter

from certificates import views

app_name = "certificates"


class CertificateCodeConverter:
    """A code as printed, XXXX-XXXX-XXXX, in either case; anything else (a NUL byte, say) is a 404 before any query."""

    regex = "[A-Za-z0-9-]{1,20}"

    def to_python(self, value: str) -> str:
        return value.upper()

    def to_url(self, value: str) -> str:
        return value


register_converter(CertificateCodeConverter, "certificate_code")

urlpatterns = [
    path("courses/<slug:course_slug>/certificate/", views.course_certificate, name="course_certificate"),
    path("certificates/", views.lookup, name="lookup"),
    path("certificates/<certificate_code:code>/", views.verify, name="verify"),
    path("certificates/<certificate_code:code>/pdf/", views.download, name="download"),
]
