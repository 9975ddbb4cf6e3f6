"""The operator's Ed25519 key and the bytes of a signed tree head.

The key comes from the environment: ``CONSENT_LOG_SIGNING_KEY`` (the PEM itself) or
``CONSENT_LOG_SIGNING_KEY_FILE`` (a path to it). Development and test settings name a
git-ignored file, ``CONSENT_LOG_DEV_KEY_FILE``, generated the first time it is needed;
production has none and refuses to sign without a configured key (and ``consent_log.checks``
refuses to start). The verifier (``tools/jetu_verify.py``) rebuilds the same bytes on its own.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .leaves import instant

HEAD_CONTEXT = b"jetu-consent-log/tree-head/v1\n"


class SignedHead(NamedTuple):
    size: int
    root_hash: bytes
    timestamp: datetime
    key_id: str
    signature: bytes


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _canonical(value: dict) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def generate_key_file(path: Path) -> bool:
    """Write a new private key to ``path`` (owner-only) unless a file is there already."""
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        # O_EXCL: two processes starting at once must not each write (and use) their own key.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    return True


def configured_key_source() -> tuple[str, str] | None:
    """Where the key comes from: ("value", PEM), ("file", path) or None."""
    if settings.CONSENT_LOG_SIGNING_KEY:
        return "value", settings.CONSENT_LOG_SIGNING_KEY
    if settings.CONSENT_LOG_SIGNING_KEY_FILE:
        return "file", str(settings.CONSENT_LOG_SIGNING_KEY_FILE)
    if settings.CONSENT_LOG_DEV_KEY_FILE:
        return "dev", str(settings.CONSENT_LOG_DEV_KEY_FILE)
    return None


@lru_cache(maxsize=4)
def _load(kind: str, value: str) -> Ed25519PrivateKey:
    if kind == "dev":
        generate_key_file(Path(value))
    pem = value.encode() if kind == "value" else Path(value).read_bytes()
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (TypeError, ValueError) as exc:
        raise ImproperlyConfigured(
            "The consent log's signing key is not an unencrypted PEM private key."
        ) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured("The consent log's signing key must be an Ed25519 key.")
    return key


def signing_key() -> Ed25519PrivateKey:
    """The configured private key.

    Raises:
        ImproperlyConfigured: no key is configured (production), or it is not Ed25519 PEM.
    """
    source = configured_key_source()
    if source is None:
        raise ImproperlyConfigured(
            "Set CONSENT_LOG_SIGNING_KEY or CONSENT_LOG_SIGNING_KEY_FILE: tree heads of the "
            "consent log cannot be signed without the operator's Ed25519 key."
        )
    try:
        return _load(*source)
    except OSError as exc:
        raise ImproperlyConfigured(f"The consent log's signing key cannot be read: {exc}") from exc


def public_key() -> Ed25519PublicKey:
    return signing_key().public_key()


def public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def _jwk_members(key: Ed25519PublicKey) -> dict:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"crv": "Ed25519", "kty": "OKP", "x": _b64url(raw)}


def key_id(key: Ed25519PublicKey) -> str:
    """RFC 7638 JWK thumbprint of the public key: the ``key_id`` in every tree head."""
    return _b64url(hashlib.sha256(_canonical(_jwk_members(key))).digest())


def public_jwk(key: Ed25519PublicKey) -> dict:
    return {**_jwk_members(key), "kid": key_id(key), "alg": "EdDSA", "use": "sig"}


def head_fields(size: int, root_hash: bytes, timestamp: datetime, kid: str) -> dict:
    """The signed fields of a tree head, as published."""
    return {
        "key_id": kid,
        "root_hash": root_hash.hex(),
        "size": size,
        "timestamp": instant(timestamp),
    }


def head_message(size: int, root_hash: bytes, timestamp: datetime, kid: str) -> bytes:
    """The exact bytes the operator signs (docs/consent-log.md, "Signed tree heads")."""
    return HEAD_CONTEXT + _canonical(head_fields(size, root_hash, timestamp, kid))


def sign_head(size: int, root_hash: bytes, timestamp: datetime) -> SignedHead:
    key = signing_key()
    kid = key_id(key.public_key())
    signature = key.sign(head_message(size, root_hash, timestamp, kid))
    return SignedHead(size, root_hash, timestamp, kid, signature)
