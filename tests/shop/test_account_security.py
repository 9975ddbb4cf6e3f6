"""A customer's account is theirs: uncached pages, a confirmed e-mail change, their own
password reset and change pages, in their language."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client, override_settings
from django.utils import timezone

from shop.models import Customer, Order
from tests.shop.shop_helpers import PASSWORD, checkout_data, make_customer, t, text_of

NEW_PASSWORD = "Jana-Qupiya-2025-tau"  # noqa: S105


def cache_directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def links(message) -> list[str]:
    return re.findall(r"https?://[^\s\"<>]+", message.body)


def html_of(message) -> str:
    (html, mimetype), *_ = message.alternatives
    assert mimetype == "text/html"
    return html


# ---------------------------------------------------------------------------------------
# Personal pages


def test_personal_pages_are_never_stored_by_any_cache(customer_client, customer, products):
    customer_client.post("/ru/shop/cart/add/", {"product": products[0].pk, "quantity": 1})
    pages = [
        "/ru/shop/cart/",
        "/ru/shop/checkout/",
        "/ru/shop/account/",
        "/ru/shop/account/edit/",
        "/ru/shop/account/email/",
        "/ru/shop/account/export/",
        "/ru/shop/account/close/",
        "/ru/shop/password/change/",
    ]
    for url in pages:
        response = customer_client.get(url)
        assert response.status_code == 200, url
        assert {"private", "no-store"} <= cache_directives(response), url
    customer_client.post("/ru/shop/checkout/", checkout_data("Алматы, Абая 1"))
    order = customer_client.get(f"/ru/shop/orders/{Order.objects.get(customer=customer).pk}/")
    assert order.status_code == 200
    assert {"private", "no-store"} <= cache_directives(order)
    anonymous = Client()
    for url in ("/kk/shop/password/reset/", "/kk/shop/cart/"):
        assert {"private", "no-store"} <= cache_directives(anonymous.get(url)), url


def test_the_catalogue_is_not_marked_personal(client, products):
    assert "no-store" not in cache_directives(client.get("/ru/shop/"))


# ---------------------------------------------------------------------------------------
# Changing the log-in e-mail


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs a request and then what its commit set off: the outbox sends the queued e-mail."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


def ask_for_email_change(
    committed, client, email="new.aigerim@example.kz", password=PASSWORD, lang="ru"
):
    return committed(
        client.post,
        f"/{lang}/shop/account/email/",
        {"email": email, "current_password": password},
    )


def ask_for_reset(committed, client, email, lang="ru", **extra):
    return committed(client.post, f"/{lang}/shop/password/reset/", {"email": email}, **extra)


def test_changing_my_e_mail_needs_my_password(committed, customer_client, customer, mailoutbox):
    response = ask_for_email_change(committed, customer_client, password="not-my-password")
    assert response.status_code == 200
    assert t("The password is wrong. Enter the password you log in with.") in text_of(response)
    assert mailoutbox == []
    customer.user.refresh_from_db()
    assert customer.user.email == "aigerim@example.kz"


def test_a_new_e_mail_is_confirmed_by_a_link_sent_to_it(
    committed, customer_client, customer, mailoutbox
):
    response = ask_for_email_change(committed, customer_client, email="New.Aigerim@Example.kz")
    assert response.status_code == 302
    confirm, notice = mailoutbox
    assert confirm.to == ["new.aigerim@example.kz"]
    assert notice.to == ["aigerim@example.kz"]
    assert "new.aigerim@example.kz" in notice.body
    assert "new.aigerim@example.kz" in html_of(notice)
    (link,) = [url for url in links(confirm) if "/account/email/confirm/" in url]
    assert link.startswith("http://127.0.0.1:8000/ru/shop/account/email/confirm/")
    assert link in html_of(confirm)

    # Until the link is opened, nothing changes: the old address still logs in.
    customer.user.refresh_from_db()
    assert customer.user.email == "aigerim@example.kz"
    assert (
        Client()
        .post("/ru/shop/login/", {"username": "new.aigerim@example.kz", "password": PASSWORD})
        .status_code
        == 200
    )

    path = link.removeprefix("http://127.0.0.1:8000")
    page = customer_client.get(path)
    assert page.status_code == 200
    assert "new.aigerim@example.kz" in text_of(page)
    customer.user.refresh_from_db()
    assert customer.user.email == "aigerim@example.kz"  # opening the link is not enough

    done = customer_client.post(path, follow=True)
    assert t("Done: you now log in with your new e-mail address.") in text_of(done)
    customer.user.refresh_from_db()
    assert customer.user.email == "new.aigerim@example.kz"
    assert (
        Client()
        .post("/ru/shop/login/", {"username": "new.aigerim@example.kz", "password": PASSWORD})
        .status_code
        == 302
    )

    # The link works once.
    again = customer_client.post(path)
    assert again.status_code == 400
    assert t(
        "This link does not work: it has been used already, or a newer change was asked for. "
        "Ask for a new link on the “Change e-mail” page."
    ) in text_of(again)


def test_e_mail_change_letters_are_in_the_customers_language(committed, client, policy, mailoutbox):
    customer = make_customer(email="dana@example.kz", language="kk")
    client.force_login(customer.user)
    # Asked from a Russian page: the letters follow the customer's choice, not the page.
    ask_for_email_change(committed, client, email="dana.new@example.kz", lang="ru")
    confirm, notice = mailoutbox
    assert confirm.subject == t("Jetu: confirm your new e-mail address", "kk")
    assert notice.subject == t("Jetu: a change of your log-in e-mail was requested", "kk")
    assert t("If you did not ask for it, ignore this letter: nothing changes.", "kk") in (
        confirm.body
    )
    assert t("Confirm the new e-mail", "kk") in html_of(confirm)
    assert any("/kk/shop/account/email/confirm/" in url for url in links(confirm))
    assert "http://127.0.0.1:8000/kk/shop/password/change/" in links(notice)


def test_an_expired_or_altered_link_changes_nothing(
    committed, customer_client, customer, mailoutbox
):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        ask_for_email_change(committed, customer_client)
        (link,) = [url for url in links(mailoutbox[0]) if "/confirm/" in url]
        path = link.removeprefix("http://127.0.0.1:8000")
        tampered = path.replace("/confirm/", "/confirm/x")
        assert customer_client.post(tampered).status_code == 400
        clock.shift(timedelta(hours=25))
        expired = customer_client.post(path)
    assert expired.status_code == 400
    assert t("This link has expired. Ask for a new link on the “Change e-mail” page.") in (
        text_of(expired)
    )
    customer.user.refresh_from_db()
    assert customer.user.email == "aigerim@example.kz"


def test_a_link_works_only_for_the_account_that_asked(
    committed, customer_client, policy, mailoutbox
):
    ask_for_email_change(committed, customer_client)
    (link,) = [url for url in links(mailoutbox[0]) if "/confirm/" in url]
    other = make_customer(email="other@example.kz", phone="+77077777777")
    intruder = Client()
    intruder.force_login(other.user)
    assert intruder.post(link.removeprefix("http://127.0.0.1:8000")).status_code == 400
    other.user.refresh_from_db()
    assert other.user.email == "other@example.kz"


def test_someone_elses_address_is_refused(committed, customer_client, customer, mailoutbox):
    make_customer(email="taken@example.kz", phone="+77070000000")
    response = ask_for_email_change(committed, customer_client, email="TAKEN@example.kz")
    assert response.status_code == 200
    assert t(
        "This e-mail address is already registered. Log in, or use another address."
    ) in text_of(response)
    assert mailoutbox == []


# ---------------------------------------------------------------------------------------
# Forgotten password


def reset_link(message) -> str:
    (link,) = [url for url in links(message) if "/password/reset/" in url]
    return link.removeprefix("http://127.0.0.1:8000")


def test_a_customer_resets_a_forgotten_password_in_their_language(
    committed, client, policy, mailoutbox
):
    make_customer(email="dana@example.kz", language="kk")
    login_page = text_of(client.get("/ru/shop/login/"))
    assert t("Forgot your password?") in login_page
    response = ask_for_reset(committed, client, "DANA@example.kz")
    assert response["Location"] == "/ru/shop/password/reset/sent/"
    (message,) = mailoutbox
    assert message.to == ["dana@example.kz"]
    assert message.subject == t("Jetu: set a new password", "kk")
    link = reset_link(message)
    assert link.startswith("/kk/shop/password/reset/")
    assert t("Set a new password", "kk") in html_of(message)

    form_page = client.get(link, follow=True)
    assert t("New password", "kk") in text_of(form_page)
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert t("Your password has been changed.", "kk") in text_of(done)
    assert (
        Client()
        .post("/kk/shop/login/", {"username": "dana@example.kz", "password": NEW_PASSWORD})
        .status_code
        == 302
    )
    # The link worked once.
    assert t(
        "This link does not work: it has expired or has been used already. Ask for a new one.",
        "kk",
    ) in text_of(client.get(link, follow=True))


def test_a_reset_request_reveals_nothing_about_unknown_addresses(
    committed, client, policy, mailoutbox
):
    response = ask_for_reset(committed, client, "nobody@example.kz")
    assert response["Location"] == "/ru/shop/password/reset/sent/"
    assert mailoutbox == []


def test_a_weak_new_password_is_refused_in_kazakh(committed, client, policy, mailoutbox):
    make_customer(email="dana@example.kz", language="kk")
    ask_for_reset(committed, client, "dana@example.kz", lang="kk")
    set_url = client.get(reset_link(mailoutbox[0]), follow=True).redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": "12345678", "new_password2": "12345678"})
    page = text_of(response)
    assert "Бұл құпиясөз тым кең таралған." in page
    assert "Бұл құпиясөз тек цифрлардан тұрады." in page
    mismatch = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": "other"})
    assert t("The two passwords do not match.", "kk") in text_of(mismatch)


def test_reset_requests_are_throttled_per_address_and_per_client(
    committed, client, policy, mailoutbox
):
    make_customer(email="dana@example.kz")
    statuses = []
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for n in range(4):
            # A few seconds apart: each reset link differs, so each is a letter of its own.
            clock.shift(timedelta(seconds=5))
            response = ask_for_reset(
                committed, client, "dana@example.kz", REMOTE_ADDR=f"10.0.0.{n}"
            )
            statuses.append(response.status_code)
    assert statuses == [302, 302, 302, 429]
    assert len(mailoutbox) == 3
    assert len({reset_link(message) for message in mailoutbox}) == 3
    throttled = ask_for_reset(committed, client, "dana@example.kz")
    assert t(
        "Too many password reset requests. For your security, please wait an hour and try again."
    ) in text_of(throttled)

    from_one_client = [
        client.post(
            "/kk/shop/password/reset/", {"email": f"n{n}@example.kz"}, REMOTE_ADDR="10.9.9.9"
        ).status_code
        for n in range(11)
    ]
    assert from_one_client == [302] * 10 + [429]


def test_after_an_hour_a_reset_can_be_asked_for_again(committed, client, policy, mailoutbox):
    make_customer(email="dana@example.kz")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(4):
            clock.shift(timedelta(seconds=5))
            ask_for_reset(committed, client, "dana@example.kz")
        clock.shift(timedelta(hours=1, minutes=1))
        response = ask_for_reset(committed, client, "dana@example.kz")
    assert response.status_code == 302
    assert len(mailoutbox) == 4


def test_a_double_click_sends_the_same_reset_link_once(committed, client, policy, mailoutbox):
    make_customer(email="dana@example.kz")
    with time_machine.travel(timezone.now(), tick=False):
        first = ask_for_reset(committed, client, "dana@example.kz")
        second = ask_for_reset(committed, client, "dana@example.kz")
    assert first.status_code == second.status_code == 302
    # Within one second Django's reset token, hence the link, is the same: one letter.
    assert len(mailoutbox) == 1


@override_settings(AXES_ENABLED=True)
def test_resetting_the_password_lifts_a_lockout_others_caused(
    committed, client, policy, mailoutbox
):
    make_customer(email="victim@example.kz")
    for host in range(1, 5):
        for _ in range(5):
            Client().post(
                "/ru/shop/login/",
                {"username": "victim@example.kz", "password": "guess"},
                REMOTE_ADDR=f"203.0.113.{host}",
            )
    owner = Client(REMOTE_ADDR="198.51.100.7")
    login = {"username": "victim@example.kz", "password": PASSWORD}
    locked = owner.post("/ru/shop/login/", login)
    assert locked.status_code == 429
    assert t("Forgot your password?") in text_of(locked)
    ask_for_reset(committed, owner, "victim@example.kz")
    set_url = owner.get(reset_link(mailoutbox[0]), follow=True).redirect_chain[-1][0]
    owner.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert owner.post("/ru/shop/login/", {**login, "password": NEW_PASSWORD}).status_code == 302


# ---------------------------------------------------------------------------------------
# Changing the password


def test_changing_the_password_needs_the_current_one(customer_client, customer):
    wrong = customer_client.post(
        "/kk/shop/password/change/",
        {"old_password": "guess", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200
    assert t("The password is wrong. Enter the password you log in with.", "kk") in text_of(wrong)
    right = customer_client.post(
        "/kk/shop/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert t("Your password has been changed.", "kk") in text_of(right)
    # Still logged in here; the new password works elsewhere.
    assert customer_client.get("/kk/shop/account/").status_code == 200
    customer = Customer.objects.select_related("user").get(pk=customer.pk)
    assert customer.user.check_password(NEW_PASSWORD)


@override_settings(AXES_ENABLED=True)
def test_guessing_the_current_password_is_throttled_like_a_log_in(client, policy):
    customer = make_customer(email="stolen-session@example.kz")
    client.post("/ru/shop/login/", {"username": customer.user.email, "password": PASSWORD})
    statuses = [
        client.post("/ru/shop/account/close/", {"current_password": f"guess-{n}"}).status_code
        for n in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]
    assert client.post("/ru/shop/account/close/", {"current_password": PASSWORD}).status_code == 429
    customer.refresh_from_db()
    assert customer.anonymised_at is None


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_the_password_pages_speak_the_customers_language(customer_client, language):
    reset = text_of(Client().get(f"/{language}/shop/password/reset/"))
    assert t("Forgot your password?", language) in reset
    change = text_of(customer_client.get(f"/{language}/shop/password/change/"))
    for label in ("Current password", "New password", "New password again"):
        assert t(label, language) in change
    if language == "kk":
        # Nothing falls back to Russian (Kazakh says "құпиясөз").
        assert "пароль" not in (reset + change).lower()
