"""Change notices: every customer hears about a new version, in their language, exactly once.

Sending is done by ``manage.py send_change_notices``, run by the scheduler (cron or a systemd
timer, every few minutes — see README). A version is announced once it has a text in every
required language, to customers who registered before it was published (later ones accepted
it at registration). Each e-mail is sent inside the transaction that records it, so a rerun
or a crash mid-batch never sends twice and never skips anyone; two runners at once queue on
the unique (version, customer) constraint.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import ChangeNotice, DocumentVersion, LegalDocumentPage, VersionText

logger = logging.getLogger("jetu.legal")


@dataclass(frozen=True)
class NoticeProgress:
    """How far the notices of one version have got."""

    version: DocumentVersion
    sent: int
    total: int

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.sent / self.total)


def announceable_versions():
    """Versions after the first that have every required text (announced or not yet)."""
    return DocumentVersion.objects.complete().filter(number__gt=1).select_related("document")


def recipients(version: DocumentVersion):
    """Customers who must hear about ``version``: active accounts older than the version."""
    from shop.models import Customer

    return Customer.objects.filter(
        anonymised_at__isnull=True,
        user__is_active=True,
        created_at__lt=version.published_at,
    )


def notice_progress(version: DocumentVersion) -> NoticeProgress:
    return NoticeProgress(
        version=version,
        sent=ChangeNotice.objects.filter(version=version).count(),
        total=ChangeNotice.objects.filter(version=version).count()
        + recipients(version).exclude(change_notices__version=version).count(),
    )


def pending(version: DocumentVersion, batch_size: int) -> Iterator[list]:
    """Batches of customers not yet told about ``version`` (re-queried, so restart-safe)."""
    last_pk = 0
    while True:
        batch = list(
            recipients(version)
            .exclude(change_notices__version=version)
            .filter(pk__gt=last_pk)
            .select_related("user")
            .order_by("pk")[:batch_size]
        )
        if not batch:
            return
        last_pk = batch[-1].pk
        yield batch


def notices_send(
    *,
    batch_size: int = 200,
    on_progress: Callable[[NoticeProgress], None] | None = None,
) -> int:
    """Send every missing change notice; returns how many were sent in this run."""
    sent = 0
    for version in announceable_versions().order_by("pk"):
        texts = {t.locale.language_code: t for t in version.texts.select_related("locale")}
        pages = {
            p.locale.language_code: p
            for p in LegalDocumentPage.objects.filter(
                translation_key=version.document.translation_key
            ).select_related("locale")
        }
        for batch in pending(version, batch_size):
            for customer in batch:
                if notice_send_one(version=version, customer=customer, texts=texts, pages=pages):
                    sent += 1
            if on_progress:
                on_progress(notice_progress(version))
    return sent


def notice_send_one(*, version, customer, texts, pages) -> bool:
    """Send one notice and record it atomically; False if it was already recorded."""
    language = customer.preferred_language if customer.preferred_language in texts else "ru"
    try:
        with transaction.atomic():
            ChangeNotice.objects.create(
                version=version, customer=customer, language=language, sent_at=timezone.now()
            )
            notice_message(
                version=version, customer=customer, text=texts[language], page=pages[language]
            ).send()
    except IntegrityError:
        return False  # another runner recorded (and sent) it first
    return True


def notice_message(*, version, customer, text: VersionText, page) -> EmailMultiAlternatives:
    """The e-mail announcing ``version`` to ``customer``, in the text's language."""
    base = settings.SITE_URL.rstrip("/")
    language = text.locale.language_code
    with translation.override(language):
        page_url = base + page.url
        context = {
            "customer": customer,
            "version": version,
            "text": text,
            "summary": text.change_summary,
            "text_url": page_url + page.reverse_subpage("version", args=[version.number]),
            "compare_url": page_url
            + page.reverse_subpage("compare", args=[version.number - 1, version.number]),
            "policy_url": page_url,
        }
        subject = render_to_string("legal/email/change_notice_subject.txt", context).strip()
        body = render_to_string("legal/email/change_notice.txt", context)
        html = render_to_string("legal/email/change_notice.html", context)
    message = EmailMultiAlternatives(subject, body, to=[customer.user.email])
    message.attach_alternative(html, "text/html")
    return message
