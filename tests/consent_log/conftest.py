"""Fixtures for the transparency log: customers who accepted, the public key as a file."""

from __future__ import annotations

import pytest

from consent_log import signing
from tests.consent_log.verifier import jetu_verify
from tests.shop.shop_helpers import make_customer


def customers(count: int, start: int = 0, language: str = "ru"):
    """Register ``count`` customers; each registration records an acceptance."""
    return [
        make_customer(
            email=f"buyer{number}@example.kz",
            phone=f"+7701{number:07d}",
            language=language,
        )
        for number in range(start, start + count)
    ]


@pytest.fixture
def public_key():
    """The operator's public key, as an outsider gets it (PEM), loaded by the verifier."""
    return jetu_verify.load_public_key(signing.public_pem(signing.public_key()).encode())
