"""Read-only queries for the shop: the policy as customers meet it, carts, orders, consents.

The policy's versions come from ``legal.selectors``; this module only adds what the shop
needs on top: which version a customer still has to accept, links to exact texts, and the
customer's own records.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from core.email_address import normalise_email
from legal.models import DocumentVersion, LegalDocumentPage
from legal.selectors import (
    POLICY_SLUG,
    DocumentState,
    VersionInfo,
    document_state,
    policy_page_for_language,
)

from .cart import Cart
from .consent import ConsentStatus, consent_status
from .models import Acceptance, AcceptanceEmail, Customer, Order, Product, User
from .phone import InvalidPhoneError, normalise_phone

# ---------------------------------------------------------------------------------------
# The policy


@dataclass
class Policy:
    """The privacy policy in one language, with the state of its versions."""

    page: LegalDocumentPage
    state: DocumentState

    @property
    def language(self) -> str:
        return self.page.locale.language_code

    @property
    def in_force(self) -> VersionInfo | None:
        return self.state.in_force


def policy_for_language(language: str) -> Policy | None:
    """The live policy page in ``language`` (falling back to Russian) and its versions."""
    page = policy_page_for_language(language)
    if page is None:
        return None
    return Policy(page=page, state=document_state(page))


def policy_version_url(page: LegalDocumentPage, request: HttpRequest | None, number: int) -> str:
    """URL of the exact text of version ``number`` in ``page``'s language."""
    return page.get_url(request) + page.reverse_subpage("version", args=[number])


def policy_compare_url(
    page: LegalDocumentPage, request: HttpRequest | None, old: int, new: int
) -> str:
    """URL of the comparison of versions ``old`` and ``new`` in ``page``'s language."""
    return page.get_url(request) + page.reverse_subpage("compare", args=[old, new])


def policy_url_prefixes(request: HttpRequest | None) -> list[str]:
    """URL prefixes of the legal section in every language (readable without accepting)."""
    prefixes = []
    for code, _name in settings.LANGUAGES:
        page = policy_page_for_language(code)
        if page is None or page.locale.language_code != code:
            continue
        path = urlsplit(page.get_url(request) or "").path
        if path:
            # The whole legal section, not only the policy: /ru/legal/privacy/ → /ru/legal/.
            prefixes.append(path.rstrip("/").rsplit("/", 1)[0] + "/")
    return prefixes


# ---------------------------------------------------------------------------------------
# Customers and their consent


def email_taken(email: str, *, exclude_user_id: int | None = None) -> bool:
    """Whether an account uses ``email``, compared case-insensitively."""
    users = User.objects.filter(email__iexact=email)
    if exclude_user_id is not None:
        users = users.exclude(pk=exclude_user_id)
    return users.exists()


class CustomerLookup(NamedTuple):
    """What staff typed to find a customer, as understood: by id, e-mail or phone."""

    kind: str  # "id", "email", "phone" or "" (not understood)
    value: str | int


# An id is short; a run of ten or more digits is a phone number typed without "+".
_ID_RE = re.compile(r"^#?\s*(\d{1,9})$")


def customer_lookup_parse(query: str) -> CustomerLookup:
    """Read a search for a customer: an id (``42``, ``#42``), an e-mail or a phone number."""
    text = (query or "").strip()
    if match := _ID_RE.match(text):
        return CustomerLookup("id", int(match[1]))
    if "@" in text:
        return CustomerLookup("email", normalise_email(text))
    try:
        return CustomerLookup("phone", normalise_phone(text))
    except InvalidPhoneError:
        return CustomerLookup("", text)


def customers_matching(query: str, queryset: QuerySet[Customer] | None = None):
    """The customers a search by id, e-mail or phone finds (for Legal's reports and packs).

    An e-mail finds the customer whose log-in address it is, and the customer who accepted a
    text under that address (addresses change; a dispute is about who accepted then). An
    anonymised customer is found only by id: their e-mail and phone are no longer theirs to
    be looked up by.
    """
    queryset = Customer.objects.all() if queryset is None else queryset
    lookup = customer_lookup_parse(query)
    if lookup.kind == "id":
        return queryset.filter(pk=lookup.value)
    if lookup.kind == "email":
        accepted_as = AcceptanceEmail.objects.filter(email__iexact=lookup.value).values(
            "acceptance__customer_id"
        )
        return queryset.filter(anonymised_at__isnull=True).filter(
            Q(user__email__iexact=lookup.value) | Q(pk__in=accepted_as)
        )
    if lookup.kind == "phone":
        return queryset.filter(anonymised_at__isnull=True, phone=lookup.value)
    return queryset.none()


def customer_for_user(user) -> Customer | None:
    """The customer profile of a logged-in user; None for staff and anonymous visitors."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.customer
    except Customer.DoesNotExist:
        return None


def customer_consent(customer: Customer, state: DocumentState) -> ConsentStatus:
    """Whether ``customer`` has accepted, must accept or may accept the version in force."""
    accepted = set(customer.acceptances.values_list("version_id", flat=True))
    return consent_status(state, accepted)


@dataclass(frozen=True)
class ConsentChanges:
    """What changed since the version a customer last accepted, as the customer reads it."""

    # Oldest first: {"version", "summary" (in the page's language), "compare_url"} each, the
    # redline against the version listed before it.
    changes: list[dict]
    # One redline from the accepted version straight to the one in force (None without one).
    compare_url: str | None


def consent_changes(
    policy: Policy, status: ConsentStatus, request: HttpRequest | None
) -> ConsentChanges:
    """Every change summary between ``status.last_accepted`` and the version in force."""
    compare_url = None
    if status.last_accepted is not None:
        compare_url = policy_compare_url(
            policy.page, request, status.last_accepted.number, status.in_force.number
        )
    changes = [
        {
            "version": version,
            "summary": version.summary(policy.language),
            "compare_url": policy_compare_url(
                policy.page, request, previous.number, version.number
            ),
        }
        for previous, version in zip(
            (status.last_accepted, *status.changes), status.changes, strict=False
        )
    ]
    return ConsentChanges(changes=changes, compare_url=compare_url)


@dataclass
class RequestConsent:
    """The policy and the logged-in customer's standing with it, computed once per request."""

    customer: Customer | None
    policy: Policy | None
    status: ConsentStatus | None


def request_consent(request: HttpRequest) -> RequestConsent:
    """The customer's consent status for this request (memoised on the request)."""
    cached = getattr(request, "_shop_consent", None)
    if cached is not None:
        return cached
    customer = customer_for_user(getattr(request, "user", None))
    policy = status = None
    if customer is not None:
        policy = policy_for_language(getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE))
        if policy is not None:
            status = customer_consent(customer, policy.state)
    result = RequestConsent(customer=customer, policy=policy, status=status)
    request._shop_consent = result
    return result


def request_consent_forget(request: HttpRequest) -> None:
    """Drop the memoised status (after the customer accepted something)."""
    request.__dict__.pop("_shop_consent", None)


@dataclass
class HistoryEntry:
    """One acceptance as the customer sees it in "My account"."""

    acceptance: Acceptance
    number: int
    text_url: str | None
    compare_url: str | None
    is_in_force: bool


def consent_history(customer: Customer, request: HttpRequest | None) -> list[HistoryEntry]:
    """The customer's acceptances, newest first, with links to the exact texts accepted."""
    acceptances = list(
        customer.acceptances.select_related("version").order_by("-accepted_at", "-pk")
    )
    pages: dict[str, LegalDocumentPage | None] = {}
    in_force: VersionInfo | None = None
    entries = []
    for acceptance in acceptances:
        if acceptance.language not in pages:
            pages[acceptance.language] = policy_page_for_language(acceptance.language)
        page = pages[acceptance.language]
        number = acceptance.version.number
        if page is not None and in_force is None:
            # Cached under the freshness mark: a history stays < 5 ms (bench/ledger.py).
            in_force = document_state(page, cached=True).in_force
        is_in_force = in_force is not None and in_force.pk == acceptance.version_id
        entries.append(
            HistoryEntry(
                acceptance=acceptance,
                number=number,
                text_url=policy_version_url(page, request, number) if page else None,
                compare_url=(
                    policy_compare_url(page, request, number, in_force.number)
                    if page and in_force and not is_in_force and number < in_force.number
                    else None
                ),
                is_in_force=is_in_force,
            )
        )
    return entries


def customer_orders(customer: Customer) -> QuerySet[Order]:
    """The customer's own orders, newest first; the only orders a customer can reach."""
    return customer.orders.select_related("policy_version").prefetch_related("lines")


def customer_export(customer: Customer, request: HttpRequest | None) -> dict:
    """Everything the shop holds about the customer, for "download my data" (clause 4.2.1)."""
    history = consent_history(customer, request)

    def absolute(url: str | None) -> str | None:
        return request.build_absolute_uri(url) if (url and request is not None) else url

    return {
        "generated_at": timezone.now().isoformat(),
        "profile": {
            "email": customer.user.email,
            "surname": customer.last_name,
            "first_name": customer.first_name,
            "patronymic": customer.patronymic,
            "phone": customer.phone,
            "delivery_address": customer.delivery_address,
            "preferred_language": customer.preferred_language,
            "registered_at": customer.created_at.isoformat(),
        },
        "orders": [
            {
                "number": order.pk,
                "placed_at": order.created_at.isoformat(),
                "status": order.status,
                "delivery_method": order.delivery_method,
                "payment_method": order.payment_method,
                "delivery_address": order.delivery_address,
                "total_tenge": order.total,
                "privacy_policy_version": order.policy_version.number,
                "lines": [
                    {
                        "product": line.product_name,
                        "quantity": line.quantity,
                        "unit_price_tenge": line.unit_price,
                    }
                    for line in order.lines.all()
                ],
            }
            for order in customer_orders(customer)
        ],
        "acceptances": [
            {
                "privacy_policy_version": entry.number,
                "language": entry.acceptance.language,
                "accepted_at": entry.acceptance.accepted_at.isoformat(),
                "channel": entry.acceptance.channel,
                "ip_address": entry.acceptance.ip_address,
                "user_agent": entry.acceptance.user_agent,
                "text_sha256": entry.acceptance.text_sha256,
                "record_hash": entry.acceptance.record_hash,
                "text_url": absolute(entry.text_url),
            }
            for entry in history
        ],
    }


# ---------------------------------------------------------------------------------------
# Catalogue and cart


@dataclass(frozen=True)
class ShopProduct:
    """A product on sale as a customer sees it in one language.

    ``product`` is the source row, which holds the price, image, slug and whether it is on
    sale; ``text`` is its translation into the customer's language (the source row itself
    until it is translated), which holds the name, description and image description.
    """

    product: Product
    text: Product

    @property
    def pk(self) -> int:
        return self.product.pk

    @property
    def slug(self) -> str:
        return self.product.slug

    @property
    def price(self) -> int:
        return self.product.price

    @property
    def image(self):
        return self.product.image

    @property
    def name(self) -> str:
        return self.text.name

    @property
    def description(self) -> str:
        return self.text.description

    @property
    def image_alt(self) -> str:
        return self.text.image_alt or self.text.name

    def get_absolute_url(self) -> str:
        return reverse("shop:product", args=[self.product.slug])


def products_in_language(products: Iterable[Product], language: str) -> list[ShopProduct]:
    """``products`` (source rows) with their texts in ``language``, in one query."""
    products = list(products)
    texts = {
        text.translation_key: text
        for text in Product.objects.filter(
            translation_key__in=[product.translation_key for product in products],
            locale__language_code=language,
        )
    }
    return [ShopProduct(item, texts.get(item.translation_key, item)) for item in products]


def _on_sale() -> QuerySet[Product]:
    # The catalogue shows every image, so their renditions come in one query too.
    return Product.objects.active().select_related("image").prefetch_related("image__renditions")


def catalogue(language: str) -> list[ShopProduct]:
    """Every product on sale, in catalogue order, with its texts in ``language``."""
    return products_in_language(_on_sale(), language)


def product_on_sale(slug: str, language: str) -> ShopProduct | None:
    """The product on sale with this slug, with its texts in ``language``; None if none."""
    product = _on_sale().filter(slug=slug).first()
    return products_in_language([product], language)[0] if product else None


@dataclass
class CartLine:
    product: ShopProduct
    quantity: int

    @property
    def line_total(self) -> int:
        return self.product.price * self.quantity


@dataclass
class CartSummary:
    lines: list[CartLine] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(line.line_total for line in self.lines)

    @property
    def count(self) -> int:
        return sum(line.quantity for line in self.lines)

    def quantities(self) -> dict[int, int]:
        return {line.product.pk: line.quantity for line in self.lines}


def cart_summary(cart: Cart, language: str) -> CartSummary:
    """The cart's lines for products still on sale, at today's prices, named in ``language``."""
    quantities = cart.quantities()
    products = _on_sale().in_bulk(list(quantities))
    cart.keep_only(set(products))
    shown = {item.pk: item for item in products_in_language(products.values(), language)}
    return CartSummary(
        [CartLine(shown[pk], quantity) for pk, quantity in quantities.items() if pk in shown]
    )


# ---------------------------------------------------------------------------------------
# Admin reports


def version_acceptance_counts() -> QuerySet[DocumentVersion]:
    """Every version of the policy with how many customers accepted it and how many not yet.

    ``accepted_count`` counts every acceptance of the version; ``not_yet_count`` counts the
    active customers who have not accepted it (for superseded versions that is history).

    Fast at scale (bench/ledger.py: 2.8 s on 1,000,000 acceptances before, goal < 200 ms): the
    ledger is never joined to customers and users. Acceptances are counted per version with
    one pass over the version index (one acceptance per customer and version, so rows are
    customers); the acceptances of the few inactive customers (closed or deactivated
    accounts) are counted from those customers' side and subtracted. The figures go into the
    queryset as constants, so the report can still page, sort and export it.
    """
    total = Customer.objects.count()
    inactive = list(Customer.objects.inactive().order_by().values_list("pk", flat=True))
    active = total - len(inactive)
    accepted = dict(Acceptance.objects.order_by().values_list("version_id").annotate(n=Count("*")))
    accepted_inactive = dict(
        Acceptance.objects.filter(customer_id__in=inactive)
        .order_by()
        .values_list("version_id")
        .annotate(n=Count("*"))
    )

    def per_version(values: dict[int, int], default: int) -> Case:
        whens = [When(pk=pk, then=Value(n)) for pk, n in values.items()]
        return Case(*whens, default=Value(default), output_field=IntegerField())

    not_yet = {pk: active - (n - accepted_inactive.get(pk, 0)) for pk, n in accepted.items()}
    return (
        DocumentVersion.objects.filter(document__slug=POLICY_SLUG)
        .annotate(
            accepted_count=per_version(accepted, 0),
            not_yet_count=per_version(not_yet, active),
        )
        .order_by("-number")
    )


# ---------------------------------------------------------------------------------------
# Breach notice


def customers_touched(
    queryset: QuerySet[Customer], *, start: datetime | None, stop: datetime | None
) -> QuerySet[Customer]:
    """The customers of ``queryset`` whose records were created or changed in a period.

    For a personal-data breach notice: the profile (registration, last change, anonymisation),
    an order placed or an acceptance recorded between ``start`` and ``stop`` (either end may be
    open). With neither end given, ``queryset`` is returned as it is.
    """
    if start is None and stop is None:
        return queryset

    def within(field_name: str) -> Q:
        condition = Q()
        if start is not None:
            condition &= Q(**{f"{field_name}__gte": start})
        if stop is not None:
            condition &= Q(**{f"{field_name}__lte": stop})
        return condition

    return queryset.filter(
        within("created_at")
        | within("updated_at")
        | within("anonymised_at")
        | Q(pk__in=Order.objects.filter(within("created_at")).values("customer_id"))
        | Q(pk__in=Acceptance.objects.filter(within("accepted_at")).values("customer_id"))
    )
