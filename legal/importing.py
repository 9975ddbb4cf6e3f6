"""Import the shop's policy from its Markdown source into a legal document page.

The Russian source becomes the page body; the Kazakh file (same structure, line for line)
becomes a PO file that is applied to the page's wagtail-localize translation.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import polib
from wagtail_localize.segments import StringSegmentValue
from wagtail_localize.segments.extract import extract_segments

from .html_policy import clean_rich_text
from .models import LegalDocumentPage
from .parser import ParsedPolicy, parse_policy

CONTENT_DIR = Path(__file__).resolve().parent / "content"
POLICY_SOURCES = {
    "ru": CONTENT_DIR / "privacy-policy.ru.md",
    "kk": CONTENT_DIR / "privacy-policy.kk.md",
}
# Block ids derive from the document and the clause number, so a PO file made on one machine
# applies on another: its msgctxt paths ("body.<id>.text") name the same blocks everywhere.
BLOCK_ID_NAMESPACE = uuid.UUID("5b0c6c0e-8f5e-4a4e-9d0b-6a3f2c1e7d11")


class TranslationMismatchError(ValueError):
    """The translation's structure differs from the source's (different numbers or blocks)."""


def read_policy(language: str) -> ParsedPolicy:
    return parse_policy(POLICY_SOURCES[language].read_text(encoding="utf-8"))


def block_id(document: str, block: dict) -> str:
    key = block.get("number") or block["type"]
    return str(uuid.uuid5(BLOCK_ID_NAMESPACE, f"{document}:{block['type']}:{key}"))


def stream_data(document: str, blocks: list[dict]) -> list[dict]:
    """Raw StreamField data for parsed blocks, with cleaned rich text and stable ids.

    Wagtail cleans rich text posted through its editor but not values written from code, so
    imported text goes through the legal-text allow-list explicitly.
    """
    data = []
    for block in blocks:
        if block["type"] == "preamble":
            value = clean_rich_text(block["html"])
        elif block["type"] == "section":
            value = {"number": block["number"], "heading": block["heading"]}
        else:
            value = {
                "number": block["number"],
                "text": clean_rich_text(block["html"]) if block["html"] else "",
                "style": block["style"],
            }
        data.append({"type": block["type"], "id": block_id(document, block), "value": value})
    return data


def translation_po(
    source_page: LegalDocumentPage,
    translated: ParsedPolicy,
    *,
    short_name: str,
    change_summary: str = "",
) -> polib.POFile:
    """Pair every translatable segment of ``source_page`` with its counterpart in ``translated``.

    The translated document is laid over a copy of the source page (same block ids), both are
    run through wagtail-localize's own segment extractor, and segments are paired by position
    within their path, so the PO's msgids are exactly the strings wagtail-localize stores.

    Raises:
        TranslationMismatchError: when the two documents do not have the same blocks.
    """
    source_blocks = [
        (b.block_type, None if b.block_type == "preamble" else b.value["number"])
        for b in source_page.body
    ]
    target_blocks = [(b["type"], b.get("number")) for b in translated.blocks]
    if source_blocks != target_blocks:
        raise TranslationMismatchError(
            "The translation's blocks differ from the source's: "
            f"{len(source_blocks)} source blocks, {len(target_blocks)} translated blocks."
        )
    document = source_page.slug
    copy = LegalDocumentPage(
        title=translated.title,
        slug=source_page.slug,
        short_name=short_name,
        change_summary=change_summary,
        body=stream_data(document, translated.blocks),
        locale=source_page.locale,
    )
    copy.body = copy.body  # let StreamField convert the raw data into a StreamValue
    pairs = _string_segments(source_page), _string_segments(copy)
    if len(pairs[0]) != len(pairs[1]):
        raise TranslationMismatchError(
            f"{len(pairs[0])} source segments but {len(pairs[1])} translated segments."
        )
    po = polib.POFile(wrapwidth=0)
    po.metadata = {"Content-Type": "text/plain; charset=utf-8"}
    for (path, msgid), (other_path, msgstr) in zip(*pairs, strict=True):
        if path != other_path:
            raise TranslationMismatchError(f"Segment {path} pairs with {other_path}.")
        po.append(polib.POEntry(msgctxt=path, msgid=msgid, msgstr=msgstr))
    return po


def _string_segments(page: LegalDocumentPage) -> list[tuple[str, str]]:
    return [
        (segment.path, segment.string.data)
        for segment in extract_segments(page)
        if isinstance(segment, StringSegmentValue)
    ]
