"""Template filters for the shop."""

from django import template

register = template.Library()

# Digits grouped by thin no-break spaces, as prices are written in Kazakhstan: 12 990 ₸.
_GROUP = "\u202f"


@register.filter
def tenge(value) -> str:
    """Format a whole number of tenge: ``12990`` → ``12 990 ₸`` (never wrapped across lines)."""
    try:
        amount = int(value)
    except (TypeError, ValueError):
        return ""
    return f"{amount:,}".replace(",", _GROUP) + "\u00a0₸"
