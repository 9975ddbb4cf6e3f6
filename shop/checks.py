"""System checks for the shop's settings."""

import ipaddress

from django.conf import settings
from django.core.checks import Error, register


@register()
def trusted_proxies(app_configs, **kwargs):
    """Every TRUSTED_PROXIES entry must be an IP address or network."""
    errors = []
    for entry in getattr(settings, "TRUSTED_PROXIES", ()):
        try:
            ipaddress.ip_network(entry.strip(), strict=False)
        except ValueError:
            errors.append(
                Error(
                    f"TRUSTED_PROXIES entry {entry!r} is not an IP address or network.",
                    hint="DJANGO_TRUSTED_PROXIES is comma-separated, e.g. 10.0.0.1,10.1.0.0/16.",
                    id="shop.E001",
                )
            )
    return errors
