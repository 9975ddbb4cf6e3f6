"""`make audit`: Lighthouse (mobile) and the Nu Html Checker on the public pages, both languages.

Serves the site as production does (gunicorn, production settings, collected static files
through WhiteNoise) from a database of its own with the initial content and the demo version 2,
then audits every page below in Russian and Kazakh:

- Lighthouse 12 (npm, ``tools/audit/node_modules``) in Debian's Chromium, mobile form factor:
  performance, accessibility, best practices and SEO must each score 100;
- the Nu Html Checker (``vnu-jar``, Java) over the same HTML: 0 errors.

Writes ``docs/audit/results.json`` (scores, failed audits, checker messages) and exits 1 if
any page misses a mark. Needs: java, node, /usr/bin/chromium.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AUDIT = Path(__file__).resolve().parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
LIGHTHOUSE = AUDIT / "node_modules" / ".bin" / "lighthouse"
VNU = AUDIT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM = "/usr/bin/chromium"
RESULTS = ROOT / "docs" / "audit" / "results.json"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
PAGES = {
    "home": "/{lang}/",
    "policy": "/{lang}/legal/privacy/",
    "archive": "/{lang}/legal/privacy/versions/",
    "compare": "/{lang}/legal/privacy/compare/1/2/",
    "catalogue": "/{lang}/shop/",
    "registration": "/{lang}/shop/register/",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback
        return response.read().decode()


def product_page(base: str, lang: str) -> str | None:
    """The first product page the catalogue links to, if the shop has product pages."""
    html = fetch(f"{base}/{lang}/shop/")
    match = re.search(rf'href="(/{lang}/shop/products?/[^"#?]+/)"', html)
    return match.group(1) if match else None


def serve(work: Path, env: dict) -> tuple[subprocess.Popen, str]:
    def manage(*args):
        subprocess.run([str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603

    manage("consent_log_keygen", env["CONSENT_LOG_SIGNING_KEY_FILE"])
    manage("migrate", "--noinput", "-v", "0")
    manage("createcachetable")
    manage("load_initial_data", "-v", "0")
    manage("load_initial_data", "--demo-amendment", "-v", "0")
    manage("collectstatic", "--noinput", "-v", "0")
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [
            str(GUNICORN),
            "jetu_cms.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--worker-class",
            "gthread",
            "--threads",
            "4",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(work / "gunicorn.log").open("w"),
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            fetch(base + "/healthz")
            return server, base
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not start; see " + str(work / "gunicorn.log"))


def lighthouse(url: str, out: Path, attempts: int = 3) -> dict:
    for attempt in range(1, attempts + 1):
        # Lighthouse now and then fails to record the trace on a busy machine (NO_NAVSTART):
        # that says nothing about the page, so it is run again.
        run = subprocess.run(  # noqa: S603
            [
                str(LIGHTHOUSE),
                url,
                f"--chrome-path={CHROMIUM}",
                f"--chrome-flags={CHROME_FLAGS}",
                f"--only-categories={','.join(CATEGORIES)}",
                "--output=json",
                f"--output-path={out}",
                "--quiet",
            ],
            timeout=300,
            env={**os.environ, "CHROME_PATH": CHROMIUM},
            check=False,
        )
        if run.returncode == 0:
            break
        if attempt == attempts:
            raise SystemExit(f"Lighthouse failed {attempts} times on {url}.")
    report = json.loads(out.read_text())
    scores = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    failed = sorted(
        f"{name}: {audit['title']}"
        for name in CATEGORIES
        for ref in report["categories"][name]["auditRefs"]
        if ref["weight"] > 0
        and (audit := report["audits"][ref["id"]])["score"] is not None
        and audit["score"] < 1
    )
    return {"scores": scores, "failed_audits": failed}


def nu_checker(files: list[Path]) -> dict[str, list[str]]:
    result = subprocess.run(  # noqa: S603
        [
            shutil.which("java"),
            "-jar",
            str(VNU),
            "--errors-only",
            "--format",
            "json",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages: dict[str, list[str]] = {file.name: [] for file in files}
    for message in json.loads(result.stderr or '{"messages": []}')["messages"]:
        name = Path(message.get("url", "").removeprefix("file:")).name
        messages.setdefault(name, []).append(
            f"line {message.get('lastLine', '?')}: {message.get('message', '')}"
        )
    return messages


def main() -> int:
    for tool in (LIGHTHOUSE, VNU):
        if not tool.exists():
            raise SystemExit(f"{tool} is missing: run `make audit` (it installs the tools).")
    if not shutil.which("java") or not Path(CHROMIUM).exists():
        raise SystemExit("make audit needs java and /usr/bin/chromium.")
    work = Path(tempfile.mkdtemp(prefix="jetu-audit-"))
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        PYTHONPATH=f"{ROOT / 'bench'}:{ROOT}",
        DJANGO_SETTINGS_MODULE="benchsite.settings",
        DATABASE_URL=f"sqlite:///{work / 'site.sqlite3'}",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(40),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        JETU_BENCH_STATIC_ROOT=str(work / "static"),
        DJANGO_EMAIL_FILE_PATH=str(work / "mail"),
        CONSENT_LOG_SIGNING_KEY_FILE=str(work / "consent-log-key.pem"),
    )
    server, base = serve(work, env)
    rows = []
    try:
        for lang in ("ru", "kk"):
            pages = {name: path.format(lang=lang) for name, path in PAGES.items()}
            product = product_page(base, lang)
            if product:
                pages["product page"] = product
            for name, path in pages.items():
                html_file = work / f"{lang}-{name.replace(' ', '-')}.html"
                html_file.write_text(fetch(base + path))
                report = lighthouse(base + path, work / f"{html_file.stem}.lighthouse.json")
                rows.append(
                    {
                        "language": lang,
                        "page": name,
                        "path": path,
                        "html_file": html_file.name,
                        **report,
                    }
                )
                print(f"{lang} {name:14} {report['scores']}", flush=True)
        checked = nu_checker([work / row["html_file"] for row in rows])
    finally:
        server.terminate()
        server.wait(timeout=30)
    for row in rows:
        row["nu_errors"] = checked.get(row.pop("html_file"), [])
        row["pass"] = all(v == 100 for v in row["scores"].values()) and not row["nu_errors"]
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "lighthouse": "12.2.3 (mobile), Debian Chromium",
        "nu_html_checker": "vnu-jar 26.9.27",
        "pages": rows,
        "pass": all(row["pass"] for row in rows),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    for row in rows:
        if not row["pass"]:
            failures = row["failed_audits"] + row["nu_errors"]
            print(f"FAIL {row['language']} {row['page']}: {failures}")
    print(f"{RESULTS.relative_to(ROOT)}: {'PASS' if result['pass'] else 'FAIL'}")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if result["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
