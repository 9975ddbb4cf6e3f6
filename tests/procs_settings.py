"""Production settings for tests that start real server processes.

Identical to ``jetu_cms.settings.production`` but for static files, which such tests serve
without running ``collectstatic`` first (no manifest needed).
"""

from jetu_cms.settings.production import *  # noqa: F403
from jetu_cms.settings.production import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
