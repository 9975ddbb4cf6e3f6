"""Comparisons as the compare templates show them (public, admin, draft previews)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.utils.html import escape

from .diff import BlockDiff, DocumentDiff, diff_versions
from .models import VersionText
from .selectors import VersionInfo, document_state, version_text, working_blocks


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


@dataclass(frozen=True)
class ClauseToTranslate:
    """One block of the source text that changed since the translation was last published."""

    change: BlockDiff  # the source-language redline of the block
    previous: str  # its translation in that version ("" if the block is new)
    current: str  # its translation as entered so far ("" if removed)
    untranslated: bool  # the current translation is still the source text


@dataclass(frozen=True)
class TranslationChanges:
    """What a translator must bring up to date, clause by clause."""

    base: VersionInfo | None  # the latest version published in the translation's language
    source_summary: str  # the summary of changes to translate
    clauses: tuple[ClauseToTranslate, ...]


def _block_html(block: dict | None) -> str:
    if block is None:
        return ""
    if block["type"] == "section":
        return escape(block["heading"])
    return block.get("html", "")


def _by_key(blocks: list[dict]) -> dict[tuple[str, str | None], dict]:
    return {(b["type"], b.get("number")): b for b in blocks}


def translation_changes(page) -> TranslationChanges:
    """The source's changes since ``page`` (a translation) was last published, each beside
    the translation it had then and the one entered so far.

    The translator edits the previous translation instead of starting again: the source's
    redline shows what to change in it. (The previous translation is shown, not copied into
    the segment: a copied segment would count as translated and could be published
    unread.)
    """
    from wagtail_localize.models import TranslationSource

    language = page.locale.language_code
    state = document_state(page)
    base = next((v for v in reversed(state.versions) if language in v.languages), None)
    source = (
        TranslationSource.objects.filter(object_id=page.translation_key)
        .exclude(locale_id=page.locale_id)
        .select_related("locale")
        .first()
    )
    if base is None or source is None:
        return TranslationChanges(base=base, source_summary="", clauses=())
    source_page = source.as_instance()
    old_source = version_text(base, source.locale.language_code)
    old_translation = _by_key(version_text(base, language).blocks)
    current = _by_key(working_blocks(page))
    new_source = source_page.to_blocks()
    new_source_by_key = _by_key(new_source)
    clauses = []
    for change in diff_versions(old_source.blocks, new_source).changes:
        old_key = (change.kind, change.old_number)
        new_key = (change.kind, change.new_number)
        now = current.get(new_key) if change.new_number or change.kind == "preamble" else None
        source_block = new_source_by_key.get(new_key)
        clauses.append(
            ClauseToTranslate(
                change=change,
                previous=_block_html(old_translation.get(old_key))
                if change.old_number or change.kind == "preamble"
                else "",
                current=_block_html(now),
                untranslated=now is not None and now == source_block,
            )
        )
    return TranslationChanges(
        base=base, source_summary=source_page.change_summary or "", clauses=tuple(clauses)
    )
