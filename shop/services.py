"""Everything the shop changes: customers, acceptances (the consent ledger), orders, products.

Views, commands and tests all go through these functions. Each is one transaction; each
raises a ``ShopError`` whose message is a whole translated sentence the customer can be shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.images import get_image_model
from wagtail.models import Locale

from core.email_address import normalise_email
from legal.models import DocumentVersion, VersionText
from legal.selectors import VersionInfo, document_state, policy_page_for_language

from . import customer_mail, ledger, selectors, tokens
from .catalogue import SEED_PRODUCTS, seed_image_path
from .consent import consent_status
from .http import RequestMeta
from .models import (
    MAX_QUANTITY,
    Acceptance,
    Customer,
    Order,
    OrderLine,
    Product,
    User,
    default_language,
)
from .phone import InvalidPhoneError, normalise_phone
from .selectors import products_in_language


class ShopError(Exception):
    """Something the shop refuses to do; ``str(error)`` is a sentence for the customer."""

    default_message = _("Something went wrong. Please try again.")

    def __init__(self, message=None):
        super().__init__(message or self.default_message)


class EmailTakenError(ShopError):
    default_message = _(
        "This e-mail address is already registered. Log in, or use another address."
    )


class EmailChangeLinkError(ShopError):
    default_message = _(
        "This link does not work: it has been used already, or a newer change was asked for. "
        "Ask for a new link on the “Change e-mail” page."
    )
    expired_message = _("This link has expired. Ask for a new link on the “Change e-mail” page.")


class PolicyChangedError(ShopError):
    default_message = _(
        "The privacy policy has changed while you were reading it. Please read the version "
        "now in force and confirm again."
    )


class AcceptanceRequiredError(ShopError):
    default_message = _(
        "Please confirm that you have read and accept the privacy policy before ordering."
    )


class EmptyCartError(ShopError):
    default_message = _("Your cart is empty. Add something from the catalogue first.")


class ProductUnavailableError(ShopError):
    default_message = _(
        "Some products in your cart are no longer on sale; we have taken them out of the "
        "cart. Please check your order again."
    )


class InvalidPhoneNumberError(ShopError):
    default_message = _(
        "Enter a Kazakhstan phone number, for example +7 701 123 45 67 or 8 (701) 123-45-67."
    )


DELIVERY_REQUIRED = _("Choose how the order should reach you: courier, pick-up point or Kazpost.")
PAYMENT_REQUIRED = _("Choose how you will pay when you receive the order: in cash or by card.")


def _phone(raw: str) -> str:
    try:
        return normalise_phone(raw)
    except InvalidPhoneError as error:
        raise InvalidPhoneNumberError from error


def _email(raw: str) -> str:
    email = normalise_email(raw)
    try:
        validate_email(email)
    except ValidationError as error:
        raise ShopError(_("Enter a valid e-mail address.")) from error
    return email


# ---------------------------------------------------------------------------------------
# Customers


@transaction.atomic
def customer_register(
    *,
    email: str,
    password: str,
    last_name: str,
    first_name: str,
    patronymic: str = "",
    phone: str,
    delivery_address: str,
    preferred_language: str,
    version: VersionInfo | DocumentVersion,
    language: str,
    meta: RequestMeta,
) -> Customer:
    """Create a customer's account and record their acceptance of the policy they were shown.

    Args:
        version: the policy version whose link was on the form the customer ticked.
        language: the language of the text they were shown.
        meta: the client's IP address and browser, for the acceptance.

    Raises:
        EmailTakenError: the address is registered already (also when two registrations
            race: the database's case-insensitive unique index decides).
        PolicyChangedError: ``version`` is no longer the version in force.
        InvalidPhoneNumberError, ShopError: invalid data that slipped past the form.
    """
    email = _email(email)
    if selectors.email_taken(email):
        raise EmailTakenError
    user = User(email=email, first_name=first_name.strip(), last_name=last_name.strip())
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        raise EmailTakenError from error
    customer = Customer(
        user=user,
        last_name=last_name.strip(),
        first_name=first_name.strip(),
        patronymic=patronymic.strip(),
        phone=_phone(phone),
        delivery_address=delivery_address.strip(),
        preferred_language=preferred_language,
    )
    customer.full_clean()
    customer.save()
    acceptance = acceptance_record(
        customer=customer,
        version=version,
        language=language,
        meta=meta,
        channel=Acceptance.Channel.REGISTRATION,
    )
    customer_mail.registration_mail(customer=customer, acceptance=acceptance)
    return customer


@transaction.atomic
def customer_update(
    *,
    customer: Customer,
    last_name: str,
    first_name: str,
    patronymic: str = "",
    phone: str,
    delivery_address: str,
    preferred_language: str,
) -> Customer:
    """Change a customer's personal data (clause 4.2.1: customers edit it themselves).

    The log-in e-mail address is changed only through a confirmed link
    (``customer_email_change_request``).
    """
    if customer.is_anonymised:
        raise ShopError(_("This account has been closed."))
    user = customer.user
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    customer.last_name = last_name.strip()
    customer.first_name = first_name.strip()
    customer.patronymic = patronymic.strip()
    customer.phone = _phone(phone)
    customer.delivery_address = delivery_address.strip()
    customer.preferred_language = preferred_language
    customer.full_clean()
    user.save(update_fields=["first_name", "last_name"])
    customer.save()
    return customer


@transaction.atomic
def customer_email_change_request(*, customer: Customer, new_email: str) -> tokens.EmailChange:
    """Ask to change a customer's log-in e-mail; nothing changes until the link is opened.

    A signed link goes to the new address (``customer_email_change_confirm`` acts on it) and
    the current address is told, so the owner hears of a change they did not ask for. Both
    e-mails are in the customer's language, queued in the outbox and sent after the commit.
    The caller has checked the current password.

    Raises:
        EmailTakenError: the new address belongs to another account.
        ShopError: the address is invalid or already this account's.
    """
    if customer.is_anonymised:
        raise ShopError(_("This account has been closed."))
    user = customer.user
    email = _email(new_email)
    if email == normalise_email(user.email):
        raise ShopError(_("This is already the e-mail address you log in with."))
    if selectors.email_taken(email, exclude_user_id=user.pk):
        raise EmailTakenError
    change = tokens.EmailChange(user_id=user.pk, old_email=user.email, new_email=email)
    customer_mail.email_change_mails(
        customer=customer, change=change, token=tokens.email_change_token(change)
    )
    return change


def email_change_check(*, customer: Customer, token: str) -> tokens.EmailChange:
    """The change a confirmation link asks for, if it is still valid for ``customer``.

    Raises:
        EmailChangeLinkError: the link is expired, altered, used, or for another account.
        EmailTakenError: someone registered the new address in the meantime.
    """
    try:
        change = tokens.email_change_read(token, max_age=settings.EMAIL_CHANGE_LINK_MAX_AGE)
    except signing.SignatureExpired as error:
        raise EmailChangeLinkError(EmailChangeLinkError.expired_message) from error
    except signing.BadSignature as error:
        raise EmailChangeLinkError from error
    user = customer.user
    if change.user_id != user.pk or change.old_email != user.email:
        raise EmailChangeLinkError
    if selectors.email_taken(change.new_email, exclude_user_id=user.pk):
        raise EmailTakenError
    return change


@transaction.atomic
def customer_email_change_confirm(*, customer: Customer, token: str) -> Customer:
    """Make the new address from a confirmation link the customer's log-in e-mail.

    Raises:
        EmailChangeLinkError, EmailTakenError: as ``email_change_check``.
    """
    customer = Customer.objects.select_for_update().select_related("user").get(pk=customer.pk)
    change = email_change_check(customer=customer, token=token)
    user = customer.user
    user.email = change.new_email
    try:
        with transaction.atomic():
            user.save(update_fields=["email"])
    except IntegrityError as error:
        raise EmailTakenError from error
    customer.save(update_fields=["updated_at"])
    return customer


@transaction.atomic
def customer_anonymise(*, customer: Customer) -> Customer:
    """Close a customer's account by anonymising their personal data (clause 1.4).

    Names, phone and addresses — on the profile and on past orders — are blanked, the e-mail
    becomes ``anonymised-<id>@invalid`` and the account can no longer log in. Orders and
    acceptances stay attached to the anonymous customer: the shop keeps its sales records,
    and the ledger keeps proving which text was accepted, without saying by whom.
    """
    customer = Customer.objects.select_for_update().select_related("user").get(pk=customer.pk)
    if customer.is_anonymised:
        return customer
    user = customer.user
    customer_mail.account_closed_mail(customer=customer, email=user.email)
    user.email = f"anonymised-{user.pk}@invalid"
    user.first_name = ""
    user.last_name = ""
    user.set_unusable_password()
    user.is_active = False
    user.save()
    customer.last_name = ""
    customer.first_name = ""
    customer.patronymic = ""
    customer.phone = ""
    customer.delivery_address = ""
    customer.anonymised_at = timezone.now()
    customer.save()
    customer.orders.update(delivery_address="")
    return customer


# ---------------------------------------------------------------------------------------
# The consent ledger


def _acceptance_of(customer: Customer, version_pk: int) -> Acceptance | None:
    return Acceptance.objects.filter(customer=customer, version_id=version_pk).first()


def _acceptance_insert(acceptance: Acceptance) -> None:
    """The ledger write itself: one INSERT (``bench/`` swaps it for a plain table's).

    Raises:
        IntegrityError: the customer's acceptance of this version was committed meanwhile.
    """
    with transaction.atomic():  # a savepoint, so the caller's transaction survives a refusal
        acceptance.save(force_insert=True)


@transaction.atomic
def acceptance_record(
    *,
    customer: Customer,
    version: VersionInfo | DocumentVersion,
    language: str,
    meta: RequestMeta,
    channel: str,
) -> Acceptance:
    """Record that ``customer`` accepted the text of ``version`` in ``language``.

    Idempotent: a customer accepts a version once; a second call (a double submit, even one
    racing the first) returns the first record — the unique constraint on (customer,
    version) decides. The record stores the text's SHA-256 and the client's IP address and
    browser. It is a plain insert: acceptances never wait for one another. The transparency
    log's sequencer (``consent_log.services.log_seal``) logs it after the commit, within
    ``MAX_SEAL_DELAY``, and the log is what proves it unchanged from then on.

    Args:
        version: the version the customer was shown (a ``VersionInfo`` or ``DocumentVersion``).
        language: the language of the text the customer was shown.
        meta: the client's IP address and browser (``RequestMeta()`` in scripts).
        channel: one of ``Acceptance.Channel``.

    Raises:
        PolicyChangedError: ``version`` is not the version in force (any more).
        ShopError: the version has no text in ``language``.
    """
    if channel not in Acceptance.Channel.values:
        raise ValueError(f"Unknown acceptance channel {channel!r}.")
    existing = _acceptance_of(customer, version.pk)
    if existing is not None:
        return existing
    version_row = DocumentVersion.objects.select_related("document").get(pk=version.pk)
    in_force = document_state(version_row.document).in_force
    if in_force is None or in_force.pk != version_row.pk:
        raise PolicyChangedError
    text = VersionText.objects.filter(version=version_row, locale__language_code=language).first()
    if text is None:
        raise ShopError(_("This version of the privacy policy has no text in your language."))
    acceptance = Acceptance(
        customer=customer,
        version=version_row,
        text=text,
        text_sha256=text.sha256,
        language=language,
        accepted_at=timezone.now(),
        ip_address=meta.ip_address,
        user_agent=meta.user_agent,
        channel=channel,
    )
    # The fields are checked here; the constraints by the database, which alone can see a
    # concurrent double submit.
    acceptance.full_clean(validate_unique=False, validate_constraints=False)
    try:
        _acceptance_insert(acceptance)
    except IntegrityError:
        existing = _acceptance_of(customer, version.pk)
        if existing is None:
            raise
        return existing
    return acceptance


@dataclass
class BrokenRecord:
    """The first record of the ledger that does not verify, and why."""

    record: Acceptance
    reason: str

    def __str__(self):
        return f"acceptance {self.record.pk}: {self.reason}"


def ledger_verify() -> BrokenRecord | None:
    """Walk the hash chain of the first ledger format in insertion order, recomputing hashes.

    Only records of that format carry a chain; records written since are proven by the
    transparency log instead (``manage.py consent_verify``), which covers these too.

    Returns:
        The first chained record whose content no longer matches its hash, or that does not
        chain to the chained record before it (one was changed, removed or inserted); None
        when the whole chain verifies. Removing the newest chained records leaves no trace in
        the chain itself: the log shows that.
    """
    previous = ledger.GENESIS_HASH
    for record in Acceptance.objects.chained().order_by("pk").iterator(chunk_size=2000):
        if record.previous_hash != previous:
            return BrokenRecord(record, "it does not follow the record before it")
        if ledger.record_hash(record.hashed_fields(), record.previous_hash) != record.record_hash:
            return BrokenRecord(record, "its content does not match its hash")
        previous = record.record_hash
    return None


# ---------------------------------------------------------------------------------------
# Orders


@transaction.atomic
def order_place(
    *,
    customer: Customer,
    quantities: dict[int, int],
    delivery_method: str,
    payment_method: str,
    delivery_address: str,
    language: str,
    shown_version: VersionInfo | None,
    accept_policy: bool,
    meta: RequestMeta,
) -> Order:
    """Place an order for the cart's contents at today's prices, to be paid on receipt.

    If the customer has not accepted the policy version in force, ``accept_policy`` must be
    set (the checkout's checkbox) and the acceptance is recorded with the order.

    Args:
        quantities: product id → quantity, as the cart holds them.
        delivery_method: one of ``Order.Delivery``; a pick-up needs no address.
        payment_method: one of ``Order.Payment`` (cash or card, on receipt).
        language: the customer's language; order lines keep the names in it.
        shown_version: the version linked next to the checkout's checkbox, if one was shown.
        meta: the client's IP address and browser, for an acceptance recorded with the order.

    Raises:
        EmptyCartError, ProductUnavailableError, AcceptanceRequiredError, PolicyChangedError,
        ShopError (no delivery method, payment or address, bad quantity).
    """
    if not quantities:
        raise EmptyCartError
    if any(not 1 <= quantity <= MAX_QUANTITY for quantity in quantities.values()):
        raise ShopError(_("Each quantity must be between 1 and %(max)d.") % {"max": MAX_QUANTITY})
    if delivery_method not in Order.Delivery.values:
        raise ShopError(DELIVERY_REQUIRED)
    if payment_method not in Order.Payment.values:
        raise ShopError(PAYMENT_REQUIRED)
    address = (delivery_address or "").strip()
    if delivery_method == Order.Delivery.PICKUP:
        address = ""
    elif not address:
        raise ShopError(_("Enter the delivery address."))
    products = Product.objects.active().in_bulk(list(quantities))
    if len(products) != len(quantities):
        raise ProductUnavailableError

    page = policy_page_for_language(language)
    state = document_state(page) if page is not None else None
    in_force = state.in_force if state else None
    if in_force is None:
        raise ShopError(_("The shop is not taking orders right now. Please try again later."))
    accepted = set(customer.acceptances.values_list("version_id", flat=True))
    if consent_status(state, accepted).pending:
        if not accept_policy:
            raise AcceptanceRequiredError
        if shown_version is None or shown_version.pk != in_force.pk:
            raise PolicyChangedError
        acceptance_record(
            customer=customer,
            version=in_force,
            language=language,
            meta=meta,
            channel=Acceptance.Channel.CHECKOUT,
        )
    order = Order(
        customer=customer,
        delivery_method=delivery_method,
        payment_method=payment_method,
        delivery_address=address,
        total=sum(products[pk].price * quantity for pk, quantity in quantities.items()),
        policy_version_id=in_force.pk,
    )
    order.full_clean()
    order.save()
    names = {item.pk: item.name for item in products_in_language(products.values(), language)}
    lines = [
        OrderLine(
            order=order,
            product=products[pk],
            product_name=names[pk],
            quantity=quantity,
            unit_price=products[pk].price,
        )
        for pk, quantity in quantities.items()
    ]
    for line in lines:
        line.full_clean()
    OrderLine.objects.bulk_create(lines)
    customer_mail.order_confirmation_mail(order=order)
    return order


# ---------------------------------------------------------------------------------------
# Products


@transaction.atomic
def product_seed() -> list[Product]:
    """Create the starter catalogue's products that are missing, with their illustrations.

    Idempotent: products are matched by slug and existing ones are left as editors left them,
    except that a seeded product without an image gets its illustration. Only the source
    rows are made here; their translations go through wagtail-localize.

    Returns:
        The products created.
    """
    source = Locale.objects.get(language_code=default_language())
    created = []
    for position, data in enumerate(SEED_PRODUCTS, start=1):
        texts = data["texts"][source.language_code]
        product, was_created = Product.objects.get_or_create(
            slug=data["slug"],
            locale=source,
            defaults={"price": data["price"], "sort_order": position, **texts},
        )
        if product.image_id is None:
            product.image = _seed_image(data["slug"], title=texts["name"])
            product.save(update_fields=["image"])
        if was_created:
            created.append(product)
    return created


def _seed_image(slug: str, *, title: str):
    # Matched by file name, so a second run reuses the image a first run uploaded.
    Image = get_image_model()
    path = seed_image_path(slug)
    existing = Image.objects.filter(file__startswith=f"original_images/{path.stem}").first()
    if existing is not None:
        return existing
    with path.open("rb") as handle:
        image = Image(title=title, file=ImageFile(handle, name=path.name))
        image.save()
    return image
