"""The consent log where people look: the latest signed tree head on the public archive of the
policy (in Russian and Kazakh), and the dashboard's warning when records wait too long for one."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group

from consent_log.services import MAX_SEAL_DELAY, log_seal
from shop.models import User
from tests.consent_log.conftest import customers

ALMATY = ZoneInfo("Asia/Almaty")
SIGNED = datetime(2027, 3, 1, 9, 30, 15, tzinfo=ALMATY)


def archive(client, language: str):
    response = client.get(f"/{language}/legal/privacy/versions/")
    assert response.status_code == 200
    return response


def head_section(response) -> str:
    html = response.content.decode()
    return html.split('aria-labelledby="log-head-title"')[1].split("</section>")[0]


@pytest.mark.parametrize(
    ("language", "label", "size_text", "signed_text"),
    [
        ("ru", "Последнее подписанное состояние журнала", "записей", "1 марта 2027 г., 09:30"),
        ("kk", "Журналдың қол қойылған соңғы күйі", "жазба", "2027 жылғы 1 наурыз, 09:30"),
    ],
)
def test_the_archive_shows_the_latest_signed_head_in_its_language(
    client, db, language, label, size_text, signed_text
):
    customers(3)
    with time_machine.travel(SIGNED, tick=False):
        head = log_seal().head
    section = head_section(archive(client, language))
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))
    assert label in text
    assert f"{head.size} {size_text}" in text
    assert bytes(head.root_hash).hex() in text
    assert signed_text in text
    assert '<time datetime="2027-03-01T09:30:15+0500">' in section
    assert f'href="/consent-log/heads/{head.size}/"' in section
    assert 'href="/consent-log/"' in section
    # The page links the JSON that the standalone verifier reads.
    published = client.get(f"/consent-log/heads/{head.size}/").json()
    assert published["root_hash"] == bytes(head.root_hash).hex()


def test_the_archive_says_when_nothing_is_signed_yet(client, db):
    section = head_section(archive(client, "ru"))
    assert "Состояние журнала ещё ни разу не подписано." in section
    assert "/consent-log/heads/" not in section


def test_a_cached_archive_shows_a_new_head_within_seconds(client, db):
    customers(1)
    first = log_seal().head
    response = archive(client, "ru")
    assert int(response["X-Accel-Expires"]) <= 5
    assert bytes(first.root_hash).hex() in head_section(response)
    customers(2, start=10)
    second = log_seal().head
    assert second.size > first.size
    with time_machine.travel(timedelta(seconds=6)):
        later = head_section(archive(client, "ru"))
    assert bytes(second.root_hash).hex() in later
    assert bytes(first.root_hash).hex() not in later


def staff(email: str, group: str) -> User:
    user = User.objects.create_user(email=email, password="x", is_staff=True)
    user.groups.set([Group.objects.get(name=group)])
    return user


def delay_warning(client) -> str | None:
    html = client.get("/admin/").content.decode()
    if 'aria-labelledby="consent-log-delay-heading"' not in html:
        return None
    part = html.split('aria-labelledby="consent-log-delay-heading"')[1].split("</section>")[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", part))


def test_the_dashboard_warns_legal_when_records_wait_longer_than_the_maximum_delay(client, db):
    log_seal()  # the policy's texts
    lawyer = staff("lawyer@jetu.kz", "Legal")
    client.force_login(lawyer)
    customers(2)
    assert delay_warning(client) is None, "two fresh records are within the delay"
    with time_machine.travel(MAX_SEAL_DELAY + timedelta(seconds=1)):
        warning = delay_warning(client)
        assert warning is not None
        assert "2 записи ждут подписанного состояния журнала дольше" in warning
        assert "60 секунд" in warning
        assert "manage.py consent_log_seal" in warning
        customers(1, start=10)  # a fresh one: counted in all, not as overdue
        warning = delay_warning(client)
        assert "2 записи ждут" in warning and "всего ещё не в журнале: 3" in warning
        log_seal()
        assert delay_warning(client) is None


def test_the_warning_is_only_for_those_who_read_the_ledger(client, db):
    customers(1)
    with time_machine.travel(MAX_SEAL_DELAY + timedelta(seconds=1)):
        client.force_login(staff("editor@jetu.kz", "Editors"))
        assert delay_warning(client) is None
        client.force_login(staff("lawyer@jetu.kz", "Legal"))
        # The policy's texts and the acceptance were never sealed.
        assert delay_warning(client) is not None
