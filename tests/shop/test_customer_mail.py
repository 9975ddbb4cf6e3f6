"""E-mails to customers through the outbox, in the customer's language, text and HTML."""

import pytest
from django.core import mail

from legal.models import VersionText
from outbox.models import OutgoingMessage, Purpose
from shop.models import Acceptance, Customer, Product
from tests.shop.shop_helpers import PASSWORD, checkout_data, make_customer, registration_data

pytestmark = pytest.mark.django_db

WORDING = {
    "registration": {
        "ru": ("Добро пожаловать в магазин Jetu", "При регистрации вы приняли версию 1 политики"),
        "kk": ("Jetu дүкеніне қош келдіңіз", "құпиялылық саясатының 1-нұсқасын қабылдадыңыз"),
    },
    "closed": {
        "ru": ("Ваша учётная запись Jetu закрыта", "персональные данные обезличены"),
        "kk": ("Jetu тіркелгіңіз жабылды", "дербес деректеріңіз иесіздендірілді"),
    },
    "order": {
        "ru": ("Заказ № {number}", "Спасибо! Мы получили ваш заказ № {number}."),
        "kk": ("№ {number} тапсырыс", "Рахмет! № {number} тапсырысыңызды қабылдадық."),
    },
}


def only_mail_to(address):
    found = [message for message in mail.outbox if message.to == [address]]
    assert len(found) == 1, [m.to for m in mail.outbox]
    return found[0]


def html_of(message):
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_registration_mail_names_the_version_accepted(
    client, policy, language, django_capture_on_commit_callbacks
):
    data = registration_data(client, language)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/{language}/shop/register/", data)
    assert response.status_code == 302
    message = only_mail_to("dana@example.kz")
    subject, sentence = WORDING["registration"][language]
    assert message.subject == subject
    assert sentence in message.body and sentence in html_of(message)
    assert f"/{language}/legal/privacy/versions/1/" in message.body
    text = VersionText.objects.get(version__number=1, locale__language_code=language)
    assert text.sha256 in message.body and text.sha256 in html_of(message)
    # The letter leads to the signed receipt of that very acceptance, which opens for her.
    acceptance = Acceptance.objects.get(customer__user__email="dana@example.kz")
    receipt_path = f"/{language}/shop/account/receipts/{acceptance.pk}/"
    assert receipt_path in message.body and receipt_path in html_of(message)
    receipt_page = client.get(receipt_path)
    assert receipt_page.status_code == 200
    assert acceptance.text_sha256 in receipt_page.content.decode()
    assert "Дана" in message.body
    assert message.extra_headers["Content-Language"] == language


def test_the_registration_request_does_not_wait_for_the_mail(
    client, policy, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post("/ru/shop/register/", registration_data(client))
    assert response.status_code == 302
    assert mail.outbox == []  # the request is done; the e-mail is queued
    queued = OutgoingMessage.objects.get(purpose=Purpose.REGISTRATION)
    assert queued.status == OutgoingMessage.Status.PENDING
    assert queued.recipient == "dana@example.kz"
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1


def test_a_refused_registration_queues_no_mail(client, policy, django_capture_on_commit_callbacks):
    make_customer(email="dana@example.kz")
    mail.outbox.clear()
    OutgoingMessage.objects.all().delete()
    data = registration_data(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/ru/shop/register/", data)
    assert response.status_code == 200  # the form again: the address is taken
    assert Customer.objects.filter(user__email="dana@example.kz").count() == 1
    assert not OutgoingMessage.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_closing_the_account_tells_the_old_address_and_then_forgets_it(
    client, policy, language, django_capture_on_commit_callbacks
):
    customer = make_customer(email="aigerim@example.kz", language=language)
    client.force_login(customer.user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/{language}/shop/account/close/", {"current_password": PASSWORD})
    message = only_mail_to("aigerim@example.kz")
    subject, sentence = WORDING["closed"][language]
    assert message.subject == subject
    assert sentence in message.body and sentence in html_of(message)
    assert "Айгерим" not in message.body and "Серикова" not in html_of(message)
    queued = OutgoingMessage.objects.get(purpose=Purpose.ACCOUNT_CLOSED)
    assert queued.status == OutgoingMessage.Status.SENT
    assert "aigerim@example.kz" not in (queued.recipient, queued.text_body, queued.html_body)


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_order_confirmation_lists_the_order(
    client, policy, products, language, django_capture_on_commit_callbacks
):
    customer = make_customer(email="aigerim@example.kz", language=language)
    client.force_login(customer.user)
    mail.outbox.clear()
    product = products[0]
    client.post(f"/{language}/shop/cart/add/", {"product": product.pk, "quantity": 2})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/{language}/shop/checkout/", checkout_data("Алматы, Абая 1"))
    order = customer.orders.get()
    message = only_mail_to("aigerim@example.kz")
    subject, sentence = (part.format(number=order.pk) for part in WORDING["order"][language])
    assert message.subject == subject
    assert sentence in message.body and sentence in html_of(message)
    name = Product.objects.get(
        translation_key=product.translation_key, locale__language_code=language
    ).name
    assert f"{name} — 2 × " in message.body
    assert name in html_of(message)
    total = f"{order.total:,}".replace(",", "\u202f") + "\u00a0₸"
    assert total in message.body and total in html_of(message)
    assert "Алматы, Абая 1" in message.body
    assert f"/{language}/shop/orders/{order.pk}/" in message.body


SECRETS = {
    "reset": {
        "ru": ("Jetu: задайте новый пароль", "Задать новый пароль"),
        "kk": ("Jetu: жаңа құпиясөз орнатыңыз", "Жаңа құпиясөз орнату"),
    },
    "confirm": {
        "ru": ("Jetu: подтвердите новый адрес электронной почты", "Подтвердить новый e-mail"),
        "kk": (
            "Jetu: жаңа электрондық пошта мекенжайыңызды растаңыз",
            "Жаңа электрондық поштаны растау",
        ),
    },
    "notice": {
        "ru": "Jetu: запрошена смена адреса для входа",
        "kk": "Jetu: кіруге арналған мекенжайды өзгерту сұралды",
    },
}


def link_in(text, fragment):
    [link] = [word for word in text.split() if fragment in word]
    return link


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_a_reset_link_is_queued_sent_after_the_commit_and_then_forgotten(
    client, policy, language, django_capture_on_commit_callbacks
):
    make_customer(email="dana@example.kz", language=language)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post("/ru/shop/password/reset/", {"email": "dana@example.kz"})
    assert response.status_code == 302
    assert mail.outbox == []  # the page answered; the letter waits for a worker
    queued = OutgoingMessage.objects.get(purpose=Purpose.PASSWORD_RESET)
    assert queued.status == OutgoingMessage.Status.PENDING
    link = link_in(queued.text_body, "/password/reset/")
    assert link not in queued.key  # the key staff see does not give the link away
    for callback in callbacks:
        callback()
    message = only_mail_to("dana@example.kz")
    subject, button = SECRETS["reset"][language]
    assert message.subject == subject
    assert link_in(message.body, "/password/reset/") == link
    assert link.startswith(f"http://127.0.0.1:8000/{language}/shop/password/reset/")
    assert button in html_of(message) and link in html_of(message)
    assert message.extra_headers["Content-Language"] == language
    queued.refresh_from_db()
    assert queued.status == OutgoingMessage.Status.SENT
    assert (queued.recipient, queued.text_body, queued.html_body) == ("", "", "")


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_an_e_mail_change_writes_to_both_addresses_and_forgets_the_link(
    client, policy, language, django_capture_on_commit_callbacks
):
    customer = make_customer(email="aigerim@example.kz", language=language)
    client.force_login(customer.user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            f"/{language}/shop/account/email/",
            {"email": "aigerim.new@example.kz", "current_password": PASSWORD},
        )
    assert response.status_code == 302
    assert mail.outbox == []
    pending = OutgoingMessage.objects.filter(status=OutgoingMessage.Status.PENDING)
    assert set(pending.values_list("purpose", flat=True)) >= {
        Purpose.EMAIL_CHANGE_CONFIRM,
        Purpose.EMAIL_CHANGE_NOTICE,
    }
    for callback in callbacks:
        callback()
    confirm = only_mail_to("aigerim.new@example.kz")
    notice = only_mail_to("aigerim@example.kz")
    subject, button = SECRETS["confirm"][language]
    assert confirm.subject == subject
    assert button in html_of(confirm)
    link = link_in(confirm.body, "/account/email/confirm/")
    assert f"/{language}/shop/account/email/confirm/" in link and link in html_of(confirm)
    assert notice.subject == SECRETS["notice"][language]
    assert "aigerim.new@example.kz" in notice.body and "aigerim.new@example.kz" in html_of(notice)
    assert link not in notice.body
    stored_confirm = OutgoingMessage.objects.get(purpose=Purpose.EMAIL_CHANGE_CONFIRM)
    stored_notice = OutgoingMessage.objects.get(purpose=Purpose.EMAIL_CHANGE_NOTICE)
    assert stored_confirm.status == stored_notice.status == OutgoingMessage.Status.SENT
    assert (stored_confirm.recipient, stored_confirm.text_body) == ("", "")
    # The notice holds no secret: staff can see the owner was told.
    assert stored_notice.recipient == "aigerim@example.kz"
    assert "aigerim.new@example.kz" in stored_notice.text_body


def test_a_refused_e_mail_change_queues_nothing(client, policy, django_capture_on_commit_callbacks):
    customer = make_customer(email="aigerim@example.kz")
    make_customer(email="taken@example.kz", phone="+77070000000")
    client.force_login(customer.user)
    OutgoingMessage.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/ru/shop/account/email/",
            {"email": "taken@example.kz", "current_password": PASSWORD},
        )
    assert not OutgoingMessage.objects.exists()
