"""System checks for settings that would make processes disagree with each other."""

from django.conf import settings
from django.core import checks

PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    """Production must cache in a store every worker shares.

    Each gunicorn worker has its own in-process cache: pages, sessions of the throttling and
    the cached legal rows would then differ from one worker to the next.
    """
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in PER_PROCESS_CACHES:
        return [
            checks.Error(
                f"The default cache ({backend}) lives inside one process.",
                hint="Set REDIS_URL, or use django.core.cache.backends.db.DatabaseCache.",
                id="jetu.E001",
            )
        ]
    return []
