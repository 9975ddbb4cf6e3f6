"""Browser journeys: Playwright (pytest-playwright) driving Debian's Chromium against a live server.

- The browser is always ``/usr/bin/chromium`` from Debian; Playwright never downloads one.
  Without it every test here is skipped with a message saying so.
- The site runs in pytest-django's ``live_server`` (static files included) over the test
  database. Each test requests ``committed_content`` (through ``site``) and so starts from
  what ``make run`` gives a newcomer: site, pages, policy v1, products.
- Screenshots of every step go to ``test-results/screenshots/``; with
  ``E2E_SCREENSHOTS_TO_DOCS=1`` the ones chosen for the docs are also copied to
  ``docs/screenshots/``.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SKIP_MESSAGE = f"Chromium not found at {CHROMIUM}: browser journeys SKIPPED"

ROOT = Path(__file__).resolve().parents[2]
E2E_DIR = Path(__file__).resolve().parent
SCREENSHOTS = ROOT / "test-results" / "screenshots"
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"

DESKTOP = {"width": 1280, "height": 800}

# Generous: the Wagtail admin is heavy, and CI machines are small.
TIMEOUT_MS = 20_000


def chromium_available() -> bool:
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


def _is_e2e(item) -> bool:
    return E2E_DIR in Path(item.path).resolve().parents


@pytest.hookimpl(trylast=True)  # after pytest-django's own ordering by database use
def pytest_collection_modifyitems(config, items):
    """Mark the journeys, and run them after every other test.

    Playwright's event loop and the environment the journeys need (below) stay in place from
    the first journey to the end of the session; nothing else may run inside them.
    """
    e2e_items = [item for item in items if _is_e2e(item)]
    items[:] = [item for item in items if not _is_e2e(item)] + e2e_items
    for item in e2e_items:
        item.add_marker(pytest.mark.e2e)
    if e2e_items and not chromium_available():
        skip = pytest.mark.skip(reason=SKIP_MESSAGE)
        for item in e2e_items:
            item.add_marker(skip)
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(SKIP_MESSAGE, yellow=True, bold=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a journey's flush, put back the database as it was before the journeys.

    pytest-django empties the database after each transactional test, Wagtail's root page
    (made by a migration) included; the next journey, or any other test that loads content
    with ``committed_content``, needs it back. Runs after every fixture's teardown.
    """
    try:
        return (yield)
    finally:
        if nextitem is not None and "site" in getattr(item, "fixturenames", ()) and _SNAPSHOT:
            from pytest_django.plugin import blocking_manager_key

            with item.config.stash[blocking_manager_key].unblock():
                _restore_snapshot()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not chromium_available() and any(
        "e2e" in getattr(report, "keywords", {})
        for report in terminalreporter.stats.get("skipped", [])
    ):
        terminalreporter.write_line(SKIP_MESSAGE, yellow=True, bold=True)


# ---------------------------------------------------------------------------------------
# Browser


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, headless, quiet: no downloads, no background traffic."""
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": browser_type_launch_args.get("headless", True),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def base_url():
    """No base URL: journeys build addresses from the live server's (``site("/ru/…")``).

    Also replaces pytest-playwright's fallback fixture, which pytest 9 warns about.
    """
    return None


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": DESKTOP,
        "locale": "ru-RU",
        "timezone_id": "Asia/Almaty",
    }


@pytest.fixture(scope="session", autouse=True)
def _django_orm_beside_playwright():
    """Let the ORM run in the thread where Playwright's sync API keeps its event loop.

    Playwright's sync API leaves an asyncio loop marked as running in the main thread for the
    whole session, and Django refuses ORM calls from such a thread. The journeys use the ORM
    synchronously, between browser steps, so the check is lifted from the first journey on —
    and the journeys run last (``pytest_collection_modifyitems``), so no other test runs with
    it lifted (``check --deploy`` reports it as async.E001). Put back at the end.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# ---------------------------------------------------------------------------------------
# The live site


class _OneRequestAtATime:
    """Serve requests one after another (and let the tests' own DB work wait its turn).

    With an in-memory SQLite test database, pytest-django's live server shares one connection
    between all its request threads and the test thread; the Wagtail admin's background pings
    would otherwise use it at the same moment as a page load. The response is read and closed
    inside the lock, so ``request_finished`` also runs while no one else uses the connection.
    """

    def __init__(self, app, lock):
        self.app = app
        self.lock = lock

    def __call__(self, environ, start_response):
        with self.lock:
            response = self.app(environ, start_response)
            try:
                return list(response)
            finally:
                close = getattr(response, "close", None)
                if close is not None:
                    close()


class Site:
    """The running site: its address, and the lock to hold while the test writes to the DB."""

    def __init__(self, url: str, lock: threading.RLock):
        self.url = url.rstrip("/")
        self.lock = lock

    def __call__(self, path: str) -> str:
        return self.url + path


_SERVER_LOCK = threading.RLock()


@pytest.fixture(scope="session")
def _sqlite_only():
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip(
            f"Browser journeys run on SQLite (CI's e2e pass), not on {connection.vendor}: "
            "run them without DATABASE_URL."
        )


_SNAPSHOT: dict[str, sqlite3.Connection] = {}


@pytest.fixture(scope="session")
def _database_snapshot(django_db_setup, django_db_blocker):
    """A copy of the test database as the session set it up, before any journey empties it.

    SQLite's backup API copies the database page by page: exact (ids included) and fast.
    """
    from django.db import connections

    with django_db_blocker.unblock():
        for connection in connections.all():
            if connection.vendor != "sqlite":
                continue
            connection.ensure_connection()
            copy = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(copy)
            _SNAPSHOT[connection.alias] = copy


def _restore_snapshot() -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import caches
    from django.db import connections

    for alias, copy in _SNAPSHOT.items():
        connection = connections[alias]
        connection.ensure_connection()
        copy.backup(connection.connection)
    # The flush's post_migrate recreated content types under new ids; they are the old
    # ones again, and so is everything a cache may remember.
    ContentType.objects.clear_cache()
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def site(_sqlite_only, _database_snapshot, live_server, committed_content) -> Site:
    httpd = live_server.thread.httpd
    app = httpd.get_app()
    if not isinstance(app, _OneRequestAtATime):
        httpd.set_app(_OneRequestAtATime(app, _SERVER_LOCK))
    return Site(live_server.url, _SERVER_LOCK)


@pytest.fixture
def page(site, page):
    """pytest-playwright's page, opened after the site is up (so it closes before the flush)."""
    page.set_default_timeout(TIMEOUT_MS)
    page.set_default_navigation_timeout(TIMEOUT_MS)
    return page


@pytest.fixture
def open_page(site, browser, browser_context_args):
    """Open another browser window for another person, e.g. ``open_page(viewport=PHONE)``."""
    contexts = []

    def _open(**kwargs):
        context = browser.new_context(**{**browser_context_args, **kwargs})
        contexts.append(context)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


# ---------------------------------------------------------------------------------------
# Screenshots and axe


@pytest.fixture
def shot():
    """``shot(page, "b-03-cart", doc=True)`` saves test-results/screenshots/b-03-cart.png.

    ``doc=True`` marks the screenshots worth showing in docs/screenshots/; they are copied
    there when the run sets ``E2E_SCREENSHOTS_TO_DOCS=1``. (pytest-playwright empties
    test-results/ whenever a pytest session starts, so the folder is made for each picture.)
    """
    to_docs = os.environ.get("E2E_SCREENSHOTS_TO_DOCS") == "1"

    def _shot(page, name: str, *, doc: bool = False, full_page: bool = False) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page, animations="disabled")
        if doc and to_docs:
            DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, DOCS_SCREENSHOTS / path.name)
        return path

    return _shot


AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def axe_js() -> Path:
    """axe-core as installed by ``npm ci``; missing means FAIL in CI, SKIP on a laptop."""
    if AXE_JS.is_file():
        return AXE_JS
    message = f"{AXE_JS.relative_to(ROOT)} is missing: run `npm ci` (needs Node.js)."
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(message + " CI must run the accessibility checks.", pytrace=False)
    pytest.skip(message + " Accessibility checks SKIPPED.")
