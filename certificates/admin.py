from django.contrib import admin

from certificates.models import Certificate


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["code", "learner_name", "course_title", "issued_at"]
    list_filter = ["course"]
    list_select_related = ["course"]
    search_fields = ["code", "learner_name", "user__username"]
    readonly_fields = ["user", "course", "code", "learner_name", "course_title", "issued_at"]

    def has_add_permission(self, request):
        return False
