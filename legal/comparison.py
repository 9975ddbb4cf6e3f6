"""Comparisons as the compare templates show them (public, admin, draft previews)."""

from __future__ import annotations

from django.core.cache import cache

from .diff import DocumentDiff, diff_versions
from .models import VersionText
from .selectors import document_state, version_text


def texts_diff(old: VersionText, new: VersionText) -> DocumentDiff:
    """The comparison of two frozen texts; cached for good, since neither can ever change."""
    key = f"legal:diff:v1:{old.pk}:{new.pk}:{old.sha256[:16]}:{new.sha256[:16]}"
    result = cache.get(key)
    if result is None:
        result = diff_versions(old.blocks, new.blocks)
        cache.set(key, result, timeout=None)
    return result


def comparison_context(old: VersionText, new: VersionText, mode: str) -> dict:
    """What the compare templates need, shared by the public and the admin views."""
    diff = texts_diff(old, new)
    return {
        "diff": diff,
        "summary": diff.summary,
        "groups": group_unchanged(diff),
        "mode": "side" if mode == "side" else "inline",
        "old_text": old,
        "new_text": new,
    }


def group_unchanged(diff: DocumentDiff) -> list[dict]:
    """Runs of unchanged blocks become one collapsible group; each change stands alone."""
    groups: list[dict] = []
    for block in diff.blocks:
        if block.is_change:
            groups.append({"changed": True, "block": block})
        elif groups and not groups[-1]["changed"]:
            groups[-1]["blocks"].append(block)
        else:
            groups.append({"changed": False, "blocks": [block]})
    for group in groups:
        if not group["changed"]:
            numbers = [b.new_number for b in group["blocks"] if b.kind == "clause"]
            group["clause_count"] = len(numbers)
            group["first"], group["last"] = (numbers[0], numbers[-1]) if numbers else (None, None)
    return groups


def draft_comparison_context(page, blocks: list[dict], mode: str) -> dict:
    """``blocks`` (a draft) compared with the version in force in ``page``'s language.

    Drafts change at every keystroke, so unlike frozen texts the result is not cached.
    """
    state = document_state(page)
    old = version_text(state.in_force, page.locale.language_code) if state.in_force else None
    if old is None:
        return {"in_force": None, "old_text": None, "new_text": None, "diff": None}
    return {"in_force": state.in_force, **blocks_comparison_context(old, blocks, mode)}


def blocks_comparison_context(old: VersionText, blocks: list[dict], mode: str) -> dict:
    """What the compare templates need for a frozen text against unfrozen ``blocks``."""
    diff = diff_versions(old.blocks, blocks)
    return {
        "diff": diff,
        "summary": diff.summary,
        "groups": group_unchanged(diff),
        "mode": "side" if mode == "side" else "inline",
        "old_text": old,
        "new_text": None,
    }
