"""With REDIS_URL set, a stopped Redis costs speed, never an answer, and the site recovers alone."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

PAGES = [
    "/ru/legal/privacy/",
    "/kk/legal/privacy/versions/",
    "/ru/legal/privacy/versions/1/",
    "/kk/",
    "/ru/shop/",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_cache(port: int):
    return override_settings(
        CACHES={
            "default": {
                "BACKEND": "jetu_cms.cache.ResilientRedisCache",
                "LOCATION": f"redis://127.0.0.1:{port}/0",
            }
        }
    )


class RedisServer:
    """A throw-away redis-server on a free loopback port, which the test stops and restarts."""

    def __init__(self):
        self.port = _free_port()
        self.process = None

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def redis_server():
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer()
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


def test_pages_answer_when_nothing_listens_at_redis_url(policy):
    with redis_cache(_free_port()):
        visitor = Client(raise_request_exception=False)
        for path in PAGES:
            response = visitor.get(path)
            assert response.status_code == 200, path


def test_a_stopped_redis_degrades_to_uncached_pages_and_recovery_needs_no_restart(
    policy, redis_server
):
    visitor = Client(raise_request_exception=False)
    with redis_cache(redis_server.port):
        cache.clear()
        assert visitor.get("/ru/legal/privacy/")["X-Cache"] == "MISS"
        cached = visitor.get("/ru/legal/privacy/")
        assert cached["X-Cache"] == "HIT"

        redis_server.stop()
        for path in PAGES:
            response = Client(raise_request_exception=False).get(path)
            assert response.status_code == 200, path
        during = visitor.get("/ru/legal/privacy/")
        assert during["X-Cache"] == "MISS"  # rendered afresh: nothing could be read
        assert during.content == cached.content

        redis_server.start()
        assert visitor.get("/ru/legal/privacy/")["X-Cache"] == "MISS"
        assert visitor.get("/ru/legal/privacy/")["X-Cache"] == "HIT"
