"""A publication made by one process is what every other process serves on its next request.

Real processes, production settings, no Redis: gunicorn with two workers serves the site, a
third process (``load_initial_data --demo-amendment``, as a cron job or a shell would) publishes
version 2 in both languages. Each worker has warmed its own caches with version 1 before.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
REQUESTS_PER_CHECK = 8  # enough for both workers to answer some of them


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback
            return response.status, response.read().decode(), response.headers.get("X-Cache", "")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers.get("X-Cache", "")


@pytest.fixture
def database_url(tmp_path):
    """A database of its own: a new PostgreSQL database in the PostgreSQL pass, else SQLite."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'site.sqlite3'}"
        return
    import psycopg

    settings_dict = connection.settings_dict
    name = f"jetu_two_processes_{os.getpid()}"
    admin = psycopg.connect(
        host=settings_dict["HOST"] or "127.0.0.1",
        port=settings_dict["PORT"] or 5432,
        user=settings_dict["USER"],
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    user = settings_dict["USER"]
    host, port = settings_dict["HOST"] or "127.0.0.1", settings_dict["PORT"] or 5432
    try:
        yield f"postgres://{user}@{host}:{port}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def site(database_url, tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE", "DATABASE_URL")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tests.procs_settings",
        DATABASE_URL=database_url,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(40),
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_EMAIL_FILE_PATH=str(tmp_path / "mail"),
        CONSENT_LOG_SIGNING_KEY_FILE=str(tmp_path / "consent-log-key.pem"),
        PYTHONPATH=str(ROOT),
    )

    def manage(*args):
        subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=300
        )

    manage("consent_log_keygen", env["CONSENT_LOG_SIGNING_KEY_FILE"])
    manage("migrate", "--noinput", "--verbosity", "0")
    manage("createcachetable")
    manage("load_initial_data", "--verbosity", "0")
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [str(GUNICORN), "--workers", "2", "--bind", f"127.0.0.1:{port}", "jetu_cms.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _get(base + "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                pytest.fail("gunicorn did not start")
            time.sleep(0.2)
        yield base, manage
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_a_version_published_elsewhere_is_served_by_every_worker_at_once(site, language):
    base, manage = site
    policy = f"{base}/{language}/legal/privacy/"
    warm = [policy, policy + "versions/", policy + "versions/2/", policy + "compare/1/2/"]
    for _ in range(REQUESTS_PER_CHECK):
        for url in warm:
            _get(url)
    status, archive, cache_state = _get(policy + "versions/")
    assert (status, cache_state) == (200, "HIT")
    assert "versions/2/" not in archive
    assert _get(policy + "versions/2/")[0] == 404

    manage("load_initial_data", "--demo-amendment", "--verbosity", "0")

    for _ in range(REQUESTS_PER_CHECK):
        status, archive, _cache = _get(policy + "versions/")
        assert status == 200
        assert f"/{language}/legal/privacy/versions/2/" in archive
        assert _get(policy + "versions/2/")[0] == 200
        status, compare, _cache = _get(policy + "compare/1/2/")
        assert status == 200
        assert "<ins" in compare
        status, in_force, _cache = _get(policy)
        assert status == 200
        assert "compare/1/2/" in in_force  # "what changed since version 1"
