"""On PostgreSQL under load: concurrent registrations, one acceptance each, every one sealed,
and the first-format chain written before them still verifying."""

import threading
from datetime import timedelta

import pytest
from django.db import connections

from consent_log.audit import log_audit
from consent_log.models import Leaf, LeafKind
from consent_log.services import log_seal
from shop.models import Acceptance
from shop.services import ledger_verify
from tests.conftest import postgres_only
from tests.shop.shop_helpers import format_1_acceptance, make_customer


@postgres_only()
@pytest.mark.postgres
def test_concurrent_registrations_are_all_recorded_and_sealed_after_the_old_chain(
    committed_content,
):
    old = [format_1_acceptance(email=f"old{number}@example.kz") for number in range(3)]
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
    assert Acceptance.objects.count() == writers + len(old)
    assert ledger_verify() is None
    while log_seal().appended:
        pass
    logged = list(
        Leaf.objects.filter(kind=LeafKind.ACCEPTANCE)
        .order_by("index")
        .values_list("object_id", flat=True)
    )
    # The format-1 records are the log's first acceptances, in their chain's order.
    assert logged[: len(old)] == [record.pk for record in old]
    assert sorted(logged) == sorted(Acceptance.objects.values_list("pk", flat=True))
    assert log_audit(max_delay=timedelta(0)).findings == []
