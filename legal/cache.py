"""Caching of the public legal pages for anonymous visitors, with exact invalidation.

A legal page changes only when a version or a translation is published (a new row in
``VersionText``), when a page is published, or when an effective date passes. So:

- every cached response carries the *freshness mark* it was rendered under and is served only
  while the mark is current. The mark is read from the database, which every process shares,
  in one cheap query per request: a publication made by any process (another worker, the
  ``publish_scheduled`` cron, a shell) is seen by every other process on its next request.
  A counter kept in a per-process cache cannot know about publications made elsewhere;
- every cached response lives at most until the document's next effective date, so the day a
  version comes into force no visitor gets the old one, though nobody published anything;
- only visitors without a session are served from the cache: a session means a logged-in
  customer, a cart or a flash message — something personal;
- the key holds only what the views read (path and ``mode=side``), so arbitrary query strings
  share the canonical entry instead of filling the cache with copies.

When the database cannot be reached, the mark cannot be read: a stored page is served only if
it carries the last mark this process read. No publication can happen while the database is
down, and entries never outlive the next effective date, so such a page is still the truth.

The same rules feed the HTTP front (nginx): ``X-Accel-Expires`` carries the lifetime, and
publications purge the pages through ``wagtail.contrib.frontend_cache``.
"""

from __future__ import annotations

import hashlib
from contextvars import ContextVar
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.utils import timezone

DEFAULT_TIMEOUT = 60 * 60 * 24  # a day; shortened to the next effective date when sooner
CACHED_PREFIXES = tuple(f"/{code}/legal/" for code, _ in settings.LANGUAGES)

# Query parameters that change what a cached view renders, with the values that matter;
# every other parameter (tracking tags, cache busters) is left out of the key.
KEY_PARAMETERS = {"mode": ("side",)}

_last_mark: str | None = None
# The mark read during the current request, so a request asks the database only once.
_request_mark: ContextVar[dict | None] = ContextVar("legal_request_mark", default=None)


def freshness_mark() -> str:
    """What the public legal pages depend on, as stored in the database right now.

    The number and the newest id of version texts change with every publication of a text
    (counting too, because a sequence can commit out of order); the newest page publication
    and the number of live pages change with any page going live or away.

    Raises:
        DatabaseError: the database cannot be reached.
    """
    global _last_mark
    scope = _request_mark.get()
    if scope is not None and "mark" in scope:
        return scope["mark"]
    from wagtail.models import Page

    from .models import VersionText

    texts = connection.ops.quote_name(VersionText._meta.db_table)
    pages = connection.ops.quote_name(Page._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {texts}), (SELECT MAX(id) FROM {texts}), "  # noqa: S608
            f"(SELECT MAX(last_published_at) FROM {pages}), "
            f"(SELECT COUNT(*) FROM {pages} WHERE live)"
        )
        row = cursor.fetchone()
    mark = hashlib.sha256(repr(tuple(str(value) for value in row)).encode()).hexdigest()[:16]
    _last_mark = mark
    if scope is not None:
        scope["mark"] = mark
    return mark


def cached_rows(name: str, compute):
    """``compute()`` cached under the current freshness mark (legal data publications change)."""
    key = f"legal:rows:{freshness_mark()}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, DEFAULT_TIMEOUT)
    return value


def timeout_until(next_change: datetime | None) -> int:
    """Seconds a response may be cached: until the next effective date, at most a day."""
    if next_change is None:
        return DEFAULT_TIMEOUT
    seconds = int((next_change - timezone.now()).total_seconds())
    return max(0, min(DEFAULT_TIMEOUT, seconds))


def mark_cacheable(response, next_change: datetime | None):
    """Let the middleware (and a front proxy) keep this response until ``next_change``."""
    response.legal_cache_timeout = timeout_until(next_change)
    # Browsers revalidate every time, so none keeps an outdated policy (max-age=0); the
    # front proxy keeps it for as long as it stays true (nginx reads X-Accel-Expires).
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    response["X-Accel-Expires"] = str(response.legal_cache_timeout)
    return response


def is_cacheable_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and request.path_info.startswith(CACHED_PREFIXES)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and settings.CSRF_COOKIE_NAME not in request.COOKIES
    )


def page_key(request) -> str:
    """The cache key: host, path and the parameters the views read (see ``KEY_PARAMETERS``)."""
    kept = [
        f"{name}={request.GET[name]}"
        for name, values in KEY_PARAMETERS.items()
        if request.GET.get(name) in values
    ]
    raw = f"{request.method == 'HEAD'}|{request.get_host()}|{request.path}?{'&'.join(kept)}"
    digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]
    return f"legal:page:{digest}"


class LegalPageCacheMiddleware:
    """Serve cached public legal pages to anonymous visitors before Wagtail routes anything."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_mark.set({})
        try:
            return self._respond(request)
        finally:
            _request_mark.reset(token)

    def _respond(self, request):
        if not is_cacheable_request(request):
            response = self.get_response(request)
            if hasattr(response, "legal_cache_timeout"):
                # Personal responses must not be kept by a shared front cache either.
                response["Cache-Control"] = "private, max-age=0, must-revalidate"
                response["X-Accel-Expires"] = "0"
            return response
        key = page_key(request)
        try:
            current = freshness_mark()
        except DatabaseError:
            current = None
        entry = cache.get(key)
        if entry is not None and entry[0] == (current or _last_mark):
            cached = entry[1]
            cached["X-Cache"] = "HIT" if current else "STALE"
            return cached
        response = self.get_response(request)
        timeout = getattr(response, "legal_cache_timeout", None)
        if (
            current
            and timeout
            and response.status_code == 200
            and not response.cookies
            and not getattr(response, "streaming", False)
        ):
            if hasattr(response, "render") and callable(response.render):
                response.render()
            cache.set(key, (current, response), timeout)
            response["X-Cache"] = "MISS"
        return response
