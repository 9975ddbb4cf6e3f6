"""200 customers accept the policy at the same moment over HTTP.

The customers are 200 of the generated ones who have not accepted the version in force (a
material change), each with a real logged-in session (created in the session store) and a
CSRF token. 250 POSTs to /ru/shop/policy/accept/ leave together from a thread pool: one per
customer plus a second, simultaneous one from 50 of them (a double submit). Afterwards every
customer must have exactly one acceptance of that version, and the ledger must still verify
(``manage.py verify_consent_ledger``, run by bench/run.sh). Writes
bench/results/concurrency.json.

    JB_CACHED=<gunicorn port> python bench/concurrency.py
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

CUSTOMERS = 200
DOUBLE_SUBMITS = 50
PATH = "/ru/shop/policy/accept/"


def sessions(count: int):
    """(customer id, session key) for ``count`` active customers who must accept, and the
    version they must accept."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.module_loading import import_string

    from legal.selectors import document_state, policy_page_for_language
    from shop.models import Customer

    in_force = document_state(policy_page_for_language("ru")).in_force
    customers = list(
        Customer.objects.filter(anonymised_at__isnull=True, user__is_active=True)
        .exclude(acceptances__version_id=in_force.pk)
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


def main() -> int:
    django_setup()
    from shop.models import Acceptance

    port = os.environ["JB_CACHED"]
    pairs, in_force = sessions(CUSTOMERS)
    ledger_before = Acceptance.objects.count()
    jobs = pairs + pairs[:DOUBLE_SUBMITS]
    barrier = threading.Barrier(len(jobs))
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        results = list(pool.map(lambda p: post(port, p[1], in_force.pk, barrier), jobs))
    elapsed = time.perf_counter() - started
    customer_ids = [customer_id for customer_id, _ in pairs]
    per_customer = Counter(
        Acceptance.objects.filter(customer_id__in=customer_ids, version_id=in_force.pk).values_list(
            "customer_id", flat=True
        )
    )
    ledger_after = Acceptance.objects.count()
    statuses = Counter(str(r["status"]) for r in results)
    accepted_redirects = sum(
        1 for r in results if r["status"] == 302 and "/policy/accept/" not in r["location"]
    )
    latencies = sorted(r["ms"] for r in results)
    checks = {
        "every_customer_recorded_exactly_once": len(per_customer) == CUSTOMERS
        and set(per_customer.values()) == {1},
        "ledger_grew_by_exactly_200": ledger_after - ledger_before == CUSTOMERS,
        "every_post_answered_302_to_account": accepted_redirects == len(jobs),
    }
    result = {
        "machine": machine(),
        "customers": CUSTOMERS,
        "posts": len(jobs),
        "double_submits": DOUBLE_SUBMITS,
        "version": in_force.number,
        "seconds": round(elapsed, 2),
        "acceptances_per_s": round(CUSTOMERS / elapsed, 1),
        "posts_per_s": round(len(jobs) / elapsed, 1),
        "latency_ms": {
            "p50": round(statistics.median(latencies), 1),
            "p99": round(latencies[int(0.99 * (len(latencies) - 1))], 1),
            "max": round(latencies[-1], 1),
        },
        "statuses": dict(statuses),
        "ledger_rows_before": ledger_before,
        "ledger_rows_after": ledger_after,
        "checks": checks,
        "pass": all(checks.values()),
    }
    write("concurrency.json", result)
    print(
        f"  {len(jobs)} POSTs ({CUSTOMERS} customers + {DOUBLE_SUBMITS} double submits) in "
        f"{elapsed:.2f} s: {result['acceptances_per_s']} acceptances/s, statuses {dict(statuses)}"
    )
    for name, ok in checks.items():
        print(f"  {'ok    ' if ok else 'FAILED'} {name}")
    return 0 if result["pass"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
