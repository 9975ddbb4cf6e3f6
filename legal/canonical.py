"""The canonical form of a version text, and its SHA-256: pure functions, no database.

The hash must not change when nothing a reader could notice changed (JSON key order, runs of
whitespace, Unicode composition), and must change for any visible change, punctuation
included. So the canonical form is NFC-normalised, whitespace-collapsed and serialised with
sorted keys and no optional spaces.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata

_WHITESPACE_RE = re.compile(r"\s+")
CANONICAL_FIELDS = {
    "preamble": ("type", "html"),
    "section": ("type", "number", "heading"),
    "clause": ("type", "number", "html", "style"),
}


def _normalise(value: str) -> str:
    return _WHITESPACE_RE.sub(" ", unicodedata.normalize("NFC", value).replace("\xa0", " ")).strip()


def canonical_text(title: str, blocks: list[dict]) -> str:
    """Serialise a text so equal-looking texts give identical strings."""
    canonical_blocks = []
    for block in blocks:
        fields = CANONICAL_FIELDS.get(block.get("type"), tuple(sorted(block)))
        canonical_blocks.append({name: _normalise(str(block.get(name, ""))) for name in fields})
    payload = {"title": _normalise(title), "blocks": canonical_blocks}
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def text_digest(title: str, blocks: list[dict]) -> str:
    """SHA-256 (hex) of the canonical form of a text."""
    return hashlib.sha256(canonical_text(title, blocks).encode("utf-8")).hexdigest()


def html_digest(html: str) -> str:
    """SHA-256 (hex) of rendered HTML exactly as stored."""
    return hashlib.sha256(html.encode("utf-8")).hexdigest()
