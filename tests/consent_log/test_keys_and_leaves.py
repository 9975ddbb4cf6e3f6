"""The signing key's configuration, the key id, and what a leaf says about a record."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError

from consent_log import leaves, signing
from consent_log.checks import signing_key_check
from tests.consent_log.verifier import jetu_verify
from tests.home.test_foundation import run_manage

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "jetu_cms.settings.production",
    "DJANGO_SECRET_KEY": "a" * 20 + "-long-random-production-key-" + "z" * 30,
    "DJANGO_ALLOWED_HOSTS": "www.jetu.kz",
}


def pem_of(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@pytest.fixture
def no_key(settings):
    settings.CONSENT_LOG_DEV_KEY_FILE = None
    settings.CONSENT_LOG_SIGNING_KEY = ""
    settings.CONSENT_LOG_SIGNING_KEY_FILE = ""
    return settings


class TestSigningKey:
    def test_without_a_key_the_check_stops_the_process(self, no_key):
        errors = signing_key_check(None)
        assert [error.id for error in errors] == ["consent_log.E001"]
        assert "CONSENT_LOG_SIGNING_KEY" in errors[0].msg

    def test_a_key_that_is_not_ed25519_pem_is_refused(self, no_key):
        no_key.CONSENT_LOG_SIGNING_KEY = (
            "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----"
        )
        assert [error.id for error in signing_key_check(None)] == ["consent_log.E001"]

    def test_a_key_given_as_a_value_signs(self, no_key):
        key = Ed25519PrivateKey.generate()
        no_key.CONSENT_LOG_SIGNING_KEY = pem_of(key)
        assert signing_key_check(None) == []
        head = signing.sign_head(3, b"\1" * 32, datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
        published = {
            **signing.head_fields(head.size, head.root_hash, head.timestamp, head.key_id),
            "signature": head.signature.hex(),
        }
        jetu_verify.verify_head(published, key.public_key())
        assert published["timestamp"] == "2026-01-02T03:04:05.000000Z"

    def test_a_key_file_is_read(self, no_key, tmp_path):
        path = tmp_path / "key.pem"
        output = io.StringIO()
        call_command("consent_log_keygen", str(path), stdout=output)
        assert "key id" in output.getvalue()
        no_key.CONSENT_LOG_SIGNING_KEY_FILE = str(path)
        assert signing_key_check(None) == []
        assert path.stat().st_mode & 0o077 == 0
        with pytest.raises(CommandError, match="never overwritten"):
            call_command("consent_log_keygen", str(path))

    def test_development_generates_its_key_once(self, no_key, tmp_path):
        no_key.CONSENT_LOG_DEV_KEY_FILE = tmp_path / "dev.pem"
        first = signing.key_id(signing.public_key())
        no_key.CONSENT_LOG_DEV_KEY_FILE = str(tmp_path / "dev.pem")  # a new cache entry
        assert signing.key_id(signing.public_key()) == first

    def test_key_id_is_the_rfc7638_thumbprint(self):
        # RFC 8037, appendix A.3: the thumbprint of its example Ed25519 key.
        raw = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        key = jetu_verify.Ed25519PublicKey.from_public_bytes(raw)
        expected = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
        assert signing.key_id(key) == expected == jetu_verify.key_id(key)

    def test_production_refuses_to_start_without_a_key(self):
        result = run_manage("check", env_extra=PRODUCTION, drop=["CONSENT_LOG_SIGNING_KEY"])
        assert result.returncode != 0
        assert "consent_log.E001" in result.stderr

    def test_production_starts_with_a_key_file(self, tmp_path):
        path = tmp_path / "key.pem"
        signing.generate_key_file(path)
        result = run_manage(
            "check", env_extra={**PRODUCTION, "CONSENT_LOG_SIGNING_KEY_FILE": str(path)}
        )
        assert result.returncode == 0, result.stderr


ALMATY = timezone(timedelta(hours=5))


def acceptance(**overrides):
    values = {
        "id": 7,
        "customer_id": 42,
        "document_id": 3,
        "version_id": 5,
        "version_number": 2,
        "text_id": 11,
        "text_sha256": "ab" * 32,
        "language": "kk",
        "accepted_at": datetime(2026, 3, 1, 14, 30, 0, 123456, tzinfo=ALMATY),
        "channel": "re-acceptance",
        "ip_address": "203.0.113.9",
        "user_agent": "Mozilla/5.0 (Қазақша)",
    }
    return leaves.LoggedAcceptance(**{**values, **overrides})


class TestLeaves:
    def test_an_acceptance_leaf_is_canonical_json(self):
        encoded = leaves.encode(leaves.acceptance_leaf(acceptance()))
        # Written out by hand: sorted keys, no spaces, UTF-8, the instant in UTC.
        expected = (
            '{"accepted_at":"2026-03-01T09:30:00.123456Z","channel":"re-acceptance",'
            '"customer":42,"document":3,"format":1,"id":7,'
            '"ip_address_sha256":"'
            + hashlib.sha256(b"203.0.113.9").hexdigest()
            + '","kind":"acceptance","language":"kk","number":2,"text":11,'
            '"text_sha256":"'
            + "ab" * 32
            + '","user_agent_sha256":"'
            + hashlib.sha256("Mozilla/5.0 (Қазақша)".encode()).hexdigest()
            + '","version":5}'
        ).encode()
        assert encoded == expected

    def test_the_same_instant_in_another_time_zone_gives_the_same_leaf(self):
        moment = datetime(2026, 3, 1, 14, 30, tzinfo=ALMATY)
        assert leaves.encode(leaves.acceptance_leaf(acceptance(accepted_at=moment))) == (
            leaves.encode(leaves.acceptance_leaf(acceptance(accepted_at=moment.astimezone(UTC))))
        )

    def test_every_logged_field_changes_the_leaf_hash(self):
        base = leaves.leaf_hash(leaves.acceptance_leaf(acceptance()))
        for name, value in {
            "customer_id": 43,
            "text_sha256": "ac" * 32,
            "language": "ru",
            "accepted_at": datetime(2026, 3, 1, 14, 30, 0, 123457, tzinfo=ALMATY),
            "channel": "checkout",
            "ip_address": "203.0.113.10",
            "user_agent": "curl",
            "version_number": 3,
        }.items():
            changed = leaves.leaf_hash(leaves.acceptance_leaf(acceptance(**{name: value})))
            assert changed != base, name

    def test_an_acceptance_leaf_carries_no_raw_address_or_browser(self):
        leaf = leaves.encode(leaves.acceptance_leaf(acceptance())).decode()
        assert "203.0.113.9" not in leaf and "Mozilla" not in leaf
        assert json.loads(leaf)["ip_address_sha256"]
        without = json.loads(leaves.encode(leaves.acceptance_leaf(acceptance(ip_address=None))))
        assert without["ip_address_sha256"] is None

    def test_a_version_text_leaf_covers_the_metadata_a_dispute_turns_on(self):
        text = leaves.LoggedVersionText(
            id=1,
            document_id=3,
            version_id=5,
            version_number=2,
            language="kk",
            title="Құпиялылық саясаты",
            change_summary="4.2-тармақ өзгерді",
            published_at=datetime(2026, 2, 1, tzinfo=UTC),
            effective_from=datetime(2026, 3, 1, tzinfo=UTC),
            material=True,
            created_at=datetime(2026, 2, 2, tzinfo=UTC),
            sha256="cd" * 32,
            html_sha256="ef" * 32,
        )
        leaf = json.loads(leaves.encode(leaves.version_text_leaf(text)))
        assert leaf["material"] is True
        assert leaf["effective_from"] == "2026-03-01T00:00:00.000000Z"
        assert leaf["change_summary"] == "4.2-тармақ өзгерді"
        assert (leaf["text_sha256"], leaf["html_sha256"]) == ("cd" * 32, "ef" * 32)
        moved = text._replace(effective_from=datetime(2026, 2, 15, tzinfo=UTC))
        assert leaves.leaf_hash(leaves.version_text_leaf(moved)) != leaves.leaf_hash(
            leaves.version_text_leaf(text)
        )
