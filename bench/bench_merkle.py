"""The consent transparency log at a million leaves (issue #16's performance goals).

    python bench/bench_merkle.py       # in the bench database, after bench/ledger.py generate

1. Sealing: ``consent_log.services.log_seal`` (the sequencer, batches of 10,000) logs every
   acceptance and version text in the database — a million and more — and signs a head per
   batch. Beside it, the same leaves through the pure tree alone (no database): the share of
   the time that is the tree itself.                                      goal ≥ 10,000 leaves/s
2. Proofs at the resulting size: inclusion proofs of random leaves and consistency proofs
   from random earlier heads, as the public endpoints compute them.        goal < 5 ms each
3. Verifying every leaf: each row re-encoded and re-hashed, compared with its leaf, the root
   recomputed from all leaf hashes and compared with the latest signed head, whose signature
   the standalone verifier checks.                                       goal < 30 s

Writes bench/results/merkle.json and bench/results/merkle.txt. Needs the signing key
(CONSENT_LOG_SIGNING_KEY_FILE; bench/run.sh generates one).
"""

from __future__ import annotations

import importlib.util
import random
import time

from common import ROOT, django_setup, machine, timed, write

SEAL_BATCH = 10_000
PROOF_RUNS = 300


def _verifier():
    spec = importlib.util.spec_from_file_location("jetu_verify", ROOT / "tools" / "jetu_verify.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def seal() -> dict:
    from consent_log import merkle
    from consent_log.models import Leaf
    from consent_log.services import log_seal

    before = Leaf.objects.count()
    started = time.perf_counter()
    heads = 0
    while log_seal(batch=SEAL_BATCH).appended:
        heads += 1
    seconds = time.perf_counter() - started
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

    return {
        "tree_size": latest.size,
        "heads": len(sizes),
        "inclusion": timed(inclusion, PROOF_RUNS),
        "consistency": timed(consistency, PROOF_RUNS),
    }


def verify_all() -> dict:
    """What a full audit does: every leaf from its row, the root from every leaf."""
    from consent_log import leaves, merkle, selectors, signing
    from consent_log.models import Leaf
    from consent_log.services import SOURCES

    jetu_verify = _verifier()
    started = time.perf_counter()
    expected = {}
    for source in SOURCES:
        for row in source.rows().iterator(chunk_size=20_000):
            record = source.record._make(row)
            expected[source.kind, record.id] = merkle.leaf_hash(leaves.encode(source.leaf(record)))
    mismatches = 0
    size, frontier = 0, []
    chunk = []
    stored = Leaf.objects.order_by("index").values_list("kind", "object_id", "leaf_hash")
    for kind, object_id, value in stored.iterator(chunk_size=20_000):
        value = bytes(value)
        if expected.get((kind, object_id)) != value:
            mismatches += 1
        chunk.append(value)
        if len(chunk) == SEAL_BATCH:
            _, frontier = merkle.extend(size, frontier, chunk)
            size, chunk = size + len(chunk), []
    _, frontier = merkle.extend(size, frontier, chunk)
    size += len(chunk)
    head = selectors.head_document(selectors.head_latest())
    key = jetu_verify.load_public_key(signing.public_pem(signing.public_key()).encode())
    jetu_verify.verify_head(head, key)
    root_ok = head["size"] == size and head["root_hash"] == merkle.fold(frontier).hex()
    return {
        "leaves": size,
        "mismatches": mismatches,
        "root_matches_signed_head": root_ok,
        "seconds": round(time.perf_counter() - started, 2),
    }


def report(result: dict) -> str:
    m, s, p, v = result["machine"], result["seal"], result["proofs"], result["verify"]
    goals = [
        (
            f"sealing ≥ 10,000 leaves/s: {s['leaves_per_s']:,} leaves/s "
            f"({s['leaves']:,} leaves in {s['seconds']} s, {s['heads_signed']} heads; the tree "
            f"alone {s['tree_only_leaves_per_s']:,} leaves/s = {s['tree_share_of_seal_time']:.0%} "
            "of the time)",
            (s["leaves_per_s"] or 0) >= 10_000,
        ),
        (
            f"inclusion proof at {p['tree_size']:,} leaves < 5 ms: median "
            f"{p['inclusion']['median_ms']} ms, p90 {p['inclusion']['p90_ms']} ms",
            p["inclusion"]["p90_ms"] < 5,
        ),
        (
            f"consistency proof at {p['tree_size']:,} leaves < 5 ms: median "
            f"{p['consistency']['median_ms']} ms, p90 {p['consistency']['p90_ms']} ms",
            p["consistency"]["p90_ms"] < 5,
        ),
        (
            f"verifying {v['leaves']:,} leaves < 30 s: {v['seconds']} s "
            f"({v['mismatches']} mismatches, root matches the signed head: "
            f"{v['root_matches_signed_head']})",
            v["seconds"] < 30 and not v["mismatches"] and v["root_matches_signed_head"],
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
