"""URL converters shared by the apps."""

from django.urls import register_converter


class IdConverter:
    """A database id: at most 18 digits, so it always fits a 64-bit column.

    Django's ``int`` takes any number of digits, and a 20-digit one overflows the database
    driver (an ``OverflowError``, i.e. a 500) instead of simply matching nothing (a 404).
    """

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")
