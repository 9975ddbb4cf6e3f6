"""Settings for bench/bench_notices.py: production, with a short outbox lease for the kill run.

A killed worker's message is sent again once its lease runs out (10 minutes in production);
the benchmark shortens that so the run that kills workers ends in seconds, not minutes.
"""

import os
from datetime import timedelta

from jetu_cms.settings.production import *  # noqa: F403

OUTBOX_LEASE = timedelta(seconds=int(os.environ.get("OUTBOX_LEASE_SECONDS", "600")))
OUTBOX_SWEEP_AFTER = timedelta(seconds=int(os.environ.get("OUTBOX_SWEEP_AFTER_SECONDS", "120")))
# Pages are rendered for the registration-latency step only; no static files are collected.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The consent log signs tree heads; the benchmark's throwaway database gets a throwaway key
# (the development key file, generated on first use).
CONSENT_LOG_DEV_KEY_FILE = BASE_DIR / ".consent-log-key.pem"  # noqa: F405
