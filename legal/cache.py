"""Caching of the public legal pages for anonymous visitors, with exact invalidation.

A legal page changes only when a version or a translation is published (a new row in
``VersionText``) or when an effective date passes. So:

- every cached response carries the *generation* number that each publication bumps, and is
  served only while that number is current;
- every cached response lives at most until the document's next effective date, so the day a
  version comes into force no visitor gets the old one, though nobody published anything;
- only visitors without a session are served from the cache: a session means a logged-in
  customer, a cart or a flash message — something personal.

The same rules feed the HTTP front (nginx): ``X-Accel-Expires`` carries the lifetime, and
publications purge the pages through ``wagtail.contrib.frontend_cache``.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

GENERATION_KEY = "legal:generation"
DEFAULT_TIMEOUT = 60 * 60 * 24  # a day; shortened to the next effective date when sooner
CACHED_PREFIXES = tuple(f"/{code}/legal/" for code, _ in settings.LANGUAGES)


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        # Start from a time-based value so a restarted in-process cache never reuses keys.
        value = int(timezone.now().timestamp())
        cache.add(GENERATION_KEY, value, timeout=None)
        value = cache.get(GENERATION_KEY, value)
    return value


def bump_generation() -> None:
    """Invalidate every cached legal page (called when a version or translation is published)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, int(timezone.now().timestamp()), timeout=None)


def cached_rows(name: str, compute):
    """``compute()`` cached under the current generation (legal data that publications change).

    Perf, issue #9: the public legal views read the document's versions through this.
    """
    key = f"legal:rows:{generation()}:{name}"
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
    raw = f"{request.get_host()}|{request.get_full_path()}"
    digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]
    return f"legal:page:{digest}"


class LegalPageCacheMiddleware:
    """Serve cached public legal pages to anonymous visitors before Wagtail routes anything."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_cacheable_request(request):
            response = self.get_response(request)
            if hasattr(response, "legal_cache_timeout"):
                # Personal responses must not be kept by a shared front cache either.
                response["Cache-Control"] = "private, max-age=0, must-revalidate"
                response["X-Accel-Expires"] = "0"
            return response
        # One cache round trip for the generation and the page (perf, issue #9): a page is
        # stored with the generation it was rendered under and served only while that
        # generation is current; a publication makes every stored page a miss.
        key = page_key(request)
        found = cache.get_many([GENERATION_KEY, key])
        current = found.get(GENERATION_KEY)
        if current is None:
            current = generation()
        entry = found.get(key)
        if entry is not None and entry[0] == current:
            cached = entry[1]
            cached["X-Cache"] = "HIT"
            return cached
        response = self.get_response(request)
        timeout = getattr(response, "legal_cache_timeout", None)
        if (
            timeout
            and response.status_code == 200
            and not response.cookies
            and not getattr(response, "streaming", False)
        ):
            if hasattr(response, "render") and callable(response.render):
                response.render()
            cache.set(key, (current, response), timeout)
            response["X-Cache"] = "MISS"
        return response
