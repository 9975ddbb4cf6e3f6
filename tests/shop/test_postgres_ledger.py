"""On PostgreSQL the database itself guards the ledger: triggers, and one chain under load."""

import threading

import pytest
from django.db import DatabaseError, InternalError, connection, connections, transaction

from shop.models import Acceptance
from shop.services import ledger_verify
from tests.conftest import postgres_only
from tests.shop.shop_helpers import make_customer


@postgres_only()
@pytest.mark.postgres
def test_triggers_refuse_update_delete_truncate_on_the_ledger(customer):
    for statement in (
        "UPDATE shop_acceptance SET ip_address = '198.51.100.1'",
        "DELETE FROM shop_acceptance",
        "TRUNCATE shop_acceptance",
    ):
        with (
            pytest.raises((InternalError, DatabaseError), match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("SET LOCAL jetu.maintenance = 'off'")
            # Run the foreign-key checks deferred from the fixture's inserts now, or PostgreSQL
            # refuses TRUNCATE for "pending trigger events" before our trigger is even asked.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(statement)
    assert Acceptance.objects.filter(customer=customer).count() == 1


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
