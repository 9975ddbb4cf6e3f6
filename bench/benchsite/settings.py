"""Benchmark settings: production settings plus the switches the benchmark needs.

- the bench-only app ``benchsite`` (a bare Wagtail page type) is installed;
- ``JETU_PAGE_CACHE=0`` removes ``legal.cache.LegalPageCacheMiddleware`` ("uncached" runs);
- ``JETU_BENCH_STATIC_ROOT`` collects static files into the bench's temp dir, so the bench never
  touches the project's own ``staticfiles/``;
- ``JETU_BENCH_CACHE_PREFIX`` keeps the bench's Redis keys apart from anybody else's.

Everything else (DEBUG off, security middleware, Redis cache, CONN_HEALTH_CHECKS…) is exactly
``jetu_cms.settings.production``.
"""

import os

from jetu_cms.settings.production import *  # noqa: F403
from jetu_cms.settings.production import CACHES, INSTALLED_APPS, MIDDLEWARE

INSTALLED_APPS = [*INSTALLED_APPS, "benchsite"]

if os.environ.get("JETU_PAGE_CACHE", "1") == "0":
    MIDDLEWARE = [m for m in MIDDLEWARE if m != "legal.cache.LegalPageCacheMiddleware"]

if os.environ.get("JETU_BENCH_STATIC_ROOT"):
    STATIC_ROOT = os.environ["JETU_BENCH_STATIC_ROOT"]

if os.environ.get("JETU_BENCH_CACHE_PREFIX"):
    CACHES = {name: {**conf} for name, conf in CACHES.items()}
    CACHES["default"]["KEY_PREFIX"] = os.environ["JETU_BENCH_CACHE_PREFIX"]
