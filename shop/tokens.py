"""Signed links: the confirmation of a new log-in e-mail address.

The link carries the account, its current address and the new one, signed with SECRET_KEY and
timestamped. It works once: after the change the account's address is no longer the one the
link names, and it stops working when another change happens first.
"""

from __future__ import annotations

from typing import NamedTuple

from django.core import signing

EMAIL_CHANGE_SALT = "shop.email-change"


class EmailChange(NamedTuple):
    """A requested change of an account's log-in e-mail address."""

    user_id: int
    old_email: str
    new_email: str


def email_change_token(change: EmailChange) -> str:
    """A URL-safe, signed, timestamped token for ``change``."""
    return signing.TimestampSigner(salt=EMAIL_CHANGE_SALT).sign_object(change._asdict())


def email_change_read(token: str, *, max_age: int) -> EmailChange:
    """The change ``token`` was made for.

    Raises:
        signing.SignatureExpired: the token is older than ``max_age`` seconds.
        signing.BadSignature: the token was not made by this site (or was altered).
    """
    data = signing.TimestampSigner(salt=EMAIL_CHANGE_SALT).unsign_object(token, max_age=max_age)
    try:
        return EmailChange(int(data["user_id"]), str(data["old_email"]), str(data["new_email"]))
    except (KeyError, TypeError, ValueError) as error:
        raise signing.BadSignature("Malformed e-mail change token.") from error
