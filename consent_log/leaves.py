"""What the log records about each piece of evidence: canonical leaves, pure functions.

A leaf is the canonical JSON (sorted keys, no whitespace, UTF-8; for these values the same as
RFC 8785) of one record, and its hash is RFC 6962's leaf hash of those bytes. ``format``
numbers the set of fields: if it ever changes, old leaves keep verifying under their own
format. Everything a later dispute could turn on is in the leaf, so a row changed after it was
logged no longer produces its leaf.

IP addresses and browser strings are logged as SHA-256 hashes: a receipt carries its leaf and
may be shown to third parties, the raw values stay in the database (and the evidence pack).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from functools import lru_cache
from typing import NamedTuple

from . import merkle

LEAF_FORMAT = 1


class LoggedVersionText(NamedTuple):
    """A published text of a version of a document, with the version's metadata."""

    id: int
    document_id: int
    version_id: int
    version_number: int
    language: str
    title: str
    change_summary: str
    published_at: datetime
    effective_from: datetime
    material: bool
    created_at: datetime
    sha256: str
    html_sha256: str


class LoggedConsentTerms(NamedTuple):
    """What a consent to a version covers, frozen with the version (``legal.ConsentTerms``)."""

    id: int
    document_id: int
    version_id: int
    version_number: int
    purposes: list
    data_categories: list
    third_party_transfer: bool
    third_parties: list
    cross_border_transfer: bool
    storage_term: str
    created_at: datetime


class LoggedAcceptance(NamedTuple):
    """A customer's acceptance of one text, as the consent ledger recorded it."""

    id: int
    customer_id: int
    document_id: int
    version_id: int
    version_number: int
    text_id: int
    text_sha256: str
    language: str
    accepted_at: datetime
    channel: str
    ip_address: str | None
    user_agent: str


def instant(value: datetime) -> str:
    """ISO 8601 in UTC with microseconds: one instant, one string, whatever the time zone."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@lru_cache(maxsize=4096)  # many acceptances share a browser string and an address
def _sha256(value: str | None) -> str | None:
    return hashlib.sha256(value.encode("utf-8")).hexdigest() if value else None


def version_text_leaf(text: LoggedVersionText) -> dict:
    """The leaf of a published version text, metadata included."""
    return {
        "format": LEAF_FORMAT,
        "kind": "version_text",
        "id": text.id,
        "document": text.document_id,
        "version": text.version_id,
        "number": text.version_number,
        "language": text.language,
        "title": text.title,
        "change_summary": text.change_summary,
        "published_at": instant(text.published_at),
        "effective_from": instant(text.effective_from),
        "material": bool(text.material),
        "created_at": instant(text.created_at),
        "text_sha256": text.sha256,
        "html_sha256": text.html_sha256,
    }


def consent_terms_leaf(terms: LoggedConsentTerms) -> dict:
    """The leaf of a version's consent terms: codes, as Legal chose them (labels are not logged:
    they are translations of the codes and may be worded better later)."""
    return {
        "format": LEAF_FORMAT,
        "kind": "consent_terms",
        "id": terms.id,
        "document": terms.document_id,
        "version": terms.version_id,
        "number": terms.version_number,
        "purposes": list(terms.purposes),
        "data_categories": list(terms.data_categories),
        "third_party_transfer": bool(terms.third_party_transfer),
        "third_parties": list(terms.third_parties),
        "cross_border_transfer": bool(terms.cross_border_transfer),
        "storage_term": terms.storage_term,
        "created_at": instant(terms.created_at),
    }


def acceptance_leaf(acceptance: LoggedAcceptance) -> dict:
    """The leaf of an acceptance. ``customer`` is the customer's id, not a name or e-mail."""
    return {
        "format": LEAF_FORMAT,
        "kind": "acceptance",
        "id": acceptance.id,
        "customer": acceptance.customer_id,
        "document": acceptance.document_id,
        "version": acceptance.version_id,
        "number": acceptance.version_number,
        "text": acceptance.text_id,
        "text_sha256": acceptance.text_sha256,
        "language": acceptance.language,
        "accepted_at": instant(acceptance.accepted_at),
        "channel": acceptance.channel,
        "ip_address_sha256": _sha256(acceptance.ip_address),
        "user_agent_sha256": _sha256(acceptance.user_agent),
    }


def encode(leaf: dict) -> bytes:
    """The exact bytes that are hashed into the tree."""
    return json.dumps(leaf, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def leaf_hash(leaf: dict) -> bytes:
    return merkle.leaf_hash(encode(leaf))
