"""Change notices through the outbox: one per customer, for the newest version, worded for them."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import formats, translation
from django_tasks_db.models import DBTaskResult

from legal.models import LegalDocumentPage
from outbox.models import OutgoingMessage
from shop.http import RequestMeta
from shop.models import Acceptance, ChangeNotice
from shop.notices import notices_fan_out
from shop.services import acceptance_record
from tests.helpers import body_data, publish_version, replace_in_clause
from tests.shop.shop_helpers import make_customer

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")


def edited(policy, old="пользователь", new="посетитель"):
    data = body_data(LegalDocumentPage.objects.get(pk=policy.pk))
    replace_in_clause(data, "1.8", old, new)
    return data


@pytest.fixture
def fan_out(django_capture_on_commit_callbacks):
    """Fan the notices out and let every commit happen, as the workers would."""

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return notices_fan_out(**kwargs)

    return run


def mail_to(address):
    found = [message for message in mail.outbox if message.to == [address]]
    assert len(found) == 1, f"{len(found)} e-mails to {address}"
    return found[0]


def test_superseded_versions_are_skipped_and_their_changes_listed(policy, fan_out):
    make_customer(email="early@example.kz")
    publish_version(policy, edited(policy), summary="Пункт 1.8: посетитель.")
    v3 = publish_version(
        policy, edited(policy, "посетитель", "гость"), material=True, summary="Пункт 1.8: гость."
    )
    fan_out()
    notice = mail_to("early@example.kz")
    assert len(mail.outbox) == 1
    assert list(ChangeNotice.objects.values_list("version", flat=True)) == [v3.pk]
    assert notice.subject.endswith("версия 3")
    body = notice.body
    assert "Что изменилось после версии 1, которую вы приняли:" in body
    assert body.index("Пункт 1.8: посетитель.") < body.index("Пункт 1.8: гость.")
    assert "/ru/legal/privacy/compare/1/2/" in body
    assert "/ru/legal/privacy/compare/2/3/" in body
    assert "/ru/legal/privacy/versions/3/" in body
    assert "мы попросим вас принять новый текст" in body


def test_customers_who_accepted_the_newest_version_get_nothing(policy, fan_out):
    make_customer(email="waiting@example.kz")
    keen = make_customer(email="keen@example.kz")
    v2 = publish_version(policy, edited(policy), material=True)
    acceptance_record(
        customer=keen,
        version=v2,
        language="ru",
        meta=RequestMeta(),
        channel=Acceptance.Channel.REACCEPTANCE,
    )
    results = fan_out()
    assert [r.due for r in results] == [1]
    assert [m.to for m in mail.outbox] == [["waiting@example.kz"]]
    assert not ChangeNotice.objects.filter(customer=keen).exists()


@pytest.mark.parametrize(
    ("material", "ru_sentence", "kk_sentence"),
    [
        (
            True,
            "Это существенное изменение: с даты вступления в силу мы попросим вас принять "
            "новый текст",
            "Бұл — елеулі өзгеріс: күшіне енген күннен бастап дүкенді келесі жолы",
        ),
        (
            False,
            "От вас ничего не требуется: изменение несущественное",
            "Сізден ештеңе талап етілмейді: өзгеріс елеулі емес",
        ),
    ],
)
def test_the_wording_says_whether_the_customer_must_act(
    policy, fan_out, material, ru_sentence, kk_sentence
):
    make_customer(email="ru@example.kz", language="ru")
    make_customer(email="kk@example.kz", language="kk")
    publish_version(policy, edited(policy), material=material)
    fan_out()
    ru_mail, kk_mail = mail_to("ru@example.kz"), mail_to("kk@example.kz")
    assert ru_sentence in ru_mail.body and ru_sentence in ru_mail.alternatives[0][0]
    assert kk_sentence in kk_mail.body and kk_sentence in kk_mail.alternatives[0][0]
    other_ru = "От вас ничего не требуется" if material else "Это существенное изменение"
    assert other_ru not in ru_mail.body
    assert kk_mail.extra_headers["Content-Language"] == "kk"
    assert "Сіз қабылдаған 1-нұсқадан кейін не өзгерді:" in kk_mail.body


def test_dates_are_in_the_customer_language_and_never_followed_by_a_full_stop(policy, fan_out):
    make_customer(email="ru@example.kz", language="ru")
    make_customer(email="kk@example.kz", language="kk")
    effective = datetime(2031, 3, 5, 9, 0, tzinfo=ALMATY)
    publish_version(policy, edited(policy), effective_from=effective)
    fan_out()
    ru_body, kk_body = mail_to("ru@example.kz").body, mail_to("kk@example.kz").body
    assert "Дата вступления в силу: 5 марта 2031 г.\n" in ru_body
    assert "(дата вступления в силу: 5 марта 2031 г.)" in ru_body
    with translation.override("kk"):
        kk_date = formats.date_format(effective.astimezone(ALMATY), "DATE_FORMAT")
    assert f"Күшіне ену күні: {kk_date}\n" in kk_body
    for body in (ru_body, kk_body):
        assert ".." not in body


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_two_workers_share_the_batches_and_each_customer_is_told_once(committed_content):
    policy = LegalDocumentPage.objects.get(locale__language_code="ru", slug="privacy")
    customers = [make_customer(email=f"c{i}@example.kz") for i in range(7)]
    publish_version(policy, edited(policy))
    common = ["--batch", "--no-startup-delay", "--no-reload"]
    call_command("db_worker", *common, verbosity=0)  # welcome e-mails, Wagtail's own tasks
    mail.outbox.clear()
    [result] = notices_fan_out(batch_size=3)
    assert (result.due, result.batches) == (7, 3)
    assert mail.outbox == []  # only queued: the workers do the rest
    call_command("db_worker", *common, "--max-tasks", "2", "--worker-id", "one", verbosity=0)
    call_command("db_worker", *common, "--worker-id", "two", verbosity=0)
    prepared_by = {
        worker
        for row in DBTaskResult.objects.filter(task_path="shop.tasks.notices_prepare")
        for worker in row.worker_ids
    }
    assert prepared_by == {"one", "two"}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(c.user.email for c in customers)
    assert set(OutgoingMessage.objects.values_list("status", flat=True)) == {"sent"}
    assert ChangeNotice.objects.count() == 7


def test_the_command_shows_a_progress_bar_until_every_notice_is_sent(policy, monkeypatch):
    from django.db import connection

    from shop.management.commands import send_change_notices

    make_customer(email="one@example.kz")
    make_customer(email="two@example.kz", language="kk")
    publish_version(policy, edited(policy))

    def workers_meanwhile(_seconds):
        # While the command waits, the workers send what the committed batches queued.
        while connection.run_on_commit:
            _savepoints, callback, _robust = connection.run_on_commit.pop(0)
            callback()

    monkeypatch.setattr(send_change_notices.time, "sleep", workers_meanwhile)
    out = StringIO()
    call_command("send_change_notices", "--wait", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines == [
        "version 2: 2 customer(s) due, 1 batch(es) queued",
        "version 2: [--------------------] 0/2 sent, 2 pending, 0 failed",
        "version 2: [####################] 2/2 sent, 0 pending, 0 failed",
        "Queued 2 notice(s).",
    ]
    sent = OutgoingMessage.objects.filter(
        purpose="change-notice", status=OutgoingMessage.Status.SENT
    ).values_list("message_id", flat=True)
    assert sorted(sent) == sorted(m.extra_headers["Message-ID"] for m in mail.outbox[-2:])
