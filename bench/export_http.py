"""CSV export of the whole consent ledger over HTTP, as a logged-in superuser.

Downloads /admin/reports/consent-ledger/?export=csv from a gunicorn, counting rows as they
arrive and sampling the gunicorn workers' memory (RSS) every half second. The export must
stream (first bytes at once) with flat memory, and finish. Writes bench/results/<name>.json.

    python bench/export_http.py NAME PORT PIDFILE
"""

from __future__ import annotations

import http.client
import sys
import threading
import time

from common import django_setup, machine, write
from procs import children, rss_mb


def admin_session() -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.module_loading import import_string

    from shop.models import User

    admin, _ = User.objects.get_or_create(
        email="bench-admin@example.kz", defaults={"is_staff": True, "is_superuser": True}
    )
    session = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
    session[SESSION_KEY] = str(admin.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = admin.get_session_auth_hash()
    session.create()
    return session.session_key


def main() -> int:
    name, port, pidfile = sys.argv[1:4]
    django_setup()
    from shop.models import Acceptance

    total = Acceptance.objects.count()
    key = admin_session()
    with open(pidfile) as handle:
        master = int(handle.read().strip())
    workers = children(master)
    baseline = {pid: rss_mb(pid) for pid in workers}
    samples: list[tuple[float, int, float]] = []  # (seconds, rows so far, max worker growth)
    state = {"rows": 0, "done": False}
    started = time.perf_counter()

    def sample():
        while not state["done"]:
            growth = max((rss_mb(pid) - baseline[pid] for pid in workers), default=0.0)
            samples.append((round(time.perf_counter() - started, 1), state["rows"], growth))
            time.sleep(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=60)
    first_byte = None
    size = 0
    error = ""
    status = None
    try:
        connection.request(
            "GET",
            "/admin/reports/consent-ledger/?export=csv",
            headers={"Host": "localhost", "Cookie": f"sessionid={key}"},
        )
        response = connection.getresponse()
        status = response.status
        while chunk := response.read1(256 * 1024):
            if first_byte is None:
                first_byte = time.perf_counter() - started
            size += len(chunk)
            state["rows"] += chunk.count(b"\n")
    except (OSError, http.client.HTTPException) as exc:
        error = f"{type(exc).__name__}: {exc}"
    elapsed = time.perf_counter() - started
    state["done"] = True
    sampler.join()
    connection.close()
    rows = max(state["rows"] - 1, 0)  # minus the heading
    peak = max((g for _, _, g in samples), default=0.0)
    at_10 = next((g for _, r, g in samples if r >= total // 10), None)
    end = samples[-1][2] if samples else 0.0
    result = {
        "machine": machine(),
        "status": status,
        "complete": rows == total and not error,
        "rows": rows,
        "ledger_rows": total,
        "mb": round(size / 1e6, 1),
        "seconds": round(elapsed, 1),
        "rows_per_s": round(rows / elapsed) if elapsed else 0,
        "first_byte_ms": round(first_byte * 1000, 1) if first_byte else None,
        "error": error,
        "worker_rss_baseline_mb": {str(p): round(v, 1) for p, v in baseline.items()},
        "worker_rss_peak_growth_mb": round(peak, 1),
        "worker_rss_growth_10_to_100pct_mb": round(end - at_10, 1) if at_10 is not None else None,
        "samples": samples[:: max(1, len(samples) // 60)],
    }
    result["flat_memory"] = bool(
        result["worker_rss_peak_growth_mb"] < 100
        and (result["worker_rss_growth_10_to_100pct_mb"] or 0) < 20
    )
    result["pass"] = bool(result["complete"] and result["flat_memory"] and status == 200)
    write(f"{name}.json", result)
    print(
        f"  {name}: HTTP {status}, {rows:,}/{total:,} rows, {result['mb']} MB in "
        f"{result['seconds']} s, first byte {result['first_byte_ms']} ms, worker RSS "
        f"+{result['worker_rss_peak_growth_mb']} MB peak" + (f", {error}" if error else "")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
