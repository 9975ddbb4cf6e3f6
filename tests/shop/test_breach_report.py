"""The breach-notice export: customers whose records were touched in a given period."""

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from tests.shop.shop_helpers import make_customer

pytestmark = pytest.mark.django_db


def test_report_lists_customers_touched_in_the_period_and_exports_csv(client):
    old = make_customer(email="old@example.kz")
    later = timezone.now() + timedelta(days=30)
    with time_machine.travel(later):
        recent = make_customer(email="recent@example.kz")
    admin = get_user_model().objects.create_superuser(email="dpo@jetu.kz", password="x")
    client.force_login(admin)
    since = (later - timedelta(days=2)).date().isoformat()
    until = (later + timedelta(days=1)).date().isoformat()
    url = "/admin/reports/customers-touched/"
    page = client.get(url, {"period_from": since, "period_to": until})
    assert page.status_code == 200
    content = page.content.decode()
    assert "recent@example.kz" in content
    assert "old@example.kz" not in content
    export = client.get(url, {"period_from": since, "period_to": until, "export": "csv"})
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    emails = [row[1] for row in rows[1:]]
    assert emails == ["recent@example.kz"]
    assert old.pk not in [int(row[0]) for row in rows[1:]]
    assert recent.phone in body


def test_shop_managers_without_customer_permission_cannot_open_it(client):
    user = get_user_model().objects.create_user(email="x@jetu.kz", password="x", is_staff=True)
    client.force_login(user)
    assert client.get("/admin/reports/customers-touched/").status_code in (302, 403)
