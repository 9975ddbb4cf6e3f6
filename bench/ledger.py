"""The consent ledger at scale: 100,000 customers, 1,000,000 acceptances.

    python bench/ledger.py generate    # fill the bench database (PostgreSQL only)
    python bench/ledger.py measure     # time the reads; writes bench/results/ledger.json

Customers and users are made with ``INSERT … SELECT generate_series`` (seconds). Acceptances
get *real* chained hashes (``shop.ledger.record_hash``, the app's own function) and go in with
COPY, in chain order, so ``manage.py verify_consent_ledger`` still verifies the whole ledger
after the concurrency test appends to it. Each customer accepted every version but one
(customer k skips version k mod V): with V = 11 versions that is exactly 10 per customer. The
customers who skipped the last version (material) must accept it: the concurrency test uses
them. 1 % of customers are anonymised or deactivated, so "active customers" means something.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time

from common import django_setup, machine, timed, write

CUSTOMERS = 100_000
PER_CUSTOMER = 10
BATCH = 100_000


def _connection():
    from django.db import connection

    connection.ensure_connection()
    return connection


def _insert_select(model, known: dict[str, str], source: str, params: list) -> tuple:
    """``INSERT INTO <model> (…) SELECT … <source>`` for every concrete column of ``model``:
    ``known`` gives SQL expressions; any other column (one added since this was written) gets
    its field's default, NULL, or now() for auto_now fields — so a new column does not break
    the bench. Placeholders: those in ``known`` (in field order), then the defaults', then
    those in ``source``."""
    columns, expressions, extra = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(field.column)
        if field.column in known:
            expressions.append(known[field.column])
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            expressions.append("now()")
        elif field.has_default():
            expressions.append("%s")
            extra.append(field.get_db_prep_save(field.get_default(), connection=_connection()))
        elif field.null:
            expressions.append("NULL")
        else:
            raise SystemExit(f"bench/ledger.py: no value for {model.__name__}.{field.name}")
    ordered = sorted(zip(columns, expressions, strict=True), key=lambda ce: ce[0] not in known)
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(c for c, _ in ordered)}) "
        f"SELECT {', '.join(e for _, e in ordered)} {source}"
    )
    return sql, [*params[: _placeholders(known)], *extra, *params[_placeholders(known) :]]


def _placeholders(known: dict[str, str]) -> int:
    return sum(expr.replace("%%", "").count("%s") for expr in known.values())


def generate() -> dict:
    from django.contrib.auth.hashers import make_password

    from legal.models import DocumentVersion, VersionText
    from shop import ledger
    from shop.models import Acceptance, Customer, User

    started = time.perf_counter()
    conn = _connection()
    versions = list(
        DocumentVersion.objects.filter(document__slug="privacy")
        .order_by("number")
        .values_list("pk", "number")
    )
    if len(versions) != PER_CUSTOMER + 1:
        raise SystemExit(f"need {PER_CUSTOMER + 1} policy versions, found {len(versions)}")
    texts = {
        (version_id, language): (pk, sha)
        for pk, version_id, language, sha in VersionText.objects.values_list(
            "pk", "version_id", "locale__language_code", "sha256"
        )
    }
    timings = {}
    with conn.cursor() as cursor:
        t = time.perf_counter()
        cursor.execute(
            *_insert_select(
                User,
                {
                    "password": "%s",
                    "is_superuser": "false",
                    "first_name": "'Айгерим' || g",
                    "last_name": "'Серикова' || g",
                    "is_staff": "false",
                    "is_active": "g %% 100 <> 50",
                    "date_joined": "now() - make_interval(mins => g)",
                    "email": "'bench-' || g || '@example.kz'",
                },
                "FROM generate_series(1, %s) AS g",
                [make_password("bench-Password-2024"), CUSTOMERS],
            )
        )
        cursor.execute(
            *_insert_select(
                Customer,
                {
                    "user_id": "u.id",
                    "last_name": "u.last_name",
                    "first_name": "u.first_name",
                    "patronymic": "''",
                    "phone": "'+7701' || lpad((u.id %% 10000000)::text, 7, '0')",
                    "delivery_address": "'Алматы, ул. Абая, ' || u.id",
                    "preferred_language": "CASE WHEN u.id %% 4 = 0 THEN 'kk' ELSE 'ru' END",
                    "created_at": "u.date_joined",
                    "anonymised_at": "CASE WHEN u.id %% 100 = 0 THEN now() END",
                },
                "FROM shop_user u WHERE u.email LIKE 'bench-%%@example.kz' ORDER BY u.id",
                [],
            )
        )
        timings["customers_s"] = round(time.perf_counter() - t, 2)
        cursor.execute(
            "SELECT id, preferred_language FROM shop_customer c "
            "WHERE EXISTS (SELECT 1 FROM shop_user u WHERE u.id = c.user_id "
            "AND u.email LIKE 'bench-%%@example.kz') ORDER BY id",
            [],
        )
        customers = cursor.fetchall()
        cursor.execute(
            "SELECT record_hash FROM shop_acceptance WHERE record_hash IS NOT NULL "
            "ORDER BY id DESC LIMIT 1"
        )
        row = cursor.fetchone()
    previous = row[0] if row else ledger.GENESIS_HASH

    # Chain order: version by version, customer by customer; accepted_at increases with it.
    t = time.perf_counter()
    base = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=CUSTOMERS * PER_CUSTOMER // 1000)
    columns = (
        "customer_id, version_id, text_id, text_sha256, language, accepted_at, ip_address, "
        "user_agent, channel, previous_hash, record_hash"
    )
    user_agent = "Mozilla/5.0 (X11; Linux x86_64) bench"
    count = 0
    raw = conn.connection  # psycopg 3
    rows = []

    def flush():
        with raw.cursor() as cur, cur.copy(f"COPY shop_acceptance ({columns}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row(r)
        rows.clear()  # autocommit: each COPY is its own transaction

    for index, (version_id, _number) in enumerate(versions):
        for k, (customer_id, language) in enumerate(customers):
            if k % len(versions) == index:
                continue  # this customer skipped this version
            text_id, sha = texts[(version_id, language)]
            fields = {
                "customer_id": customer_id,
                "version_id": version_id,
                "text_id": text_id,
                "text_sha256": sha,
                "language": language,
                "accepted_at": base + dt.timedelta(microseconds=1000 * count),
                "ip_address": f"10.{k % 250}.{(k // 250) % 250}.{k % 7 + 1}",
                "user_agent": user_agent,
                "channel": (
                    Acceptance.Channel.REGISTRATION
                    if index == (1 if k % len(versions) == 0 else 0)
                    else Acceptance.Channel.REACCEPTANCE
                ).value,
            }
            record = ledger.record_hash(fields, previous)
            rows.append(
                (
                    customer_id,
                    version_id,
                    text_id,
                    sha,
                    language,
                    fields["accepted_at"],
                    fields["ip_address"],
                    user_agent,
                    fields["channel"],
                    previous,
                    record,
                )
            )
            previous = record
            count += 1
            if len(rows) >= BATCH:
                flush()
    if rows:
        flush()
    timings["acceptances_s"] = round(time.perf_counter() - t, 2)
    t = time.perf_counter()
    with conn.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE shop_user, shop_customer, shop_acceptance")
    timings["vacuum_analyze_s"] = round(time.perf_counter() - t, 2)
    timings["total_s"] = round(time.perf_counter() - started, 2)
    result = {"customers": len(customers), "acceptances": count, "timings": timings}
    print(
        f"generated {len(customers):,} customers and {count:,} acceptances in "
        f"{timings['total_s']} s ({timings})"
    )
    write("ledger-generate.json", result)
    return result


def measure() -> dict:
    from django.db import connection
    from django.test import Client, RequestFactory
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import translation

    from shop import selectors
    from shop.models import Acceptance, Customer, User

    result: dict = {"machine": machine()}
    total = Acceptance.objects.count()
    result["rows"] = {"customers": Customer.objects.count(), "acceptances": total}

    # 1. One customer's consent history, as "My account" builds it (selector + request). The
    # request's Wagtail Site is looked up beforehand: every page pays that once per request,
    # whatever it shows, and it is not the history's cost.
    from wagtail.models import Site

    translation.activate("ru")
    factory = RequestFactory(HTTP_HOST="localhost")
    ids = list(Customer.objects.order_by("?").values_list("pk", flat=True)[:300])
    pool = list(Customer.objects.filter(pk__in=ids).select_related("user"))
    rng = random.Random(9)

    def prepared():
        customer = rng.choice(pool)
        request = factory.get("/ru/shop/account/")
        request.user = customer.user
        Site.find_for_request(request)
        return customer, request

    def history(customer, request):
        entries = selectors.consent_history(customer, request)
        assert len(entries) >= PER_CUSTOMER - 1

    history(*prepared())
    with CaptureQueriesContext(connection) as queries:
        history(*prepared())
    samples = []
    for _ in range(300):
        args = prepared()
        start = time.perf_counter()
        history(*args)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    result["consent_history"] = {
        "median_ms": round(statistics.median(samples), 3),
        "p90_ms": round(samples[int(0.9 * (len(samples) - 1))], 3),
        "runs": len(samples),
        "queries_per_call": len(queries.captured_queries),
        "acceptances_per_customer": PER_CUSTOMER,
        "goal_ms": 5,
    }

    # 2. The admin's per-version counts (VersionConsentReportView's queryset).
    def counts():
        rows = list(selectors.version_acceptance_counts())
        assert rows

    result["version_counts"] = timed(counts, 10) | {"goal_ms": 200}
    sql, params = selectors.version_acceptance_counts().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT) " + sql, params)
        result["version_counts"]["plan"] = [row[0] for row in cursor.fetchall()]
    rows = list(selectors.version_acceptance_counts())
    result["version_counts"]["sample"] = [
        {"number": v.number, "accepted": v.accepted_count, "not_yet": v.not_yet_count} for v in rows
    ]

    # 3. The CSV export of the whole ledger is measured over HTTP (bench/export_http.py).
    admin, _ = User.objects.get_or_create(
        email="bench-admin@example.kz", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(admin)
    # The two consent reports still answer (page and CSV) with the changed queries.
    result["report_pages"] = {
        reverse(name) + suffix: client.get(reverse(name) + suffix).status_code
        for name, suffix in (
            ("shop_consent_versions:index", ""),
            ("shop_consent_versions:index", "?export=csv"),
            ("shop_consent_ledger:index", ""),
        )
    }
    write("ledger.json", result)
    h, c = result["consent_history"], result["version_counts"]
    print(
        f"  consent history median {h['median_ms']} ms ({h['queries_per_call']} queries); "
        f"version counts median {c['median_ms']} ms; report pages {result['report_pages']}"
    )
    return result


if __name__ == "__main__":
    django_setup()
    {"generate": generate, "measure": measure}[sys.argv[1]]()
