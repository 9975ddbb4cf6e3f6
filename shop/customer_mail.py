"""E-mails to customers, in the customer's language, as text and HTML, through the outbox.

Every function here is called inside the service transaction that records its fact
(``shop.services``), so the e-mail is queued if and only if the fact is committed, and is sent
by a worker after the commit: the customer's request never waits for a mail server.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from legal.selectors import policy_page_for_language
from outbox.models import OutgoingMessage, Purpose
from outbox.services import message_queue

from . import tokens
from .models import Acceptance, Customer, Language, Order


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def absolute_url(language: str, viewname: str, **kwargs) -> str:
    """The public address of a page of the site, under ``/<language>/``, for an e-mail."""
    with translation.override(language):
        return absolute(reverse(viewname, kwargs=kwargs or None))


def letter_language(user, default: str = Language.RU) -> str:
    """The language to write to ``user`` in: a customer's chosen one, else ``default``."""
    try:
        return user.customer.preferred_language
    except Customer.DoesNotExist:
        return default if default in Language.values else Language.RU


def _request_key(user_id: int, what: str, token: str) -> str:
    """A key unique to one request (its signed token), which does not reveal the token.

    The key is stored and shown to staff; the token is a secret, so only a digest of it is.
    """
    return f"user:{user_id}:{what}:{hashlib.sha256(token.encode()).hexdigest()[:20]}"


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
            "language": language,
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
            # The signed receipt is built on demand (with its proof once the record is sealed),
            # so the letter links to it rather than carrying a copy without the proof.
            "receipt_url": absolute_url(
                acceptance.language, "receipts:receipt", acceptance_id=acceptance.pk
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


def email_change_mails(
    *, customer: Customer, change: tokens.EmailChange, token: str
) -> tuple[OutgoingMessage, OutgoingMessage]:
    """The link that confirms a new log-in address, to that address, and a notice to the old one.

    The link is a secret: its message is erased from the outbox once the server accepts it.
    The notice keeps its text, so staff can see that the owner was told.
    """
    context = {
        "new_email": change.new_email,
        "valid_hours": settings.EMAIL_CHANGE_LINK_MAX_AGE // 3600,
    }
    language = customer.preferred_language
    key = _request_key(change.user_id, "email-change", token)
    confirm = customer_mail_queue(
        customer=customer,
        purpose=Purpose.EMAIL_CHANGE_CONFIRM,
        key=key,
        template="shop/email/email_change_confirm",
        context={
            **context,
            "confirm_url": absolute_url(language, "shop:account_email_confirm", token=token),
        },
        recipient=change.new_email,
        erase_when_sent=True,
    )
    notice = customer_mail_queue(
        customer=customer,
        purpose=Purpose.EMAIL_CHANGE_NOTICE,
        key=key,
        template="shop/email/email_change_notice",
        context={**context, "password_url": absolute_url(language, "shop:password_change")},
        recipient=change.old_email,
    )
    return confirm, notice


def password_reset_mail(
    *, user, email: str, uidb64: str, token: str, language: str
) -> OutgoingMessage:
    """A link to set a new password, in the customer's language (``language`` for staff).

    The link is a secret: the message is erased from the outbox once the server accepts it.
    Any account with a usable password can ask, staff too, so ``user`` need not be a customer.
    """
    language = letter_language(user, language)
    return message_queue(
        recipient=email,
        language=language,
        purpose=Purpose.PASSWORD_RESET,
        key=_request_key(user.pk, "reset", token),
        template="shop/email/password_reset",
        context={
            "language": language,
            "user": user,
            "reset_url": absolute_url(
                language, "shop:password_reset_confirm", uidb64=uidb64, token=token
            ),
            "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        },
        erase_when_sent=True,
    )
