"""Publication → nginx cache refresh, end to end with the real nginx (deploy/nginx.conf).

Warms nginx's cache with the policy pages, publishes the next version (ru, then the kk
translation) with FRONTEND_CACHE_URL pointing at nginx's PURGE listener, and checks that nginx
then answers from its cache (HIT, no request reaches the app) with the new version, in both
languages, on the page and in the archive. Also checks that a visitor with a session cookie
is never served from nginx's cache. Writes bench/results/purge.json.

    JB_NGINX=… JB_PURGE=… python bench/purge_check.py VERSION
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

from common import write

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["/ru/legal/privacy/", "/kk/legal/privacy/", "/ru/legal/privacy/versions/"]


def get(path: str, cookie: str | None = None) -> tuple[str | None, str]:
    headers = {"Host": "localhost"}
    if cookie:
        headers["Cookie"] = cookie
    request = urllib.request.Request(
        f"http://127.0.0.1:{os.environ['JB_NGINX']}{path}", headers=headers
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.headers.get("X-Cache-Status"), response.read().decode()


def in_force_number(html: str) -> int | None:
    match = re.search(r'<ul class="document-meta">\s*<li>[^<]*<strong>(\d+)</strong>', html)
    return int(match.group(1)) if match else None


def archive_lists(html: str, number: int) -> bool:
    return f"/versions/{number}/" in html


def main() -> int:
    version = int(sys.argv[1])
    before = {}
    for path in PAGES:
        get(path)
        before[path] = get(path)[0]  # second request: must be a HIT
    env = dict(
        os.environ,
        FRONTEND_CACHE_URL=f"http://127.0.0.1:{os.environ['JB_PURGE']}",
        DJANGO_LOG_LEVEL="ERROR",  # the kk version page 404s until its translation is out
    )
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "content.py"), "versions", str(version), "material"],
        env=env,
        check=True,
        capture_output=True,
    )
    after = {path: get(path) for path in PAGES}
    status_ru, html_ru = after["/ru/legal/privacy/"]
    status_kk, html_kk = after["/kk/legal/privacy/"]
    status_archive, html_archive = after["/ru/legal/privacy/versions/"]
    personal, _ = get("/ru/legal/privacy/", cookie="sessionid=bench; csrftoken=bench")
    checks = {
        "warm_cache_hit_before": all(s == "HIT" for s in before.values()),
        "ru_page_refreshed_and_cached": status_ru == "HIT" and in_force_number(html_ru) == version,
        "kk_page_refreshed_and_cached": status_kk == "HIT" and in_force_number(html_kk) == version,
        "archive_refreshed_and_cached": status_archive == "HIT"
        and archive_lists(html_archive, version),
        "session_cookie_bypasses_cache": personal == "BYPASS",
    }
    result = {
        "published_version": version,
        "before": before,
        "after": {
            path: {"x_cache_status": status, "in_force": in_force_number(html)}
            for path, (status, html) in after.items()
        },
        "with_session_cookie": personal,
        "checks": checks,
        "pass": all(checks.values()),
    }
    write("purge.json", result)
    for name, ok in checks.items():
        print(f"  {'ok    ' if ok else 'FAILED'} {name}")
    return 0 if result["pass"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
