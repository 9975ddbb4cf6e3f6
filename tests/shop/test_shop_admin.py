"""Staff see customers, orders and the consent ledger in Wagtail — only with permission."""

import csv
import io

import openpyxl
import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from home.roles import SHOP_MANAGERS
from shop.admin_views import ConsentLedgerReportView, neutralise_formula
from shop.models import Acceptance, Order
from tests.helpers import body_data, publish_version, replace_in_clause
from tests.shop.shop_helpers import checkout_data, make_customer, t, text_of


def staff(django_user_model, *codenames, email="staff@jetu.kz"):
    user = django_user_model.objects.create_user(email=email, password="x", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="shop", codename__in=codenames),
    )
    return user


@pytest.fixture
def viewer(client, django_user_model, customer):
    client.force_login(staff(django_user_model, "view_customer", "view_order", "view_acceptance"))
    return client


def test_customer_data_needs_the_view_permission(client, django_user_model, customer):
    client.force_login(staff(django_user_model))
    for name in ("shop_customers:index", "shop_orders:index", "shop_consent_ledger:index"):
        response = client.get(reverse(name))
        assert response.status_code in (302, 403), name
        assert "aigerim@example.kz" not in response.content.decode()


def test_customers_cannot_enter_the_admin(customer_client):
    response = customer_client.get(reverse("shop_customers:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_staff_with_permission_see_and_inspect_customers(viewer, customer):
    index = viewer.get(reverse("shop_customers:index"))
    assert index.status_code == 200
    assert "aigerim@example.kz" in index.content.decode()
    inspect = viewer.get(reverse("shop_customers:inspect", args=[customer.pk]))
    assert inspect.status_code == 200
    assert "+77011234567" in inspect.content.decode()


def test_customers_and_orders_are_read_only_even_for_superusers(
    client, django_user_model, customer
):
    admin = django_user_model.objects.create_superuser(email="boss@jetu.kz", password="x")
    client.force_login(admin)
    html = client.get(reverse("shop_customers:index")).content.decode()
    assert "/new/" not in html
    for name, views in (
        ("shop_customers", ("add", "edit", "delete")),
        ("shop_orders", ("add", "delete")),
    ):
        for view in views:
            with pytest.raises(NoReverseMatch):
                reverse(f"{name}:{view}", args=[] if view == "add" else [customer.pk])


def place_order(customer, products) -> Order:
    shopper = Client()
    shopper.force_login(customer.user)
    shopper.post("/ru/shop/cart/add/", {"product": products[0].pk, "quantity": 1})
    shopper.post("/ru/shop/checkout/", checkout_data("Алматы, Абая 10"))
    return Order.objects.get(customer=customer)


def test_shop_managers_move_an_order_status_on_and_change_nothing_else(
    client, django_user_model, customer, products
):
    order = place_order(customer, products)
    manager = django_user_model.objects.create_user(
        email="manager@jetu.kz", password="x", is_staff=True
    )
    manager.groups.add(Group.objects.get(name=SHOP_MANAGERS))
    client.force_login(manager)
    edit = reverse("shop_orders:edit", args=[order.pk])
    form = client.get(edit).content.decode()
    assert 'name="status"' in form
    for other in ("delivery_address", "total", "customer", "delivery_method"):
        assert f'name="{other}"' not in form
    client.post(
        edit, {"status": "shipped", "delivery_address": "Астана", "total": "1"}, follow=True
    )
    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED
    # Who moved it on, and when, is in the order's history.
    changes = ModelLogEntry.objects.filter(
        content_type__model="order", object_id=str(order.pk), action="wagtail.edit"
    )
    assert list(changes.values_list("user__email", flat=True)) == ["manager@jetu.kz"]
    assert (order.delivery_address, order.total) == ("Алматы, Абая 10", products[0].price)
    account = Client()
    account.force_login(customer.user)
    assert t("shipped", "kk") in text_of(account.get("/kk/shop/account/"))


def test_viewing_orders_does_not_allow_changing_them(viewer, customer, products):
    order = place_order(customer, products)
    response = viewer.post(reverse("shop_orders:edit", args=[order.pk]), {"status": "cancelled"})
    assert response.status_code in (302, 403)
    order.refresh_from_db()
    assert order.status == Order.Status.NEW


def test_order_inspection_shows_the_lines(viewer, customer, products):
    shopper = Client()
    shopper.force_login(customer.user)
    shopper.post("/ru/shop/cart/add/", {"product": products[0].pk, "quantity": 2})
    shopper.post("/ru/shop/checkout/", checkout_data())
    order = Order.objects.get()
    html = viewer.get(reverse("shop_orders:inspect", args=[order.pk])).content.decode()
    assert f"2 × {products[0].name}" in html
    assert t("Version %(number)d") % {"number": 1} in html


def test_the_ledger_report_filters_by_language_channel_and_version(viewer, customer):
    make_customer(email="kk@example.kz", language="kk")
    url = reverse("shop_consent_ledger:index")
    everything = viewer.get(url).content.decode()
    assert "aigerim@example.kz" in everything
    assert "kk@example.kz" in everything
    only_kk = viewer.get(url, {"language": "kk"}).content.decode()
    assert "kk@example.kz" in only_kk
    assert "aigerim@example.kz" not in only_kk
    none = viewer.get(url, {"channel": "checkout"}).content.decode()
    assert "aigerim@example.kz" not in none
    old = viewer.get(url, {"accepted_at_from": "2000-01-01", "accepted_at_to": "2000-01-02"})
    assert "aigerim@example.kz" not in old.content.decode()
    today = timezone.localdate().isoformat()
    recent = viewer.get(url, {"accepted_at_from": today, "accepted_at_to": today})
    assert "aigerim@example.kz" in recent.content.decode()
    version = Acceptance.objects.get(customer=customer).version_id
    assert "aigerim@example.kz" in viewer.get(url, {"version": version}).content.decode()


def test_the_ledger_exports_to_csv_without_runnable_formulas(viewer, policy):
    hostile = RequestFactory().get("/", HTTP_USER_AGENT='=HYPERLINK("http://evil","x")')
    make_customer(email="mallory@example.kz", request=hostile)
    response = viewer.get(reverse("shop_consent_ledger:index"), {"export": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    columns = ConsentLedgerReportView.list_export
    email, agent, text_hash = (
        columns.index(name) for name in ("customer.user.email", "user_agent", "text_sha256")
    )
    row = next(r for r in rows[1:] if r[email] == "mallory@example.kz")
    assert row[agent].startswith("'=HYPERLINK")
    assert len(row[text_hash]) == 64


def test_the_ledger_exports_to_xlsx(viewer):
    response = viewer.get(reverse("shop_consent_ledger:index"), {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    columns = ConsentLedgerReportView.list_export
    email, text_hash = (columns.index(name) for name in ("customer.user.email", "text_sha256"))
    row = next(r for r in rows[1:] if r[email] == "aigerim@example.kz")
    assert len(row[text_hash]) == 64


def test_the_ledger_report_needs_the_acceptance_permission(client, django_user_model, customer):
    client.force_login(staff(django_user_model, "view_customer"))
    assert client.get(reverse("shop_consent_ledger:index")).status_code in (302, 403)
    assert client.get(reverse("shop_consent_ledger:index"), {"export": "csv"}).status_code in (
        302,
        403,
    )


def test_per_version_counts_show_who_has_not_accepted_yet(viewer, customer, policy):
    make_customer(email="second@example.kz")
    data = body_data(policy)
    replace_in_clause(data, "2.2.4", "адрес доставки", "адрес доставки Товара")
    publish_version(policy, data, material=True)
    response = viewer.get(reverse("shop_consent_versions:index"), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    by_version = {row[0]: row for row in rows[1:]}
    assert by_version["1"][3:] == ["2", "0"]
    assert by_version["2"][3:] == ["0", "2"]
    assert viewer.get(reverse("shop_consent_versions:index")).status_code == 200


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+7 701", "'+7 701"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("plain", "plain"),
        (42, 42),
        (None, None),
    ],
)
def test_formula_characters_are_neutralised(value, expected):
    assert neutralise_formula(value) == expected


def test_the_admin_menu_offers_the_shop_and_the_consent_reports(viewer):
    assert reverse("shop_customers:index") == "/admin/shop/customers/"
    assert reverse("shop_orders:index") == "/admin/shop/orders/"
    html = viewer.get("/admin/").content.decode()
    assert reverse("shop_consent_ledger:index") in html
    assert reverse("shop_customers:index") in html


def test_products_are_managed_in_the_admin(client, django_user_model, products):
    client.force_login(django_user_model.objects.create_superuser(email="b@jetu.kz", password="x"))
    index = client.get(reverse("wagtailsnippets_shop_product:list"))
    assert index.status_code == 200
    assert products[0].name in index.content.decode()
    edit = reverse("wagtailsnippets_shop_product:edit", args=[products[0].pk])
    assert client.get(edit).status_code == 200
