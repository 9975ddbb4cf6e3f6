"""Catalogue, the session cart (clause 1.10), checkout and orders — including tampered input."""

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from django.utils.text import capfirst
from wagtail.images.models import Image

from shop import services
from shop.http import RequestMeta
from shop.models import Acceptance, Order, Product
from shop.services import product_seed
from shop.templatetags.shop_tags import tenge
from tests.helpers import body_data, publish_version, replace_in_clause
from tests.shop.shop_helpers import checkout_data, make_customer, t, text_of


def add(client, product, quantity=1, **extra):
    data = {"product": product.pk if isinstance(product, Product) else product}
    if quantity is not None:
        data["quantity"] = quantity
    return client.post("/ru/shop/cart/add/", {**data, **extra}, follow=True)


def cart_count(client) -> str:
    html = client.get("/ru/").content.decode()
    match = re.search(r'<span class="cart-count">\((\d+)\)</span>', html)
    return match.group(1) if match else "0"


# Catalogue ------------------------------------------------------------------------------


def test_catalogue_shows_products_with_prices_in_each_language(client, products, kk):
    ru_page, kk_page = text_of(client.get("/ru/shop/")), text_of(client.get("/kk/shop/"))
    assert len(products) >= 5
    for product in products:
        assert product.name in ru_page
        assert product.get_translation(kk).name in kk_page
        assert tenge(product.price) in ru_page


def test_prices_are_written_the_kazakh_way():
    assert tenge(12990) == "12\u202f990\u00a0₸"
    assert tenge(None) == ""


def test_inactive_products_are_not_on_sale(client, products):
    product = products[0]
    Product.objects.filter(pk=product.pk).update(active=False)
    assert product.name not in text_of(client.get("/ru/shop/"))


def test_seeding_twice_adds_nothing(db, products):
    assert product_seed() == []
    call_command("load_initial_data", verbosity=0)
    assert Product.objects.sources().count() == len(products)
    # Each product: its source row and one Kazakh translation, linked by translation_key.
    for product in products:
        languages = Product.objects.filter(translation_key=product.translation_key)
        assert sorted(languages.values_list("locale__language_code", flat=True)) == ["kk", "ru"]
    assert Image.objects.count() == len(products)


# Cart -----------------------------------------------------------------------------------


def test_adding_to_the_cart_shows_in_the_header_and_survives_log_in(client, products, customer):
    response = add(client, products[0], 2)
    assert t("“%(name)s” is in your cart.") % {"name": products[0].name} in text_of(response)
    add(client, products[1])
    assert cart_count(client) == "3"
    client.force_login(customer.user)
    assert cart_count(client) == "3"


def test_cart_lines_can_be_changed_and_removed(client, products):
    add(client, products[0], 2)
    add(client, products[1], 1)
    client.post("/ru/shop/cart/update/", {"product": products[0].pk, "quantity": 5})
    page = text_of(client.get("/ru/shop/cart/"))
    assert tenge(products[0].price * 5 + products[1].price) in page
    client.post("/ru/shop/cart/remove/", {"product": products[1].pk})
    client.post("/ru/shop/cart/update/", {"product": products[0].pk, "quantity": 0})
    assert t("Your cart is empty.") in text_of(client.get("/ru/shop/cart/"))


def test_the_same_product_added_twice_is_one_line_capped_at_99(client, products):
    add(client, products[0], 60)
    add(client, products[0], 60)
    assert cart_count(client) == "99"


NOT_IN_CATALOGUE = "This product is not in our catalogue."
NOT_A_NUMBER = "Enter the quantity as a whole number."
AT_LEAST = "The quantity must be at least %(limit_value)s."
AT_MOST = "You can order at most %(limit_value)s of one product."


@pytest.mark.parametrize(
    ("product", "quantity", "message", "limit"),
    [
        ("abc", 1, NOT_IN_CATALOGUE, None),
        ("", 1, NOT_IN_CATALOGUE, None),
        ("-3", 1, NOT_IN_CATALOGUE, None),
        ("9" * 40, 1, NOT_IN_CATALOGUE, None),
        ("999999", 1, "This product is not on sale.", None),
        (None, "two", NOT_A_NUMBER, None),
        (None, "1.5", NOT_A_NUMBER, None),
        (None, "-1", AT_LEAST, 1),
        (None, "0", AT_LEAST, 1),
        (None, "100000000000000000000", AT_MOST, 99),
    ],
)
def test_tampered_additions_are_refused_with_a_message(
    client, products, product, quantity, message, limit
):
    response = add(client, products[0].pk if product is None else product, quantity)
    assert response.status_code == 200
    expected = t(message) % {"limit_value": limit} if limit else t(message)
    assert expected in text_of(response)
    assert cart_count(client) == "0"


def test_an_inactive_product_cannot_be_added(client, products):
    Product.objects.filter(pk=products[0].pk).update(active=False)
    response = add(client, products[0])
    assert t("This product is not on sale.") in text_of(response)
    assert cart_count(client) == "0"


@pytest.mark.parametrize("quantity", ["-5", "abc", "500", ""])
def test_tampered_updates_leave_the_cart_as_it_was(client, products, quantity):
    add(client, products[0], 2)
    response = client.post(
        "/ru/shop/cart/update/", {"product": products[0].pk, "quantity": quantity}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/ru/shop/cart/"
    assert cart_count(client) == "2"


def test_a_product_taken_off_sale_disappears_from_the_cart(client, products):
    add(client, products[0])
    add(client, products[1])
    Product.objects.filter(pk=products[0].pk).update(active=False)
    page = text_of(client.get("/ru/shop/cart/"))
    assert products[0].name not in page
    assert products[1].name in page


def test_a_garbled_session_cart_is_ignored(client, products):
    session = client.session
    session["shop_cart"] = {"x": 1, str(products[0].pk): 10**9, str(products[1].pk): 2, "7": "a"}
    session.save()
    page = text_of(client.get("/ru/shop/cart/"))
    assert products[1].name in page
    assert products[0].name not in page


def test_forms_without_a_csrf_token_are_refused_with_an_explanation(products):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/ru/shop/cart/add/", {"product": products[0].pk, "quantity": 1})
    assert response.status_code == 403
    assert t("The form has expired") in text_of(response)
    assert cart_count(client) == "0"


def test_cart_pages_refuse_get_for_changes(client, products):
    assert client.get(f"/ru/shop/cart/add/?product={products[0].pk}").status_code == 405


# Checkout -------------------------------------------------------------------------------


def test_checkout_asks_visitors_to_log_in(client, products):
    add(client, products[0])
    response = client.get("/ru/shop/checkout/")
    assert response.status_code == 302
    assert response["Location"].startswith("/ru/shop/login/?next=/ru/shop/checkout/")


def test_an_empty_cart_cannot_be_checked_out(customer_client):
    response = customer_client.post("/ru/shop/checkout/", checkout_data("Алматы"), follow=True)
    assert response.redirect_chain[-1][0] == "/ru/shop/cart/"
    assert t("Your cart is empty. Add something from the catalogue first.") in text_of(response)
    assert not Order.objects.exists()


def test_an_order_freezes_prices_address_and_the_policy_version(
    customer_client, customer, v1, products
):
    add(customer_client, products[0], 2)
    add(customer_client, products[1], 1)
    page = customer_client.get("/ru/shop/checkout/")
    assert 'name="accept_policy"' not in page.content.decode()  # accepted at registration
    assert "Алматы, ул. Абая 1, кв. 2" in page.content.decode()  # the profile's address
    response = customer_client.post(
        "/ru/shop/checkout/", checkout_data("Алматы, Достык 5"), follow=True
    )
    order = Order.objects.get(customer=customer)
    assert response.redirect_chain[-1][0] == f"/ru/shop/orders/{order.pk}/"
    assert t("Thank you! Your order has been placed.") in text_of(response)
    assert order.total == products[0].price * 2 + products[1].price
    assert order.policy_version_id == v1.pk
    assert order.delivery_address == "Алматы, Достык 5"
    assert cart_count(customer_client) == "0"

    Product.objects.filter(pk=products[0].pk).update(price=1)
    order.refresh_from_db()
    line = order.lines.get(product=products[0])
    assert line.unit_price == products[0].price
    assert tenge(order.total) in text_of(customer_client.get(f"/ru/shop/orders/{order.pk}/"))


def test_a_double_submitted_checkout_places_one_order(customer_client, customer, products):
    add(customer_client, products[0])
    customer_client.post("/ru/shop/checkout/", checkout_data("Алматы"))
    customer_client.post("/ru/shop/checkout/", checkout_data("Алматы"))
    assert Order.objects.filter(customer=customer).count() == 1


def test_checkout_needs_a_delivery_address(customer_client, customer, products):
    add(customer_client, products[0])
    response = customer_client.post("/ru/shop/checkout/", checkout_data("   "))
    assert response.status_code == 200
    assert t("Enter the delivery address.") in text_of(response)
    assert not Order.objects.exists()


def test_a_product_taken_off_sale_before_the_order_is_placed_is_not_ordered(customer, products):
    Product.objects.filter(pk=products[0].pk).update(active=False)
    with pytest.raises(services.ProductUnavailableError):
        services.order_place(
            customer=customer,
            quantities={products[0].pk: 1, products[1].pk: 1},
            delivery_method="courier",
            payment_method="cash",
            delivery_address="Алматы",
            language="ru",
            shown_version=None,
            accept_policy=False,
            meta=RequestMeta(),
        )
    assert not Order.objects.exists()


def test_customers_never_see_each_others_orders(client, customer, products):
    other = make_customer(email="other@example.kz", phone="+77077777777")
    client.force_login(other.user)
    add(client, products[0])
    client.post("/ru/shop/checkout/", checkout_data("Шымкент"))
    theirs = Order.objects.get(customer=other)

    client.force_login(customer.user)
    assert client.get(f"/ru/shop/orders/{theirs.pk}/").status_code == 404
    for guess in (theirs.pk + 1, 0, 999999):
        assert client.get(f"/ru/shop/orders/{guess}/").status_code == 404
    assert client.get("/ru/shop/orders/abc/").status_code == 404
    assert client.get(f"/ru/shop/orders/{'9' * 30}/").status_code == 404
    assert "Шымкент" not in text_of(client.get("/ru/shop/account/"))


def test_staff_without_a_customer_profile_cannot_order(client, products, django_user_model):
    admin = django_user_model.objects.create_superuser(email="boss@jetu.kz", password="x")
    client.force_login(admin)
    add(client, products[0])
    response = client.get("/ru/shop/checkout/")
    assert response.status_code == 403
    assert t("This is not a customer account") in text_of(response)


def test_checkout_asks_for_a_minor_version_not_yet_accepted(
    customer_client, customer, policy, products
):
    data = body_data(policy)
    replace_in_clause(data, "2.2.4", "адрес доставки", "адрес доставки Товара")
    v2 = publish_version(policy, data, material=False)
    add(customer_client, products[0])
    page = customer_client.get("/ru/shop/checkout/").content.decode()
    label = re.search(r'<label for="id_accept_policy">(.*?)</label>', page, re.S).group(1)
    assert 'href="/ru/legal/privacy/versions/2/"' in label

    refused = customer_client.post("/ru/shop/checkout/", checkout_data("Алматы"))
    assert t("Please confirm that you have read and accept the privacy policy.") in text_of(refused)
    assert not Order.objects.exists()

    # Ticked for the version shown before v2 came into force: asked again, box unticked.
    stale = customer_client.post(
        "/ru/shop/checkout/",
        checkout_data(accept_policy="on", policy_version=v2.pk - 1),
    )
    assert t(
        "The privacy policy has changed while you were reading it. Please read the version "
        "now in force and confirm again."
    ) in text_of(stale)
    box = re.search(r'<input[^>]*name="accept_policy"[^>]*>', stale.content.decode()).group(0)
    assert "checked" not in box
    assert not Order.objects.exists()

    customer_client.post(
        "/ru/shop/checkout/",
        checkout_data(accept_policy="on", policy_version=v2.pk),
    )
    order = Order.objects.get(customer=customer)
    assert order.policy_version_id == v2.pk
    acceptance = Acceptance.objects.get(customer=customer, version=v2)
    assert acceptance.channel == "checkout"


def test_the_language_switcher_keeps_me_on_the_same_shop_page(client, products):
    html = client.get("/ru/shop/cart/").content.decode()
    switcher = html.split('class="language-switcher"')[1].split("</nav>")[0]
    assert 'href="/kk/shop/cart/"' in switcher


# Delivery and payment -------------------------------------------------------------------


def test_checkout_says_payment_is_on_receipt_and_never_online(customer_client, products):
    add(customer_client, products[0])
    for language in ("ru", "kk"):
        page = text_of(customer_client.get(f"/{language}/shop/checkout/"))
        assert t("You pay when you receive the order.", language) in page
        assert (
            t(
                "In cash or by card: to the courier, at the pick-up point or at the post office. "
                "We take no payment online and never ask for card details on the site.",
                language,
            )
            in page
        )
        for method in ("courier in Almaty", "pick-up point in Almaty", "by card on receipt"):
            assert capfirst(t(method, language)) in page


@pytest.mark.parametrize(
    ("delivery", "payment", "address", "stored_address"),
    [
        ("courier", "card", "Алматы, Достык 5", "Алматы, Достык 5"),
        ("kazpost", "cash", "Шымкент, Тауке хана 12", "Шымкент, Тауке хана 12"),
        ("pickup", "cash", "", ""),
    ],
)
def test_the_order_keeps_how_it_is_delivered_and_paid(
    customer_client, customer, products, delivery, payment, address, stored_address
):
    add(customer_client, products[0])
    data = checkout_data(address, delivery_method=delivery, payment_method=payment)
    response = customer_client.post("/kk/shop/checkout/", data, follow=True)
    order = Order.objects.get(customer=customer)
    assert (order.delivery_method, order.payment_method) == (delivery, payment)
    assert order.delivery_address == stored_address
    page = text_of(response)
    with translation.override("kk"):
        assert capfirst(order.get_delivery_method_display()) in page
        assert capfirst(order.get_payment_method_display()) in page


@pytest.mark.parametrize("language", ["ru", "kk"])
@pytest.mark.parametrize("delivery", [None, "", "drone", "courier "])
def test_checkout_refuses_a_missing_or_unknown_delivery_method(
    customer_client, products, language, delivery
):
    add(customer_client, products[0])
    data = checkout_data(delivery_method=delivery)
    response = customer_client.post(f"/{language}/shop/checkout/", data)
    assert response.status_code == 200
    message = "Choose how the order should reach you: courier, pick-up point or Kazpost."
    assert t(message, language) in text_of(response)
    assert not Order.objects.exists()


@pytest.mark.parametrize("payment", [None, "online", "bitcoin"])
def test_checkout_refuses_a_missing_or_unknown_payment(customer_client, products, payment):
    add(customer_client, products[0])
    response = customer_client.post("/kk/shop/checkout/", checkout_data(payment_method=payment))
    assert t(
        "Choose how you will pay when you receive the order: in cash or by card.", "kk"
    ) in text_of(response)
    assert not Order.objects.exists()


def test_courier_and_kazpost_need_an_address_but_a_pick_up_does_not(customer_client, products):
    add(customer_client, products[0])
    for delivery in ("courier", "kazpost"):
        refused = customer_client.post(
            "/kk/shop/checkout/", checkout_data("  ", delivery_method=delivery)
        )
        assert t("Enter the delivery address.", "kk") in text_of(refused)
    assert not Order.objects.exists()


def test_the_order_service_refuses_an_unknown_delivery_method(customer, products):
    with pytest.raises(services.ShopError) as refused:
        services.order_place(
            customer=customer,
            quantities={products[0].pk: 1},
            delivery_method="teleport",
            payment_method="cash",
            delivery_address="Алматы",
            language="ru",
            shown_version=None,
            accept_policy=False,
            meta=RequestMeta(),
        )
    assert str(refused.value) == str(services.DELIVERY_REQUIRED)
    assert not Order.objects.exists()


def test_order_lines_keep_the_name_in_the_language_ordered(customer_client, customer, products, kk):
    add(customer_client, products[0])
    customer_client.post("/kk/shop/checkout/", checkout_data())
    line = Order.objects.get(customer=customer).lines.get()
    assert line.product_id == products[0].pk  # the source row, whatever the language
    assert line.product_name == products[0].get_translation(kk).name
    assert line.unit_price == products[0].price
