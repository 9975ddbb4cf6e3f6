"""Fixtures for the shop: customers registered the way customers register, products."""

from __future__ import annotations

import pytest
from django.db import connections

from legal.selectors import document_state
from shop.models import Product
from tests.shop.shop_helpers import make_customer


@pytest.fixture(scope="session", autouse=True)
def _flush_past_append_only_triggers():
    """Let Django empty the database after transactional tests on PostgreSQL.

    The append-only triggers refuse TRUNCATE on evidence tables unless the session sets
    ``jetu.maintenance``. Django's flush runs its statements in one transaction; prefixing them
    with ``SET LOCAL`` lifts the guard for that transaction only, so every other statement of
    every test still meets the triggers.
    """
    patched = []
    for connection in connections.all():
        if connection.vendor != "postgresql":
            continue
        original = connection.ops.execute_sql_flush

        def execute_sql_flush(sql_list, _original=original):
            return _original(["SET LOCAL jetu.maintenance = 'on'", *sql_list])

        connection.ops.execute_sql_flush = execute_sql_flush
        patched.append((connection, original))
    yield
    for connection, original in patched:
        connection.ops.execute_sql_flush = original


@pytest.fixture
def products(db):
    """The seeded catalogue (load_initial_data seeds it)."""
    return list(Product.objects.active())


@pytest.fixture
def v1(policy):
    return document_state(policy).in_force


@pytest.fixture
def customer(db, policy):
    return make_customer()


@pytest.fixture
def customer_client(client, customer):
    client.force_login(customer.user)
    return client
