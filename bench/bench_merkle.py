"""The consent transparency log at a million leaves.

    python bench/bench_merkle.py       # in the bench database, after bench/ledger.py generate

1. Sealing: ``consent_log.services.log_seal`` (the sequencer, batches of 10,000) logs every
   acceptance and version text in the database — a million and more — and signs a head per
   batch. Beside it, the same leaves through the pure tree alone (no database): the share of
   the time that is the tree itself.                                      goal ≥ 10,000 leaves/s
2. Proofs at the resulting size: inclusion proofs of random leaves and consistency proofs
   from random earlier heads, as the public endpoints compute them.        goal < 5 ms each
3. Verifying every leaf: ``consent_verify``'s audit — each row re-encoded and re-hashed and
   compared with its leaf, the root of every signed head recomputed from the leaves, every
   head's signature checked by the standalone verifier.                  goal < 30 s

Writes bench/results/merkle.json and bench/results/merkle.txt. Needs the signing key
(CONSENT_LOG_SIGNING_KEY_FILE; bench/run.sh generates one).
"""

from __future__ import annotations

import random
import time

from common import ROOT, django_setup, machine, timed, write

SEAL_BATCH = 10_000
PROOF_RUNS = 300


def seal() -> dict:
    from consent_log import merkle
    from consent_log.models import Leaf
    from consent_log.services import log_seal

    before = Leaf.objects.count()
    started, cpu = time.perf_counter(), time.process_time()
    heads = 0
    while log_seal(batch=SEAL_BATCH).appended:
        heads += 1
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    appended = Leaf.objects.count() - before

    hashes = [bytes(h) for h in Leaf.objects.order_by("index").values_list("leaf_hash", flat=True)]
    t = time.perf_counter()
    size, frontier = 0, []
    for start in range(0, len(hashes), SEAL_BATCH):
        chunk = hashes[start : start + SEAL_BATCH]
        _, frontier = merkle.extend(size, frontier, chunk)
        size += len(chunk)
    tree_seconds = time.perf_counter() - t
    return {
        "leaves": appended,
        "heads_signed": heads,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),
        "leaves_per_s": round(appended / seconds) if seconds else None,
        "tree_only_leaves_per_s": round(len(hashes) / tree_seconds) if tree_seconds else None,
        "tree_share_of_seal_time": round(tree_seconds / seconds * appended / len(hashes), 3)
        if seconds and hashes
        else None,
    }


def proofs() -> dict:
    from consent_log import selectors

    latest = selectors.head_latest()
    sizes = list(selectors.heads().values_list("size", flat=True))
    rng = random.Random(16)

    def inclusion():
        selectors.inclusion_proof(rng.randrange(latest.size), latest.size)

    def consistency():
        selectors.consistency_proof(rng.choice(sizes), latest.size)

    def with_cpu(fn):
        # Wall-clock time on a shared machine is mostly waiting for a core; the process's own
        # CPU time per proof (PostgreSQL's excluded) is the steadier figure.
        started = time.process_time()
        figures = timed(fn, PROOF_RUNS)
        figures["cpu_ms_per_proof"] = round(
            (time.process_time() - started) * 1000 / (PROOF_RUNS + 1), 3
        )
        return figures

    return {
        "tree_size": latest.size,
        "heads": len(sizes),
        "inclusion": with_cpu(inclusion),
        "consistency": with_cpu(consistency),
    }


def verify_all() -> dict:
    """``manage.py consent_verify``'s audit: every leaf from its row, every head's root."""
    from datetime import timedelta

    from consent_log.audit import log_audit

    started, cpu = time.perf_counter(), time.process_time()
    audit = log_audit(max_delay=timedelta(days=1))
    return {
        "leaves": audit.leaves,
        "findings": len(audit.findings),
        "seconds": round(time.perf_counter() - started, 2),
        "cpu_seconds": round(time.process_time() - cpu, 2),
    }


def report(result: dict) -> str:
    m, s, p, v = result["machine"], result["seal"], result["proofs"], result["verify"]
    goals = [
        (
            f"sealing ≥ 10,000 leaves/s: {s['leaves_per_s']:,} leaves/s "
            f"({s['leaves']:,} leaves in {s['seconds']} s, CPU {s['cpu_seconds']} s in Python; "
            f"{s['heads_signed']} heads; the tree "
            f"alone {s['tree_only_leaves_per_s']:,} leaves/s = {s['tree_share_of_seal_time']:.0%} "
            "of the time)",
            (s["leaves_per_s"] or 0) >= 10_000,
        ),
        (
            f"inclusion proof at {p['tree_size']:,} leaves < 5 ms: median "
            f"{p['inclusion']['median_ms']} ms, p90 {p['inclusion']['p90_ms']} ms "
            f"(CPU {p['inclusion']['cpu_ms_per_proof']} ms/proof)",
            p["inclusion"]["p90_ms"] < 5,
        ),
        (
            f"consistency proof at {p['tree_size']:,} leaves < 5 ms: median "
            f"{p['consistency']['median_ms']} ms, p90 {p['consistency']['p90_ms']} ms "
            f"(CPU {p['consistency']['cpu_ms_per_proof']} ms/proof)",
            p["consistency"]["p90_ms"] < 5,
        ),
        (
            f"verifying {v['leaves']:,} leaves < 30 s (consent_verify: every row against its "
            f"leaf, every head's root and signature): {v['seconds']} s (CPU {v['cpu_seconds']} s "
            f"in Python, PostgreSQL's excluded), {v['findings']} problems",
            v["seconds"] < 30 and not v["findings"],
        ),
    ]
    lines = [
        f"Machine: {m['nproc']} × {m['cpu_model']}, {m['ram_gb']} GB RAM, {m['os']}; "
        f"Python {m['versions'].get('python')}, PostgreSQL "
        f"{m['versions'].get('postgresql', '').split(' ')[0]}; load average at start "
        f"{', '.join(f'{x:.1f}' for x in m['load_average'])} (shared machine)",
        "",
        *(f"{'PASS' if ok else 'FAIL'}  {text}" for text, ok in goals),
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    django_setup()
    result = {"machine": machine()}
    result["seal"] = seal()
    result["proofs"] = proofs()
    result["verify"] = verify_all()
    write("merkle.json", result)
    text = report(result)
    (ROOT / "bench" / "results" / "merkle.txt").write_text(text)
    print(text, end="")


if __name__ == "__main__":
    main()
