from django.contrib import admin

from learning.models import Enrolment, Invitation


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    """The roster's history; instructors enrol and remove from the gradebook, so rows are read here, not deleted."""

    list_display = ["user", "course", "status", "source", "enrolled_at", "removed_at"]
    list_filter = ["course", "status", "source"]
    list_select_related = ["user", "course"]
    search_fields = ["user__username", "user__email", "user__first_name"]
    readonly_fields = ["user", "course", "source", "enrolled_at", "removed_at"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "course", "invited_at", "accepted_at"]
    list_filter = ["course"]
    list_select_related = ["course"]
    search_fields = ["email"]
