"""The outbox: written with its fact, sent after commit, retried, failed for good, at least once."""

import smtplib
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.db import OperationalError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from outbox import services
from outbox.models import OutgoingMessage, Purpose
from outbox.services import OutboxError, message_queue, messages_deliver, outbox_sweep
from tests.outbox import backends

pytestmark = pytest.mark.django_db
FLAKY = "tests.outbox.backends.FlakyBackend"


@pytest.fixture(autouse=True)
def _no_scripted_failures():
    backends.FAILURES.clear()
    yield
    backends.FAILURES.clear()


def queue(recipient="aigerim@example.kz", key="order:1", **overrides):
    values = {
        "recipient": recipient,
        "language": "ru",
        "purpose": Purpose.ORDER_CONFIRMATION,
        "key": key,
        "subject": "Заказ № 1",
        "text": "Спасибо за заказ.",
        "html": "<p>Спасибо за заказ.</p>",
    }
    values.update(overrides)
    with transaction.atomic():
        return message_queue(**values)


def test_message_exists_only_if_its_fact_commits(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        Group.objects.create(name="the fact")
        queue()
        raise RuntimeError("the fact could not be recorded")
    assert not Group.objects.filter(name="the fact").exists()
    assert not OutgoingMessage.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_queueing_outside_a_transaction_is_refused():
    with pytest.raises(OutboxError):
        message_queue(
            recipient="a@example.kz",
            language="ru",
            purpose=Purpose.REGISTRATION,
            key="customer:1",
            subject="s",
            text="t",
        )
    assert not OutgoingMessage.objects.exists()


def test_sent_only_after_commit_with_its_message_id(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        message = queue()
    assert mail.outbox == []
    assert OutgoingMessage.objects.get().status == OutgoingMessage.Status.PENDING
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["aigerim@example.kz"]
    assert sent.extra_headers["Message-ID"] == message.message_id
    assert sent.alternatives[0][0] == "<p>Спасибо за заказ.</p>"
    message.refresh_from_db()
    assert message.status == OutgoingMessage.Status.SENT
    assert message.sent_at is not None
    assert message.attempts == 1


def test_the_same_message_is_queued_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue(key="order:7")
        second = queue(key="order:7", recipient="AIGERIM@example.kz")
    assert first.pk == second.pk
    assert len(mail.outbox) == 1


def test_message_id_is_stable_per_recipient_purpose_and_key():
    a = services.message_id_for(recipient="a@example.kz", purpose="registration", key="c:1")
    assert a == services.message_id_for(recipient="a@example.kz", purpose="registration", key="c:1")
    others = {
        services.message_id_for(recipient="b@example.kz", purpose="registration", key="c:1"),
        services.message_id_for(recipient="a@example.kz", purpose="change-notice", key="c:1"),
        services.message_id_for(recipient="a@example.kz", purpose="registration", key="c:2"),
    }
    assert a not in others and len(others) == 3
    assert a.startswith("<") and a.endswith("@jetu.kz>")


def test_retry_delays_double_from_a_minute_up_to_four_hours():
    expected = {1: 1, 2: 2, 3: 4, 4: 8, 8: 128, 9: 240, 12: 240}
    for attempts, minutes in expected.items():
        assert services.retry_delay(attempts) == timedelta(minutes=minutes), attempts


def test_which_failures_are_permanent():
    refused = smtplib.SMTPRecipientsRefused({"x@example.kz": (550, b"5.1.1 no such user")})
    greylisted = smtplib.SMTPRecipientsRefused({"x@example.kz": (450, b"4.2.0 try later")})
    assert services.failure_is_permanent(refused)
    assert services.failure_is_permanent(smtplib.SMTPDataError(554, b"rejected as spam"))
    assert not services.failure_is_permanent(greylisted)
    assert not services.failure_is_permanent(smtplib.SMTPDataError(451, b"local error"))
    assert not services.failure_is_permanent(smtplib.SMTPServerDisconnected("gone"))
    assert not services.failure_is_permanent(ConnectionRefusedError())
    assert not services.failure_is_permanent(smtplib.SMTPSenderRefused(553, b"no", "noreply"))
    assert not services.failure_is_permanent(smtplib.SMTPAuthenticationError(535, b"bad"))


@override_settings(EMAIL_BACKEND=FLAKY)
def test_a_temporary_failure_is_retried_with_back_off(django_capture_on_commit_callbacks):
    backends.FAILURES.append(smtplib.SMTPServerDisconnected("Connection unexpectedly closed"))
    with django_capture_on_commit_callbacks(execute=True):
        message = queue()
    message.refresh_from_db()
    assert mail.outbox == []
    assert message.status == OutgoingMessage.Status.PENDING
    assert message.attempts == 1
    assert "Connection unexpectedly closed" in message.last_error
    wait = message.next_attempt_at - timezone.now()
    assert timedelta(seconds=50) < wait <= timedelta(minutes=1)
    # Not due yet: the sweeper leaves it alone.
    assert outbox_sweep() == 0
    with time_machine.travel(timezone.now() + timedelta(minutes=4)):
        assert outbox_sweep() == 1
    message.refresh_from_db()
    assert message.status == OutgoingMessage.Status.SENT
    assert message.attempts == 2
    assert len(mail.outbox) == 1


@override_settings(EMAIL_BACKEND=FLAKY)
def test_a_refused_address_fails_for_good(django_capture_on_commit_callbacks):
    backends.FAILURES.append(
        smtplib.SMTPRecipientsRefused({"nobody@example.kz": (550, b"5.1.1 no such user")})
    )
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(recipient="nobody@example.kz")
    message.refresh_from_db()
    assert message.status == OutgoingMessage.Status.FAILED
    assert "550" in message.last_error and "no such user" in message.last_error
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert outbox_sweep() == 0
    assert mail.outbox == []


@override_settings(EMAIL_BACKEND=FLAKY)
def test_it_gives_up_after_the_last_attempt(django_capture_on_commit_callbacks):
    backends.FAILURES.extend(ConnectionRefusedError("refused") for _ in range(20))
    with django_capture_on_commit_callbacks(execute=True):
        message = queue()
    moment = timezone.now()
    for _ in range(services.MAX_ATTEMPTS - 1):
        moment += services.MAX_DELAY + services.SWEEP_AFTER + timedelta(minutes=1)
        with time_machine.travel(moment):
            outbox_sweep()
    message.refresh_from_db()
    assert message.attempts == services.MAX_ATTEMPTS
    assert message.status == OutgoingMessage.Status.FAILED
    assert "refused" in message.last_error
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_a_crash_after_the_smtp_server_accepted_resends_the_same_message():
    """The database goes away between the SMTP acceptance and the UPDATE that records it.

    Transactional, like a worker: the claim commits on its own, the recording never happens.
    """

    def database_gone_when_recording(execute, sql, params, many, context):
        if sql.startswith('UPDATE "outbox_outgoingmessage"') and '"sent_at"' in sql:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(database_gone_when_recording):
        message = queue()  # commits; the task runs after the commit and fails recording
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.status == OutgoingMessage.Status.PENDING
    assert message.sent_at is None
    # While the lease lasts nobody sends it again...
    with time_machine.travel(timezone.now() + services.LEASE - timedelta(seconds=5)):
        assert outbox_sweep() == 0
    # ...then the sweeper does: the same message, recognisable by its Message-ID.
    with time_machine.travel(timezone.now() + services.LEASE + services.SWEEP_AFTER):
        assert outbox_sweep() == 1
    assert len(mail.outbox) == 2
    first, second = mail.outbox
    assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"]
    assert first.extra_headers["Message-ID"] == message.message_id
    message.refresh_from_db()
    assert message.status == OutgoingMessage.Status.SENT
    assert message.attempts == 2


def test_a_duplicate_task_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = queue()
    report = messages_deliver(message_ids=[message.pk, message.pk])
    assert report.sent == 0 and report.skipped == 2
    assert len(mail.outbox) == 1


def test_the_sweeper_sends_a_message_whose_task_was_lost(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():  # the enqueue after commit never happens
        message = queue()
    assert outbox_sweep() == 0
    with time_machine.travel(timezone.now() + services.SWEEP_AFTER + timedelta(seconds=1)):
        assert outbox_sweep() == 1
    message.refresh_from_db()
    assert message.status == OutgoingMessage.Status.SENT
    assert len(mail.outbox) == 1


def test_an_erased_recipient_leaves_no_address_behind(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(purpose=Purpose.ACCOUNT_CLOSED, key="customer:5", erase_when_sent=True)
    assert mail.outbox[0].to == ["aigerim@example.kz"]
    message.refresh_from_db()
    assert message.status == OutgoingMessage.Status.SENT
    assert (message.recipient, message.subject, message.text_body) == ("", "", "")
