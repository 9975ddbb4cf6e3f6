"""Customers see every change since the version they accepted; no Russian on Kazakh pages."""

import json

import pytest

from legal.models import LegalDocumentPage
from tests.helpers import body_data, publish_source, publish_version, replace_in_clause
from tests.shop.shop_helpers import make_customer

pytestmark = pytest.mark.django_db


def two_more_versions(policy):
    data = body_data(policy)
    replace_in_clause(data, "1.8", "пользователь", "посетитель")
    publish_version(policy, data, material=False, summary="Уточнён пункт 1.8.")
    replace_in_clause(data, "2.2.4", "адрес доставки", "адрес доставки Товара")
    publish_version(
        LegalDocumentPage.objects.get(pk=policy.pk),
        data,
        material=True,
        summary="Уточнён пункт 2.2.4.",
    )


def test_the_reacceptance_page_lists_every_change_since_the_accepted_version(client, policy):
    customer = make_customer(email="skipper@example.kz")  # accepted version 1
    two_more_versions(policy)
    client.force_login(customer.user)
    content = client.get("/ru/shop/policy/accept/").content.decode()
    first, second = content.index("Уточнён пункт 1.8."), content.index("Уточнён пункт 2.2.4.")
    assert first < second  # oldest first, as they happened
    assert 'href="/ru/legal/privacy/compare/1/2/"' in content
    assert 'href="/ru/legal/privacy/compare/2/3/"' in content
    # ...and one redline from the accepted version straight to the one in force.
    assert 'href="/ru/legal/privacy/compare/1/3/"' in content


def test_a_customer_one_version_behind_sees_that_one_summary(client, policy):
    customer = make_customer(email="recent@example.kz")
    data = body_data(policy)
    replace_in_clause(data, "1.8", "пользователь", "посетитель")
    publish_version(policy, data, material=True, summary="Уточнён пункт 1.8.")
    client.force_login(customer.user)
    content = client.get("/ru/shop/policy/accept/").content.decode()
    assert content.count("Уточнён пункт 1.8.") == 1
    assert 'href="/ru/legal/privacy/compare/1/2/"' in content


def test_a_pending_versions_russian_summary_never_shows_on_kazakh_pages(client, policy):
    data = body_data(policy)
    replace_in_clause(data, "1.8", "пользователь", "посетитель")
    publish_source(policy, data, summary="Русское описание без перевода.")
    archive = client.get("/kk/legal/privacy/versions/").content.decode()
    listing = json.loads(client.get("/kk/legal/privacy/versions/json/").content)
    assert "Русское описание без перевода." not in archive
    assert [v["summary"] for v in listing["versions"] if v["number"] == 2] == [""]
    # The Russian pages show it.
    ru_archive = client.get("/ru/legal/privacy/versions/").content.decode()
    assert "Русское описание без перевода." in ru_archive


def test_my_account_lists_every_change_since_the_accepted_version(client, policy):
    customer = make_customer(email="skipper@example.kz")  # accepted version 1
    two_more_versions(policy)
    client.force_login(customer.user)
    content = client.get("/ru/shop/account/").content.decode()
    changes = content.split('id="changes-since-accepted"')[1].split("</ol>")[0]
    first, second = changes.index("Уточнён пункт 1.8."), changes.index("Уточнён пункт 2.2.4.")
    assert first < second
    assert 'href="/ru/legal/privacy/compare/1/2/"' in changes
    assert 'href="/ru/legal/privacy/compare/2/3/"' in changes
    assert 'href="/ru/legal/privacy/compare/1/3/"' in content


def test_the_change_notice_lists_every_change_and_one_redline_to_the_newest(
    policy, django_capture_on_commit_callbacks
):
    from django.core import mail

    from shop.notices import notices_fan_out

    make_customer(email="kk@example.kz", language="kk")  # accepted version 1
    two_more_versions(policy)
    with django_capture_on_commit_callbacks(execute=True):
        notices_fan_out()
    (notice,) = mail.outbox
    html = notice.alternatives[0][0]
    for body in (notice.body, html):
        # The Kazakh summaries (the test translator's), never the Russian ones.
        first = body.index("[kk] Уточнён пункт 1.8.")
        assert first < body.index("[kk] Уточнён пункт 2.2.4.")
        assert "/kk/legal/privacy/compare/1/2/" in body
        assert "/kk/legal/privacy/compare/2/3/" in body
        assert "/kk/legal/privacy/compare/1/3/" in body
        assert "Уточнён пункт 1.8." not in body.replace("[kk] Уточнён пункт 1.8.", "")


def test_a_kazakh_customers_account_shows_no_russian_summary_of_a_pending_version(client, policy):
    customer = make_customer(email="kk@example.kz", language="kk")
    data = body_data(policy)
    replace_in_clause(data, "1.8", "пользователь", "посетитель")
    publish_version(policy, data, material=False, summary="Уточнён пункт 1.8.")
    replace_in_clause(data, "2.2.4", "адрес доставки", "адрес доставки Товара")
    publish_source(
        LegalDocumentPage.objects.get(pk=policy.pk), data, summary="Русское описание без перевода."
    )
    client.force_login(customer.user)
    content = client.get("/kk/shop/account/").content.decode()
    assert "[kk] Уточнён пункт 1.8." in content  # version 2, in force, is listed
    assert "Русское описание без перевода." not in content
