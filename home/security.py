"""Site-wide protections: request size, the admin's report-only CSP and its reports."""

from __future__ import annotations

import json
import logging

from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from django.conf import settings
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

logger = logging.getLogger("jetu")

# A browser's violation report is a few hundred bytes; anything much larger is not one.
CSP_REPORT_MAX_BYTES = 16 * 1024


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class RequestBodyLimitMiddleware:
    """Refuse (413) a request whose body is larger than ``MAX_REQUEST_BODY_SIZE``.

    The limit is nginx's ``client_max_body_size``, so a request that reaches the application
    without nginx is held to the same size. Django itself limits only form fields; uploaded
    files are streamed to disk whatever their size. A body sent without Content-Length is
    never read by Django, so the header is all there is to check.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.MAX_REQUEST_BODY_SIZE
        if _content_length(request) > limit:
            # This runs before LocaleMiddleware: the language comes from the path (the admin
            # and other unprefixed paths get the default, Russian).
            language = translation.get_language_from_path(request.path_info)
            with translation.override(language or settings.LANGUAGE_CODE):
                message = _("The request is too large: at most %(size)d MB can be sent at once.")
                message %= {"size": limit // (1024 * 1024)}
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class CSPMiddleware(DjangoCSPMiddleware):
    """django-csp, with the report-only policy applied exactly where the enforced one is not.

    The enforced policy excludes the admin (Wagtail still uses inline scripts there); watching
    it with the report-only policy shows what must change before the admin can be enforced,
    without breaking the editors' work.
    """

    def process_response(self, request, response):
        excluded = tuple(settings.CONTENT_SECURITY_POLICY.get("EXCLUDE_URL_PREFIXES", ()))
        if not request.path_info.startswith(excluded):
            response._csp_exempt_ro = True
        return super().process_response(request, response)


def _field(report: dict, name: str) -> str:
    return str(report.get(name, ""))[:300]


@csrf_exempt
@require_POST
def csp_report(request):
    """Log what the report-only policy would have blocked (browsers post it here)."""
    if _content_length(request) > CSP_REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    try:
        report = json.loads(request.body).get("csp-report", {})
    except (ValueError, AttributeError):
        return HttpResponse(status=400)
    if not isinstance(report, dict):
        return HttpResponse(status=400)
    logger.warning(
        "CSP (report-only) on %s: %s would block %s",
        _field(report, "document-uri"),
        _field(report, "violated-directive") or _field(report, "effective-directive"),
        _field(report, "blocked-uri"),
    )
    return HttpResponse(status=204)
