"""Change notices through the outbox at scale: 1 worker vs 4, and workers killed mid-run.

    .venv/bin/python bench/bench_notices.py [--customers 100000] [--smtp-delay-ms 20]

A fresh PostgreSQL database ``jetu_bench_notices``: migrations, the initial content and the demo
version 2 (ru + kk, an announceable version), then ``--customers`` active customers (``INSERT …
SELECT generate_series``). An aiosmtpd sink in this process accepts every message after
``--smtp-delay-ms`` (a real relay's round trip; the issue's "about 20 ms a mail") and counts
Message-IDs. Each run empties the notices, the outbox and the task queue, runs
``send_change_notices`` (the fan-out) and N ``db_worker`` processes, and times until every
customer's notice has been accepted by the sink:

1. 1 worker; 2. 4 workers (goal: ≥ 3× the throughput of 1);
3. 4 workers, two of them ``kill -9``-ed at about a third of the way and replaced, with a short
   lease and sweep delay (``OUTBOX_LEASE`` / ``OUTBOX_SWEEP_AFTER`` in
   ``bench/notices_settings.py``) and the periodic jobs (fan-out, sweeper) run every few
   seconds, as the scheduler would: afterwards exactly one notice per customer, and no more
   duplicate Message-IDs at the sink than kills;
4. a registration request's latency with the sink stopped vs running (it never waits for SMTP).

Results: ``bench/results/notices.json``. The database is dropped at the end
(``JETU_BENCH_KEEP=1`` keeps it).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT / ".venv" / "bin" / "python")
DB = "jetu_bench_notices"
MESSAGE_ID = re.compile(rb"^Message-ID: (\S+)", re.M | re.I)


class Sink:
    """Accepts every message after ``delay`` seconds; counts Message-IDs."""

    def __init__(self, delay: float):
        self.delay = delay
        self.ids: Counter = Counter()

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        found = MESSAGE_ID.search(envelope.original_content or envelope.content)
        self.ids[found.group(1) if found else b"?"] += 1
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(port: int, lease_seconds: int = 600, sweep_after_seconds: int = 120) -> dict:
    return {
        **os.environ,
        "PYTHONPATH": f"{ROOT / 'bench'}:{ROOT}",
        "DJANGO_SETTINGS_MODULE": "notices_settings",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(40),
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(port),
        "DJANGO_EMAIL_USE_TLS": "0",
        "DJANGO_LOG_LEVEL": "ERROR",
        "OUTBOX_LEASE_SECONDS": str(lease_seconds),
        "OUTBOX_SWEEP_AFTER_SECONDS": str(sweep_after_seconds),
    }


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def psql(sql: str, database: str = DB) -> str:
    done = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-tAc", sql],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def setup(env: dict, customers: int) -> None:
    psql(f"DROP DATABASE IF EXISTS {DB}", "postgres")
    psql(f"CREATE DATABASE {DB}", "postgres")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_initial_data", "--demo-amendment", "-v0")
    # "!" is Django's unusable password: nobody logs in as these customers.
    psql(
        "INSERT INTO shop_user (password, is_superuser, first_name, last_name, is_staff, "  # noqa: S608 - only an int is interpolated
        "is_active, date_joined, email) SELECT "
        "'!bench', false, 'Айгерим' || g, 'Серикова' || g, false, true, "
        "now() - interval '30 days', 'bench-' || g || '@example.kz' "
        f"FROM generate_series(1, {int(customers)}) AS g"
    )
    psql(
        "INSERT INTO shop_customer (user_id, last_name, first_name, patronymic, phone, "
        "delivery_address, preferred_language, created_at, updated_at) SELECT "
        "u.id, u.last_name, u.first_name, '', '+7701' || lpad(u.id::text, 7, '0'), "
        "'Алматы, ул. Абая, ' || u.id, CASE WHEN u.id % 4 = 0 THEN 'kk' ELSE 'ru' END, "
        "u.date_joined, now() FROM shop_user u WHERE u.email LIKE 'bench-%' ORDER BY u.id"
    )
    psql("ANALYZE")


def reset() -> None:
    psql(
        "TRUNCATE legal_changenotice, outbox_outgoingmessage, outbox_jobrun, "
        "django_tasks_database_dbtaskresult"
    )


def counts() -> tuple[int, int]:
    row = psql(
        "SELECT count(*) FILTER (WHERE status = 'sent'), count(*) FILTER (WHERE status <> 'sent') "
        "FROM outbox_outgoingmessage"
    )
    sent, other = row.split("|")
    return int(sent), int(other)


def start_worker(env: dict, name: str) -> subprocess.Popen:
    return subprocess.Popen(
        [PY, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1",
         "--worker-id", name, "-v0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def run(env: dict, sink: Sink, *, customers: int, workers: int, kills: int = 0) -> dict:
    reset()
    sink.ids.clear()
    pool = [start_worker(env, f"w{i}") for i in range(workers)]
    time.sleep(8)  # the workers' start-up (Django, a connection) is not part of the figure
    from shop.notices import notices_fan_out

    started = time.perf_counter()
    notices_fan_out(batch_size=250)
    killed, timeline = 0, []
    last_sent, last_progress = 0, time.perf_counter()
    try:
        while True:
            time.sleep(0.5)
            sent, _other = counts()
            timeline.append((round(time.perf_counter() - started, 1), sent))
            if kills and killed < kills and sent >= customers // 3:
                for worker in pool[:kills]:
                    worker.send_signal(signal.SIGKILL)
                    worker.wait()
                    killed += 1
                pool = pool[kills:] + [start_worker(env, f"r{i}") for i in range(kills)]
            if sent > last_sent:
                last_sent, last_progress = sent, time.perf_counter()
            elif kills and time.perf_counter() - last_progress > 5:
                # The queue has drained but for the work lost with the killed workers: the
                # scheduler's next runs of the fan-out (batches that died mid-transaction)
                # and the sweeper (messages whose task died) pick it up.
                manage(env, "send_change_notices")
                manage(env, "outbox_sweep")
                last_progress = time.perf_counter()
            if sent >= customers:
                break
            if time.perf_counter() - started > 3600:
                raise SystemExit(f"timed out at {sent}/{customers}")
        elapsed = time.perf_counter() - started
    finally:
        for worker in pool:
            worker.send_signal(signal.SIGTERM)
        for worker in pool:
            worker.wait(timeout=60)
    notices = int(psql("SELECT count(*) FROM legal_changenotice"))
    distinct = int(psql("SELECT count(DISTINCT customer_id) FROM legal_changenotice"))
    received = sum(sink.ids.values())
    return {
        "workers": workers,
        "kills": killed,
        "seconds": round(elapsed, 1),
        "notices_per_second": round(customers / elapsed, 1),
        "notices_recorded": notices,
        "customers_with_a_notice": distinct,
        "received_at_sink": received,
        "distinct_message_ids": len(sink.ids),
        "duplicate_message_ids": received - len(sink.ids),
        "timeline": timeline[:: max(1, len(timeline) // 20)],
    }


REGISTRATION_LATENCY = r"""
import statistics, sys, time
import django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client()
samples = []
for i in range(int(sys.argv[1])):
    page = client.get("/ru/shop/register/").content.decode()
    import re
    version = re.search(r'name="policy_version" value="(\d+)"', page).group(1)
    data = {"email": f"lat-{sys.argv[2]}-{i}@example.kz", "password1": "Kóktem-2024-alma",
            "password2": "Kóktem-2024-alma", "last_name": "Ахметова", "first_name": "Дана",
            "patronymic": "", "phone": "+7 701 1234567", "delivery_address": "Астана",
            "preferred_language": "ru", "accept_policy": "on", "policy_version": version}
    start = time.perf_counter()
    response = client.post("/ru/shop/register/", data)
    samples.append((time.perf_counter() - start) * 1000)
    assert response.status_code == 302, response.status_code
    client.logout()
print(round(statistics.median(samples), 1))
"""


def registration_latency(env: dict, label: str, runs: int = 20) -> float:
    done = subprocess.run(
        [PY, "-c", REGISTRATION_LATENCY, str(runs), label],
        cwd=ROOT,
        env={**env, "DJANGO_SECURE_SSL_REDIRECT": "0"},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"registration latency failed:\n{done.stderr[-3000:]}")
    return float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--smtp-delay-ms", type=float, default=20)
    args = parser.parse_args()
    sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]
    from common import machine, write

    port = free_port()
    sink = Sink(args.smtp_delay_ms / 1000)
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    env = environment(port)
    os.environ.update(env)  # this process fans out and counts through the ORM as well
    import django

    django.setup()
    results = {"machine": machine(), "customers": args.customers,
               "smtp_delay_ms": args.smtp_delay_ms}
    try:
        print(f"Setting up {args.customers} customers…", flush=True)
        setup(env, args.customers)
        for workers in (1, 4):
            print(f"{workers} worker(s)…", flush=True)
            results[f"workers_{workers}"] = run(env, sink, customers=args.customers,
                                                workers=workers)
            print(results[f"workers_{workers}"]["notices_per_second"], "notices/s", flush=True)
        print("4 workers, 2 killed with SIGKILL…", flush=True)
        results["kill"] = run(environment(port, lease_seconds=20, sweep_after_seconds=10), sink,
                              customers=args.customers, workers=4, kills=2)
        print("Registration latency, sink running / stopped…", flush=True)
        running = registration_latency(env, "up")
        controller.stop()
        stopped = registration_latency(env, "down")
        results["registration_median_ms"] = {"smtp_running": running, "smtp_stopped": stopped}
    finally:
        if os.environ.get("JETU_BENCH_KEEP") != "1":
            psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)", "postgres")
    one, four, kill = results["workers_1"], results["workers_4"], results["kill"]
    ratio = four["notices_per_second"] / one["notices_per_second"]
    results["goals"] = {
        "4 workers >= 3x 1 worker": {"ratio": round(ratio, 2), "pass": ratio >= 3},
        "exactly one notice per customer after kills": {
            "pass": kill["notices_recorded"] == kill["customers_with_a_notice"] == args.customers
        },
        "duplicate Message-IDs <= kills": {
            "duplicates": kill["duplicate_message_ids"],
            "kills": kill["kills"],
            "pass": kill["duplicate_message_ids"] <= kill["kills"],
        },
    }
    path = write("notices.json", results)
    print(f"{one['notices_per_second']} vs {four['notices_per_second']} notices/s "
          f"({ratio:.2f}×); kills {kill['kills']}, duplicates {kill['duplicate_message_ids']}, "
          f"registration {running} ms (SMTP up) vs {stopped} ms (down) → {path}")


if __name__ == "__main__":
    main()
