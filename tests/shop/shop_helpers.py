"""Helpers for shop tests: register customers, read pages as a customer sees them."""

from __future__ import annotations

import html as html_lib
import re

from django.db import connection
from django.utils import timezone

from legal.models import VersionText
from legal.selectors import document_state, policy_page_for_language
from shop import ledger, services
from shop.http import RequestMeta, request_meta
from shop.models import Acceptance, Customer, User

PASSWORD = "Kóktem-2024-alma"


def make_customer(
    *, email="aigerim@example.kz", language="ru", request=None, **overrides
) -> Customer:
    """Register a customer through the service, accepting the version in force.

    ``request`` (a RequestFactory request) is read as the view reads it (``request_meta``).
    """
    page = policy_page_for_language(language)
    data = {
        "email": email,
        "password": PASSWORD,
        "last_name": "Серикова",
        "first_name": "Айгерим",
        "patronymic": "",
        "phone": "8 (701) 123-45-67",
        "delivery_address": "Алматы, ул. Абая 1, кв. 2",
        "preferred_language": language,
        "version": document_state(page).in_force,
        "language": language,
        "meta": request_meta(request) if request is not None else RequestMeta(),
    }
    data.update(overrides)
    return services.customer_register(**data)


def format_1_acceptance(
    *, email: str, language: str = "ru", ip_address: str = "203.0.113.7"
) -> Acceptance:
    """A customer and their acceptance of the version in force exactly as the first ledger
    format wrote it, chained to the chained record before it: what databases written before
    the transparency log hold (the old ``acceptance_record``, step by step)."""
    user = User.objects.create_user(email=email, password=None, last_name="Бекова")
    customer = Customer.objects.create(user=user, last_name="Бекова", preferred_language=language)
    version = document_state(policy_page_for_language(language)).in_force
    text = VersionText.objects.get(version_id=version.pk, locale__language_code=language)
    previous = (
        Acceptance.objects.chained().order_by("-pk").values_list("record_hash", flat=True).first()
        or ledger.GENESIS_HASH
    )
    record = Acceptance(
        customer=customer,
        version_id=version.pk,
        text=text,
        text_sha256=text.sha256,
        language=language,
        accepted_at=timezone.now(),
        ip_address=ip_address,
        user_agent="Mozilla/5.0 (format 1)",
        channel=Acceptance.Channel.REGISTRATION,
        previous_hash=previous,
    )
    record.record_hash = ledger.record_hash(record.hashed_fields(), previous)
    record.save()
    return record


def registration_data(client, language="ru", **overrides) -> dict:
    """What a visitor submits on the registration page (after reading the form)."""
    page = client.get(f"/{language}/shop/register/").content.decode()
    version = re.search(r'name="policy_version" value="(\d+)"', page).group(1)
    data = {
        "email": "dana@example.kz",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "last_name": "Ахметова",
        "first_name": "Дана",
        "patronymic": "Серіккызы",
        "phone": "+7 701 1234567",
        "delivery_address": "Астана, пр. Мангилик Ел 55",
        "preferred_language": language,
        "accept_policy": "on",
        "policy_version": version,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def checkout_data(address="Алматы", **overrides) -> dict:
    """What a customer submits at checkout: courier delivery to ``address``, cash on receipt."""
    data = {"delivery_method": "courier", "payment_method": "cash", "delivery_address": address}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def text_of(response) -> str:
    """The visible text of a page, whitespace collapsed (for "the user sees" assertions)."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html)
    # Only ASCII whitespace is collapsed: prices keep their no-break spaces.
    return re.sub(r"[ \t\r\n]+", " ", html_lib.unescape(text)).strip()


def tamper(sql: str, params=()) -> None:
    """Change the database behind the application's back, as its owner (or an intruder with
    the owner's password) could: the hashes, not the triggers, must reveal it."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def t(message: str, language: str = "ru") -> str:
    """``message`` as the interface shows it in ``language`` (translated or not yet)."""
    from django.utils import translation

    with translation.override(language):
        return translation.gettext(message)
