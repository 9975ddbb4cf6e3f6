"""Acceptance POSTs at 250 concurrent: the consent ledger vs. the same POST with a plain insert.

Each run: 200 customers who have not accepted the version in force (a material change), each
with a real logged-in session (created in the session store) and a CSRF token, and 250 POSTs
to /ru/shop/policy/accept/ leaving together from a thread pool: one per customer plus a
second, simultaneous one from 50 of them (a double submit).

Two gunicorn servers with the same configuration answer them:

- **ledger** (``JB_CACHED``): the application as deployed; the acceptance is recorded in the
  consent ledger (``shop.services.acceptance_record``: a plain insert under the unique
  constraint, append-only triggers, no lock);
- **plain** (``JB_PLAIN``, ``JETU_BENCH_PLAIN_ACCEPTANCE=1``): the same POST through the same
  view, checks and queries, with the ledger write replaced by a plain insert into a non-ledger
  table (``benchsite.PlainAcceptance``).

The machine is shared, so the pair runs back to back five times (AB BA AB BA AB; fresh
customers each time, after one warm-up run on each server) and the goal — ledger ≥ 0.8 × plain
acceptances/s — uses the median of the per-round ratios. The load average is recorded before
and after every run, and so is the CPU time the run cost: the server's gunicorn processes
and the PostgreSQL backends of the bench database (the steadier figure on a busy machine;
CPU per acceptance is what bounds throughput when the cores are the limit). After each
ledger run every customer must have exactly one acceptance of that version, and the ledger
must have grown by exactly 200 (``verify_consent_ledger`` runs afterwards in bench/run.sh;
the transparency log seals every acceptance in bench/bench_merkle.py). Writes
bench/results/concurrency.json.

    JB_CACHED=<ledger port> JB_PLAIN=<plain port> \
    JB_CACHED_PID=<its pid file> JB_PLAIN_PID=<its pid file> python bench/concurrency.py
"""

from __future__ import annotations

import http.client
import os
import secrets
import statistics
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

from common import django_setup, machine, write
from procs import cpu_seconds, server_pids

CUSTOMERS = 200
DOUBLE_SUBMITS = 50
WARM_UP = 20
AB, BA = ("ledger", "plain"), ("plain", "ledger")
ROUNDS = (AB, BA, AB, BA, AB)
GOAL = 0.8
PATH = "/ru/shop/policy/accept/"


def sessions(count: int, exclude: set[int]):
    """(customer id, session key) for ``count`` active customers who must accept and have not
    been used by an earlier run, and the version they must accept."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.module_loading import import_string

    from legal.selectors import document_state, policy_page_for_language
    from shop.models import Customer

    in_force = document_state(policy_page_for_language("ru")).in_force
    customers = list(
        Customer.objects.filter(anonymised_at__isnull=True, user__is_active=True)
        .exclude(acceptances__version_id=in_force.pk)
        .exclude(pk__in=exclude)
        .select_related("user")
        .order_by("pk")[:count]
    )
    if len(customers) < count:
        raise SystemExit(f"only {len(customers)} customers still have to accept")
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    out = []
    for customer in customers:
        session = store()
        session[SESSION_KEY] = str(customer.user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = customer.user.get_session_auth_hash()
        session.create()
        out.append((customer.pk, session.session_key))
    return out, in_force


def post(port: str, session_key: str, version_pk: int, barrier: threading.Barrier) -> dict:
    token = secrets.token_hex(16)  # a 32-character CSRF secret, as the cookie holds it
    body = urlencode(
        {"csrfmiddlewaretoken": token, "decision": "accept", "policy_version": version_pk}
    )
    headers = {
        "Host": "localhost",
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"sessionid={session_key}; csrftoken={token}",
    }
    connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=120)
    barrier.wait()
    start = time.perf_counter()
    try:
        connection.request("POST", PATH, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        status, location = response.status, response.getheader("Location", "")
    except OSError as error:
        status, location = f"error: {type(error).__name__}", ""
    finally:
        connection.close()
    return {"status": status, "location": location, "ms": (time.perf_counter() - start) * 1000}


def database_cpu() -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend connected to the bench database (same machine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        pids = [row[0] for row in cursor.fetchall()]
    return {pid: cpu_seconds([pid]) for pid in pids}


def run(
    target: str, port: str, pidfile: str, used: set[int], customers: int, double_submits: int
) -> dict:
    """One burst of POSTs at one server; checks what the ledger recorded (ledger runs)."""
    from benchsite.models import PlainAcceptance

    from shop.models import Acceptance

    pairs, in_force = sessions(customers, used)
    used.update(customer_id for customer_id, _ in pairs)
    table = Acceptance if target == "ledger" else PlainAcceptance
    rows_before = table.objects.count()
    jobs = pairs + pairs[:double_submits]
    barrier = threading.Barrier(len(jobs))
    load_before = os.getloadavg()
    server = server_pids([pidfile])
    app_cpu, db_cpu = cpu_seconds(server), database_cpu()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        results = list(pool.map(lambda p: post(port, p[1], in_force.pk, barrier), jobs))
    elapsed = time.perf_counter() - started
    app_cpu = cpu_seconds(server) - app_cpu
    db_cpu = sum(seconds - db_cpu.get(pid, 0.0) for pid, seconds in database_cpu().items())
    rows_after = table.objects.count()
    statuses = Counter(str(r["status"]) for r in results)
    latencies = sorted(r["ms"] for r in results)
    answered = sum(
        1 for r in results if r["status"] == 302 and "/policy/accept/" not in r["location"]
    )
    checks = {"every_post_answered_302_to_account": answered == len(jobs)}
    if target == "ledger":
        ids = [customer_id for customer_id, _ in pairs]
        per_customer = Counter(
            Acceptance.objects.filter(customer_id__in=ids, version_id=in_force.pk).values_list(
                "customer_id", flat=True
            )
        )
        checks["every_customer_recorded_exactly_once"] = len(per_customer) == customers and set(
            per_customer.values()
        ) == {1}
        checks[f"ledger_grew_by_exactly_{customers}"] = rows_after - rows_before == customers
    return {
        "target": target,
        "customers": customers,
        "posts": len(jobs),
        "version": in_force.number,
        "seconds": round(elapsed, 3),
        "acceptances_per_s": round(customers / elapsed, 1),
        "posts_per_s": round(len(jobs) / elapsed, 1),
        "latency_ms": {
            "p50": round(statistics.median(latencies), 1),
            "p99": round(latencies[int(0.99 * (len(latencies) - 1))], 1),
            "max": round(latencies[-1], 1),
        },
        "cpu_ms_per_acceptance": {
            "gunicorn": round(app_cpu * 1000 / customers, 2),
            "postgresql": round(db_cpu * 1000 / customers, 2),
            "total": round((app_cpu + db_cpu) * 1000 / customers, 2),
        },
        "statuses": dict(statuses),
        "rows_before": rows_before,
        "rows_after": rows_after,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "checks": checks,
        "pass": all(checks.values()),
    }


def main() -> int:
    django_setup()
    servers = {
        "ledger": (os.environ["JB_CACHED"], os.environ["JB_CACHED_PID"]),
        "plain": (os.environ["JB_PLAIN"], os.environ["JB_PLAIN_PID"]),
    }
    used: set[int] = set()
    started_machine = machine()
    warm_up = {
        target: run(target, port, pidfile, used, WARM_UP, 0)["acceptances_per_s"]
        for target, (port, pidfile) in servers.items()
    }
    rounds = []
    for order in ROUNDS:
        figures = {}
        for target in order:
            port, pidfile = servers[target]
            figures[target] = run(target, port, pidfile, used, CUSTOMERS, DOUBLE_SUBMITS)
            f = figures[target]
            print(
                f"  {target:6s} {f['posts']} POSTs in {f['seconds']:.2f} s: "
                f"{f['acceptances_per_s']} acceptances/s, p50 {f['latency_ms']['p50']} ms, "
                f"CPU {f['cpu_ms_per_acceptance']['total']} ms/acceptance, "
                f"statuses {f['statuses']}, load {f['load_average_before'][0]:.1f}"
            )
        ratio = figures["ledger"]["acceptances_per_s"] / figures["plain"]["acceptances_per_s"]
        cpu_ratio = (
            figures["plain"]["cpu_ms_per_acceptance"]["total"]
            / figures["ledger"]["cpu_ms_per_acceptance"]["total"]
        )
        rounds.append(
            {"order": list(order), "ratio": round(ratio, 3), "cpu_ratio": round(cpu_ratio, 3)}
            | figures
        )
    ratios = [r["ratio"] for r in rounds]
    cpu_ratios = [r["cpu_ratio"] for r in rounds]
    ledger_runs = [r["ledger"] for r in rounds]
    plain_runs = [r["plain"] for r in rounds]
    median_ratio = statistics.median(ratios)
    checks = {
        "every_ledger_run_recorded_each_customer_once": all(r["pass"] for r in ledger_runs),
        "every_plain_run_answered": all(r["pass"] for r in plain_runs),
        f"ledger_at_least_{GOAL}_x_plain": median_ratio >= GOAL,
    }
    result = {
        "machine": started_machine,
        "machine_at_end": {"load_average": [round(x, 2) for x in os.getloadavg()]},
        "servers": "gunicorn, 2 workers × gthread 4 threads each, production settings",
        "goal": f"ledger acceptances/s ≥ {GOAL} × plain insert (median of per-round ratios)",
        "customers_per_run": CUSTOMERS,
        "posts_per_run": CUSTOMERS + DOUBLE_SUBMITS,
        "double_submits_per_run": DOUBLE_SUBMITS,
        "warm_up_acceptances_per_s": warm_up,
        "rounds": rounds,
        "ratio": {"value": round(median_ratio, 3), "rounds": ratios},
        # plain CPU per acceptance / ledger CPU per acceptance: the throughput ratio the cores
        # allow, independent of what else the machine was doing.
        "cpu_ratio": {"value": round(statistics.median(cpu_ratios), 3), "rounds": cpu_ratios},
        "cpu_ms_per_acceptance": {
            target: statistics.median(r[target]["cpu_ms_per_acceptance"]["total"] for r in rounds)
            for target in ("ledger", "plain")
        },
        # Headline figures of the ledger (the deployed path): the median run.
        "acceptances_per_s": statistics.median(r["acceptances_per_s"] for r in ledger_runs),
        "plain_acceptances_per_s": statistics.median(r["acceptances_per_s"] for r in plain_runs),
        "latency_ms_p50": statistics.median(r["latency_ms"]["p50"] for r in ledger_runs),
        "plain_latency_ms_p50": statistics.median(r["latency_ms"]["p50"] for r in plain_runs),
        "checks": checks,
        "pass": all(checks.values()),
    }
    write("concurrency.json", result)
    print(
        f"  ledger / plain acceptances/s: {median_ratio:.2f} (rounds "
        f"{', '.join(f'{x:.2f}' for x in ratios)}; goal ≥ {GOAL}); CPU per acceptance "
        f"plain / ledger: {result['cpu_ratio']['value']:.2f}"
    )
    for name, ok in checks.items():
        print(f"  {'ok    ' if ok else 'FAILED'} {name}")
    return 0 if result["pass"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
