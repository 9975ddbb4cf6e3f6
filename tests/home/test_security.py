"""Hardening and hostile input at the site level: CSP, CSRF, throttling, redirects, 503."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import OperationalError
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/ru/",
    "/kk/",
    "/ru/legal/privacy/",
    "/kk/legal/privacy/versions/",
    "/ru/legal/privacy/versions/1/",
    "/ru/shop/",
    "/kk/shop/register/",
    "/ru/shop/login/",
]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_send_a_strict_csp_and_contain_no_inline_script_or_style(client, url):
    response = client.get(url)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    content = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", content), "inline <script>"
    assert " style=" not in content, "inline style attribute"
    assert not re.search(r"\son[a-z]+=", content), "inline event handler"


def test_every_form_is_csrf_protected(policy):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/ru/shop/register/", {"email": "x@example.kz", "password1": "p", "password2": "p"}
    )
    assert response.status_code == 403
    assert get_user_model().objects.filter(email="x@example.kz").count() == 0


@override_settings(AXES_ENABLED=True)
@pytest.mark.parametrize("url", ["/ru/shop/login/", "/admin/login/"])
def test_log_in_is_throttled_after_repeated_failures(client, url):
    user = get_user_model().objects.create_superuser(email="boss@jetu.kz", password="Right-pass-1")
    statuses = [
        client.post(url, {"username": user.email, "password": "wrong"}).status_code
        for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]
    # Even the right password is refused during the cool-off, with the site's explanation.
    response = client.post(url, {"username": user.email, "password": "Right-pass-1"})
    assert response.status_code == 429
    assert "15" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example"])
def test_login_next_parameter_cannot_redirect_off_site(client, target):
    from tests.shop.shop_helpers import PASSWORD, make_customer

    customer = make_customer(email="nx@example.kz")
    response = client.post(
        f"/ru/shop/login/?next={target}", {"username": customer.user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_language_switcher_links_only_to_this_site(client):
    content = client.get("/ru/legal/privacy/?next=https://evil.example/").content.decode()
    switcher = content.split('class="language-switcher"')[1].split("</nav>")[0]
    for href in re.findall(r'href="([^"]+)"', switcher):
        assert href.startswith("/kk/") or href.startswith("/ru/")


@pytest.fixture
def database_down(monkeypatch):
    """Every query fails as it does when the database server is stopped."""
    from django.db.backends import utils

    def refused(*args, **kwargs):
        raise OperationalError("connection refused")

    def go_down():
        monkeypatch.setattr(utils.CursorWrapper, "execute", refused)
        monkeypatch.setattr(utils.CursorWrapper, "executemany", refused)

    return go_down


def assert_503_page(response):
    assert response.status_code == 503
    content = response.content.decode()
    assert "Сайт временно недоступен" in content
    assert "Traceback" not in content and "OperationalError" not in content
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"


def test_database_outage_gives_the_503_page_without_traceback(policy, database_down):
    database_down()
    assert_503_page(Client(raise_request_exception=False).get("/ru/legal/privacy/?outage"))


def test_database_outage_with_a_session_cookie_gives_the_503_page(policy, database_down):
    """The session is loaded by a middleware, before any view: still the 503 page."""
    visitor = Client(raise_request_exception=False)
    visitor.cookies[settings.SESSION_COOKIE_NAME] = "a-session-key"
    database_down()
    for path in ("/ru/legal/privacy/", "/ru/shop/", "/kk/shop/account/", "/ru/"):
        assert_503_page(visitor.get(path))


def test_the_cached_policy_keeps_answering_while_the_database_is_down(policy, database_down):
    visitor = Client(raise_request_exception=False)
    fresh = visitor.get("/kk/legal/privacy/")
    assert fresh["X-Cache"] == "MISS"
    database_down()
    during = visitor.get("/kk/legal/privacy/")
    assert during.status_code == 200
    assert during["X-Cache"] == "STALE"
    assert during.content == fresh.content
    # A page never stored cannot be vouched for: the 503 page, not a guess.
    assert_503_page(visitor.get("/kk/legal/privacy/versions/"))
