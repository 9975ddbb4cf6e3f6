"""The cart, kept in the visitor's session (clause 1.10: the cart works through cookies).

The session holds only product ids and quantities; names and prices are always read from the
catalogue, so a cart never shows a stale price. Nothing here trusts the session's contents:
ids and quantities are re-checked on every read.
"""

from __future__ import annotations

from .models import MAX_QUANTITY

SESSION_KEY = "shop_cart"
# More distinct products than this in one order is not a shopper; it keeps sessions small.
MAX_LINES = 50


class CartFullError(Exception):
    """The cart already holds as many different products as it may."""


class Cart:
    """Product id → quantity, stored in ``request.session``."""

    def __init__(self, session):
        self.session = session

    def _raw(self) -> dict[str, int]:
        raw = self.session.get(SESSION_KEY)
        return raw if isinstance(raw, dict) else {}

    def quantities(self) -> dict[int, int]:
        """Valid lines only: positive integer ids with quantities within 1..MAX_QUANTITY."""
        lines = {}
        for key, quantity in self._raw().items():
            if str(key).isdigit() and isinstance(quantity, int) and 1 <= quantity <= MAX_QUANTITY:
                lines[int(key)] = quantity
        return lines

    def count(self) -> int:
        """How many items the cart holds (the number shown in the header)."""
        return sum(self.quantities().values())

    def _store(self, lines: dict[int, int]) -> None:
        self.session[SESSION_KEY] = {str(pk): quantity for pk, quantity in lines.items()}

    def add(self, product_id: int, quantity: int) -> int:
        """Add ``quantity`` of a product; the line is capped at MAX_QUANTITY. Returns the line."""
        lines = self.quantities()
        if product_id not in lines and len(lines) >= MAX_LINES:
            raise CartFullError
        lines[product_id] = min(lines.get(product_id, 0) + quantity, MAX_QUANTITY)
        self._store(lines)
        return lines[product_id]

    def set(self, product_id: int, quantity: int) -> None:
        """Set a line's quantity; 0 removes the line."""
        lines = self.quantities()
        if quantity <= 0:
            lines.pop(product_id, None)
        elif product_id in lines or len(lines) < MAX_LINES:
            lines[product_id] = min(quantity, MAX_QUANTITY)
        else:
            raise CartFullError
        self._store(lines)

    def remove(self, product_id: int) -> None:
        self.set(product_id, 0)

    def keep_only(self, product_ids: set[int]) -> None:
        """Drop lines for products no longer on sale."""
        lines = self.quantities()
        if set(lines) - product_ids or len(lines) != len(self._raw()):
            self._store({pk: q for pk, q in lines.items() if pk in product_ids})

    def clear(self) -> None:
        self.session.pop(SESSION_KEY, None)
