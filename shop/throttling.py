"""Limits on guessing: log-in failures (django-axes) and password reset requests.

The limits themselves are settings (``LOGIN_LOCKOUT_LIMITS``, ``PASSWORD_RESET_LIMIT_*``);
``jetu_cms/settings/base.py`` says why they are what they are.
"""

from __future__ import annotations

import hashlib

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from core.email_address import normalise_email

PASSWORD_RESET_THROTTLED = _(
    "Too many password reset requests. For your security, please wait an hour and try again."
)


class LockoutLimitsHandler(AxesDatabaseHandler):
    """django-axes with a limit of its own for each entry of ``AXES_LOCKOUT_PARAMETERS``.

    Axes compares the failures counted for every entry with one ``AXES_FAILURE_LIMIT``. Here
    each entry's count is scaled so that it reaches ``AXES_FAILURE_LIMIT`` exactly when it
    reaches the entry's own limit from ``LOGIN_LOCKOUT_LIMITS``; everything else (recording,
    cool-off, the lockout response) stays axes' own.
    """

    @staticmethod
    def _limits() -> list[int]:
        return [limit for _parameters, limit in settings.LOGIN_LOCKOUT_LIMITS]

    def get_failures(self, request, credentials=None) -> int:
        scale = settings.AXES_FAILURE_LIMIT
        attempts = self.get_user_attempts(request, credentials)
        worst = 0
        for queryset, limit in zip(attempts, self._limits(), strict=True):
            count = queryset.aggregate(total=Sum("failures_since_start"))["total"] or 0
            # count * scale // limit >= scale exactly when count >= limit.
            worst = max(worst, count * scale // limit)
        return worst

    def reset_user_attempts(self, request, credentials=None) -> int:
        # A successful log-in clears only the first entry (this e-mail from this address):
        # logging in to one's own account must not clear what was counted for the address.
        first = self.filter_user_attempts(request, credentials)[0]
        count, _deleted = first.delete()
        return count


def _count(key: str, window: int) -> int:
    """Add one to the counter ``key`` (started for ``window`` seconds) and return it."""
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def password_reset_allowed(*, email: str, ip: str | None) -> bool:
    """Count one reset request for ``email`` (and from ``ip``); False once over a limit.

    Both counters are kept whether or not the address belongs to an account, so the answer
    reveals nothing about which addresses are registered. Addresses are hashed: the cache
    holds no e-mail addresses.
    """
    window = settings.PASSWORD_RESET_THROTTLE_SECONDS
    digest = hashlib.sha256(normalise_email(email).encode()).hexdigest()
    allowed = _count(f"reset:email:{digest}", window) <= settings.PASSWORD_RESET_LIMIT_PER_EMAIL
    if ip is not None:
        allowed &= _count(f"reset:ip:{ip}", window) <= settings.PASSWORD_RESET_LIMIT_PER_IP
    return allowed
