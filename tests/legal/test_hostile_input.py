"""Hostile input in legal content is neutralised wherever it is shown."""

import pytest
from django.core import mail

from legal.html_policy import clean_rich_text
from shop.notices import notices_fan_out
from tests.helpers import body_data, clause, publish_version
from tests.shop.shop_helpers import make_customer

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_imported_rich_text_is_sanitised():
    cleaned = clean_rich_text(
        '<p onclick="steal()">Текст<script>alert(1)</script> <a href="javascript:x">a</a></p>'
    )
    assert "<script" not in cleaned
    assert "onclick" not in cleaned
    assert "javascript:" not in cleaned
    assert "Текст" in cleaned


def test_script_in_a_clause_and_in_the_summary_is_shown_as_text_everywhere(
    client, policy, django_capture_on_commit_callbacks
):
    make_customer(email="xss@example.kz")
    data = body_data(policy)
    data.append(clause("5.11", f"<p>Пункт {XSS}</p>", "list"))
    publish_version(policy, data, summary=f"Сводка {XSS}")
    for url in (
        "/ru/legal/privacy/",
        "/ru/legal/privacy/versions/",
        "/ru/legal/privacy/versions/2/",
        "/ru/legal/privacy/compare/1/2/",
        "/ru/legal/privacy/compare/1/2/?mode=side",
    ):
        content = client.get(url).content.decode()
        assert "<script>alert" not in content, url
        assert "<img src=x" not in content, url
    archive = client.get("/ru/legal/privacy/versions/").content.decode()
    assert "Сводка &lt;script&gt;" in archive
    with django_capture_on_commit_callbacks(execute=True):
        notices_fan_out()
    html_body = mail.outbox[0].alternatives[0][0]
    assert "<script>alert" not in html_body
    assert "&lt;script&gt;" in html_body
