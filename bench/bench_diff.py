"""Benchmark ``legal.diff.diff_versions`` on the full privacy policy.

Run from the project root::

    .venv/bin/python bench/bench_diff.py [--runs 50]

Builds the ~17 KB Russian privacy policy (5 sections, 51 clauses) from its
markdown source, derives a heavily edited version (every third clause gets
words changed, five clauses removed and five added, with the clauses of the
affected sections renumbered as an editor would), and times
``diff_versions`` (median of N runs).  For scale it also times Wagtail's own
revision-comparison text diff (``wagtail.admin.compare.diff_text``) on the
same two versions flattened to plain text.  The two are not equivalent work:
Wagtail diffs one flat string, ``diff_versions`` additionally aligns clauses
(renumbering / moves) and renders three structured HTML redlines per clause.

Prints one line and writes ``bench/results/diff.json``.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POLICY_MD = ROOT / "legal" / "content" / "privacy-policy.ru.md"
RESULTS = ROOT / "bench" / "results" / "diff.json"


def policy_blocks() -> list[dict]:
    """The policy as diff input blocks, parsed by the project's own (pure) parser."""
    sys.path.insert(0, str(ROOT))
    from legal.parser import parse_policy

    return parse_policy(POLICY_MD.read_text(encoding="utf-8")).blocks


def _edit_words(html_text: str, n: int) -> str:
    """Replace two words and append a phrase: a typical wording amendment."""
    words = html_text.split(" ")
    for k in (len(words) // 3, (2 * len(words)) // 3):
        if 0 < k < len(words) - 1 and "<" not in words[k] and ">" not in words[k]:
            words[k] = f"изменено{n}"
    return " ".join(words).replace("</p>", " в редакции 2025 года.</p>")


def heavy_edit(blocks: list[dict]) -> tuple[list[dict], dict]:
    """Every third clause edited, five removed, five added; renumber sections.

    Returns:
        The new blocks and the counts of edits made.  Short clauses whose edit
        rewrites most of their words fall below the similarity threshold and
        are then reported as removed + added rather than changed.
    """
    clauses = [b for b in blocks if b["type"] == "clause"]
    # Spread over the document, avoiding the every-third edited clauses.
    removed = {clauses[k]["number"] for k in (4, 13, 22, 34, 46)}
    added_after = {clauses[k]["number"] for k in (0, 10, 19, 30, 40)}
    out: list[dict] = []
    edited = 0
    for pos, block in enumerate(blocks):
        if block["type"] != "clause":
            out.append(dict(block))
            continue
        index = clauses.index(block)
        if block["number"] in removed:
            continue
        new = dict(block)
        if (index + 1) % 3 == 0:
            new["html"] = _edit_words(new["html"], pos)
            edited += 1
        out.append(new)
        if block["number"] in added_after:
            out.append(
                {
                    "type": "clause",
                    "number": block["number"] + ".new",
                    "html": f"<p>Новый пункт {pos}: Продавец уведомляет Покупателя о "
                    "каждом изменении порядка обработки персональных данных.</p>",
                    "style": "paragraph",
                }
            )
    # Renumber two-level clauses section by section (sub-clauses keep theirs,
    # as their parents are not among the removed/added ones).
    counters: dict[str, int] = {}
    for block in out:
        number = block.get("number", "")
        if block["type"] == "clause" and (number.endswith(".new") or number.count(".") == 1):
            sec = number.split(".")[0]
            counters[sec] = counters.get(sec, 0) + 1
            block["number"] = f"{sec}.{counters[sec]}"
    return out, {"edited": edited, "removed": len(removed), "added": len(added_after)}


def doubled(blocks: list[dict]) -> list[dict]:
    """The policy twice over: its sections again as 6-10, to see how the time scales."""
    sections = sum(1 for b in blocks if b["type"] == "section")
    copy = []
    for block in blocks:
        if block["type"] == "preamble":
            continue
        first, _, rest = block["number"].partition(".")
        number = str(int(first) + sections) + ("." + rest if rest else "")
        copy.append({**block, "number": number})
    return blocks + copy


def flatten(blocks: list[dict]) -> str:
    """Plain text of a version (what Wagtail's text diff would compare)."""
    parts = []
    for block in blocks:
        if block["type"] == "section":
            parts.append(f"{block['number']}. {block['heading']}")
        elif block["type"] == "clause":
            text = html.unescape(re.sub(r"<[^>]+>", "", block["html"]))
            parts.append(f"{block['number']}. {text}")
        else:
            parts.append(html.unescape(re.sub(r"<[^>]+>", " ", block["html"])))
    return "\n".join(parts)


def timed(fn, runs: int) -> dict:
    """Median/min/p90 wall time of ``fn()`` in milliseconds (after one warm-up)."""
    fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 3),
        "min_ms": round(samples[0], 3),
        "p90_ms": round(samples[int(0.9 * (len(samples) - 1))], 3),
        "runs": runs,
    }


def wagtail_diff_text():
    """Import Wagtail's text diff, configuring a minimal Django if needed."""
    import django
    from django.conf import settings

    if not os.environ.get("DJANGO_SETTINGS_MODULE") and not settings.configured:
        # Just enough for wagtail.admin.compare's imports (models, blocks).
        settings.configure(
            INSTALLED_APPS=[
                "django.contrib.contenttypes",
                "django.contrib.auth",
                "taggit",
                "wagtail",
            ],
            DATABASES={},
            STATIC_URL="/static/",
            USE_I18N=False,
        )
    django.setup()
    from wagtail.admin.compare import diff_text

    return diff_text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from legal.diff import diff_versions

    old = policy_blocks()
    new, expected = heavy_edit(old)
    size_kb = sum(len(b.get("html", "").encode()) for b in old) / 1024
    n_clauses = sum(1 for b in old if b["type"] == "clause")

    result = diff_versions(old, new)
    s = result.summary
    ours = timed(lambda: diff_versions(old, new), args.runs)

    # Twice the document should take about twice the time; a quadratic step would show as
    # a ratio near 4 (the unit tests time nothing, this is the guard against it).
    big_old = doubled(old)
    big_new, _ = heavy_edit(big_old)
    big = timed(lambda: diff_versions(big_old, big_new), max(5, args.runs // 5))
    scaling = big["median_ms"] / ours["median_ms"]

    report: dict = {
        "benchmark": "legal.diff.diff_versions, privacy policy vs heavily edited version",
        "document": {
            "clauses": n_clauses,
            "sections": sum(1 for b in old if b["type"] == "section"),
            "html_kb": round(size_kb, 1),
        },
        "edits": expected,
        "summary": {
            "changed": s.changed,
            "added": s.added,
            "removed": s.removed,
            "moved": s.moved,
            "sections_changed": s.sections_changed,
        },
        "diff_versions": ours,
        "budget_ms": 20,
        "doubled_document": {**big, "ratio_to_single": round(scaling, 2)},
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "machine": platform.machine(),
    }

    line = (
        f"diff_versions: median {ours['median_ms']:.2f} ms (min {ours['min_ms']:.2f}, "
        f"p90 {ours['p90_ms']:.2f}) over {args.runs} runs, {n_clauses} clauses / "
        f"{size_kb:.1f} KB; changed={s.changed} added={s.added} removed={s.removed} "
        f"moved={s.moved}; twice the document: {big['median_ms']:.2f} ms "
        f"(ratio {scaling:.2f}x)"
    )
    try:
        diff_text = wagtail_diff_text()
    except Exception as exc:  # report ours even if Wagtail cannot load standalone
        report["wagtail_diff_text"] = {"error": f"{type(exc).__name__}: {exc}"}
        line += f"; wagtail diff_text unavailable ({type(exc).__name__})"
    else:
        old_text, new_text = flatten(old), flatten(new)
        theirs = timed(lambda: diff_text(old_text, new_text).to_html(), args.runs)
        ratio = ours["median_ms"] / theirs["median_ms"]
        report["wagtail_diff_text"] = {**theirs, "input": "flattened plain text"}
        report["ratio_diff_versions_to_wagtail"] = round(ratio, 2)
        line += f"; wagtail diff_text median {theirs['median_ms']:.2f} ms (ratio {ratio:.2f}x)"

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
