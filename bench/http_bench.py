"""HTTP benchmarks with wrk; writes bench/results/http.json.

Run by bench/run.sh, which starts the servers and exports their ports:

    JB_UNCACHED  gunicorn, LegalPageCacheMiddleware removed (JETU_PAGE_CACHE=0)
    JB_CACHED    gunicorn, production settings (app page cache on; WhiteNoise static files)
    JB_NGINX     nginx (config from deploy/nginx.conf) in front of JB_CACHED
    JB_PIDFILES  colon-separated pid files of those servers (for their CPU time)

Each target is checked first (status 200, and the cache header that proves which path is
measured), then measured with ``wrk -t2 -c10 -d10s --latency``. The pairs behind the goals
run back to back, JB_ROUNDS times (default 3, order alternating AB BA AB; the uncached vs.
bare pair, the closest goal, two rounds more), so a noisy neighbour hits both sides alike; a
goal's ratio is the median of the per-round ratios, the req/s in the table are totals over
the rounds. "server CPU" is the CPU time of the bench's
gunicorn and nginx processes per request (PostgreSQL and Redis not included): much less
noisy than wall time on a shared machine.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import time
import urllib.request

from common import machine, write
from procs import cpu_seconds, server_pids

HOST = "localhost"  # the Wagtail site's hostname: nginx's cache key, as PURGE sends it
DURATION = int(os.environ.get("JB_DURATION", "10"))
CONNECTIONS = 10
ROUNDS = int(os.environ.get("JB_ROUNDS", "3"))

POLICY = "/ru/legal/privacy/"
COMPARE = "/ru/legal/privacy/compare/1/2/"
STATIC = "/static/bench/policy.html"


def targets() -> dict[str, tuple[str, str, tuple[str, str | None]]]:
    """name → (port, path, (header that must be present, its value or None for absent))."""
    u, c, n = os.environ["JB_UNCACHED"], os.environ["JB_CACHED"], os.environ["JB_NGINX"]
    return {
        "policy_uncached": (u, POLICY, ("X-Cache", None)),
        "policy_app_cached": (c, POLICY, ("X-Cache", "HIT")),
        "policy_nginx": (n, POLICY, ("X-Cache-Status", "HIT")),
        "static_whitenoise": (c, STATIC, ("Content-Type", "text/html")),
        "static_nginx": (n, STATIC, ("Cache-Control", "public, max-age=3600")),
        "bare_wagtail": (u, "/ru/legal/bench-bare/", ("X-Cache", None)),
        "bare_wagtail_raw": (u, "/ru/legal/bench-raw/", ("X-Cache", None)),
        "compare_uncached": (u, COMPARE, ("X-Cache", None)),
        "compare_app_cached": (c, COMPARE, ("X-Cache", "HIT")),
        "compare_nginx": (n, COMPARE, ("X-Cache-Status", "HIT")),
    }


PAIRS = [  # (a, b, extra rounds): the closest goal gets two more rounds
    ("static_whitenoise", "policy_app_cached", 0),
    ("static_nginx", "policy_nginx", 0),
    ("bare_wagtail", "policy_uncached", 2),
]
SINGLES = ["bare_wagtail_raw", "compare_uncached", "compare_app_cached", "compare_nginx"]


def fetch(port: str, path: str) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": HOST})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def check(name: str, port: str, path: str, expect: tuple[str, str | None]) -> dict:
    """Warm the target up and prove what it serves."""
    for _ in range(3):
        status, headers, body = fetch(port, path)
    header, value = expect
    present = headers.get(header)
    ok = status == 200 and (
        present is None if value is None else present is not None and value in present
    )
    return {
        "status": status,
        "bytes": len(body),
        "check": f"{header}: {present!r} (want {'absent' if value is None else value!r})",
        "ok": ok,
    }


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * UNITS[unit]


def wrk(port: str, path: str, pids: list[int]) -> dict:
    cpu_before = cpu_seconds(pids)
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{DURATION}s",
            "--timeout",
            "10s",
            "--latency",
            "-H",
            f"Host: {HOST}",
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        timeout=DURATION + 30,
        check=True,
    ).stdout
    cpu = cpu_seconds(pids) - cpu_before
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    seconds = float(re.search(r"requests in ([\d.]+)s", out).group(1))
    latency = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: (.*)", out)
    return {
        "requests": requests,
        "seconds": seconds,
        "rps": round(requests / seconds, 1),
        "p50_ms": _ms(latency["50"]),
        "p99_ms": _ms(latency["99"]),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket.group(1) if socket else "",
        "server_cpu_ms_per_req": round(cpu * 1000 / max(requests, 1), 3),
    }


def combine(runs: list[dict]) -> dict:
    requests = sum(r["requests"] for r in runs)
    seconds = sum(r["seconds"] for r in runs)
    return {
        "rps": round(requests / seconds, 1),
        "p50_ms": round(sorted(r["p50_ms"] for r in runs)[len(runs) // 2], 2),
        "p99_ms": round(max(r["p99_ms"] for r in runs), 2),
        "server_cpu_ms_per_req": round(
            sum(r["server_cpu_ms_per_req"] * r["requests"] for r in runs) / max(requests, 1), 3
        ),
        "non_2xx": sum(r["non_2xx"] for r in runs),
        "requests": requests,
        "runs": runs,
    }


def main() -> None:
    pids = server_pids(os.environ["JB_PIDFILES"].split(":"))
    all_targets = targets()
    checks = {name: check(name, *spec) for name, spec in all_targets.items()}
    for name, result in checks.items():
        print(f"  check {name:20s} {'ok' if result['ok'] else 'FAILED'}  {result['check']}")
    runs: dict[str, list[dict]] = {name: [] for name in all_targets}
    started = time.perf_counter()
    for round_ in range(ROUNDS + max(extra for *_, extra in PAIRS)):
        for *pair, extra in PAIRS:
            if round_ >= ROUNDS + extra:
                continue
            for name in pair if round_ % 2 == 0 else reversed(pair):
                port, path, _ = all_targets[name]
                runs[name].append(wrk(port, path, pids))
                print(f"  round {round_ + 1} {name:20s} {runs[name][-1]['rps']:>9} req/s")
    for name in SINGLES:
        port, path, _ = all_targets[name]
        runs[name].append(wrk(port, path, pids))
        print(f"  {name:28s} {runs[name][-1]['rps']:>9} req/s")
    results = {name: combine(r) | {"check": checks[name]} for name, r in runs.items()}

    def rps(name):
        return results[name]["rps"]

    def cpu(name):
        return results[name]["server_cpu_ms_per_req"]

    def per_round(numerator: str, denominator: str) -> tuple[float, list[float]]:
        """Median over rounds of rps(numerator) / rps(denominator), and the rounds' ratios."""
        values = [
            round(a["rps"] / b["rps"], 3)
            for a, b in zip(runs[numerator], runs[denominator], strict=True)
        ]
        return round(statistics.median(values), 3), values

    app, app_rounds = per_round("policy_app_cached", "static_whitenoise")
    front, front_rounds = per_round("policy_nginx", "static_nginx")
    # Time per request = 1 / (req/s): uncached time / bare time = bare req/s / uncached req/s.
    slow, slow_rounds = per_round("bare_wagtail", "policy_uncached")
    ratios = {
        "app_cached_vs_whitenoise_static": {
            "value": app,
            "rounds": app_rounds,
            "goal": ">= 0.5",
            "pass": app >= 0.5,
            "what": "req/s of the app-cached policy page / req/s of the same HTML as a "
            "static file through WhiteNoise (same gunicorn)",
        },
        "nginx_fronted_vs_nginx_static": {
            "value": front,
            "rounds": front_rounds,
            "goal": ">= 0.75",
            "pass": front >= 0.75,
            "what": "req/s of the policy page behind nginx's cache / req/s of the same "
            "HTML as a static file served by nginx",
        },
        "uncached_vs_bare_wagtail_time": {
            "value": slow,
            "rounds": slow_rounds,
            "goal": "<= 1.3",
            "pass": slow <= 1.3,
            "what": "time per request (1/req/s) of the uncached policy page / of a bare "
            "Wagtail page with the site's template showing the same HTML",
            "server_cpu_ratio": round(cpu("policy_uncached") / cpu("bare_wagtail"), 3),
        },
    }
    write(
        "http.json",
        {
            "machine": machine(),
            "wrk": f"wrk -t2 -c{CONNECTIONS} -d{DURATION}s --latency -H 'Host: {HOST}'",
            "rounds_for_goal_pairs": ROUNDS,
            "seconds": round(time.perf_counter() - started, 1),
            "targets": results,
            "ratios": ratios,
            "all_checks_ok": all(c["ok"] for c in checks.values()),
        },
    )


if __name__ == "__main__":
    main()
