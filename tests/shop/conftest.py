"""Fixtures for the shop: customers registered the way customers register, products."""

from __future__ import annotations

import pytest

from legal.selectors import document_state
from shop.models import Product
from tests.shop.shop_helpers import make_customer


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
