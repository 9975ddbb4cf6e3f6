"""Print the mutation score of each module after `make mutants` (mutmut 3's results).

Reads the per-file results mutmut leaves beside the mutated copies (mutants/**/*.py.meta).
A mutant counts as killed when a test failed on it or it ran past mutmut's timeout; one that
no selected test reaches counts as surviving. Exits 1 when a module scores below the goal.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

GOAL = 85.0
KILLED = {1, 3}  # a test failed (3: pytest internal error, also a failure)
TIMEOUT = {24, 36, 152, 255, -24}


def scores(root: Path) -> list[tuple[str, int, int, int]]:
    """``(module, killed, survived, total)`` for every mutated file under ``root``."""
    rows = []
    for meta in sorted(root.rglob("*.py.meta")):
        codes = json.loads(meta.read_text())["exit_code_by_key"].values()
        if not codes:
            continue
        killed = sum(1 for c in codes if c in KILLED or c in TIMEOUT)
        unchecked = sum(1 for c in codes if c is None)
        total = len(codes) - unchecked
        module = str(meta.relative_to(root)).removesuffix(".meta")
        rows.append((module, killed, total - killed, total))
    return rows


def main() -> int:
    rows = scores(Path("mutants"))
    if not rows:
        print("No mutation results: run `make mutants` first.")
        return 1
    below, not_run = [], []
    print(f"{'module':32s} {'killed':>7s} {'survived':>9s} {'score':>7s}")
    for module, killed, survived, total in rows:
        if not total:
            # Mutants generated but none tried yet (a run restricted to other modules).
            print(f"{module:32s} {'—':>7s} {'—':>9s} {'not run':>7s}")
            not_run.append(module)
            continue
        score = 100.0 * killed / total
        print(f"{module:32s} {killed:7d} {survived:9d} {score:6.1f}%")
        if score < GOAL:
            below.append(module)
    killed = sum(r[1] for r in rows)
    total = sum(r[3] for r in rows)
    print(f"{'all':32s} {killed:7d} {total - killed:9d} {100.0 * killed / total:6.1f}%")
    if below:
        print(f"Below the {GOAL:.0f} % goal: {', '.join(below)}")
    if not_run:
        print(f"Not run yet: {', '.join(not_run)}")
    return 1 if below or not_run else 0


if __name__ == "__main__":
    sys.exit(main())
