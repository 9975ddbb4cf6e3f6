"""What a consent to a version covers, as Law 94-V, Art. 8 asks a consent to state.

Legal chooses these per publication on the policy page, as codes; each code has one label per
language (the .po catalogues), so the Russian and the Kazakh receipt state the same terms and a
translation can never drift from them. Adding a purpose or a recipient is adding a choice here
(and its two translations); a code once published is never renamed or removed, since frozen
versions keep it.

Pure: no database. ``terms_problems`` is the one rule of what a publication needs.
"""

from __future__ import annotations

from typing import NamedTuple

from django.db import models
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    """Purposes of processing (the seed policy's clause 3.2)."""

    IDENTIFICATION = (
        "identification",
        _("identifying the customer to take an order or conclude a sale"),
    )
    PAYMENTS = "payments", _("processing and receiving the customer's payments")
    DELIVERY = "delivery", _("delivering goods to the customer")
    SUPPORT = "support", _("customer support")
    PERSONALISED_SERVICES = "personalised_services", _("personalised services")
    COMMUNICATION = (
        "communication",
        _(
            "contacting the customer: notices, requests and information about the services, and "
            "handling the customer's requests"
        ),
    )
    SERVICE_IMPROVEMENT = (
        "service_improvement",
        _("improving the services and their convenience, developing new services"),
    )
    PROMOTIONS = "promotions", _("informing the customer about events and promotions")
    STATISTICS = (
        "statistics",
        _("statistical and other research on non-personal data, optimising advertising messages"),
    )


class DataCategory(models.TextChoices):
    """Categories of personal data processed (the seed policy's clauses 2.2 and 2.3)."""

    FULL_NAME = "full_name", _("surname, first name, patronymic")
    PHONE = "phone", _("contact phone number")
    EMAIL = "email", _("e-mail address")
    DELIVERY_ADDRESS = "delivery_address", _("delivery address")
    PURCHASE_HISTORY = "purchase_history", _("purchase history")
    BROWSER = "browser", _("browser and operating system used")
    IP_ADDRESS = "ip_address", _("IP address")


class Recipient(models.TextChoices):
    """Third parties the personal data may be transferred to (the seed policy's clause 4.3.2)."""

    COURIERS = "couriers", _("courier services")
    POST = "post", _("postal operators")
    BANKS = "banks", _("banks")
    STATE_BODIES = (
        "state_bodies",
        _("authorised state bodies of the Republic of Kazakhstan, as the law provides"),
    )


class StorageTerm(models.TextChoices):
    """How long the data are kept and the consent lasts."""

    UNTIL_WITHDRAWN = (
        "until_withdrawn",
        _("until the purposes of processing are achieved or the consent is withdrawn"),
    )
    UNTIL_ACCOUNT_CLOSED = (
        "until_account_closed",
        _("until the customer closes the account, then anonymised"),
    )


class ConsentTermsValues(NamedTuple):
    """The terms as plain values, the same on the page, in a version and in a receipt."""

    purposes: list[str]
    data_categories: list[str]
    third_party_transfer: bool | None
    third_parties: list[str]
    cross_border_transfer: bool | None
    storage_term: str

    def as_dict(self) -> dict:
        return self._asdict()


# The first version's terms, from the seed policy: clause 3.2 (purposes), 2.2 and 2.3
# (categories), 4.3.2 (recipients); the data stay on servers in Almaty (clause 1.6), and the
# policy names no term, so consent lasts until its purposes are achieved or it is withdrawn.
SEED_TERMS = ConsentTermsValues(
    purposes=[choice.value for choice in Purpose],
    data_categories=[
        DataCategory.FULL_NAME,
        DataCategory.PHONE,
        DataCategory.EMAIL,
        DataCategory.DELIVERY_ADDRESS,
        DataCategory.PURCHASE_HISTORY,
        DataCategory.BROWSER,
    ],
    third_party_transfer=True,
    third_parties=[choice.value for choice in Recipient],
    cross_border_transfer=False,
    storage_term=StorageTerm.UNTIL_WITHDRAWN,
)


def _ordered(codes, choices) -> list[str]:
    """Codes in the order of their choices (one list, one meaning, whatever order they came)."""
    wanted = {str(code) for code in codes or ()}
    return [choice.value for choice in choices if choice.value in wanted]


def normalised(values: ConsentTermsValues) -> ConsentTermsValues:
    return values._replace(
        purposes=_ordered(values.purposes, Purpose),
        data_categories=_ordered(values.data_categories, DataCategory),
        third_parties=_ordered(values.third_parties, Recipient)
        if values.third_party_transfer
        else [],
        storage_term=str(values.storage_term or ""),
    )


def terms_problems(values: ConsentTermsValues) -> dict[str, str]:
    """What the terms lack before a version may be published: field → a sentence for Legal."""
    problems = {}
    if not values.purposes:
        problems["consent_purposes"] = _(
            "Choose the purposes of processing: a consent must state what the data are for."
        )
    if not values.data_categories:
        problems["consent_data_categories"] = _(
            "Choose the categories of personal data that this version covers."
        )
    if values.third_party_transfer is None:
        problems["consent_third_party_transfer"] = _(
            "Choose whether personal data are transferred to third parties."
        )
    elif values.third_party_transfer and not values.third_parties:
        problems["consent_third_parties"] = _(
            "Choose to whom personal data are transferred, or answer that they are not."
        )
    if values.cross_border_transfer is None:
        problems["consent_cross_border_transfer"] = _(
            "Choose whether personal data are transferred across the border of Kazakhstan."
        )
    if values.storage_term not in StorageTerm.values:
        problems["consent_storage_term"] = _(
            "Choose how long the data are kept and the consent lasts."
        )
    return problems


def labelled(values: ConsentTermsValues) -> dict:
    """The terms with each code's label in the active language (for receipts and pages)."""

    def items(codes, choices):
        labels = dict(choices.choices)
        return [{"code": code, "label": str(labels.get(code, code))} for code in codes]

    return {
        "purposes": items(values.purposes, Purpose),
        "data_categories": items(values.data_categories, DataCategory),
        "third_party_transfer": bool(values.third_party_transfer),
        "third_parties": items(values.third_parties, Recipient),
        "cross_border_transfer": bool(values.cross_border_transfer),
        "storage_term": items([values.storage_term], StorageTerm)[0],
    }
