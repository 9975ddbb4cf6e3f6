"""Change notices through the outbox at scale: 1 worker vs 4, and workers killed mid-run.

    .venv/bin/python bench/bench_notices.py [--customers 100000] [--smtp-delay-ms 20]
        [--warmup 1000] [--measure 4000] [--kills 2] [--kill-rounds 2]

A fresh PostgreSQL database (``JETU_BENCH_DB``, default ``jetu_bench_notices``): migrations,
the initial content and the demo version 2 (ru + kk, material: an announceable version that
asks every customer to act), then ``--customers`` active customers in two bulk statements
(``INSERT … SELECT generate_series``, a quarter of them writing in Kazakh).

The SMTP sink (aiosmtpd, in this process) accepts every message ``--smtp-delay-ms`` after its
data arrived: the time a real relay takes to take a message (the issue's "about 20 ms a mail";
queueing to disk, checks), which is what a worker waits for in production. 0 measures the
workers' own cost alone. The sink records each Message-ID and the time it was accepted.

Method — each configuration's **steady-state throughput** over the same fixed number of
messages, then one full run for the exactly-once checks:

1. **1 worker**: the fan-out queues every customer's notice (prepare tasks, then send tasks);
   the throughput is the rate at which the sink accepted messages ``warmup + 1`` to
   ``warmup + measure`` (start-up and the first batch excluded). The worker is then stopped:
   a single worker would take most of an hour for 100,000.
2. **4 workers**, from an empty outbox again, measured over the same messages; then the run
   goes on to the last customer. At each third of the way (``--kill-rounds``), ``--kills``
   workers are ``kill -9``-ed and replaced. When progress stalls (the queue drained but for
   the work the dead workers held), the scheduler's jobs run, as cron would:
   ``send_change_notices`` (batches that died mid-transaction) and ``outbox_sweep``
   (messages whose task died; the bench's lease is 30 s, ``bench/notices_settings.py``).
   Afterwards: exactly one recorded notice per customer, every message sent, and no more
   duplicate Message-IDs at the sink than kills.
3. A registration request's latency with the sink running and stopped (it never waits for
   SMTP).

Results: ``bench/results/notices.json`` with the load average before and after each phase
and the workers' CPU time per message. The database is dropped at the end
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
DB = os.environ.get("JETU_BENCH_DB", "jetu_bench_notices")
MESSAGE_ID = re.compile(rb"^Message-ID: (\S+)", re.M | re.I)


class Sink:
    """Accepts every message ``delay`` seconds after its data; records Message-IDs and times."""

    def __init__(self, delay: float):
        self.delay = delay
        self.ids: Counter = Counter()
        self.accepted: list[float] = []  # perf_counter() of each acceptance, in order

    def clear(self) -> None:
        self.ids.clear()
        self.accepted.clear()

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        found = MESSAGE_ID.search(envelope.original_content or envelope.content)
        self.ids[found.group(1) if found else b"?"] += 1
        self.accepted.append(time.perf_counter())
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(port: int, lease_seconds: int = 30, sweep_after_seconds: int = 10) -> dict:
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
    manage(env, "createcachetable")  # production's cache without Redis is a table
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
        "TRUNCATE shop_changenotice, outbox_outgoingmessage, outbox_jobrun, "
        "django_tasks_database_dbtaskresult"
    )


def start_worker(env: dict, name: str) -> subprocess.Popen:
    command = [PY, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]
    command += ["--interval", "0.1", "--worker-id", name, "-v0"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)


def cpu_seconds(process: subprocess.Popen) -> float:
    """User + system CPU time of a live process so far (from /proc)."""
    fields = Path(f"/proc/{process.pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stop(pool: list[subprocess.Popen], signal_number=signal.SIGTERM) -> float:
    """Stop the workers; returns the CPU seconds they used."""
    used = 0.0
    for worker in pool:
        used += cpu_seconds(worker)
        worker.send_signal(signal_number)
    for worker in pool:
        worker.wait(timeout=120)
    return used


def steady_rate(sink: Sink, warmup: int, measure: int) -> dict:
    """Messages per second the sink accepted, messages ``warmup + 1`` to ``warmup + measure``."""
    first, last = sink.accepted[warmup - 1], sink.accepted[warmup + measure - 1]
    return {
        "messages": measure,
        "seconds": round(last - first, 2),
        "per_second": round(measure / (last - first), 1),
    }


def wait_for(sink: Sink, count: int, *, limit: float = 3600) -> None:
    started = time.perf_counter()
    while len(sink.accepted) < count:
        if time.perf_counter() - started > limit:
            raise SystemExit(f"timed out at {len(sink.accepted)}/{count} messages")
        time.sleep(0.2)


def start_run(env: dict, sink: Sink, workers: int) -> tuple[list[subprocess.Popen], float]:
    from shop.notices import notices_fan_out

    reset()
    sink.clear()
    pool = [start_worker(env, f"w{i}") for i in range(workers)]
    time.sleep(8)  # the workers' start-up (Django, a connection) is not part of the figure
    load = os.getloadavg()[0]
    notices_fan_out()
    return pool, load


def run_one_worker(env: dict, sink: Sink, *, warmup: int, measure: int) -> dict:
    pool, load_before = start_run(env, sink, 1)
    wait_for(sink, warmup + measure)
    cpu = stop(pool)
    sent = len(sink.accepted)
    return {
        "workers": 1,
        "steady_state": steady_rate(sink, warmup, measure),
        "load_average_1min": {"before": load_before, "after": os.getloadavg()[0]},
        "worker_cpu_ms_per_message": round(1000 * cpu / sent, 2),
        "messages_when_stopped": sent,
    }


def run_four_workers(
    env: dict, sink: Sink, *, customers: int, warmup: int, measure: int, kills: int, rounds: int
) -> dict:
    from outbox.services import outbox_sweep
    from shop.notices import notices_fan_out

    pool, load_before = start_run(env, sink, 4)
    started = time.perf_counter()
    wait_for(sink, warmup + measure)
    steady = steady_rate(sink, warmup, measure)
    load_steady = os.getloadavg()[0]
    cpu = 0.0
    killed, timeline, scheduler_runs = 0, [], 0
    marks = [customers * (n + 1) // (rounds + 1) for n in range(rounds)] if kills else []
    last_count, last_progress = 0, time.perf_counter()
    try:
        while len(sink.ids) < customers:
            time.sleep(0.5)
            count = len(sink.accepted)
            timeline.append((round(time.perf_counter() - started, 1), count))
            if marks and count >= marks[0]:
                marks.pop(0)
                victims, pool = pool[:kills], pool[kills:]
                cpu += stop(victims, signal.SIGKILL)
                killed += len(victims)
                pool += [start_worker(env, f"r{killed}-{i}") for i in range(kills)]
            if count > last_count:
                last_count, last_progress = count, time.perf_counter()
            elif time.perf_counter() - last_progress > 5:
                # Drained but for the work the killed workers held: the scheduler's next
                # runs pick it up (batches that died mid-transaction; messages whose task
                # died, once their lease has run out).
                notices_fan_out()
                outbox_sweep()
                scheduler_runs += 1
                last_progress = time.perf_counter()
            if time.perf_counter() - started > 4 * 3600:
                raise SystemExit(f"timed out at {count}/{customers}")
        elapsed = time.perf_counter() - started
    finally:
        cpu += stop(pool)
    notices = int(psql("SELECT count(*) FROM shop_changenotice"))
    distinct = int(psql("SELECT count(DISTINCT customer_id) FROM shop_changenotice"))
    statuses = dict(
        line.split("|")
        for line in psql(
            "SELECT status, count(*) FROM outbox_outgoingmessage GROUP BY status"
        ).splitlines()
    )
    received = sum(sink.ids.values())
    return {
        "workers": 4,
        "steady_state": steady,
        "load_average_1min": {
            "before": load_before,
            "steady_state": load_steady,
            "after": os.getloadavg()[0],
        },
        "whole_run": {
            "seconds": round(elapsed, 1),
            "per_second_including_kills": round(customers / elapsed, 1),
            "worker_cpu_ms_per_message": round(1000 * cpu / received, 2),
        },
        "kills": killed,
        "scheduler_runs_after_stalls": scheduler_runs,
        "notices_recorded": notices,
        "customers_with_a_notice": distinct,
        "messages_by_status": {k: int(v) for k, v in statuses.items()},
        "received_at_sink": received,
        "distinct_message_ids": len(sink.ids),
        "duplicate_message_ids": received - len(sink.ids),
        "timeline": timeline[:: max(1, len(timeline) // 30)],
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
    parser.add_argument(
        "--smtp-delay-ms",
        type=float,
        default=20,
        help="how long the sink takes to accept a message (a real relay: about 20 ms)",
    )
    parser.add_argument("--warmup", type=int, default=1000, help="messages before measuring")
    parser.add_argument("--measure", type=int, default=4000, help="messages measured")
    parser.add_argument("--kills", type=int, default=2, help="workers kill -9-ed per round")
    parser.add_argument("--kill-rounds", type=int, default=2)
    args = parser.parse_args()
    sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]
    from common import machine, write

    port = free_port()
    sink = Sink(args.smtp_delay_ms / 1000)
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    env = environment(port)
    os.environ.update(env)  # this process fans out and sweeps through the ORM as well
    import django

    django.setup()
    results = {
        "machine": machine(),
        "customers": args.customers,
        "smtp_delay_ms": args.smtp_delay_ms,
        "method": (
            "Each configuration's steady-state throughput: the rate at which the SMTP sink "
            f"accepted messages {args.warmup + 1}–{args.warmup + args.measure} after a fan-out "
            f"to all {args.customers} customers (notices prepared and sent by the workers). "
            "1 worker is stopped after that window; 4 workers then run on to the last "
            f"customer, {args.kills} of them kill -9-ed and replaced at each of "
            f"{args.kill_rounds} points, for the exactly-once and duplicate checks."
        ),
    }
    try:
        print(f"Setting up {args.customers} customers…", flush=True)
        setup(env, args.customers)
        print("1 worker…", flush=True)
        one = results["workers_1"] = run_one_worker(
            env, sink, warmup=args.warmup, measure=args.measure
        )
        print(one["steady_state"], flush=True)
        print("4 workers, to the last customer, with kills…", flush=True)
        four = results["workers_4"] = run_four_workers(
            env,
            sink,
            customers=args.customers,
            warmup=args.warmup,
            measure=args.measure,
            kills=args.kills,
            rounds=args.kill_rounds,
        )
        print(four["steady_state"], four["whole_run"], flush=True)
        print("Registration latency, sink running / stopped…", flush=True)
        running = registration_latency(env, "up")
        controller.stop()
        stopped = registration_latency(env, "down")
        results["registration_median_ms"] = {"smtp_running": running, "smtp_stopped": stopped}
    finally:
        if os.environ.get("JETU_BENCH_KEEP") != "1":
            psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)", "postgres")
    ratio = four["steady_state"]["per_second"] / one["steady_state"]["per_second"]
    results["goals"] = {
        "4 workers >= 3x 1 worker": {"ratio": round(ratio, 2), "pass": ratio >= 3},
        "exactly one notice per customer after kills": {
            "pass": four["notices_recorded"] == four["customers_with_a_notice"] == args.customers
            and four["messages_by_status"] == {"sent": args.customers}
        },
        "duplicate Message-IDs <= kills": {
            "duplicates": four["duplicate_message_ids"],
            "kills": four["kills"],
            "pass": four["duplicate_message_ids"] <= four["kills"],
        },
    }
    results["machine"]["load_average_at_end"] = os.getloadavg()
    path = write("notices.json", results)
    print(
        f"{one['steady_state']['per_second']} vs {four['steady_state']['per_second']} "
        f"notices/s ({ratio:.2f}×); kills {four['kills']}, duplicates "
        f"{four['duplicate_message_ids']}, registration {running} ms (SMTP up) vs {stopped} ms "
        f"(down) → {path}"
    )


if __name__ == "__main__":
    main()
