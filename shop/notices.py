"""Change notices: each customer hears once about the newest version they have not accepted.

``notices_fan_out`` (``manage.py send_change_notices``, every few minutes, or the task of the
same name) takes, per document, the newest *announceable* version — a number above 1 with a
text in every required language. Older versions nobody has been told about yet are skipped:
the notice of the newest one lists their changes too. It enqueues one ``notices_prepare``
task per range of customer ids, so any number of workers share the work. Each such task, in
one transaction, records a ``ChangeNotice`` and queues its e-mail in the outbox for every
customer of its range who is active, has not accepted that version and has not been told
about it; the outbox sends the e-mails after the commit, at least once (``outbox.services``).
A rerun or a duplicate task finds nobody left in its range and does nothing.

What a customer reads depends on them: the changes since the version they last accepted
(every summary, each with a link to its redline), and whether they must act (a material change
among them, or no acceptance at all) or need do nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from legal.models import DocumentVersion, LegalDocumentPage, VersionText
from outbox.models import OutgoingMessage, Purpose
from outbox.services import Email, email_render, job_run, messages_queue

from .models import Acceptance, ChangeNotice, Customer

logger = logging.getLogger("jetu.shop")

BATCH_SIZE = 500
FAN_OUT_EVERY = timedelta(minutes=5)  # how often the scheduler runs send_change_notices
TEMPLATE = "legal/email/change_notice"
# Class of the PostgreSQL advisory lock (with the batch's first id) that makes two tasks for
# the same batch take turns; the second then finds nobody left to notify.
NOTICE_LOCK_CLASS = 0x6A6E02
# Workers send what is prepared (priority 0, transactional mail 50) before preparing more, so
# a fan-out to many customers flows out steadily instead of filling the outbox first.
PRIORITY_PREPARE = -10


@dataclass(frozen=True)
class NoticeProgress:
    """How far the notices of one version have got."""

    version: DocumentVersion
    sent: int
    pending: int
    failed: int
    due: int  # customers still to be told (no notice recorded yet)

    @property
    def total(self) -> int:
        return self.sent + self.pending + self.failed + self.due

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.sent / self.total)


@dataclass(frozen=True)
class FanOut:
    """What one fan-out did for one version: customers due and batch tasks enqueued."""

    version: DocumentVersion
    due: int
    batches: int


def announceable_versions():
    """Versions after the first that have every required text (announced or not yet)."""
    return DocumentVersion.objects.complete().filter(number__gt=1).select_related("document")


def newest_announceable(document_pk: int) -> DocumentVersion | None:
    return announceable_versions().filter(document_id=document_pk).order_by("-number").first()


def recipients(version: DocumentVersion):
    """Customers who must hear about ``version``: active, not accepted it, not told yet."""
    return (
        Customer.objects.active()
        .exclude(pk__in=ChangeNotice.objects.filter(version=version).values("customer_id"))
        .exclude(pk__in=version.acceptances.values("customer_id"))
    )


def notice_progress(version: DocumentVersion) -> NoticeProgress:
    """Sent / pending / failed notices of ``version`` (by their e-mail's status), and who is due."""
    counts = dict.fromkeys(OutgoingMessage.Status.values, 0)
    rows = (
        ChangeNotice.objects.filter(version=version)
        .values("message__status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        # Notices from before the outbox have no message: they were sent with their record.
        counts[row["message__status"] or OutgoingMessage.Status.SENT] += row["n"]
    return NoticeProgress(
        version=version,
        sent=counts[OutgoingMessage.Status.SENT],
        pending=counts[OutgoingMessage.Status.PENDING],
        failed=counts[OutgoingMessage.Status.FAILED],
        due=recipients(version).count(),
    )


def notices_fan_out(
    *, batch_size: int = BATCH_SIZE, on_queued: Callable[[FanOut], None] | None = None
) -> list[FanOut]:
    """Enqueue the preparation of every due notice, one task per ``batch_size`` customer ids."""
    from .tasks import notices_prepare

    results = []
    with job_run("send_change_notices", every=FAN_OUT_EVERY) as run:
        documents = DocumentVersion.objects.values_list("document_id", flat=True).distinct()
        for document_pk in sorted(set(documents)):
            version = newest_announceable(document_pk)
            if version is None:
                continue
            due = recipients(version)
            bounds = due.aggregate(count=Count("pk"), low=Min("pk"), high=Max("pk"))
            batches = 0
            if bounds["count"]:
                prepare = notices_prepare.using(
                    priority=PRIORITY_PREPARE
                    if notices_prepare.get_backend().supports_priority
                    else None
                )
                for first in range(bounds["low"], bounds["high"] + 1, batch_size):
                    prepare.enqueue(version.pk, first, first + batch_size - 1)
                    batches += 1
            result = FanOut(version=version, due=bounds["count"], batches=batches)
            results.append(result)
            if on_queued:
                on_queued(result)
        run["outcome"] = ", ".join(f"v{r.version.number}: {r.due}" for r in results)
    return results


@dataclass(frozen=True)
class _Sources:
    """What every notice of one version needs, read once per batch."""

    version: DocumentVersion
    texts: dict[int, dict[str, VersionText]]  # version number -> language -> text
    versions: list[DocumentVersion]
    pages: dict[str, LegalDocumentPage]


def _sources(version: DocumentVersion) -> _Sources:
    versions = list(
        DocumentVersion.objects.filter(
            document_id=version.document_id, number__lte=version.number
        ).order_by("number")
    )
    texts: dict[int, dict[str, VersionText]] = {}
    for text in VersionText.objects.filter(version__in=versions).select_related(
        "locale", "version"
    ):
        texts.setdefault(text.version.number, {})[text.locale.language_code] = text
    pages = {
        page.locale.language_code: page
        for page in LegalDocumentPage.objects.filter(
            translation_key=version.document.translation_key
        ).select_related("locale")
    }
    return _Sources(version=version, texts=texts, versions=versions, pages=pages)


@transaction.atomic
def notices_prepare_batch(*, version_pk: int, first_pk: int, last_pk: int) -> int:
    """Record and queue the notices of ``version`` for the due customers with ids in a range.

    One transaction: every notice of the batch is recorded with its queued e-mail, or none
    is. Returns how many were recorded (0 when another task got there first).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [NOTICE_LOCK_CLASS, first_pk])
    version = DocumentVersion.objects.select_related("document").get(pk=version_pk)
    customers = list(
        recipients(version)
        .filter(pk__range=(first_pk, last_pk))
        .select_related("user")
        .order_by("pk")
    )
    if not customers:
        return 0
    sources = _sources(version)
    last_accepted = dict(
        Acceptance.objects.filter(customer__in=customers, version__document_id=version.document_id)
        .values("customer_id")
        .annotate(number=Max("version__number"))
        .values_list("customer_id", "number")
    )
    emails, languages = [], []
    for customer in customers:
        language = _language(customer, sources)
        languages.append(language)
        rendered = notice_email(
            customer=customer,
            sources=sources,
            language=language,
            last_accepted=last_accepted.get(customer.pk),
        )
        emails.append(
            Email(
                recipient=customer.user.email,
                language=language,
                purpose=Purpose.CHANGE_NOTICE,
                key=f"customer:{customer.pk}:version:{version.pk}",
                subject=rendered.subject,
                text=rendered.text,
                html=rendered.html,
            )
        )
    messages = messages_queue(emails)
    now = timezone.now()
    ChangeNotice.objects.bulk_create(
        ChangeNotice(
            version=version, customer=customer, language=language, created_at=now, message=message
        )
        for customer, language, message in zip(customers, languages, messages, strict=True)
    )
    return len(customers)


def _language(customer, sources: _Sources) -> str:
    available = sources.texts[sources.version.number]
    if customer.preferred_language in available:
        return customer.preferred_language
    return settings.LANGUAGE_CODE


def notice_email(*, customer, sources: _Sources, language: str, last_accepted: int | None):
    """The rendered notice of ``sources.version`` for ``customer`` in ``language``.

    Lists every version after ``last_accepted`` (the newest version the customer accepted,
    None if none) up to the announced one that has a text in ``language``, each with its
    summary and a link to its redline against the version listed before it.
    """
    version = sources.version
    page = sources.pages[language]
    base = settings.SITE_URL.rstrip("/") + page.url
    # Version 1 is where the document began, not a change to it.
    since = last_accepted or 1
    changes = []
    previous = since
    for item in sources.versions:
        text = sources.texts.get(item.number, {}).get(language)
        if item.number <= since or text is None:
            continue
        changes.append(
            {
                "number": item.number,
                "effective_from": item.effective_from,
                "summary": text.change_summary,
                "compare_url": base + page.reverse_subpage("compare", args=[previous, item.number]),
                "compared_with": previous,
            }
        )
        previous = item.number
    text = sources.texts[version.number][language]
    announced = [v for v in sources.versions if v.number > since]
    context = {
        "customer": customer,
        "title": text.title,
        "version": version,
        "last_accepted": last_accepted,
        "must_act": last_accepted is None or any(v.material for v in announced),
        "changes": changes,
        "text_url": base + page.reverse_subpage("version", args=[version.number]),
        # Beside each change's own redline, one from the accepted version to the announced one.
        "overall_compare_url": (
            base + page.reverse_subpage("compare", args=[last_accepted, version.number])
            if last_accepted and last_accepted < version.number
            else None
        ),
        "policy_url": base,
    }
    return email_render(template=TEMPLATE, context=context, language=language)
