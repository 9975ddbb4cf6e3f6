"""Public legal pages are cached for anonymous visitors and invalidated exactly when they change."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from tests.helpers import (
    body_data,
    publish_source,
    publish_version,
    replace_in_clause,
    translate_kk,
)

pytestmark = pytest.mark.django_db


def changed(policy, new="посетитель"):
    data = body_data(policy)
    replace_in_clause(data, "1.8", "пользователь", new)
    return data


def test_second_anonymous_request_is_served_from_the_cache_after_one_freshness_query(
    client, policy, django_assert_num_queries
):
    first = client.get("/ru/legal/privacy/")
    assert first["X-Cache"] == "MISS"
    # The one query asks the database (shared by every process) whether anything was
    # published since the page was stored.
    with django_assert_num_queries(1):
        second = client.get("/ru/legal/privacy/")
    assert second["X-Cache"] == "HIT"
    assert second.content == first.content


def test_unknown_query_parameters_share_the_canonical_entry(client, policy):
    assert client.get("/ru/legal/privacy/")["X-Cache"] == "MISS"
    for n in range(300):
        response = client.get(f"/ru/legal/privacy/?utm={n}&ref=ad{n}")
        assert response["X-Cache"] == "HIT", n


def test_the_side_by_side_comparison_is_its_own_entry_and_junk_modes_are_not(client, policy):
    publish_version(policy, changed(policy))
    inline = "/ru/legal/privacy/compare/1/2/"
    assert client.get(inline)["X-Cache"] == "MISS"
    side = client.get(inline + "?mode=side")
    assert side["X-Cache"] == "MISS"
    assert client.get(inline + "?mode=side&utm=1")["X-Cache"] == "HIT"
    for junk in ("x", "SIDE", "side2"):
        assert client.get(f"{inline}?mode={junk}")["X-Cache"] == "HIT"
    assert client.get(inline + "?mode=side").content == side.content


def test_browsers_must_revalidate_the_policy(client, policy):
    response = client.get("/kk/legal/privacy/")
    assert response["Cache-Control"] == "public, max-age=0, must-revalidate"


def test_publishing_a_version_invalidates_every_language(client, policy):
    for url in ("/ru/legal/privacy/", "/kk/legal/privacy/", "/ru/legal/privacy/versions/"):
        client.get(url)
    publish_version(policy, changed(policy), material=True)
    assert "посетитель" in client.get("/ru/legal/privacy/").content.decode()
    assert "[kk]" in client.get("/kk/legal/privacy/").content.decode()
    assert (
        "/ru/legal/privacy/versions/2/"
        in client.get("/ru/legal/privacy/versions/").content.decode()
    )


def test_publishing_the_translation_alone_invalidates_the_russian_page_too(client, policy):
    publish_source(policy, changed(policy))  # v2 pending translation: ru still shows v1
    assert "посетитель" not in client.get("/ru/legal/privacy/").content.decode()
    translate_kk(type(policy).objects.get(pk=policy.pk))
    assert "посетитель" in client.get("/ru/legal/privacy/").content.decode()


def test_a_version_coming_into_force_replaces_the_cached_page_without_a_publication(client, policy):
    effective = timezone.now() + timedelta(hours=3)
    publish_version(policy, changed(policy), effective_from=effective)
    assert "посетитель" not in client.get("/ru/legal/privacy/").content.decode()
    assert client.get("/ru/legal/privacy/")["X-Cache"] == "HIT"
    with time_machine.travel(effective + timedelta(seconds=1)):
        response = client.get("/ru/legal/privacy/")
        assert response["X-Cache"] == "MISS"
        assert "посетитель" in response.content.decode()


def test_logged_in_customers_never_get_the_shared_cache(client, policy):
    client.get("/ru/legal/privacy/")  # cached for anonymous visitors
    user = get_user_model().objects.create_user(email="c@jetu.kz", password="x")
    client.force_login(user)
    response = client.get("/ru/legal/privacy/")
    assert "X-Cache" not in response
    assert response["Cache-Control"].startswith("private")
    assert response["X-Accel-Expires"] == "0"


def test_error_pages_are_not_cached(client, policy):
    assert client.get("/ru/legal/privacy/versions/9/").status_code == 404
    assert "X-Cache" not in client.get("/ru/legal/privacy/versions/9/")
