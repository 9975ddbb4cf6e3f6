"""A material change must be accepted before shopping on; a minor one is only announced."""

import pytest

from shop.models import Acceptance
from tests.helpers import body_data, publish_version, replace_in_clause
from tests.shop.shop_helpers import PASSWORD, t, text_of

ACCEPT = "/ru/shop/policy/accept/"


def new_version(policy, *, material: bool, summary="Уточнён пункт о доставке."):
    data = body_data(policy)
    replace_in_clause(data, "2.2.4", "адрес доставки", "адрес доставки Товара")
    return publish_version(policy, data, material=material, summary=summary)


@pytest.fixture
def material_v2(policy, customer):
    return new_version(policy, material=True)


@pytest.fixture
def minor_v2(policy, customer):
    return new_version(policy, material=False)


def redirected_to_accept(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(ACCEPT)


# Material changes ----------------------------------------------------------------------------


def test_every_shop_page_leads_to_the_acceptance_page(customer_client, material_v2):
    for url in ["/ru/", "/ru/shop/", "/ru/shop/cart/", "/ru/shop/checkout/", "/ru/shop/orders/1/"]:
        response = customer_client.get(url)
        assert redirected_to_accept(response), url
        assert response["Location"] == f"{ACCEPT}?next={url.replace('/', '%2F')}"
    # In Kazakh, to the Kazakh acceptance page.
    assert customer_client.get("/kk/shop/")["Location"].startswith("/kk/shop/policy/accept/")


def test_posts_are_stopped_too(customer_client, material_v2, products):
    response = customer_client.post("/ru/shop/cart/add/", {"product": products[0].pk})
    assert redirected_to_accept(response)
    assert customer_client.session.get("shop_cart") is None


def test_what_a_customer_needs_to_decide_stays_reachable(customer_client, material_v2):
    for url in [
        "/ru/legal/privacy/",
        "/kk/legal/privacy/",
        "/ru/legal/",
        "/ru/legal/privacy/versions/",
        "/ru/legal/privacy/versions/1/",
        "/kk/legal/privacy/versions/2/",
        "/ru/legal/privacy/compare/1/2/",
        "/ru/shop/account/",
        "/ru/shop/account/export/",
        "/ru/shop/account/close/",
        "/ru/shop/password/change/",
        ACCEPT,
        "/static/css/site.css",
        "/admin/",
    ]:
        assert not redirected_to_accept(customer_client.get(url)), url
    for url in ["/ru/legal/privacy/", "/kk/legal/privacy/versions/2/", "/ru/shop/account/"]:
        assert customer_client.get(url).status_code == 200, url


def test_log_out_stays_reachable(customer_client, material_v2):
    response = customer_client.post("/ru/shop/logout/")
    assert response["Location"] == "/ru/shop/"


def test_staff_are_never_sent_to_accept(client, material_v2, django_user_model):
    admin = django_user_model.objects.create_superuser(email="boss@jetu.kz", password="x")
    client.force_login(admin)
    assert client.get("/ru/shop/").status_code == 200
    assert client.get("/ru/").status_code == 200


def test_the_acceptance_page_shows_the_changes_and_links_to_both_texts(
    customer_client, material_v2
):
    page = customer_client.get(ACCEPT)
    html = page.content.decode()
    assert "Уточнён пункт о доставке." in text_of(page)
    assert 'href="/ru/legal/privacy/versions/2/"' in html
    assert 'href="/ru/legal/privacy/compare/1/2/"' in html
    assert 'value="decline"' in html


def test_accepting_continues_only_to_pages_of_this_site(customer_client, customer, material_v2):
    response = customer_client.post(
        ACCEPT,
        {"decision": "accept", "policy_version": material_v2.pk, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/ru/shop/account/"
    assert Acceptance.objects.filter(customer=customer, version=material_v2).exists()


def test_accepting_an_outdated_version_records_nothing(customer_client, customer, material_v2):
    response = customer_client.post(
        ACCEPT, {"decision": "accept", "policy_version": material_v2.pk - 1}, follow=True
    )
    assert not Acceptance.objects.filter(customer=customer, version=material_v2).exists()
    assert t(
        "The privacy policy has changed while you were reading it. Please read the version "
        "now in force and confirm again."
    ) in text_of(response)


def test_a_double_click_on_accept_records_once(customer_client, customer, material_v2):
    for _ in range(2):
        customer_client.post(ACCEPT, {"decision": "accept", "policy_version": material_v2.pk})
    assert Acceptance.objects.filter(customer=customer, version=material_v2).count() == 1


def test_declining_logs_out_explains_clause_5_2_and_offers_to_close(client, customer, material_v2):
    client.force_login(customer.user)
    response = client.post(
        ACCEPT, {"decision": "decline", "policy_version": material_v2.pk}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/ru/shop/policy/declined/"
    page = text_of(response)
    assert "5.2" in page
    assert 'href="/ru/shop/login/?next=%2Fru%2Fshop%2Faccount%2Fclose%2F"' in (
        response.content.decode()
    )
    assert not Acceptance.objects.filter(customer=customer, version=material_v2).exists()
    assert client.get("/ru/shop/account/")["Location"].startswith("/ru/shop/login/")

    # Logging in again through that link leads straight to closing the account.
    login = client.post(
        "/ru/shop/login/?next=/ru/shop/account/close/",
        {"username": customer.email, "password": PASSWORD},
    )
    assert login["Location"] == "/ru/shop/account/close/"
    assert client.get("/ru/shop/account/close/").status_code == 200


def test_a_customer_who_skipped_a_material_version_must_accept_the_next_minor_one(
    customer_client, customer, policy, material_v2
):
    data = body_data(policy)
    replace_in_clause(data, "2.2.3", "адрес электронной почты", "адрес электронной почты")
    replace_in_clause(data, "2.2.1", "Покупателя", "Покупателя (Клиента)")
    publish_version(policy, data, material=False)
    assert redirected_to_accept(customer_client.get("/ru/shop/"))


# Minor changes ---------------------------------------------------------------------------------


def test_a_minor_change_shows_a_notice_that_can_be_dismissed(customer_client, minor_v2):
    page = customer_client.get("/ru/shop/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'href="/ru/legal/privacy/versions/2/"' in html
    assert 'action="/ru/shop/policy/notice/dismiss/"' in html

    customer_client.post(
        "/ru/shop/policy/notice/dismiss/", {"version": minor_v2.pk, "next": "/ru/shop/"}
    )
    assert 'action="/ru/shop/policy/notice/dismiss/"' not in (
        customer_client.get("/ru/shop/").content.decode()
    )


def test_a_minor_change_can_be_accepted_from_my_account(customer_client, customer, minor_v2):
    account = customer_client.get("/ru/shop/account/").content.decode()
    assert 'action="/ru/shop/account/accept/"' in account
    customer_client.post(
        "/ru/shop/account/accept/", {"decision": "accept", "policy_version": minor_v2.pk}
    )
    acceptance = Acceptance.objects.get(customer=customer, version=minor_v2)
    assert acceptance.channel == "account"
    assert 'action="/ru/shop/policy/notice/dismiss/"' not in (
        customer_client.get("/ru/shop/").content.decode()
    )
