"""How evidence is shown to people: times in Almaty, language names, yes and no.

Staff reports, spreadsheet exports and Legal's evidence packs all go through these, so one
acceptance reads the same everywhere. Times are absolute, never "16 minutes ago": a lawyer
quotes them. On screen they are Almaty wall-clock time with the offset; in files, ISO 8601
with the offset, which any program reads back as the same instant. Almaty's offset changed
(UTC+6 until 1 March 2024, UTC+5 since), so the offset is always written, never assumed.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext

EVIDENCE_TIME_ZONE = ZoneInfo("Asia/Almaty")


def _offset(moment: datetime) -> str:
    text = moment.strftime("%z")  # "+0500"
    return f"{text[:3]}:{text[3:]}"


def local_time(value: datetime | None) -> str:
    """``01.12.2026 16:02:21 (UTC+05:00)``: Almaty time to the second, with its offset."""
    if value is None:
        return ""
    moment = value.astimezone(EVIDENCE_TIME_ZONE)
    return f"{moment:%d.%m.%Y %H:%M:%S} (UTC{_offset(moment)})"


def iso_time(value: datetime | None) -> str:
    """``2026-12-01T16:02:21.123456+05:00``: ISO 8601 in Almaty time, offset included."""
    if value is None:
        return ""
    return value.astimezone(EVIDENCE_TIME_ZONE).isoformat(timespec="microseconds")


def language_name(code: str | None) -> str:
    """The language's name in the active language ("Казахский", "Қазақ тілі")."""
    names = dict(getattr(settings, "WAGTAIL_CONTENT_LANGUAGES", settings.LANGUAGES))
    name = names.get(code or "")
    return str(name) if name is not None else (code or "")


def yes_no(value) -> str:
    if value is None:
        return ""
    return gettext("Yes") if value else gettext("No")
