"""System check: the process refuses to start when tree heads could not be signed."""

from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

from . import signing


@register()
def signing_key_check(app_configs, **kwargs):
    try:
        signing.public_key()
    except ImproperlyConfigured as exc:
        return [
            Error(
                str(exc),
                hint="Generate one with `manage.py consent_log_keygen PATH` and set "
                "CONSENT_LOG_SIGNING_KEY_FILE=PATH (docs/consent-log.md).",
                id="consent_log.E001",
            )
        ]
    return []
