"""The site's answer when a request fails outside any view's control."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template.loader import render_to_string

logger = logging.getLogger("jetu")

RETRY_AFTER_SECONDS = 30


def server_error(request):
    """``handler500``: the 503 page while the database is unreachable, else the 500 page.

    Django calls it for an exception raised anywhere in the request — a view, or a middleware
    that loads the session or the customer before any view runs — and the exception being
    handled is still current here. Neither page touches the database or shows customer data.
    Connections are health-checked (CONN_HEALTH_CHECKS), so once the database is back the
    next request reconnects by itself.
    """
    exception = sys.exc_info()[1]
    if isinstance(exception, OperationalError | InterfaceError):
        logger.error("Database unavailable: %s", type(exception).__name__)
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    return HttpResponseServerError(render_to_string("500.html"))
