"""Site-wide middleware."""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.template.loader import render_to_string

logger = logging.getLogger("jetu")

# Paths outside the language prefixes. Django's LocaleMiddleware turns every 404 into a
# redirect to "/ru/<path>" when that path resolves — and Wagtail's catch-all makes every path
# resolve — so a missing admin object would bounce to a public 404 instead of the admin's own.
UNPREFIXED = ("/admin/", "/documents/", "/static/", "/media/", "/healthz", "/consent-log/")


class LocaleMiddleware(DjangoLocaleMiddleware):
    def process_response(self, request, response):
        if response.status_code == 404 and request.path_info.startswith(UNPREFIXED):
            return response
        return super().process_response(request, response)


class DatabaseUnavailableMiddleware:
    """Answer 503 with the site's own page while the database is unreachable.

    Connections are health-checked (CONN_HEALTH_CHECKS), so once the database is back the next
    request reconnects by itself; no restart is needed. The page is static: it touches no
    database and renders no customer data.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable: %s", type(exception).__name__)
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        response["Cache-Control"] = "no-store"
        return response
