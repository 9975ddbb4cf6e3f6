"""Dates as Kazakh and Russian readers see them: the policy, the archive, My account, e-mails.

A Kazakh date is "2027 жылғы 1 наурыз", never "Нау. 1, 2027" or a 12-hour "Т.Қ." time; a
sentence carrying it is worded "Күшіне ену күні: …" so the nominative date fits. A Russian
sentence that ends with a date ends with its "г.", never "г..".
"""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import translation

from shop.notices import notices_fan_out
from tests.helpers import body_data, publish_version, replace_in_clause
from tests.shop.shop_helpers import make_customer, text_of

ALMATY = ZoneInfo("Asia/Almaty")
PUBLISHED = datetime(2027, 2, 20, 15, 30, tzinfo=ALMATY)
EFFECTIVE = datetime(2027, 3, 1, 9, 0, tzinfo=ALMATY)
# Django's own Kazakh abbreviations ("Жел.") and 12-hour markers ("Т.Қ."): what used to show.
DJANGO_ABBREVIATED_MONTHS = [
    "Jan.", "Feb.", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.",
]  # fmt: skip


def kazakh_abbreviations() -> list[str]:
    with translation.override("kk"):
        months = [translation.pgettext("abbrev. month", m) for m in DJANGO_ABBREVIATED_MONTHS]
        markers = [translation.gettext("a.m."), translation.gettext("p.m.")]
    return [*months, *markers, "Т.Қ.", "Т.К.", "Т.Д."]


def assert_kazakh_dates_clean(text: str):
    found = [abbreviation for abbreviation in kazakh_abbreviations() if abbreviation in text]
    assert found == [], found


def assert_no_double_stop(text: str):
    assert re.search(r"г\.\s*\.", text) is None, re.search(r".{40}г\.\s*\.", text)


@pytest.fixture
def v2(policy):
    """Version 2, published on 20 February 2027 and in force from 1 March 2027."""
    data = body_data(policy)
    replace_in_clause(data, "1.8", "пользователь", "посетитель")
    with time_machine.travel(PUBLISHED, tick=False):
        return publish_version(policy, data, effective_from=EFFECTIVE, summary="Уточнён п. 1.8.")


def test_the_policy_in_force_gives_its_dates_in_each_language(client, v2):
    with time_machine.travel(EFFECTIVE + timedelta(hours=1), tick=False):
        kk = text_of(client.get("/kk/legal/privacy/"))
        ru = text_of(client.get("/ru/legal/privacy/"))
    assert "Күшіне ену күні: 2027 жылғы 1 наурыз" in kk
    assert "Жарияланған күні: 2027 жылғы 20 ақпан" in kk
    assert "Действует с 1 марта 2027 г." in ru
    assert "Опубликована 20 февраля 2027 г." in ru
    assert_kazakh_dates_clean(kk)
    assert_no_double_stop(ru)


def test_an_upcoming_version_is_announced_with_its_date(client, v2):
    with time_machine.travel(PUBLISHED + timedelta(hours=1), tick=False):
        kk = text_of(client.get("/kk/legal/privacy/"))
        ru = text_of(client.get("/ru/legal/privacy/"))
        kk_v2 = text_of(client.get("/kk/legal/privacy/versions/2/"))
        ru_v2 = text_of(client.get("/ru/legal/privacy/versions/2/"))
    assert "Осы құжаттың жаңа нұсқасы жарияланды. Күшіне ену күні: 2027 жылғы 1 наурыз." in kk
    assert "Новая версия этого документа вступает в силу 1 марта 2027 г. " in ru
    assert "Бұл — 2-нұсқа. Күшіне ену күні: 2027 жылғы 1 наурыз." in kk_v2
    assert "Это версия 2. Она вступает в силу 1 марта 2027 г. " in ru_v2
    for text in (kk, kk_v2):
        assert_kazakh_dates_clean(text)
    for text in (ru, ru_v2):
        assert_no_double_stop(text)


def test_the_archive_and_the_comparison_date_every_version(client, v2):
    with time_machine.travel(EFFECTIVE + timedelta(hours=1), tick=False):
        kk = text_of(client.get("/kk/legal/privacy/versions/"))
        ru = text_of(client.get("/ru/legal/privacy/versions/"))
        kk_compare = text_of(client.get("/kk/legal/privacy/compare/1/2/"))
        ru_compare = text_of(client.get("/ru/legal/privacy/compare/1/2/"))
    assert "2-нұсқа 2027 жылғы 1 наурыз 2027 жылғы 20 ақпан күшінде" in kk
    assert "Версия 2 1 марта 2027 г. 20 февраля 2027 г. действует" in ru
    assert "2-нұсқа — күшіне ену күні: 2027 жылғы 1 наурыз" in kk_compare
    assert "Версия 2 — действует с 1 марта 2027 г." in ru_compare
    assert_kazakh_dates_clean(kk + kk_compare)
    assert_no_double_stop(ru + ru_compare)


@pytest.mark.parametrize(
    ("language", "registered", "accepted"),
    [
        ("kk", "Тіркелген күні 2027 жылғы 20 ақпан", "2027 жылғы 20 ақпан, 15:30"),
        ("ru", "Дата регистрации 20 февраля 2027 г.", "20 февраля 2027 г., 15:30"),
    ],
)
def test_my_account_dates_my_registration_and_consent(
    client, policy, language, registered, accepted
):
    with time_machine.travel(PUBLISHED, tick=False):
        customer = make_customer(email=f"{language}@example.kz", language=language)
    client.force_login(customer.user)
    page = text_of(client.get(f"/{language}/shop/account/"))
    assert registered in page
    assert accepted in page
    if language == "kk":
        assert_kazakh_dates_clean(page)
    else:
        assert_no_double_stop(page)


def test_the_change_notice_states_the_date_the_version_takes_effect(
    policy, v2, django_capture_on_commit_callbacks
):
    make_customer(email="kk@example.kz", language="kk")
    make_customer(email="ru@example.kz", language="ru")
    with (
        time_machine.travel(PUBLISHED + timedelta(minutes=5), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert sum(result.due for result in notices_fan_out()) == 2
    by_recipient = {message.to[0]: message for message in mail.outbox}
    kk, ru = by_recipient["kk@example.kz"], by_recipient["ru@example.kz"]
    kk_html, ru_html = kk.alternatives[0][0], ru.alternatives[0][0]
    assert "-нұсқасын жарияладық.\nКүшіне ену күні: 2027 жылғы 1 наурыз\n" in kk.body
    assert "Күшіне ену күні: 2027 жылғы 1 наурыз</p>" in kk_html
    assert "Дата вступления в силу: 1 марта 2027 г.\n" in ru.body
    assert "Дата вступления в силу: 1 марта 2027 г.</p>" in ru_html
    assert_kazakh_dates_clean(kk.subject + kk.body + kk_html)
    assert_no_double_stop(ru.subject + ru.body + ru_html)
