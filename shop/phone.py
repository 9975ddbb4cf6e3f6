"""Phone numbers as the shop keeps them: ``+7XXXXXXXXXX`` (clause 2.2.2). Pure, no database.

Customers type numbers the way they dial them — ``8 (701) 123-45-67``, ``+7 701 1234567``,
``7011234567`` — so the number is normalised once, on the way in, and stored in one form that
staff can search and call.
"""

from __future__ import annotations

import re

# Digits and the usual separators; anything else (letters, extensions) is not a phone number.
_ALLOWED_RE = re.compile(r"^\+?[\d\s().\-]+$")
MAX_INPUT_LENGTH = 32


class InvalidPhoneError(ValueError):
    """The text is not a +7 phone number."""


def normalise_phone(raw: str) -> str:
    """Return ``raw`` as ``+7`` followed by the ten-digit national number.

    Accepts the trunk prefix 8, the country code 7 with or without "+", or the bare national
    number. The national number must be a Kazakhstan one (starting with 6 or 7): the shop
    delivers in Kazakhstan, and a ten-digit number starting with 8 is far more often a
    mistyped "8 7xx …" than a Russian number.

    Raises:
        InvalidPhoneError: ``raw`` is not a Kazakhstan phone number.
    """
    text = (raw or "").strip()
    if not text or len(text) > MAX_INPUT_LENGTH or not _ALLOWED_RE.match(text):
        raise InvalidPhoneError(raw)
    digits = re.sub(r"\D", "", text)
    if text.startswith("+"):
        if not (len(digits) == 11 and digits[0] == "7"):
            raise InvalidPhoneError(raw)
        national = digits[1:]
    elif len(digits) == 11 and digits[0] in "78":
        national = digits[1:]
    elif len(digits) == 10:
        national = digits
    else:
        raise InvalidPhoneError(raw)
    if national[0] not in "67":
        raise InvalidPhoneError(raw)
    return f"+7{national}"
