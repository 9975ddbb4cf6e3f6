"""Concurrency on PostgreSQL: acceptances and registrations racing each other."""

import threading

import pytest
from django.db import connections
from django.test import Client

from legal.models import LegalDocumentPage
from legal.selectors import document_state
from shop import services
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


def test_50_concurrent_acceptances_give_exactly_50_records(committed_content):
    customers = [
        make_customer(email=f"c{i}@example.kz", phone=f"+77010001{i:03d}") for i in range(50)
    ]
    policy = LegalDocumentPage.objects.get(locale__language_code="ru", slug="privacy")
    data = body_data(policy)
    replace_in_clause(data, "1.8", "пользователь", "посетитель")
    publish_version(policy, data, material=True)
    v2 = document_state(policy).in_force
    assert v2.number == 2

    def accept(i):
        services.acceptance_record(
            customer=Customer.objects.get(pk=customers[i].pk),
            version=v2,
            language="ru",
            request=None,
            channel="re-acceptance",
        )

    assert run_together(50, accept) == []
    assert Acceptance.objects.filter(version_id=v2.pk).count() == 50
    assert services.ledger_verify() is None
    # A double submit racing itself still leaves one record.
    assert run_together(2, lambda i: accept(0)) == []
    assert Acceptance.objects.filter(version_id=v2.pk).count() == 50


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
