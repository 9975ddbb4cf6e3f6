"""My account (clause 4.2.1): see and edit my data, my consents, download it, close it."""

import json
import re
from datetime import timedelta

import pytest
from django.test import Client

from consent_log.audit import log_audit
from consent_log.services import log_seal
from shop.models import Acceptance, Customer, Order
from tests.shop.shop_helpers import PASSWORD, checkout_data, make_customer, t, text_of


def profile(**changes):
    data = {
        "last_name": "Серикова",
        "first_name": "Айгерим",
        "patronymic": "",
        "phone": "+77011234567",
        "delivery_address": "Алматы, ул. Абая 1, кв. 2",
        "preferred_language": "ru",
    }
    data.update(changes)
    return data


def place_order(client, product, address="Алматы, ул. Абая 1, кв. 2"):
    client.post("/ru/shop/cart/add/", {"product": product.pk, "quantity": 1})
    client.post("/ru/shop/checkout/", checkout_data(address))


def test_my_account_shows_my_data_and_consent(customer_client):
    page = text_of(customer_client.get("/ru/shop/account/"))
    for shown in ("Серикова Айгерим", "aigerim@example.kz", "+77011234567", "ул. Абая 1"):
        assert shown in page
    html = customer_client.get("/ru/shop/account/").content.decode()
    history = html.split('id="consent-history"')[1].split("</table>")[0]
    assert 'href="/ru/legal/privacy/versions/1/"' in history
    assert t("registration") in history


def test_my_account_needs_a_log_in(client, policy):
    response = client.get("/kk/shop/account/")
    assert response["Location"] == "/kk/shop/login/?next=/kk/shop/account/"


def test_i_can_edit_my_data(customer_client, customer):
    response = customer_client.post(
        "/ru/shop/account/edit/",
        profile(patronymic="Маратовна", phone="8 777 000 11 22", preferred_language="kk"),
        follow=True,
    )
    assert t("Your details have been saved.") in text_of(response)
    customer.refresh_from_db()
    assert customer.patronymic == "Маратовна"
    assert customer.phone == "+77770001122"
    assert customer.preferred_language == "kk"


def test_editing_my_data_cannot_change_my_log_in_e_mail(customer_client, customer):
    page = customer_client.get("/ru/shop/account/edit/").content.decode()
    assert 'name="email"' not in page
    assert 'href="/ru/shop/account/email/"' in page
    customer_client.post("/ru/shop/account/edit/", profile(email="someone.else@example.kz"))
    customer.user.refresh_from_db()
    assert customer.user.email == "aigerim@example.kz"


def test_editing_refuses_a_bad_phone(customer_client, customer):
    response = customer_client.post("/ru/shop/account/edit/", profile(phone="12"))
    assert response.status_code == 200
    assert t(
        "Enter a Kazakhstan phone number, for example +7 701 123 45 67 or 8 (701) 123-45-67."
    ) in text_of(response)
    customer.refresh_from_db()
    assert customer.phone == "+77011234567"


def test_i_can_download_everything_you_keep_about_me(customer_client, customer, products):
    place_order(customer_client, products[0])
    response = customer_client.get("/ru/shop/account/export/")
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["profile"]["email"] == "aigerim@example.kz"
    assert data["profile"]["surname"] == "Серикова"
    assert data["orders"][0]["lines"][0]["product"] == products[0].name
    assert data["orders"][0]["privacy_policy_version"] == 1
    assert (data["orders"][0]["delivery_method"], data["orders"][0]["payment_method"]) == (
        "courier",
        "cash",
    )
    acceptance = data["acceptances"][0]
    assert acceptance["privacy_policy_version"] == 1
    assert acceptance["channel"] == "registration"
    assert acceptance["text_url"] == "http://testserver/ru/legal/privacy/versions/1/"
    assert acceptance["text_sha256"] == Acceptance.objects.get(customer=customer).text.sha256


def test_closing_needs_my_password(customer_client, customer):
    wrong = t("The password is wrong; the account stays open. Enter the password you log in with.")
    cases = [
        ({"current_password": "not-my-password"}, wrong),
        ({"current_password": ""}, t("Enter your current password.")),
    ]
    for data, message in cases:
        response = customer_client.post("/ru/shop/account/close/", data)
        assert response.status_code == 200
        assert message in text_of(response)
    customer.refresh_from_db()
    assert customer.anonymised_at is None
    assert customer.user.is_active


def test_closing_my_account_anonymises_me_but_keeps_orders_and_consents(
    customer_client, customer, products
):
    place_order(customer_client, products[0], address="Алматы, Розыбакиева 10")
    log_seal()  # the acceptance is in the signed log before the account is closed
    acceptance = Acceptance.objects.get(customer=customer)
    response = customer_client.post(
        "/ru/shop/account/close/", {"current_password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/ru/"
    assert t(
        "Your account is closed and your personal data has been anonymised. "
        "Thank you for shopping with us."
    ) in text_of(response)

    customer = Customer.objects.select_related("user").get(pk=customer.pk)
    user = customer.user
    assert customer.anonymised_at is not None
    assert (customer.last_name, customer.first_name, customer.phone) == ("", "", "")
    assert customer.delivery_address == ""
    assert user.email == f"anonymised-{user.pk}@invalid"
    assert not user.is_active
    assert not user.has_usable_password()
    order = Order.objects.get(customer=customer)
    assert order.delivery_address == ""
    kept = Acceptance.objects.get(customer=customer)
    assert (kept.pk, kept.text_sha256, kept.accepted_at) == (
        acceptance.pk,
        acceptance.text_sha256,
        acceptance.accepted_at,
    )
    assert log_audit(max_delay=timedelta(0)).findings == []

    # The old log-in no longer works, and the address can be used for a new account.
    refused = Client().post(
        "/ru/shop/login/", {"username": "aigerim@example.kz", "password": PASSWORD}
    )
    assert refused.status_code == 200
    make_customer(email="aigerim@example.kz")


def test_my_account_lists_my_orders_only(customer_client, customer, products):
    place_order(customer_client, products[0])
    other = make_customer(email="other@example.kz", phone="+77077777777")
    client = Client()
    client.force_login(other.user)
    page = client.get("/ru/shop/account/").content.decode()
    mine = Order.objects.get(customer=customer)
    assert f'href="/ru/shop/orders/{mine.pk}/"' not in page
    assert f'href="/ru/shop/orders/{mine.pk}/"' in (
        customer_client.get("/ru/shop/account/").content.decode()
    )


@pytest.mark.parametrize(
    ("status", "language", "shown"),
    [
        ("new", "ru", "новый"),
        ("shipped", "kk", "жөнелтілді"),
        ("cancelled", "kk", "күші жойылды"),
        ("cancelled", "ru", "отменён"),
    ],
)
def test_my_orders_show_their_status(customer_client, customer, products, status, language, shown):
    place_order(customer_client, products[0])
    order = Order.objects.get(customer=customer)
    Order.objects.filter(pk=order.pk).update(status=status)
    account = customer_client.get(f"/{language}/shop/account/").content.decode()
    row = re.search(rf'href="/{language}/shop/orders/{order.pk}/".*?</tr>', account, re.S).group(0)
    assert re.search(rf'class="order-status order-status--{status}">{shown}<', row)
    detail = text_of(customer_client.get(f"/{language}/shop/orders/{order.pk}/"))
    assert f"{t('Status', language)} {shown}" in detail
