"""Queueing and sending outgoing e-mail.

How a message travels, and what is promised:

1. The caller records its fact and calls ``message_queue`` (or ``messages_queue``) *inside the
   same transaction*: the message exists if and only if the fact does. Outside a transaction
   the call is refused.
2. After the commit a task (``outbox.tasks.outbox_send``, up to ``SEND_BATCH`` messages) takes
   the messages: it *claims* the due ones (one short transaction: attempts + 1 and a lease, so
   no second worker sends them meanwhile), hands each to the SMTP server with no database
   transaction open, and records its ``sent_at`` as soon as the server has accepted it.
3. A temporary failure (connection refused, a 4xx reply) is retried with exponential back-off;
   after ``MAX_ATTEMPTS`` or on a permanent refusal (the server rejects the address or the
   message with a 5xx reply) the message is marked failed with the error, for staff to see.
4. ``outbox_sweep`` (run every minute or so) re-enqueues pending messages whose task never
   ran or whose worker died: a lost enqueue, a killed worker, a lease that ran out.

Delivery is **at least once**. Between the SMTP server's acceptance and the UPDATE that records
it, a crash (the worker killed, the database gone) leaves the message pending; when its lease
runs out the sweeper sends it again. Every message carries a ``Message-ID`` that depends only
on (recipient, purpose, key), so such a duplicate is the same message twice, recognisable by
the recipient's mail system and by us; a message is never lost once its fact is committed.
"""

from __future__ import annotations

import hashlib
import logging
import smtplib
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.email_address import normalise_email

from .models import JobRun, OutgoingMessage

logger = logging.getLogger("jetu.outbox")

# How long a claimed message is left to its worker before the sweeper may send it again. It
# must be longer than any one SMTP exchange can take (see SMTP_TIMEOUT), or two workers could
# send the same message at once.
LEASE = timedelta(minutes=10)
SMTP_TIMEOUT = 60  # seconds
# How late a pending message must be before the sweeper (re)enqueues it: its own task normally
# takes it well before.
SWEEP_AFTER = timedelta(minutes=2)
SWEEP_LIMIT = 2000
SWEEP_EVERY = timedelta(minutes=1)  # how often the scheduler runs outbox_sweep
# Temporary failures are retried after 1, 2, 4 … minutes, at most 4 hours apart: about a day.
MAX_ATTEMPTS = 12
MAX_DELAY = timedelta(hours=4)
# Messages sent to a worker in one task (one SMTP connection).
SEND_BATCH = 50
# Transactional mail (a registration, an order) goes before a fan-out of change notices.
PRIORITY_TRANSACTIONAL = 50


def _configured(name: str, default: timedelta) -> timedelta:
    """``settings.OUTBOX_<name>`` if set (the benchmark shortens the lease), else ``default``."""
    return getattr(settings, f"OUTBOX_{name}", default)


class OutboxError(Exception):
    """A message cannot be queued (a programming error, not a delivery failure)."""


@dataclass(frozen=True)
class Email:
    """A rendered message to queue: who gets it, why, and its subject and bodies."""

    recipient: str
    language: str
    purpose: str
    key: str
    subject: str
    text: str
    html: str = ""
    erase_when_sent: bool = False


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@dataclass
class Delivery:
    """What one ``messages_deliver`` call did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0


def email_render(*, template: str, context: dict, language: str) -> Rendered:
    """Render ``<template>_subject.txt``, ``.txt`` and ``.html`` in ``language``.

    The subject is one line (whitespace collapsed), as the mail header requires.
    """
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context)
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    return Rendered(subject=" ".join(subject.split()), text=text, html=html)


def message_id_for(*, recipient: str, purpose: str, key: str) -> str:
    """The ``Message-ID`` of the message (recipient, purpose, key): the same on every attempt."""
    digest = hashlib.sha256(f"{recipient}\n{purpose}\n{key}".encode()).hexdigest()[:40]
    return f"<{digest}.{purpose}@{_message_id_domain()}>"


def _message_id_domain() -> str:
    configured = getattr(settings, "OUTBOX_MESSAGE_ID_DOMAIN", "")
    if configured:
        return configured
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "localhost"


def message_queue(
    *,
    recipient: str,
    language: str,
    purpose: str,
    key: str,
    template: str | None = None,
    context: dict | None = None,
    subject: str | None = None,
    text: str | None = None,
    html: str = "",
    erase_when_sent: bool = False,
) -> OutgoingMessage:
    """Queue one e-mail in the current transaction; it is sent after the transaction commits.

    Give either ``template`` (+ ``context``, rendered in ``language`` by ``email_render``) or
    the rendered ``subject`` and ``text`` (and ``html``).

    Args:
        recipient: the address, as it is now (the message keeps it).
        purpose: one of ``outbox.models.Purpose``.
        key: what the message is about, unique per recipient and purpose (e.g.
            ``"order:42"``); queueing the same (recipient, purpose, key) again returns the
            message already queued.
        erase_when_sent: blank the address and the text once the server has accepted it (for
            a message to someone whose personal data are being erased).

    Raises:
        OutboxError: called outside a transaction, or neither a template nor a text given.
    """
    if template is not None:
        rendered = email_render(template=template, context=context or {}, language=language)
        subject, text, html = rendered.subject, rendered.text, rendered.html
    if subject is None or text is None:
        raise OutboxError("Give a template, or a subject and a text.")
    email = Email(
        recipient=recipient,
        language=language,
        purpose=purpose,
        key=key,
        subject=subject,
        text=text,
        html=html,
        erase_when_sent=erase_when_sent,
    )
    return messages_queue([email], priority=PRIORITY_TRANSACTIONAL)[0]


def messages_queue(emails: Iterable[Email], *, priority: int = 0) -> list[OutgoingMessage]:
    """Queue many e-mails in the current transaction; one send task per ``SEND_BATCH`` after commit.

    Raises:
        OutboxError: called outside a transaction (the message must live and die with its fact).
    """
    if not transaction.get_connection().in_atomic_block:
        raise OutboxError(
            "Queue e-mail inside the transaction that records its fact (transaction.atomic)."
        )
    now = timezone.now()
    messages = []
    for email in emails:
        recipient = normalise_email(email.recipient)
        message = OutgoingMessage(
            recipient=recipient,
            language=email.language,
            purpose=email.purpose,
            key=email.key,
            message_id=message_id_for(recipient=recipient, purpose=email.purpose, key=email.key),
            subject=email.subject[:255],
            text_body=email.text,
            html_body=email.html,
            next_attempt_at=now,
            erase_when_sent=email.erase_when_sent,
        )
        message.full_clean(exclude=["message_id"], validate_constraints=False)
        messages.append(message)
    if not messages:
        return []
    try:
        # One INSERT for the lot (a fan-out queues hundreds at once); only when a message was
        # queued before does each go on its own, to find the one already there.
        with transaction.atomic():
            OutgoingMessage.objects.bulk_create(messages)
    except IntegrityError:
        messages = [_save_or_existing(message) for message in messages]
    pending = [m.pk for m in messages if m.status == OutgoingMessage.Status.PENDING]
    if pending:
        transaction.on_commit(lambda: _enqueue(pending, priority=priority), robust=True)
    return messages


def _save_or_existing(message: OutgoingMessage) -> OutgoingMessage:
    message.pk = None
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        return OutgoingMessage.objects.get(message_id=message.message_id)
    return message


def _enqueue(message_ids: list[int], *, priority: int = 0, run_after=None) -> None:
    """Hand the messages to the task backend in batches of ``SEND_BATCH``."""
    from .tasks import outbox_send

    backend = outbox_send.get_backend()
    # Priority and deferral are hints: a backend without them still sends, in queue order.
    task = outbox_send.using(
        priority=priority if backend.supports_priority else None,
        run_after=run_after if backend.supports_defer else None,
    )
    for start in range(0, len(message_ids), SEND_BATCH):
        task.enqueue(message_ids[start : start + SEND_BATCH])


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: 1, 2, 4 … minutes, capped."""
    return min(timedelta(minutes=2 ** (attempts - 1)), MAX_DELAY)


def failure_is_permanent(error: BaseException) -> bool:
    """Whether retrying cannot help: the server refused the address or the message for good (5xx).

    A refused sender or failed authentication is our own configuration and is retried: fixing
    it must not require re-sending by hand.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return bool(error.recipients) and all(
            code >= 500 for code, _reply in error.recipients.values()
        )
    if isinstance(error, smtplib.SMTPDataError):
        return error.smtp_code >= 500
    return False


def messages_deliver(*, message_ids: Iterable[int]) -> Delivery:
    """Send the given messages that are due, over one connection; see the module docstring.

    Messages already sent, failed, leased to another worker or waiting for their retry time
    are skipped, so a duplicate task is harmless.

    Raises:
        DatabaseError: recording a sent message failed. The message stays pending under its
            lease and is sent again (same ``Message-ID``) when the lease runs out.
    """
    report = Delivery()
    wanted = list(message_ids)
    claimed = _claim(wanted)
    # A message claimed by another worker, not due, or named twice is skipped.
    report.skipped = len(wanted) - len(claimed)
    connection = None
    try:
        for message in claimed:
            if connection is None:
                # Opened here so that every message of the task goes over one connection.
                connection = get_connection(timeout=SMTP_TIMEOUT)
                connection.open()
            try:
                connection.send_messages([_email_message(message, connection)])
            except Exception as error:  # every failure is recorded; none escapes unrecorded
                outcome = _record_failure(message, error)
                setattr(report, outcome, getattr(report, outcome) + 1)
                connection.close()
                connection = None
                continue
            # One UPDATE per message, straight after the server's acceptance: a crash leaves
            # at most the message in hand unrecorded (sent again, with the same Message-ID).
            _record_sent(message)
            report.sent += 1
    finally:
        if connection is not None:
            connection.close()
    return report


def _claim(pks: list[int]) -> list[OutgoingMessage]:
    """Lease the due pending messages among ``pks`` to this worker, in one transaction.

    Rows another worker is claiming at this moment are skipped (``SKIP LOCKED``), and once
    claimed a message is not due again until its lease runs out, so no two workers hold the
    same message. Claimed messages this worker does not get to send (it dies) are sent when
    their lease runs out — not a duplicate, since they never left.
    """
    now = timezone.now()
    lease_until = now + _configured("LEASE", LEASE)
    with transaction.atomic():
        due = list(
            OutgoingMessage.objects.select_for_update(skip_locked=True).filter(
                pk__in=set(pks), status=OutgoingMessage.Status.PENDING, next_attempt_at__lte=now
            )
        )
        if due:
            OutgoingMessage.objects.filter(pk__in=[m.pk for m in due]).update(
                attempts=F("attempts") + 1, next_attempt_at=lease_until
            )
    for message in due:
        message.attempts += 1
        message.next_attempt_at = lease_until
    order = {pk: position for position, pk in reversed(list(enumerate(pks)))}
    return sorted(due, key=lambda message: order[message.pk])


def _email_message(message: OutgoingMessage, connection) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        message.subject,
        message.text_body,
        to=[message.recipient],
        connection=connection,
        headers={
            "Message-ID": message.message_id,
            "Content-Language": message.language,
            "Auto-Submitted": "auto-generated",
        },
    )
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    return email


def _record_sent(message: OutgoingMessage) -> None:
    values = {
        "status": OutgoingMessage.Status.SENT,
        "sent_at": timezone.now(),
        "next_attempt_at": None,
        "last_error": "",
    }
    if message.erase_when_sent:
        values.update(recipient="", subject="", text_body="", html_body="")
    OutgoingMessage.objects.filter(pk=message.pk).update(**values)


def _record_failure(message: OutgoingMessage, error: BaseException) -> str:
    description = f"{type(error).__name__}: {error}"[:2000]
    if failure_is_permanent(error) or message.attempts >= MAX_ATTEMPTS:
        OutgoingMessage.objects.filter(pk=message.pk).update(
            status=OutgoingMessage.Status.FAILED, next_attempt_at=None, last_error=description
        )
        logger.warning("E-mail %s failed for good: %s", message.pk, description)
        return "failed"
    retry_at = timezone.now() + retry_delay(message.attempts)
    OutgoingMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=retry_at, last_error=description
    )
    logger.info("E-mail %s will be retried at %s: %s", message.pk, retry_at, description)
    from .tasks import outbox_send

    # A backend that cannot defer (the immediate one) leaves the retry to the sweeper.
    if outbox_send.get_backend().supports_defer:
        _enqueue([message.pk], run_after=retry_at)
    return "retrying"


def outbox_sweep(*, limit: int = SWEEP_LIMIT) -> int:
    """Re-enqueue pending messages that are overdue (lost task, dead worker); returns how many."""
    overdue = list(
        OutgoingMessage.objects.filter(
            status=OutgoingMessage.Status.PENDING,
            next_attempt_at__lte=timezone.now() - _configured("SWEEP_AFTER", SWEEP_AFTER),
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    if overdue:
        _enqueue(overdue)
    return len(overdue)


@dataclass(frozen=True)
class PeriodicJob:
    """A job the scheduler (cron, a systemd timer) must run every ``every``."""

    name: str  # the management command, and its name on the dashboard
    every: timedelta
    description: str  # what it does, for staff (lazily translated)


_PERIODIC_JOBS: dict[str, PeriodicJob] = {}


def periodic_job_register(*, name: str, every: timedelta, description) -> None:
    """Declare a periodic job, so the dashboard warns when it never ran or is overdue.

    Called from the owning app's ``AppConfig.ready``; the job itself records its runs with
    ``job_run``.
    """
    _PERIODIC_JOBS[name] = PeriodicJob(name=name, every=every, description=description)


def periodic_jobs() -> list[PeriodicJob]:
    return sorted(_PERIODIC_JOBS.values(), key=lambda job: job.name)


@contextmanager
def job_run(name: str, *, every: timedelta):
    """Record when the periodic job ``name`` started and finished (the dashboard shows it).

    Args:
        every: how often the scheduler runs it; the dashboard warns when a run is overdue.

    Yields a dict; whatever the job puts under ``"outcome"`` is recorded as its outcome. A run
    that raises keeps no finish time, which the dashboard shows.
    """
    started = timezone.now()
    JobRun.objects.update_or_create(
        name=name,
        defaults={"every": every, "started_at": started, "finished_at": None, "outcome": ""},
    )
    result: dict = {}
    yield result
    JobRun.objects.filter(name=name).update(
        finished_at=timezone.now(), outcome=str(result.get("outcome", ""))[:255]
    )
