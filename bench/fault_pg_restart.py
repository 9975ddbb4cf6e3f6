"""PostgreSQL stops under load and comes back; the driver.

Run by bench/fault_pg_restart.sh, which starts gunicorn (JF_PORT) against the database
jetu_fault and always restarts PostgreSQL on exit. Phases:

    before    5 s   normal load
    outage   ~10 s  PostgreSQL stopped (pg_ctlcluster … stop)
    recovery        PostgreSQL started again; until the DB-backed page answers 200 and a
                    registration succeeds (at most 60 s) — gunicorn is NOT restarted
    after     5 s   normal load again

Two loops run throughout: a reader (the cached policy page, a legal page that misses the
cache, the catalogue — which reads products) and a writer (one registration after another:
user + customer + acceptance in one transaction). Every answer is classified: 2xx/3xx, the
site's 503 page ("Сайт временно недоступен"), the 500 page, anything else (a traceback
would be a failure), or no answer. Afterwards the database must hold no half-written
registration and the consent ledger must verify. Writes bench/results/faults.json.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from urllib.parse import urlencode

from common import django_setup, machine, write

PORT = int(os.environ["JF_PORT"])
RESULT_FILE = "faults.json" if os.environ.get("REDIS_URL") else "faults-no-redis.json"
CLUSTER = os.environ["JF_CLUSTER"]  # e.g. "15"
PG_CTL = ["pg_ctlcluster", "--skip-systemctl-redirect", CLUSTER, "main"]
PASSWORD = "Kóktem-2024-alma"  # noqa: S105 - a throw-away customer in a throw-away DB
READS = {
    "policy (app-cached)": "/ru/legal/privacy/",
    "legal page, cache miss": "/ru/legal/privacy/versions/1/",
    "catalogue (DB)": "/ru/shop/",
    "policy with a session cookie": "/ru/legal/privacy/",
}
# A visitor who has a session (cart, log-in) is never served from the shared cache: the
# session middleware needs the database before any view runs.
# A CSRF cookie (someone who has seen a form) keeps the cache out of it too, without a session.
HEADERS = {
    "legal page, cache miss": {"Cookie": "csrftoken=fault-run-token"},
    "policy with a session cookie": {"Cookie": "sessionid=fault-run-session"},
}
LIMITS = {"before": 5.0, "outage": 10.0, "recovery_max": 60.0, "after": 5.0}

state = {"phase": "before", "stop": False}
results: list[dict] = []
events: dict[str, float] = {}
lock = threading.Lock()


def classify(status: int | None, body: str) -> str:
    if status is None:
        return "no answer"
    if "Traceback" in body or "Exception Value" in body:
        return "TRACEBACK"
    if status == 503 and "Сайт временно недоступен" in body:
        return "503 site page"
    if status == 500 and "Временная ошибка" in body:
        return "500 site page"
    if status < 400:
        return f"{status}"
    return f"{status} other"


def request(method: str, path: str, body: str | None = None, headers=None) -> tuple:
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=35)
    try:
        connection.request(
            method, path, body=body, headers={"Host": "localhost", **(headers or {})}
        )
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace"), response
    except (OSError, http.client.HTTPException):
        return None, "", None
    finally:
        connection.close()


def record(endpoint: str, status, body: str, started: float) -> None:
    with lock:
        results.append(
            {
                "phase": state["phase"],
                "endpoint": endpoint,
                "kind": classify(status, body),
                "t": round(time.monotonic() - events["start"], 2),
                "ms": round((time.monotonic() - started) * 1000, 1),
            }
        )


def reader() -> None:
    n = 0
    while not state["stop"] and n < 5000:
        for name, path in READS.items():
            n += 1
            started = time.monotonic()
            status, body, _ = request("GET", path, headers=HEADERS.get(name))
            record(name, status, body, started)
            if name == "catalogue (DB)" and status == 200 and state["phase"] == "recovery":
                events.setdefault("read_ok", time.monotonic())
        time.sleep(0.05)


def writer(version: str) -> None:
    n = 0
    while not state["stop"] and n < 500:
        n += 1
        token = secrets.token_hex(16)
        data = {
            "csrfmiddlewaretoken": token,
            "email": f"fault-{os.getpid()}-{n}@example.kz",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "last_name": "Ахметова",
            "first_name": "Дана",
            "patronymic": "",
            "phone": f"+7701{n:07d}",
            "delivery_address": "Астана, пр. Мангилик Ел 55",
            "preferred_language": "ru",
            "accept_policy": "on",
            "policy_version": version,
        }
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={token}",
        }
        started = time.monotonic()
        status, body, response = request("POST", "/ru/shop/register/", urlencode(data), headers)
        record("registration (write)", status, body, started)
        location = response.getheader("Location", "") if response is not None else ""
        if status == 302 and "/register/" not in location:
            with lock:
                results[-1]["registered"] = True
            if state["phase"] == "recovery":
                events.setdefault("write_ok", time.monotonic())
        time.sleep(0.2)


def pg(action: str) -> float:
    started = time.monotonic()
    subprocess.run([*PG_CTL, action], check=True, capture_output=True, timeout=120)
    return time.monotonic() - started


def pg_ready() -> bool:
    return (
        subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"], timeout=10).returncode
        == 0
    )


def integrity() -> dict:
    django_setup()
    from django.db import connection

    from shop.models import Acceptance, Customer, User
    from shop.services import ledger_verify

    connection.close()
    customers = Customer.objects.count()
    broken = ledger_verify()
    return {
        "customers": customers,
        "acceptances": Acceptance.objects.count(),
        "customers_without_acceptance": Customer.objects.filter(acceptances__isnull=True).count(),
        "users_without_customer": User.objects.filter(
            is_staff=False, customer__isnull=True
        ).count(),
        "ledger": "intact" if broken is None else str(broken),
    }


def publication_elsewhere() -> dict:
    """Version 2 published by another process: is it what every worker serves next?"""
    pages = {
        f"{language} {name}": f"/{language}/legal/privacy/{path}"
        for language in ("ru", "kk")
        for name, path in (
            ("archive", "versions/"),
            ("version 2", "versions/2/"),
            ("compare 1-2", "compare/1/2/"),
        )
    }
    for _ in range(10):  # both workers cache version 1's pages (and the 404 of version 2)
        for path in pages.values():
            request("GET", path)
    published = time.monotonic()
    subprocess.run(
        [sys.executable, "manage.py", "load_initial_data", "--demo-amendment", "-v", "0"],
        check=True,
        timeout=300,
    )
    took = time.monotonic() - published
    answers: dict[str, Counter] = defaultdict(Counter)
    for _ in range(20):
        for name, path in pages.items():
            status, body, _ = request("GET", path)
            fresh = status == 200 and ("versions/2/" in body if name.endswith("archive") else True)
            answers[name]["new version" if fresh else f"stale ({status})"] += 1
    return {
        "publisher": "manage.py load_initial_data --demo-amendment (a third process)",
        "publish_command_s": round(took, 2),
        "requests_after": {name: dict(counter) for name, counter in answers.items()},
        "every_request_after_saw_version_2": all(
            set(counter) == {"new version"} for counter in answers.values()
        ),
    }


def main() -> int:
    events["publication"] = publication_elsewhere()
    status, body, _ = request("GET", "/ru/shop/register/")
    version = re.search(r'name="policy_version" value="(\d+)"', body).group(1)
    events["start"] = time.monotonic()
    threads = [threading.Thread(target=reader), threading.Thread(target=writer, args=(version,))]
    for thread in threads:
        thread.start()
    try:
        time.sleep(LIMITS["before"])
        state["phase"] = "outage"
        events["stop_took_s"] = pg("stop")
        events["stopped"] = time.monotonic()
        time.sleep(LIMITS["outage"])
        state["phase"] = "recovery"
        events["started"] = time.monotonic()  # recovery is timed from the start command
        events["start_took_s"] = pg("start")
        deadline = time.monotonic() + LIMITS["recovery_max"]
        while time.monotonic() < deadline and not ("read_ok" in events and "write_ok" in events):
            time.sleep(0.1)
        state["phase"] = "after"
        time.sleep(LIMITS["after"])
    finally:
        state["stop"] = True
        for thread in threads:
            thread.join(timeout=60)
        if not pg_ready():  # the shell script's trap restarts it too
            pg("start")

    by_phase: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for r in results:
        by_phase[r["phase"]][r["endpoint"]][r["kind"]] += 1
    recovery = {
        key: round(events[key] - events["started"], 2) if key in events else None
        for key in ("read_ok", "write_ok")
    }
    registered = sum(1 for r in results if r.get("registered"))
    data = integrity()
    checks = {
        "no_traceback_or_unexpected_answer": not any(
            r["kind"] in ("TRACEBACK",) or r["kind"].endswith(" other") for r in results
        ),
        "outage_answers_are_the_site_pages": all(
            r["kind"] in ("503 site page", "500 site page", "200", "no answer")
            for r in results
            if r["phase"] == "outage"
        ),
        "outage_with_a_session_cookie_is_the_503_page": all(
            r["kind"] in ("503 site page", "no answer")
            for r in results
            if r["phase"] == "outage" and r["endpoint"] == "policy with a session cookie"
        ),
        # Only a cache outside the database (Redis) can answer while the database is down.
        "cached_policy_answers_during_outage": not os.environ.get("REDIS_URL")
        or all(
            r["kind"] == "200"
            for r in results
            if r["phase"] == "outage" and r["endpoint"] == "policy (app-cached)"
        ),
        "publication_elsewhere_served_at_once": events["publication"][
            "every_request_after_saw_version_2"
        ],
        "recovered_without_restart": recovery["read_ok"] is not None
        and recovery["write_ok"] is not None,
        "no_half_written_registration": data["customers_without_acceptance"] == 0
        and data["users_without_customer"] == 0
        and data["acceptances"] == data["customers"],
        "every_confirmed_registration_kept": data["customers"] >= registered,
        "ledger_intact": data["ledger"] == "intact",
    }
    result = {
        "machine": machine(),
        "cache": "Redis (REDIS_URL)" if os.environ.get("REDIS_URL") else "database (no REDIS_URL)",
        "publication_elsewhere": events["publication"],
        "phases_s": {
            "before": LIMITS["before"],
            "outage": round(
                events["started"]
                + events["start_took_s"]
                - events["stopped"]
                + events["stop_took_s"],
                1,
            ),
            "pg_stop_took_s": round(events["stop_took_s"], 2),
            "pg_start_took_s": round(events["start_took_s"], 2),
        },
        "answers_by_phase": {
            phase: {endpoint: dict(kinds) for endpoint, kinds in endpoints.items()}
            for phase, endpoints in by_phase.items()
        },
        "recovery_after_pg_start_s": recovery,
        "registrations_confirmed": registered,
        "database_after": data,
        "checks": checks,
        "pass": all(checks.values()),
    }
    write(RESULT_FILE, result)
    print("Answers by phase (endpoint: kind × count)")
    for phase in ("before", "outage", "recovery", "after"):
        print(f"  {phase}")
        for endpoint, kinds in by_phase.get(phase, {}).items():
            summary = ", ".join(f"{kind} ×{count}" for kind, count in sorted(kinds.items()))
            print(f"    {endpoint:24s} {summary}")
    print(
        f"PostgreSQL down {result['phases_s']['outage']} s. From `pg_ctlcluster … start` (which "
        f"itself took {events['start_took_s']:.2f} s): the DB-backed page answered 200 after "
        f"{recovery['read_ok']} s, a registration succeeded after {recovery['write_ok']} s "
        "(gunicorn not restarted)"
    )
    print(f"Database after: {data}; registrations confirmed to clients: {registered}")
    for name, ok in checks.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {name}")
    return 0 if result["pass"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
