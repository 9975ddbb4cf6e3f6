"""Local development: DEBUG on, e-mail printed to the console."""

from .base import *  # noqa: F403

DEBUG = True
# A development-only key; production.py refuses to start without DJANGO_SECRET_KEY.
SECRET_KEY = "django-insecure-dev-only-key-do-not-use-in-production"  # noqa: S105
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Generated on first use, never committed (.gitignore); production must configure its own.
CONSENT_LOG_DEV_KEY_FILE = BASE_DIR / ".consent-log-key.pem"  # noqa: F405
