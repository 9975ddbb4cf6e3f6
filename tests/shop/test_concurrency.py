"""Concurrency on PostgreSQL: acceptances and registrations racing each other.

Acceptances take no lock: each is a plain insert, the unique constraint on (customer,
version) decides a double submit, and the sequencer logs whatever has committed.
"""

import threading

import pytest
from django.db import connections, transaction
from django.test import Client

from consent_log.models import Leaf, LeafKind
from consent_log.services import log_seal
from legal.models import LegalDocumentPage
from legal.selectors import document_state
from shop import services
from shop.http import RequestMeta
from shop.models import Acceptance, Customer
from tests.conftest import postgres_only
from tests.helpers import body_data, publish_version, replace_in_clause
from tests.shop.shop_helpers import make_customer, registration_data

pytestmark = [postgres_only(), pytest.mark.postgres]


def run_together(count, work):
    """Run ``work(i)`` in ``count`` threads released at the same moment; returns errors."""
    barrier = threading.Barrier(count)
    errors = []

    def target(i):
        try:
            barrier.wait(timeout=30)
            work(i)
        except Exception as exc:  # noqa: BLE001 - reported to the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def _material_v2():
    policy = LegalDocumentPage.objects.get(locale__language_code="ru", slug="privacy")
    data = body_data(policy)
    replace_in_clause(data, "1.8", "пользователь", "посетитель")
    publish_version(policy, data, material=True)
    v2 = document_state(policy).in_force
    assert v2.number == 2
    return v2


def _accept(customer, version, language="ru"):
    return services.acceptance_record(
        customer=Customer.objects.get(pk=customer.pk),
        version=version,
        language=language,
        meta=RequestMeta(ip_address="203.0.113.7", user_agent="Firefox/130"),
        channel="re-acceptance",
    )


def _sealed_acceptances() -> set[int]:
    while log_seal().appended:
        pass
    return set(Leaf.objects.filter(kind=LeafKind.ACCEPTANCE).values_list("object_id", flat=True))


def test_50_concurrent_acceptances_with_double_submits_give_one_record_each_all_sealed(
    committed_content,
):
    customers = [
        make_customer(email=f"c{i}@example.kz", phone=f"+77010001{i:03d}") for i in range(50)
    ]
    v2 = _material_v2()
    returned = {}

    def accept(i):
        # Threads 50–79 submit a second time for customers 0–29, at the same moment.
        customer = customers[i % 50]
        returned.setdefault(customer.pk, set()).add(_accept(customer, v2).pk)

    assert run_together(80, accept) == []
    records = Acceptance.objects.filter(version_id=v2.pk)
    assert records.count() == 50
    assert sorted(records.values_list("customer_id", flat=True)) == sorted(c.pk for c in customers)
    # Both submits of a customer were answered with the one record that was kept.
    assert all(len(pks) == 1 for pks in returned.values())
    assert {pk for pks in returned.values() for pk in pks} == set(
        records.values_list("pk", flat=True)
    )
    assert set(Acceptance.objects.values_list("pk", flat=True)) <= _sealed_acceptances()


def test_an_acceptance_does_not_wait_for_another_one_still_open(committed_content):
    first, second = (
        make_customer(email=f"w{i}@example.kz", phone=f"+7701000200{i}") for i in range(2)
    )
    v2 = _material_v2()
    inserted, release, errors = threading.Event(), threading.Event(), []
    slow = {}

    def open_transaction():
        try:
            with transaction.atomic():
                slow["record"] = _accept(first, v2)
                inserted.set()
                release.wait(timeout=30)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=open_transaction)
    thread.start()
    try:
        assert inserted.wait(timeout=30)
        done = []

        def accept_second():
            try:
                done.append(_accept(second, v2))
            finally:
                connections.close_all()

        other = threading.Thread(target=accept_second)
        other.start()
        other.join(timeout=10)
        # With a lock on the ledger this would wait for the first transaction's commit.
        assert done, "the second acceptance waited for the first one's transaction"
        assert done[0].pk > slow["record"].pk
        # Sealed now: the committed one is logged; the open one cannot be seen yet.
        sealed = _sealed_acceptances()
        assert done[0].pk in sealed and slow["record"].pk not in sealed
    finally:
        release.set()
        thread.join(timeout=30)
    assert errors == []
    # Committed later with the lower id, it is logged too: nothing is left out.
    assert slow["record"].pk in _sealed_acceptances()


def test_two_registrations_with_one_email_at_once_give_one_customer_and_a_clear_error(
    committed_content,
):
    responses = []

    def register(i):
        client = Client()
        data = registration_data(client, email="same@example.kz", phone=f"+7701555000{i}")
        responses.append(client.post("/ru/shop/register/", data))

    assert run_together(2, register) == []
    assert sorted(r.status_code for r in responses) == [200, 302]
    refused = next(r for r in responses if r.status_code == 200).content.decode()
    assert "same@example.kz" in refused
    assert "Этот адрес электронной почты уже зарегистрирован." in refused
    assert Customer.objects.filter(user__email="same@example.kz").count() == 1
