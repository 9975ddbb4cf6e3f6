"""Print the bench's table with PASS/FAIL per goal; write bench/results/summary.json.

python bench/report.py verify RC MILLISECONDS ROWS  # record verify_consent_ledger's outcome
python bench/report.py                          # print the table from bench/results/*.json
"""

from __future__ import annotations

import sys

from common import machine, read, write

PAGES = [
    ("policy_uncached", "ru policy, uncached (app cache off)"),
    ("policy_app_cached", "ru policy, app-cached (Redis)"),
    ("policy_nginx", "ru policy, nginx cache"),
    ("static_whitenoise", "same HTML, static file via WhiteNoise"),
    ("static_nginx", "same HTML, static file via nginx"),
    ("bare_wagtail", "bare Wagtail page + site template"),
    ("bare_wagtail_raw", "bare Wagtail page, raw HTML string"),
    ("compare_uncached", "compare v1↔v2, uncached"),
    ("compare_app_cached", "compare v1↔v2, app-cached"),
    ("compare_nginx", "compare v1↔v2, nginx cache"),
]


def verdict(ok: bool | None) -> str:
    return "n/a " if ok is None else ("PASS" if ok else "FAIL")


def main() -> int:
    http = read("http.json") or {}
    purge = read("purge.json") or {}
    ledger = read("ledger.json") or {}
    generated = read("ledger-generate.json") or {}
    export = read("export.json") or {}
    export_sync = read("export_sync.json") or {}
    concurrency = read("concurrency.json") or {}
    verify = read("verify.json") or {}
    diff = read("diff.json") or {}
    m = http.get("machine") or machine()
    v = m["versions"]
    lines = [
        f"Machine: {m['nproc']} × {m['cpu_model']}, {m['ram_gb']} GB RAM, {m['os']}; "
        f"Python {v.get('python')}, Django {v.get('django')}, Wagtail {v.get('wagtail')}, "
        f"gunicorn {v.get('gunicorn')}, PostgreSQL {v.get('postgresql', '').split()[0]}, "
        f"{v.get('nginx', '').replace('nginx version: ', '')}, "
        f"Redis {v.get('redis', '').split('v=')[-1].split()[0]}; "
        f"load average at start {', '.join(f'{x:.1f}' for x in m['load_average'])}",
        "",
        f"Pages — {http.get('wrk', 'wrk')}, gunicorn 2 workers (gthread ×4); goal pairs run "
        f"back to back ×{http.get('rounds_for_goal_pairs', '?')} (uncached/bare ×"
        f"{http.get('rounds_for_goal_pairs', 0) + 2}; req/s: totals)",
        f"  {'':42s} {'req/s':>9s} {'p50 ms':>8s} {'p99 ms':>8s} {'srv CPU ms/req':>15s}",
    ]
    targets = http.get("targets", {})
    for key, label in PAGES:
        t = targets.get(key)
        if t is None:
            lines.append(f"  {label:42s} {'—':>9s}")
            continue
        flag = "" if t["check"]["ok"] and not t["non_2xx"] else "  (check failed!)"
        lines.append(
            f"  {label:42s} {t['rps']:>9.1f} {t['p50_ms']:>8.2f} {t['p99_ms']:>8.2f} "
            f"{t['server_cpu_ms_per_req']:>15.3f}{flag}"
        )
    goals = []
    ratios = http.get("ratios", {})

    def ratio_goal(key, label):
        r = ratios.get(key)
        if r is None:
            goals.append((label, "—", None))
            return
        extra = f" (median of rounds {', '.join(f'{x:.2f}' for x in r['rounds'])})"
        if "server_cpu_ratio" in r:
            extra += f"; server CPU/req ratio {r['server_cpu_ratio']:.2f}"
        goals.append((label, f"{r['value']:.2f}{extra}", r["pass"]))

    ratio_goal("app_cached_vs_whitenoise_static", "app-cached / WhiteNoise-static req/s ≥ 0.5")
    ratio_goal("nginx_fronted_vs_nginx_static", "nginx-fronted / nginx-static req/s ≥ 0.75")
    ratio_goal("uncached_vs_bare_wagtail_time", "uncached / bare-Wagtail time per req ≤ 1.3")
    if purge:
        goals.append(
            (
                f"publication (v{purge['published_version']}) refreshes nginx's cache via PURGE",
                ", ".join(k for k, ok in purge["checks"].items() if ok) or "none",
                purge["pass"],
            )
        )
    else:
        goals.append(("publication refreshes nginx's cache via PURGE", "skipped", None))
    if ledger:
        h, c = ledger["consent_history"], ledger["version_counts"]
        rows = ledger["rows"]
        goals.append(
            (
                "one customer's consent history < 5 ms",
                f"{h['median_ms']:.2f} ms median, {h['queries_per_call']} queries",
                h["median_ms"] < 5,
            )
        )
        goals.append(
            (
                "per-version counts (admin report) < 200 ms",
                f"{c['median_ms']:.1f} ms median over {rows['acceptances']:,} rows",
                c["median_ms"] < 200,
            )
        )
    if export:
        goals.append(
            (
                "CSV export of the whole ledger streams, flat memory",
                f"{export['rows']:,}/{export['ledger_rows']:,} rows, {export['mb']} MB in "
                f"{export['seconds']} s ({export['rows_per_s']:,}/s), first byte "
                f"{export['first_byte_ms']} ms, worker RSS +{export['worker_rss_peak_growth_mb']}"
                f" MB peak, +{export['worker_rss_growth_10_to_100pct_mb']} MB 10→100 %",
                export["pass"],
            )
        )
    if export_sync:
        goals.append(
            (
                "  (info) same export, sync worker --timeout 10",
                f"{'complete' if export_sync['complete'] else 'CUT'} after "
                f"{export_sync['seconds']} s at {export_sync['rows']:,} rows",
                None,
            )
        )
    if concurrency.get("ratio"):
        c = concurrency
        goals.append(
            (
                "250 concurrent acceptance POSTs: ledger ≥ 0.8 × plain insert",
                f"{c['ratio']['value']:.2f} (median of rounds "
                f"{', '.join(f'{x:.2f}' for x in c['ratio']['rounds'])}); "
                f"{c['acceptances_per_s']} vs {c['plain_acceptances_per_s']} acceptances/s, "
                f"p50 {c['latency_ms_p50']} vs {c['plain_latency_ms_p50']} ms; CPU/acceptance "
                f"{c['cpu_ms_per_acceptance']['ledger']} vs {c['cpu_ms_per_acceptance']['plain']}"
                f" ms (ratio {c['cpu_ratio']['value']:.2f})",
                c["checks"].get("ledger_at_least_0.8_x_plain"),
            )
        )
        goals.append(
            (
                "  every ledger run: each customer recorded once",
                f"{len(c['rounds'])} runs × {c['posts_per_run']} POSTs "
                f"({c['double_submits_per_run']} double submits)",
                c["checks"]["every_ledger_run_recorded_each_customer_once"],
            )
        )
    if verify:
        goals.append(
            (
                "verify_consent_ledger after it",
                f"exit {verify['rc']} over {verify['rows']:,} records in {verify['seconds']} s",
                verify["rc"] == 0,
            )
        )
    if diff:
        goals.append(
            (
                "(bench_diff.py) diff_versions ≤ 20 ms",
                f"{diff['diff_versions']['median_ms']:.2f} ms median",
                diff["diff_versions"]["median_ms"] <= diff.get("budget_ms", 20),
            )
        )
    lines += ["", "Goals"]
    for label, figure, ok in goals:
        lines.append(f"  {verdict(ok)}  {label:52s} {figure}")
    if generated:
        g = generated
        lines += [
            "",
            f"Data: {g['customers']:,} customers, {g['acceptances']:,} acceptances (real hash "
            f"chain) generated in {g['timings']['total_s']} s",
        ]
    text = "\n".join(lines)
    print(text)
    write(
        "summary.json",
        {
            "machine": m,
            "goals": [{"goal": label, "figure": fig, "pass": ok} for label, fig, ok in goals],
            "all_pass": all(ok for _, _, ok in goals if ok is not None),
            "table": text,
        },
    )
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["verify"]:
        rc, ms, rows = sys.argv[2:5]
        seconds = round(int(ms) / 1000, 1)
        write("verify.json", {"rc": int(rc), "seconds": seconds, "rows": int(rows)})
    else:
        raise SystemExit(main())
