"""Response headers the whole site shares that no installed package sets."""

from django.conf import settings


class PermissionsPolicyMiddleware:
    """Send the Permissions-Policy header: the site needs no camera, microphone, location or payment API."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(allowed)})" for feature, allowed in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
