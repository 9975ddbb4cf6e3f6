"""Test settings: fast hashing, in-memory e-mail, DEBUG off so error pages are the real ones."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests need no manifest (collectstatic is not run for them).
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}

# The test client's login() authenticates without a request, which django-axes refuses;
# throttling has its own tests that switch it back on.
AXES_ENABLED = False

# Tasks run at once, in the test's own thread and transaction: a test enqueues through the same
# API as production and sees the result without a worker. The outbox enqueues on commit, so
# tests still see that nothing is sent before the fact commits (captureOnCommitCallbacks).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# The consent log signs with a generated, git-ignored key (as in development).
CONSENT_LOG_DEV_KEY_FILE = BASE_DIR / ".consent-log-key.pem"  # noqa: F405
