"""One way to write an e-mail address, whoever reads it: accounts, log-in, outbox, throttle."""

import pytest

from core.email_address import normalise_email


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  Aigerim@Example.KZ \n", "aigerim@example.kz"),
        ("AIGERIM@EXAMPLE.KZ", "aigerim@example.kz"),
        ("aigerim@example.kz", "aigerim@example.kz"),
        ("", ""),
        (None, ""),
    ],
)
def test_an_address_is_stored_without_spaces_in_lower_case(typed, stored):
    assert normalise_email(typed) == stored
