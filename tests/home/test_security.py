"""Hardening and hostile input at the site level: CSP, CSRF, throttling, redirects, 503,
the admin's doors, request sizes."""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import OperationalError
from django.test import Client, override_settings
from django.utils import timezone

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


# ---------------------------------------------------------------------------------------
# Browser features, the admin's CSP, request sizes


def test_every_page_switches_off_browser_features_the_site_never_uses(client, admin_client):
    for response in (client.get("/ru/legal/privacy/"), admin_client.get("/admin/")):
        policy = {
            item.split("=")[0].strip(): item.split("=")[1].strip()
            for item in response["Permissions-Policy"].split(",")
        }
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert policy[feature] == "()", feature


def test_the_admin_is_watched_by_a_report_only_csp_and_the_public_site_is_enforced(
    client, admin_client
):
    admin = admin_client.get("/admin/")
    assert admin.status_code == 200
    assert "Content-Security-Policy" not in admin
    report_only = admin["Content-Security-Policy-Report-Only"]
    assert "script-src 'self'" in report_only
    assert "report-uri /csp-report/" in report_only
    public = client.get("/ru/shop/")
    assert "script-src 'self'" in public["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in public


def test_csp_reports_are_logged_and_nothing_else_is_accepted(client, caplog):
    report = {
        "csp-report": {
            "document-uri": "https://www.jetu.kz/admin/pages/3/edit/",
            "violated-directive": "script-src-elem",
            "blocked-uri": "inline",
        }
    }
    with caplog.at_level("WARNING", logger="jetu"):
        response = client.post(
            "/csp-report/", json.dumps(report), content_type="application/csp-report"
        )
    assert response.status_code == 204
    assert "/admin/pages/3/edit/: script-src-elem would block inline" in caplog.text
    assert client.get("/csp-report/").status_code == 405
    assert client.post("/csp-report/", "nonsense", content_type="text/plain").status_code == 400
    too_big = client.post(
        "/csp-report/", "{}", content_type="application/csp-report", CONTENT_LENGTH="100000"
    )
    assert too_big.status_code == 413


def test_the_application_refuses_bodies_nginx_would_refuse(client):
    nginx = (Path(settings.BASE_DIR) / "deploy" / "nginx.conf").read_text()
    megabytes = int(re.search(r"client_max_body_size\s+(\d+)m;", nginx).group(1))
    assert megabytes * 1024 * 1024 == settings.MAX_REQUEST_BODY_SIZE
    # A file the upload forms accept always fits in a body nginx lets through.
    assert settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE < settings.MAX_REQUEST_BODY_SIZE
    assert settings.WAGTAILDOCS_MAX_UPLOAD_SIZE < settings.MAX_REQUEST_BODY_SIZE

    too_big = str(megabytes * 1024 * 1024 + 1)
    response = client.post(
        "/admin/images/multiple/add/", b"", content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=too_big,
    )  # fmt: skip
    assert response.status_code == 413
    assert f"{megabytes} МБ" in response.content.decode()
    kazakh = client.post(
        "/kk/shop/cart/add/", b"", content_type="text/plain", CONTENT_LENGTH=too_big
    )
    assert kazakh.status_code == 413
    assert f"{megabytes} МБ-тан" in kazakh.content.decode()


def test_admin_avatars_are_not_fetched_from_gravatar(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert "gravatar" not in page


# ---------------------------------------------------------------------------------------
# The admin's doors: log-in, log-out, password reset, idle sessions


@pytest.fixture
def staff(db):
    """An editor: staff by group membership, not a superuser."""
    from django.contrib.auth.models import Group

    from home.roles import EDITORS

    user = get_user_model().objects.create_user(email="editor@jetu.kz", password=STAFF_PASSWORD)
    user.groups.add(Group.objects.get(name=EDITORS))
    return user


STAFF_PASSWORD = "Redaktor-2024-tau"  # noqa: S105


def test_customers_cannot_log_in_to_the_admin(client, policy):
    from tests.shop.shop_helpers import PASSWORD, make_customer, t, text_of

    customer = make_customer(email="shopper@example.kz")
    response = client.post("/admin/login/", {"username": customer.user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert t(
        "This account cannot use the administration site. Customers log in on the shop's "
        "log-in page."
    ) in text_of(response)
    assert "_auth_user_id" not in client.session


def test_staff_log_in_to_the_admin(client, staff):
    response = client.post("/admin/login/", {"username": staff.email, "password": STAFF_PASSWORD})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_admin_log_out_by_get_leaves_the_session_alone(client, staff):
    client.force_login(staff)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    response = client.get("/admin/logout/")
    assert response.status_code == 405
    assert client.cookies[settings.SESSION_COOKIE_NAME].value == key
    assert client.get("/admin/").status_code == 200


def test_admin_log_out_by_post_ends_the_server_session(client, staff):
    from django.contrib.sessions.models import Session

    client.force_login(staff)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    response = client.post("/admin/logout/")
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    # Someone who kept a copy of the cookie is logged out too.
    copy = Client()
    copy.cookies[settings.SESSION_COOKIE_NAME] = key
    response = copy.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_admin_mails_reset_links_to_staff_only(client, staff, policy, mailoutbox):
    from tests.shop.shop_helpers import make_customer

    customer = make_customer(email="shopper@example.kz")
    response = client.post("/admin/password_reset/", {"email": customer.user.email})
    assert response.status_code == 302
    assert mailoutbox == []
    client.post("/admin/password_reset/", {"email": staff.email})
    assert [message.to for message in mailoutbox] == [[staff.email]]
    assert "/admin/password_reset/confirm/" in mailoutbox[0].body


def test_the_admin_reset_form_is_throttled_per_address(client, staff, mailoutbox):
    responses = [client.post("/admin/password_reset/", {"email": staff.email}) for _ in range(4)]
    assert [r.status_code for r in responses] == [302, 302, 302, 200]
    assert len(mailoutbox) == 3
    assert "Слишком много запросов" in responses[-1].content.decode()


def test_a_staff_session_ends_after_two_idle_hours(client, staff):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client.post("/admin/login/", {"username": staff.email, "password": STAFF_PASSWORD})
        assert client.get("/admin/").status_code == 200
        # Working keeps the session alive, however long the day.
        for _ in range(3):
            clock.shift(timedelta(hours=1, minutes=55))
            assert client.get("/admin/").status_code == 200
        clock.shift(timedelta(hours=2, minutes=1))
        response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_customer_session_is_not_cut_short(client, policy):
    from tests.shop.shop_helpers import make_customer

    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(make_customer(email="shopper@example.kz").user)
        assert client.get("/ru/shop/account/").status_code == 200
        clock.shift(timedelta(days=3))
        assert client.get("/ru/shop/account/").status_code == 200


# ---------------------------------------------------------------------------------------
# Log-in throttling across e-mails and across addresses

LOGIN = "/ru/shop/login/"


def _fail(client, email, ip):
    return client.post(LOGIN, {"username": email, "password": "wrong"}, REMOTE_ADDR=ip)


def _log_in(client, email, password, ip):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip)


@override_settings(AXES_ENABLED=True)
def test_trying_many_e_mails_from_one_address_is_throttled(client, policy):
    from tests.shop.shop_helpers import PASSWORD, make_customer

    make_customer(email="real@example.kz")
    statuses = [_fail(client, f"user{n}@example.kz", "203.0.113.7").status_code for n in range(30)]
    assert statuses[:19] == [200] * 19
    assert set(statuses[19:]) == {429}
    # The address is blocked even for a real account; other addresses are not.
    assert _log_in(Client(), "real@example.kz", PASSWORD, "203.0.113.7").status_code == 429
    assert _log_in(Client(), "real@example.kz", PASSWORD, "198.51.100.1").status_code == 302


@override_settings(AXES_ENABLED=True)
def test_an_attackers_own_log_in_does_not_clear_the_count_of_their_address(client, policy):
    from tests.shop.shop_helpers import PASSWORD, make_customer

    make_customer(email="attacker@example.kz")
    for n in range(19):
        _fail(client, f"user{n}@example.kz", "203.0.113.7")
    assert _log_in(Client(), "attacker@example.kz", PASSWORD, "203.0.113.7").status_code == 302
    assert _fail(client, "user19@example.kz", "203.0.113.7").status_code == 429


@override_settings(AXES_ENABLED=True)
def test_guessing_one_account_from_many_addresses_is_throttled(client, policy):
    from tests.shop.shop_helpers import PASSWORD, make_customer

    make_customer(email="victim@example.kz")
    # One address alone cannot lock the owner out, however often it tries: it is stopped after
    # 5 failures, and what it tries while stopped is not counted.
    for _ in range(25):
        _fail(client, "victim@example.kz", "203.0.113.1")
    assert _log_in(Client(), "victim@example.kz", PASSWORD, "198.51.100.9").status_code == 302
    # Many addresses can: 5 failures from each of four more lock the account everywhere.
    statuses = [
        _fail(Client(), "victim@example.kz", f"203.0.113.{host}").status_code
        for host in (2, 3, 4, 5)
        for _ in range(5)
    ]
    assert 429 in statuses
    assert _log_in(Client(), "victim@example.kz", PASSWORD, "198.51.100.10").status_code == 429
    assert _log_in(Client(), "someone@example.kz", PASSWORD, "198.51.100.10").status_code == 200
