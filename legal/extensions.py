"""Where apps above ``legal`` add to its public pages without ``legal`` importing them.

An app registers a Wagtail hook (in its ``wagtail_hooks.py``) named ``ARCHIVE_SECTIONS``: a
function ``(request, page)`` that returns an ``ArchiveSection`` or None. The archive page shows
every section after its list of versions, and is cached no longer than the shortest-lived one.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from django.utils import timezone
from wagtail import hooks

ARCHIVE_SECTIONS = "legal_archive_sections"


class ArchiveSection(NamedTuple):
    """Safe HTML in the page's language, and how long it stays true (None: until a change
    of the legal data itself)."""

    html: str
    fresh_for: timedelta | None = None


def archive_sections(request, page) -> list[ArchiveSection]:
    """The sections the registered hooks add to ``page``'s archive, in registration order."""
    sections = (fn(request=request, page=page) for fn in hooks.get_hooks(ARCHIVE_SECTIONS))
    return [section for section in sections if section is not None]


def fresh_until(sections: list[ArchiveSection], next_change: datetime | None) -> datetime | None:
    """The moment the page stops being true: the next change or the first section's expiry."""
    moments = [timezone.now() + s.fresh_for for s in sections if s.fresh_for is not None]
    if next_change is not None:
        moments.append(next_change)
    return min(moments, default=None)
