"""The consent ledger as Legal reads it: find a customer, quote the time, open it in Excel."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

import openpyxl
import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.urls import reverse

from core.display import iso_time, language_name, local_time, yes_no
from shop.admin_views import ConsentLedgerReportView
from shop.models import Acceptance
from shop.selectors import CustomerLookup, customer_lookup_parse
from shop.services import customer_anonymise
from tests.helpers import body_data, publish_version, replace_in_clause
from tests.shop.shop_helpers import make_customer, t, text_of

# 04:05:06 UTC is 09:05:06 in Almaty (UTC+5 since 1 March 2024).
ACCEPTED = datetime(2027, 1, 15, 4, 5, 6, tzinfo=UTC)


@pytest.fixture
def legal(client, django_user_model):
    user = django_user_model.objects.create_user(email="lawyer@jetu.kz", password="x")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        Permission.objects.get(content_type__app_label="shop", codename="view_acceptance"),
    )
    client.force_login(user)
    return client


def ledger_csv(client, **params) -> tuple[bytes, list[dict]]:
    response = client.get(reverse("shop_consent_ledger:index"), {"export": "csv", **params})
    assert response.status_code == 200
    raw = b"".join(response.streaming_content)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    return raw, [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("42", CustomerLookup("id", 42)),
        (" #7 ", CustomerLookup("id", 7)),
        ("Aigerim@Example.KZ", CustomerLookup("email", "aigerim@example.kz")),
        ("8 (701) 123-45-67", CustomerLookup("phone", "+77011234567")),
        ("+7 701 1234567", CustomerLookup("phone", "+77011234567")),
        ("7011234567", CustomerLookup("phone", "+77011234567")),
        ("Серикова", CustomerLookup("", "Серикова")),
    ],
)
def test_a_search_is_read_as_an_id_an_email_or_a_phone(query, expected):
    assert customer_lookup_parse(query) == expected


def test_times_are_absolute_almaty_times_with_their_offset():
    assert local_time(ACCEPTED) == "15.01.2027 09:05:06 (UTC+05:00)"
    assert iso_time(ACCEPTED) == "2027-01-15T09:05:06.000000+05:00"
    # Before 1 March 2024 Almaty was UTC+6: the offset is read from the date, never assumed.
    earlier = datetime(2023, 6, 1, 18, 30, tzinfo=UTC)
    assert local_time(earlier) == "02.06.2023 00:30:00 (UTC+06:00)"
    assert datetime.fromisoformat(iso_time(earlier)) == earlier
    assert local_time(None) == iso_time(None) == ""


def test_codes_become_words_in_the_staff_language():
    from django.utils import translation

    with translation.override("ru"):
        assert (language_name("kk"), language_name("ru")) == ("Казахский", "Русский")
        assert (yes_no(True), yes_no(False)) == ("Да", "Нет")
    with translation.override("kk"):
        assert language_name("kk") == "Қазақ тілі"
        assert (yes_no(True), yes_no(False)) == ("Иә", "Жоқ")


@pytest.mark.django_db
def test_each_acceptance_keeps_the_email_it_was_made_under(policy):
    customer = make_customer(email="old@example.kz")
    customer.user.email = "new@example.kz"
    customer.user.save()
    assert Acceptance.objects.get(customer=customer).email == "old@example.kz"


@pytest.mark.django_db
def test_legal_finds_a_customer_by_email_phone_or_id(legal, policy):
    dana = make_customer(email="dana@example.kz", phone="+7 702 555 11 22")
    make_customer(email="other@example.kz", phone="+7 705 000 00 01")
    url = reverse("shop_consent_ledger:index")
    for query in ("dana@example.kz", "DANA@example.kz", "8 702 555 11 22", str(dana.pk)):
        page = text_of(legal.get(url, {"customer": query}))
        assert "dana@example.kz" in page, query
        assert "other@example.kz" not in page, query
    # The address she accepted under finds her after she changed it.
    dana.user.email = "dana.new@example.kz"
    dana.user.save()
    page = text_of(legal.get(url, {"customer": "dana@example.kz"}))
    assert "dana.new@example.kz" in page
    assert "other@example.kz" not in page
    nobody = text_of(legal.get(url, {"customer": "nobody@example.kz"}))
    assert "dana" not in nobody


@pytest.mark.django_db
def test_an_anonymised_customer_is_found_by_id_only(legal, policy):
    closed = make_customer(email="closed@example.kz", phone="+7 702 555 11 22")
    customer_anonymise(customer=closed)
    url = reverse("shop_consent_ledger:index")
    assert f"anonymised-{closed.user_id}@invalid" in text_of(
        legal.get(url, {"customer": str(closed.pk)})
    )
    for query in ("closed@example.kz", "+77025551122"):
        page = text_of(legal.get(url, {"customer": query}))
        assert "anonymised-" not in page, query
        assert "Нет результатов" in page, query  # Wagtail's own words for an empty listing


@pytest.mark.django_db
def test_closing_the_account_deletes_the_address_its_acceptances_were_made_under(legal, policy):
    closed = make_customer(email="closed@example.kz")
    acceptance = Acceptance.objects.get(customer=closed)
    customer_anonymise(customer=closed)
    # The consent is still proven (the record and its text hash stay) but names no one.
    assert Acceptance.objects.get(pk=acceptance.pk).text_sha256 == acceptance.text_sha256
    assert Acceptance.objects.get(pk=acceptance.pk).email == ""
    page = text_of(legal.get(reverse("shop_consent_ledger:index"), {"customer": str(closed.pk)}))
    assert "closed@example.kz" not in page
    raw, rows = ledger_csv(legal, customer=str(closed.pk))
    assert [row["ID покупателя"] for row in rows] == [str(closed.pk)]  # the record stays
    assert b"closed@example.kz" not in raw


@pytest.mark.django_db
def test_the_screen_shows_almaty_time_not_how_long_ago(legal, policy):
    with time_machine.travel(ACCEPTED, tick=False):
        make_customer(email="dana@example.kz", language="kk")
    page = text_of(legal.get(reverse("shop_consent_ledger:index")))
    assert "15.01.2027 09:05:06 (UTC+05:00)" in page
    assert "назад" not in page  # Wagtail's relative "… ago"
    assert t("Accepted at (Almaty time)") in page
    assert "Казахский" in page
    assert t("registration") in page
    assert ">kk<" not in legal.get(reverse("shop_consent_ledger:index")).content.decode()


@pytest.mark.django_db
def test_the_csv_opens_in_excel_with_words_and_offset_times(legal, policy):
    with time_machine.travel(ACCEPTED, tick=False):
        dana = make_customer(email="dana@example.kz", language="kk")
    raw, rows = ledger_csv(legal)
    # The byte order mark makes Excel read the file as UTF-8 (Cyrillic, Kazakh letters).
    assert raw.startswith(b"\xef\xbb\xbf")
    row = next(r for r in rows if r[t("Customer ID")] == str(dana.pk))
    accepted = row[t("Accepted at (ISO 8601, Almaty time)")]
    assert accepted == "2027-01-15T09:05:06.000000+05:00"
    assert datetime.fromisoformat(accepted) == ACCEPTED
    assert row[t("Language")] == "Казахский"
    assert row[t("Channel")] == t("registration")
    assert row[t("E-mail at acceptance")] == "dana@example.kz"
    assert row[t("Current e-mail")] == "dana@example.kz"


@pytest.mark.django_db
def test_the_csv_can_be_narrowed_to_one_customer(legal, policy):
    dana = make_customer(email="dana@example.kz")
    make_customer(email="other@example.kz", phone="+7 705 000 00 01")
    _, rows = ledger_csv(legal, customer="dana@example.kz")
    assert [row[t("Customer ID")] for row in rows] == [str(dana.pk)]


@pytest.mark.django_db
def test_the_xlsx_has_the_same_words_and_times(legal, policy):
    with time_machine.travel(ACCEPTED, tick=False):
        make_customer(email="dana@example.kz", language="kk")
    response = legal.get(reverse("shop_consent_ledger:index"), {"export": "xlsx"})
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    columns = ConsentLedgerReportView.list_export
    row = next(r for r in rows[1:] if r[columns.index("email")] == "dana@example.kz")
    assert row[columns.index("accepted_at")] == "2027-01-15T09:05:06.000000+05:00"
    assert row[columns.index("language")] == "Казахский"


@pytest.mark.django_db
def test_the_per_version_export_says_yes_and_no(client, django_user_model, policy):
    user = django_user_model.objects.create_superuser(email="boss@jetu.kz", password="x")
    client.force_login(user)
    data = body_data(policy)
    replace_in_clause(data, "2.2.4", "адрес доставки", "адрес доставки Товара")
    publish_version(policy, data, material=True)
    response = client.get(reverse("shop_consent_versions:index"), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    material = {row[0]: row[2] for row in rows[1:]}
    assert material == {"1": "Нет", "2": "Да"}
    # On screen too, in words (Wagtail's tick icon would read "True"/"False" to a screen reader).
    html = client.get(reverse("shop_consent_versions:index")).content.decode()
    cells = [cell.strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)]
    assert cells.count("Нет") == 1 and cells.count("Да") == 1
    assert "False" not in html and "True" not in html


@pytest.mark.django_db
def test_a_hostile_user_agent_stays_text_in_the_new_export(legal, policy):
    hostile = RequestFactory().get("/", HTTP_USER_AGENT="=cmd|' /C calc'!A0")
    make_customer(email="mallory@example.kz", request=hostile)
    _, rows = ledger_csv(legal)
    row = next(r for r in rows if r[t("E-mail at acceptance")] == "mallory@example.kz")
    assert row[t("browser").capitalize()].startswith("'=")
