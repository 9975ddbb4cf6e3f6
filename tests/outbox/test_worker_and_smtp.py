"""The outbox on the real engine: the database task backend, db_worker, and an SMTP server."""

import socket

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from outbox.models import OutgoingMessage, Purpose
from outbox.services import message_queue

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def queue(recipient, key):
    with transaction.atomic():
        return message_queue(
            recipient=recipient,
            language="kk",
            purpose=Purpose.REGISTRATION,
            key=key,
            subject="Тіркелу",
            text="Сіз тіркелдіңіз.",
            html="<p>Сіз тіркелдіңіз.</p>",
        )


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_a_db_worker_sends_what_the_commit_enqueued():
    message = queue("dana@example.kz", "customer:1")
    # Committed: the task is a row waiting for a worker, nothing is sent yet.
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert mail.outbox == []
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert [m.to for m in mail.outbox] == [["dana@example.kz"]]
    message.refresh_from_db()
    assert message.status == OutgoingMessage.Status.SENT
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


class Sink:
    """An SMTP server that refuses one address with 550, as a real one does."""

    def __init__(self):
        self.received = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nobody@"):
            return "550 5.1.1 <nobody@example.kz>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope.content.decode())
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_sink():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_USE_TLS=False,
    ):
        yield sink
    controller.stop()


@pytest.mark.django_db(transaction=True)
def test_over_smtp_accepted_mail_is_sent_and_a_refused_address_fails_for_good(smtp_sink):
    accepted = queue("dana@example.kz", "customer:1")
    refused = queue("nobody@example.kz", "customer:2")
    accepted.refresh_from_db()
    refused.refresh_from_db()
    assert accepted.status == OutgoingMessage.Status.SENT
    assert len(smtp_sink.received) == 1
    assert f"Message-ID: {accepted.message_id}" in smtp_sink.received[0]
    assert "Content-Language: kk" in smtp_sink.received[0]
    assert refused.status == OutgoingMessage.Status.FAILED
    assert "550" in refused.last_error and "mailbox unavailable" in refused.last_error


@pytest.mark.django_db
def test_shop_managers_and_legal_see_failures_editors_do_not(client):
    OutgoingMessage.objects.create(
        recipient="nobody@example.kz",
        language="ru",
        purpose=Purpose.ORDER_CONFIRMATION,
        key="order:9",
        message_id="<x@jetu.kz>",
        subject="Заказ № 9",
        text_body="…",
        status=OutgoingMessage.Status.FAILED,
        attempts=1,
        last_error="SMTPRecipientsRefused: 550 mailbox unavailable",
    )
    User = get_user_model()
    for group, allowed in (("Shop managers", True), ("Legal", True), ("Editors", False)):
        user = User.objects.create_user(email=f"{group[:4]}@jetu.kz", password="x", is_staff=True)
        user.groups.set([Group.objects.get(name=group)])
        client.force_login(user)
        response = client.get("/admin/outbox/", {"status": "failed"})
        assert (response.status_code == 200) == allowed, group
        if allowed:
            content = response.content.decode()
            assert "550 mailbox unavailable" in content
            assert "Исходящие письма" in content  # the admin speaks Russian
            assert "подтверждение заказа" in content
            assert "не отправлено" in content
            message = OutgoingMessage.objects.get()
            inspect = client.get(f"/admin/outbox/inspect/{message.pk}/")
            assert inspect.status_code == 200
            assert client.get(f"/admin/outbox/edit/{message.pk}/").status_code == 404


@pytest.mark.django_db
def test_staff_never_read_a_message_that_carries_a_secret(client):
    secret = OutgoingMessage.objects.create(
        recipient="dana@example.kz",
        language="ru",
        purpose=Purpose.PASSWORD_RESET,
        key="user:1:reset:1",
        message_id="<reset@jetu.kz>",
        subject="Сброс пароля",
        text_body="https://www.jetu.kz/ru/shop/reset/secret-token/",
        erase_when_sent=True,
    )
    notice = OutgoingMessage.objects.create(
        recipient="dana@example.kz",
        language="ru",
        purpose=Purpose.CHANGE_NOTICE,
        key="customer:1:version:2",
        message_id="<notice@jetu.kz>",
        subject="Политика: версия 2",
        text_body="Мы опубликовали версию 2.",
    )
    client.force_login(get_user_model().objects.create_superuser(email="s@jetu.kz", password="x"))
    hidden = client.get(f"/admin/outbox/inspect/{secret.pk}/").content.decode()
    assert "Сброс пароля" in hidden and "secret-token" not in hidden
    shown = client.get(f"/admin/outbox/inspect/{notice.pk}/").content.decode()
    assert "Мы опубликовали версию 2." in shown
