"""Registration with explicit consent, log-in by e-mail, log-out."""

import re

import pytest
from django.db import IntegrityError

from shop import selectors, services
from shop.models import Acceptance, Customer, User
from tests.shop.shop_helpers import PASSWORD, make_customer, registration_data, t, text_of

EMAIL_TAKEN = "This e-mail address is already registered. Log in, or use another address."
POLICY_CHANGED = (
    "The privacy policy has changed while you were reading it. Please read the version "
    "now in force and confirm again."
)
WRONG_PASSWORD = (
    "The e-mail address or password is wrong. Check them and try again; the password "
    "is case-sensitive."
)
VERSION_UNREADABLE = (
    "The form did not say which version of the privacy policy you were shown. Please read the "
    "version linked below and submit the form again."
)
BAD_PHONE = "Enter a Kazakhstan phone number, for example +7 701 123 45 67 or 8 (701) 123-45-67."


def checkbox(html: str) -> str:
    return re.search(r'<input[^>]*name="accept_policy"[^>]*>', html).group(0)


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_consent_box_is_unticked_and_links_to_the_version_in_force_in_my_language(
    client, policy, language
):
    html = client.get(f"/{language}/shop/register/").content.decode()
    box = checkbox(html)
    assert 'type="checkbox"' in box
    assert "checked" not in box
    label = re.search(r'<label for="id_accept_policy">(.*?)</label>', html, re.S).group(1)
    assert f'href="/{language}/legal/privacy/versions/1/"' in label


def test_registration_records_who_accepted_which_text(client, policy_kk):
    data = registration_data(client, "kk")
    response = client.post(
        "/kk/shop/register/", data, REMOTE_ADDR="198.51.100.23", HTTP_USER_AGENT="Safari"
    )
    assert response.status_code == 302
    assert response["Location"] == "/kk/shop/account/"
    customer = Customer.objects.get(user__email="dana@example.kz")
    assert customer.phone == "+77011234567"
    assert customer.patronymic == "Серіккызы"
    assert customer.preferred_language == "kk"
    acceptance = customer.acceptances.get()
    assert acceptance.channel == "registration"
    assert acceptance.language == "kk"
    assert acceptance.text.page_id == policy_kk.pk
    assert acceptance.ip_address == "198.51.100.23"
    assert acceptance.user_agent == "Safari"
    # The new customer is logged in.
    assert "dana@example.kz" in text_of(client.get("/kk/shop/account/"))


def test_without_the_tick_nothing_is_saved(client, policy):
    response = client.post("/ru/shop/register/", registration_data(client, accept_policy=None))
    assert response.status_code == 200
    assert t("Please confirm that you have read and accept the privacy policy.") in text_of(
        response
    )
    assert not User.objects.filter(email="dana@example.kz").exists()
    assert not Acceptance.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "12345", BAD_PHONE),
        ("phone", "+7 701 ABC 45 67", BAD_PHONE),
        ("email", "not-an-address", "Enter a valid e-mail address."),
        ("email", "", "Enter your e-mail address."),
        ("last_name", "", "Enter your surname."),
        ("password2", "something-else-entirely", "The two passwords do not match."),
        ("password1", "12345678", "This password is too common."),
        ("phone", "", "Enter your phone number."),
    ],
)
def test_invalid_data_is_explained_and_nothing_is_saved(client, policy, field, value, message):
    data = registration_data(client, **{field: value})
    if field == "password1":
        data["password2"] = value
    response = client.post("/ru/shop/register/", data)
    assert response.status_code == 200
    assert t(message) in text_of(response)
    assert not Customer.objects.exists()
    assert 'name="accept_policy"' in response.content.decode()


def test_an_address_registered_in_other_capitals_is_refused(client, customer):
    data = registration_data(client, email="AIGERIM@Example.KZ")
    response = client.post("/ru/shop/register/", data)
    assert response.status_code == 200
    assert t(EMAIL_TAKEN) in text_of(response)
    assert Customer.objects.count() == 1


def test_a_registration_losing_a_race_gets_the_same_message(client, customer, monkeypatch):
    """Two registrations pass the "is it free?" check at once; the database decides."""
    monkeypatch.setattr(selectors, "email_taken", lambda *a, **k: False)
    response = client.post(
        "/ru/shop/register/", registration_data(client, email="Aigerim@example.kz")
    )
    assert response.status_code == 200
    assert t(EMAIL_TAKEN) in text_of(response)
    assert User.objects.filter(email__iexact="aigerim@example.kz").count() == 1
    assert Acceptance.objects.count() == 1


def test_the_database_refuses_two_accounts_differing_only_in_capitals(customer):
    from django.db import transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="AIGERIM@EXAMPLE.KZ")


def test_a_policy_changed_while_filling_in_the_form_must_be_ticked_again(client, policy):
    data = registration_data(client)
    data["policy_version"] = str(int(data["policy_version"]) + 1000)
    response = client.post("/ru/shop/register/", data)
    assert response.status_code == 200
    assert t(POLICY_CHANGED) in text_of(response)
    assert "checked" not in checkbox(response.content.decode())
    assert not Customer.objects.exists()


@pytest.mark.parametrize("language", ["ru", "kk"])
@pytest.mark.parametrize("tampered", ["abc", "9" * 30, "1.5"])
def test_a_tampered_policy_version_is_explained_and_nothing_is_saved(
    client, policy, language, tampered
):
    data = registration_data(client)
    data["policy_version"] = tampered
    response = client.post(f"/{language}/shop/register/", data)
    assert response.status_code == 200
    assert t(VERSION_UNREADABLE, language) in text_of(response)
    assert not Customer.objects.exists()


def test_log_in_by_e_mail_in_any_capitals(client, customer):
    response = client.post(
        "/ru/shop/login/", {"username": "  Aigerim@EXAMPLE.kz ", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/ru/shop/account/"


def test_a_wrong_password_is_explained(client, customer):
    response = client.post("/ru/shop/login/", {"username": customer.email, "password": "nope"})
    assert response.status_code == 200
    assert t(WRONG_PASSWORD) in text_of(response)


def test_log_in_returns_to_the_page_asked_for_but_never_to_another_site(client, customer):
    credentials = {"username": customer.email, "password": PASSWORD}
    ok = client.post("/ru/shop/login/?next=/ru/shop/cart/", credentials)
    assert ok["Location"] == "/ru/shop/cart/"
    client.logout()
    evil = client.post("/ru/shop/login/?next=https://evil.example/", credentials)
    assert evil["Location"] == "/ru/shop/account/"


def test_log_out_is_a_post(customer_client):
    assert customer_client.get("/ru/shop/logout/").status_code == 405
    response = customer_client.post("/ru/shop/logout/")
    assert response.status_code == 302
    assert customer_client.get("/ru/shop/account/").status_code == 302  # to the log-in page


def test_the_header_offers_log_in_or_my_account(client, customer):
    assert 'href="/ru/shop/login/"' in client.get("/ru/").content.decode()
    client.force_login(customer.user)
    assert 'href="/ru/shop/account/"' in client.get("/ru/").content.decode()


def test_home_page_leads_to_the_shop(client, policy):
    html = client.get("/kk/").content.decode()
    assert re.search(r'<a class="button" href="/kk/shop/">', html)


def test_registration_page_is_not_shown_to_a_logged_in_customer(customer_client):
    assert customer_client.get("/ru/shop/register/")["Location"] == "/ru/shop/account/"


def test_service_refuses_invalid_phone_even_without_the_form(policy):
    with pytest.raises(services.InvalidPhoneNumberError):
        make_customer(phone="123")
    assert not Customer.objects.exists()
