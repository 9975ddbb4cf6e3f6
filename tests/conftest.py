"""Shared fixtures: the initial content is loaded once per test database."""

import os

import pytest
from django.core.management import call_command
from hypothesis import settings
from wagtail.models import Locale

from legal.models import LegalDocumentPage


@pytest.fixture(scope="session")
def _media_root(tmp_path_factory):
    """Uploaded images and their renditions go to a temporary folder, not the project's."""
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture(scope="session")
def django_db_setup(_media_root, django_db_setup, django_db_blocker):
    """Every test starts from what ``make run`` gives a newcomer: site, pages, policy v1."""
    with django_db_blocker.unblock():
        call_command("load_initial_data", verbosity=0)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache, as the database is rolled back between tests."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _source_language():
    """Each test starts in Russian: a request to /kk/ leaves Kazakh active in the thread."""
    from django.utils import translation

    translation.activate("ru")
    yield
    translation.activate("ru")


@pytest.fixture
def ru(db):
    return Locale.objects.get(language_code="ru")


@pytest.fixture
def kk(db):
    return Locale.objects.get(language_code="kk")


@pytest.fixture
def policy(ru):
    """The Russian privacy policy page."""
    return LegalDocumentPage.objects.get(locale=ru, slug="privacy")


@pytest.fixture
def policy_kk(kk):
    return LegalDocumentPage.objects.get(locale=kk, slug="privacy")


@pytest.fixture
def committed_content(transactional_db):
    """For tests that need real commits (threads): the database with the initial content.

    pytest-django runs transactional tests last and empties the database after each, so the
    content is (re)loaded here rather than relied upon from the session setup.
    """
    call_command("load_initial_data", verbosity=0)


APP_ROLE = "jetu_app_test"


@pytest.fixture
def app_role(db):
    """The application's PostgreSQL role as the README's deployment sets it up.

    ``SET LOCAL ROLE`` to it inside a transaction to act as gunicorn does in production.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"DO $$ BEGIN CREATE ROLE {APP_ROLE} NOLOGIN; "
            "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        )
    call_command("grant_app_role", APP_ROLE, verbosity=0)
    return APP_ROLE


def postgres_only():
    from django.db import connection

    return pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL (runs in CI's PostgreSQL pass)"
    )


# `make mutants` runs the pure tests once per mutant: fewer examples there, and the same ones
# every run so that a mutant's verdict is reproducible.
settings.register_profile("mutants", max_examples=20, derandomize=True, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
