"""Shared helpers for the bench scripts: Django setup, timing, results, machine description."""

from __future__ import annotations

import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def django_setup() -> None:
    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchsite.settings")
    import django

    django.setup()


def timed(fn, runs: int) -> dict:
    """Wall-clock milliseconds of ``fn()`` over ``runs`` calls (after one warm-up)."""
    fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 3),
        "p90_ms": round(samples[int(0.9 * (len(samples) - 1))], 3),
        "min_ms": round(samples[0], 3),
        "max_ms": round(samples[-1], 3),
        "runs": runs,
    }


def _run(*cmd: str) -> str:
    """First line of what ``cmd`` prints (stdout or stderr), or "" if it cannot run."""
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return ""
    out = (done.stdout or done.stderr).strip()
    return out.splitlines()[0] if out else ""


def machine() -> dict:
    """What the figures were measured on (the machine is shared: load average included)."""
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"model name\s*:\s*(.*)", cpuinfo)
    meminfo = Path("/proc/meminfo").read_text()
    mem_kb = int(re.search(r"MemTotal:\s*(\d+)", meminfo).group(1))
    versions = {"python": platform.python_version()}
    try:
        import django
        import gunicorn
        import wagtail

        versions |= {
            "django": django.get_version(),
            "wagtail": wagtail.__version__,
            "gunicorn": gunicorn.__version__,
        }
    except ImportError:
        pass
    psql = ("psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "SHOW server_version")
    versions |= {
        "postgresql": _run(*psql),
        "redis": _run("redis-server", "--version"),
        "nginx": _run("nginx", "-v"),
        "wrk": _run("wrk", "-v"),
    }
    os_release = Path("/etc/os-release").read_text() if Path("/etc/os-release").exists() else ""
    pretty = re.search(r'PRETTY_NAME="(.*)"', os_release)
    return {
        "nproc": os.cpu_count(),
        "cpu_model": model.group(1).strip() if model else platform.processor(),
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "os": pretty.group(1) if pretty else platform.platform(),
        "kernel": platform.release(),
        "load_average": os.getloadavg(),
        "versions": versions,
    }


def write(name: str, data: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / name
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    return path


def read(name: str) -> dict | None:
    path = RESULTS / name
    return json.loads(path.read_text()) if path.exists() else None
