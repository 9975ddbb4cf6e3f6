"""Consent receipts: the operator's signed statement of one acceptance, for the customer to keep.

A receipt is a JWS (RFC 7515) signed with the consent log's Ed25519 key (``EdDSA``, the key
published at ``/consent-log/``). Its payload is shaped after the Kantara Initiative's Consent
Receipt 1.1 and ISO/IEC 27560 (docs/consent-log.md, "Receipts", maps the fields) and states
what Law 94-V, Art. 8 asks a consent to state: who the operator is, who consented (a
pseudonymous id), to which exact text, for which purposes, which data, to whom they go, whether
they leave the country, for how long, how and when. Once the acceptance is in the log, the
receipt also carries its leaf, its inclusion proof and the signed tree head the proof leads to,
so ``tools/jetu_verify.py receipt`` can check it with nothing but the public key.

Receipts are built on demand from the database; nothing is stored. The proof is always to the
first head that covered the acceptance, so a sealed acceptance gets the same proof every time
(the labels, the operator's address and the site's address are today's).
"""

from __future__ import annotations

import json
import warnings
from typing import NamedTuple

from django.conf import settings
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from joserfc import jws
from joserfc.jwk import OKPKey

from legal.consent_terms import labelled
from legal.selectors import version_terms
from shop.models import Acceptance

from . import leaves, signing
from .models import Leaf, LeafKind, TreeHead
from .selectors import head_document, inclusion_proof
from .services import MAX_SEAL_DELAY, SOURCES

__all__ = ["MAX_SEAL_DELAY", "receipt_document", "receipt_for", "receipt_payload", "subject_id"]

RECEIPT_FORMAT = "jetu-consent-receipt/v1"
RECEIPT_TYPE = "jetu-consent-receipt+json"
# RFC 8037's name, which the published JWK set also gives; RFC 9864 deprecates it in favour
# of "Ed25519" (the same signature), which verifiers of 2026 do not all know yet.
ALGORITHM = "EdDSA"
SUBJECT_SALT = "jetu.consent_log.receipts.subject"

# The operator, as the home page presents the seller (the same catalogue entries).
OPERATOR_NAME = _("“Jetu” Collection Agency LLP")
OPERATOR_BIN = "240440017017"
OPERATOR_ADDRESS = _(
    "Kazakhstan, Almaty, Nauryzbay district, Rakhat microdistrict, Kultobe street 4, 050070"
)
LEGAL_BASIS = _(
    "Law of the Republic of Kazakhstan No. 94-V of 21 May 2013 “On personal data and their "
    "protection”, Article 8"
)


class ReceiptState(NamedTuple):
    """Whether a receipt carries its proof yet, and where it points."""

    sealed: bool
    leaf_index: int | None
    head: TreeHead | None


def subject_id(customer_id: int) -> str:
    """The customer's pseudonymous id in receipts: an HMAC of their number, never the e-mail.

    Keyed with ``CONSENT_RECEIPT_SUBJECT_SECRET`` (default: ``SECRET_KEY``): the same customer
    always gets the same id, and nobody without the key can tell whose it is.
    """
    secret = settings.CONSENT_RECEIPT_SUBJECT_SECRET or None
    digest = salted_hmac(SUBJECT_SALT, str(customer_id), secret=secret, algorithm="sha256")
    return "hmac-sha256:" + digest.hexdigest()


def _acceptance_leaf(acceptance: Acceptance) -> dict:
    source = next(source for source in SOURCES if source.kind == LeafKind.ACCEPTANCE)
    row = source.rows(Acceptance.objects.filter(pk=acceptance.pk)).get()
    return source.leaf(source.record._make(row))


def receipt_state(acceptance: Acceptance) -> ReceiptState:
    """Is the acceptance in the log yet, and which head first covered it."""
    leaf = Leaf.objects.filter(kind=LeafKind.ACCEPTANCE, object_id=acceptance.pk).first()
    if leaf is None:
        return ReceiptState(False, None, None)
    head = TreeHead.objects.filter(size__gt=leaf.index).order_by("size").first()
    if head is None:  # a leaf is written with its head; this is a log being sealed right now
        return ReceiptState(False, leaf.index, None)
    return ReceiptState(True, leaf.index, head)


def _policy_url(text) -> str:
    page = text.page
    return (
        settings.SITE_URL.rstrip("/")
        + page.get_url()
        + page.reverse_subpage("version", args=[text.version.number])
    )


def receipt_payload(acceptance: Acceptance, *, language: str | None = None) -> dict:
    """The receipt's content; labels in ``language`` (default: the language accepted in).

    The signed receipt is always in the language the customer read and accepted the text in;
    another ``language`` is for showing it on a page.
    """
    acceptance = Acceptance.objects.select_related(
        "version", "text", "text__page", "text__locale"
    ).get(pk=acceptance.pk)
    version, text = acceptance.version, acceptance.text
    terms = version_terms(version)
    leaf = _acceptance_leaf(acceptance)
    state = receipt_state(acceptance)
    with translation.override(language or acceptance.language):
        log = {"sealed": state.sealed, "leaf": leaf}
        if state.sealed:
            proof = inclusion_proof(state.leaf_index, state.head.size)
            log.update(
                {
                    "leaf_index": proof.leaf_index,
                    "tree_size": proof.tree_size,
                    "inclusion_proof": [item.hex() for item in proof.proof],
                    "tree_head": head_document(state.head),
                }
            )
        return {
            "receipt_format": RECEIPT_FORMAT,
            "receipt_id": f"urn:jetu:consent-receipt:acceptance:{acceptance.pk}",
            "jurisdiction": "KZ",
            "legal_basis": str(LEGAL_BASIS),
            "language": acceptance.language,
            "consent_timestamp": leaves.instant(acceptance.accepted_at),
            "collection_method": {
                "code": acceptance.channel,
                "label": str(acceptance.get_channel_display()),
            },
            "pii_principal_id": subject_id(acceptance.customer_id),
            "pii_controller": {
                "name": str(OPERATOR_NAME),
                "bin": OPERATOR_BIN,
                "address": str(OPERATOR_ADDRESS),
                "url": settings.SITE_URL,
            },
            "notice": {
                "document_id": version.document_id,
                "document": text.page.short_name,
                "title": text.title,
                "version": version.number,
                "language": text.locale.language_code,
                "text_sha256": acceptance.text_sha256,
                "published_at": leaves.instant(version.published_at),
                "effective_from": leaves.instant(version.effective_from),
                "url": _policy_url(text),
            },
            # None only for a version published before versions stated their terms and not
            # covered by the data migration that filled version 1's.
            "consent_terms": labelled(terms.values()) if terms is not None else None,
            "log": log,
        }


def _protected_header() -> dict:
    return {
        "alg": ALGORITHM,
        "kid": signing.key_id(signing.public_key()),
        "typ": RECEIPT_TYPE,
        "cty": "application/json",
    }


def receipt_for(acceptance: Acceptance) -> tuple[str, dict]:
    """The signed receipt of ``acceptance``: ``(JWS compact serialization, payload)``.

    For other code that hands receipts out (the evidence pack, e-mails). The payload is in the
    language accepted in; ``receipt_document`` turns the JWS into the downloadable JSON file.

    Raises:
        ImproperlyConfigured: no signing key is configured.
    """
    payload = receipt_payload(acceptance)
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    key = OKPKey.import_key(signing.signing_key())
    with warnings.catch_warnings():
        # joserfc warns that RFC 9864 deprecates "EdDSA"; see ALGORITHM for why we keep it.
        warnings.simplefilter("ignore")
        token = jws.serialize_compact(
            _protected_header(), body.encode("utf-8"), key, algorithms=[ALGORITHM]
        )
    return token, payload


def receipt_document(token: str) -> dict:
    """The JWS in the flattened JSON serialization (RFC 7515 §7.2.2): the ``.json`` file."""
    protected, payload, signature = token.split(".")
    return {"protected": protected, "payload": payload, "signature": signature}


def receipt_filename(acceptance: Acceptance) -> str:
    return f"jetu-consent-receipt-{acceptance.pk}.json"
