"""E-mails to customers, in the customer's language, as text and HTML, through the outbox.

Every function here is called inside the service transaction that records its fact
(``shop.services``), so the e-mail is queued if and only if the fact is committed, and is sent
by a worker after the commit: the customer's request never waits for a mail server.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from legal.selectors import policy_page_for_language
from outbox.models import OutgoingMessage, Purpose
from outbox.services import message_queue

from .models import Acceptance, Customer, Order


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def customer_mail_queue(
    *,
    customer: Customer,
    purpose: str,
    key: str,
    template: str,
    context: dict | None = None,
    recipient: str | None = None,
    erase_when_sent: bool = False,
) -> OutgoingMessage:
    """Queue ``template`` for ``customer`` in their preferred language.

    The template gets ``customer``, ``account_url`` and ``shop_url`` besides ``context``.

    Args:
        recipient: the address to write to; the customer's current one by default.
        erase_when_sent: see ``outbox.services.message_queue``.
    """
    language = customer.preferred_language
    with translation.override(language):
        base = {
            "customer": customer,
            "account_url": absolute(reverse("shop:account")),
            "shop_url": absolute(reverse("shop:catalogue")),
        }
    return message_queue(
        recipient=recipient or customer.user.email,
        language=language,
        purpose=purpose,
        key=key,
        template=template,
        context={**base, **(context or {})},
        erase_when_sent=erase_when_sent,
    )


def registration_mail(*, customer: Customer, acceptance: Acceptance) -> OutgoingMessage:
    """Welcome, with the policy version accepted at registration and a link to its exact text."""
    page = policy_page_for_language(acceptance.language)
    return customer_mail_queue(
        customer=customer,
        purpose=Purpose.REGISTRATION,
        key=f"customer:{customer.pk}",
        template="shop/email/registration",
        context={
            "acceptance": acceptance,
            "version": acceptance.version,
            "text_url": absolute(
                page.url + page.reverse_subpage("version", args=[acceptance.version.number])
            ),
        },
    )


def account_closed_mail(*, customer: Customer, email: str) -> OutgoingMessage:
    """Confirm the closure to the address the account had; the outbox forgets it once sent."""
    return customer_mail_queue(
        customer=customer,
        purpose=Purpose.ACCOUNT_CLOSED,
        key=f"customer:{customer.pk}",
        template="shop/email/account_closed",
        recipient=email,
        erase_when_sent=True,
    )


def order_confirmation_mail(*, order: Order) -> OutgoingMessage:
    customer = order.customer
    with translation.override(customer.preferred_language):
        order_url = absolute(reverse("shop:order_detail", args=[order.pk]))
    return customer_mail_queue(
        customer=customer,
        purpose=Purpose.ORDER_CONFIRMATION,
        key=f"order:{order.pk}",
        template="shop/email/order_confirmation",
        context={"order": order, "lines": list(order.lines.all()), "order_url": order_url},
    )
