"""Clause 2.2.2: phone numbers are kept as +7XXXXXXXXXX whatever way they were typed."""

import pytest

from shop.phone import InvalidPhoneError, normalise_phone


@pytest.mark.parametrize(
    "typed",
    [
        "8 (701) 123-45-67",
        "+7 701 1234567",
        "7011234567",
        "+7 (701) 123 45 67",
        "87011234567",
        "77011234567",
        " 8-701-123-45-67 ",
        "+7.701.123.45.67",
    ],
)
def test_usual_ways_of_typing_a_number_give_one_form(typed):
    assert normalise_phone(typed) == "+77011234567"


def test_almaty_landline_is_accepted():
    assert normalise_phone("8 (727) 250-00-00") == "+77272500000"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "12345",
        "+8 701 123 45 67",
        "8 (701) 123-45-6",
        "8 (701) 123-45-678",
        "+1 202 555 0100",
        "701 123 45 67 доб. 5",
        "0701234567",
        "+7 001 123 45 67",
        "+7 (812) 123-45-67",
        "8" * 40,
        "+7 701 1234567; DROP TABLE",
    ],
)
def test_anything_else_is_refused(typed):
    with pytest.raises(InvalidPhoneError):
        normalise_phone(typed)
