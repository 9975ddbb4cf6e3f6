"""The consent ledger's record hashing (pure, no database).

The oracle is the canonical JSON of a record written out by hand.
"""

import hashlib
from datetime import UTC, datetime, timedelta, timezone

from shop import ledger

FIELDS = {
    "customer_id": 1,
    "version_id": 2,
    "text_id": 3,
    "text_sha256": "a" * 64,
    "language": "kk",
    "accepted_at": datetime(2025, 3, 1, 9, 30, 0, 123456, tzinfo=UTC),
    "ip_address": "203.0.113.7",
    "user_agent": "Mozilla/5.0 (Сафари)",
    "channel": "registration",
}
CANONICAL = (
    '{"accepted_at":"2025-03-01T09:30:00.123456+00:00","channel":"registration",'
    '"customer_id":1,"format":1,"ip_address":"203.0.113.7","language":"kk",'
    f'"previous_hash":"{"0" * 64}","text_id":3,"text_sha256":"{"a" * 64}",'
    '"user_agent":"Mozilla/5.0 (Сафари)","version_id":2}'
)


def test_the_chain_starts_from_sixty_four_zeros_in_format_one():
    assert ledger.GENESIS_HASH == "0" * 64
    assert ledger.LEDGER_FORMAT == 1


def test_a_record_serialises_to_sorted_compact_json():
    assert ledger.canonical_record(FIELDS, "0" * 64) == CANONICAL


def test_the_hash_is_the_sha256_of_the_canonical_record():
    expected = hashlib.sha256(CANONICAL.encode("utf-8")).hexdigest()
    assert ledger.record_hash(FIELDS, "0" * 64) == expected


def test_the_time_is_written_in_utc_with_microseconds():
    almaty = FIELDS["accepted_at"].astimezone(timezone(timedelta(hours=5)))
    whole_second = datetime(2025, 3, 1, 14, 30, tzinfo=timezone(timedelta(hours=5)))
    assert ledger.canonical_record(dict(FIELDS, accepted_at=almaty), "0" * 64) == CANONICAL
    record = ledger.canonical_record(dict(FIELDS, accepted_at=whole_second), "0" * 64)
    assert '"accepted_at":"2025-03-01T09:30:00.000000+00:00"' in record


def test_no_ip_is_null_and_no_user_agent_is_empty():
    record = ledger.canonical_record(dict(FIELDS, ip_address="", user_agent=None), "f" * 64)
    assert '"ip_address":null' in record
    assert '"user_agent":""' in record
    assert f'"previous_hash":"{"f" * 64}"' in record


def test_fields_outside_the_hashed_set_are_left_out():
    record = ledger.canonical_record(dict(FIELDS, id=99, record_hash="x"), "0" * 64)
    assert record == CANONICAL
