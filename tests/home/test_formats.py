"""Kazakh and Russian dates as readers of each language write them (no database needed).

CLDR (through Babel) is the independent oracle for the month names: Kazakh months are written
lowercase and, inside "2026 жылғы 1 желтоқсан", in the nominative; Russian ones in the
genitive ("1 декабря 2026 г.").
"""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from babel.dates import get_month_names
from django.utils import translation
from django.utils.formats import date_format, time_format

ALMATY = ZoneInfo("Asia/Almaty")
MOMENT = datetime(2026, 12, 1, 13, 5, tzinfo=ALMATY)


def in_language(language, value, fmt):
    with translation.override(language):
        return date_format(value, fmt)


def test_kazakh_dates_read_as_in_official_documents():
    assert in_language("kk", MOMENT, "DATE_FORMAT") == "2026 жылғы 1 желтоқсан"
    assert in_language("kk", MOMENT, "DATETIME_FORMAT") == "2026 жылғы 1 желтоқсан, 13:05"
    assert in_language("kk", MOMENT, "SHORT_DATE_FORMAT") == "01.12.2026"


def test_russian_dates_keep_their_own_form():
    assert in_language("ru", MOMENT, "DATE_FORMAT") == "1 декабря 2026 г."
    assert in_language("ru", MOMENT, "DATETIME_FORMAT") == "1 декабря 2026 г., 13:05"


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_times_are_24_hour_without_am_pm(language):
    with translation.override(language):
        assert time_format(time(13, 5), "TIME_FORMAT") == "13:05"
        assert time_format(time(0, 30), "TIME_FORMAT") == "00:30"


@pytest.mark.parametrize("month", range(1, 13))
def test_every_kazakh_month_is_the_cldr_nominative(month):
    cldr = get_month_names("wide", "format", locale="kk")[month]
    day = datetime(2027, month, 8, tzinfo=ALMATY)
    assert in_language("kk", day, "DATE_FORMAT") == f"2027 жылғы 8 {cldr}"


@pytest.mark.parametrize("month", range(1, 13))
def test_every_russian_month_is_the_cldr_genitive(month):
    cldr = get_month_names("wide", "format", locale="ru")[month]
    day = datetime(2027, month, 8, tzinfo=ALMATY)
    assert in_language("ru", day, "DATE_FORMAT") == f"8 {cldr} 2027 г."
