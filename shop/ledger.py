"""The consent ledger's tamper evidence: canonical records and their chained SHA-256.

Pure functions, no database. Every acceptance is serialised to one canonical JSON string that
includes the hash of the record before it, so changing, removing or reordering any record
breaks every hash after it. ``LEDGER_FORMAT`` is part of the hashed payload: if the set of
fields ever changes, old records keep verifying under their own format number.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

LEDGER_FORMAT = 1
GENESIS_HASH = "0" * 64

# The fields of an acceptance that the hash covers, in the order they are documented.
HASHED_FIELDS = (
    "customer_id",
    "version_id",
    "text_id",
    "text_sha256",
    "language",
    "accepted_at",
    "ip_address",
    "user_agent",
    "channel",
)


def _timestamp(value: datetime) -> str:
    # Always UTC with microseconds: the same instant must serialise the same way whatever the
    # time zone the process runs in and whatever the database hands back.
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def canonical_record(fields: dict, previous_hash: str) -> str:
    """Serialise an acceptance's hashed fields plus ``previous_hash`` deterministically."""
    payload = {name: fields.get(name) for name in HASHED_FIELDS}
    payload["accepted_at"] = _timestamp(payload["accepted_at"])
    payload["ip_address"] = payload["ip_address"] or None
    payload["user_agent"] = payload["user_agent"] or ""
    payload["format"] = LEDGER_FORMAT
    payload["previous_hash"] = previous_hash
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def record_hash(fields: dict, previous_hash: str) -> str:
    """SHA-256 (hex) of the canonical form of a record chained to ``previous_hash``."""
    return hashlib.sha256(canonical_record(fields, previous_hash).encode("utf-8")).hexdigest()
