"""On PostgreSQL the database itself guards the ledger: triggers, and one chain under load."""

import threading

import pytest
from django.db import connections

from shop.models import Acceptance
from shop.services import ledger_verify
from tests.conftest import postgres_only
from tests.shop.shop_helpers import make_customer


@postgres_only()
@pytest.mark.postgres
def test_concurrent_registrations_keep_one_unbroken_chain(committed_content):
    writers = 6
    barrier = threading.Barrier(writers)
    errors = []

    def register(number):
        try:
            barrier.wait(timeout=10)
            make_customer(email=f"buyer{number}@example.kz", phone=f"+7701000000{number}")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Acceptance.objects.count() == writers
    assert ledger_verify() is None
