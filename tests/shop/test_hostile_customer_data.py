"""Hostile text in customer fields stays text wherever it is shown: site, admin, e-mail, export."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from shop.notices import notices_fan_out
from tests.helpers import body_data, publish_version, replace_in_clause
from tests.shop.shop_helpers import make_customer

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def hostile(policy):
    return make_customer(
        email="evil@example.kz",
        first_name=f"Али{SCRIPT}",
        last_name='=HYPERLINK("http://evil.example","x")',
        delivery_address=f"<img src=x onerror=alert(2)> {SCRIPT}",
    )


def test_my_account_shows_the_markup_as_text(client, hostile):
    client.force_login(hostile.user)
    content = client.get("/ru/shop/account/").content.decode()
    assert SCRIPT not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "<img src=x" not in content


def test_admin_views_show_the_markup_as_text(client, hostile):
    client.force_login(get_user_model().objects.create_superuser(email="s@jetu.kz", password="x"))
    for url in ("/admin/shop/customers/", f"/admin/shop/customers/inspect/{hostile.pk}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        assert SCRIPT not in content, url
        assert "<img src=x" not in content, url


def test_exports_neutralise_formulas(client, hostile):
    client.force_login(get_user_model().objects.create_superuser(email="s@jetu.kz", password="x"))
    response = client.get("/admin/shop/customers/", {"export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "=HYPERLINK" not in body.replace("'=HYPERLINK", "")
    assert "'=HYPERLINK" in body


def test_change_notice_email_escapes_the_name(policy, hostile, django_capture_on_commit_callbacks):
    data = body_data(policy)
    replace_in_clause(data, "1.8", "пользователь", "посетитель")
    publish_version(policy, data)
    with django_capture_on_commit_callbacks(execute=True):
        notices_fan_out()
    message = mail.outbox[0]
    assert SCRIPT not in message.alternatives[0][0]
    assert "&lt;script&gt;" in message.alternatives[0][0]
