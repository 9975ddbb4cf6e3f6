"""Turn a document's blocks into the HTML readers see: anchors, clause links, cross-references.

Pure functions over the block dicts described in ``legal.parser``; the same code renders the
live page, every frozen version and the admin previews, so anchors are identical everywhere.
"""

from __future__ import annotations

import html as html_lib
import re
from itertools import groupby

from django.utils.html import escape
from django.utils.translation import gettext as _

from .numbering import REFERENCE_RES, anchor_for

_TAG_RE = re.compile(r"(<[^>]*>)")
_LINK_RE = re.compile(r'<a href="(?P<href>[^"]*)">(?P<text>[^<]*)</a>')


def link_references(html: str, known_numbers: set[str] | None = None) -> str:
    """Wrap clause references in text nodes ("п.4.3.2.", "4.4-тармағында") in links.

    Text already inside a link is left alone, and with ``known_numbers`` a reference to a
    clause the document does not have stays plain text rather than becoming a dead link.
    """
    out: list[str] = []
    link_depth = 0
    for part in _TAG_RE.split(html):
        if part.startswith("<"):
            lowered = part.lower()
            if lowered.startswith("<a ") or lowered == "<a>":
                link_depth += 1
            elif lowered.startswith("</a"):
                link_depth = max(0, link_depth - 1)
            out.append(part)
        elif link_depth or not part:
            out.append(part)
        else:
            out.append(_link_text(part, known_numbers))
    return "".join(out)


def _link_text(text: str, known_numbers: set[str] | None) -> str:
    spans = []
    for pattern in REFERENCE_RES:
        for match in pattern.finditer(text):
            number = match.group("number")
            if known_numbers is None or number in known_numbers:
                spans.append((match.start(), match.end(), number))
    if not spans:
        return text
    spans.sort()
    out, position = [], 0
    for start, end, number in spans:
        if start < position:
            continue
        out.append(text[position:start])
        out.append(f'<a class="xref" href="#{anchor_for(number)}">{text[start:end]}</a>')
        position = end
    out.append(text[position:])
    return "".join(out)


def mark_bare_links(html: str) -> str:
    """Give links whose text is their own address the class ``bare-url``.

    The print stylesheet writes each external link's address after it; for
    "http://www.jetu.kz" that would print the address twice. Applied when a frozen text is
    shown, so the stored text stays exactly as published.
    """

    def mark(match: re.Match) -> str:
        href = html_lib.unescape(match["href"]).rstrip("/")
        text = html_lib.unescape(match["text"]).strip().rstrip("/")
        if href and href == text:
            return f'<a class="bare-url" href="{match["href"]}">{match["text"]}</a>'
        return match[0]

    return _LINK_RE.sub(mark, html)


def table_of_contents(blocks: list[dict]) -> list[dict]:
    """Sections with their anchors, for the document's table of contents."""
    return [
        {"number": b["number"], "heading": b["heading"], "anchor": anchor_for(b["number"])}
        for b in blocks
        if b["type"] == "section"
    ]


def render_blocks(blocks: list[dict]) -> str:
    """Render a document body. Consecutive list-style clauses share one ``<ul>``."""
    known = {b["number"] for b in blocks if b["type"] in ("section", "clause")}
    parts: list[str] = []
    for is_list, group in groupby(
        blocks, key=lambda b: b["type"] == "clause" and b.get("style") == "list"
    ):
        rendered = [_render_block(block, known, is_list) for block in group]
        if is_list:
            parts.append('<ul class="clauses">' + "".join(rendered) + "</ul>")
        else:
            parts.extend(rendered)
    return "\n".join(parts)


def _clause_link(number: str, *, section: bool = False) -> str:
    if section:
        label = _("Link to section %(number)s") % {"number": number}
    else:
        label = _("Link to clause %(number)s") % {"number": number}
    label = escape(label)
    return (
        f'<a class="clause-link" href="#{anchor_for(number)}" aria-label="{label}" '
        f'title="{label}" data-copy-link>#</a>'
    )


def _render_block(block: dict, known: set[str], in_list: bool) -> str:
    kind = block["type"]
    if kind == "preamble":
        return f'<div class="preamble">{link_references(block["html"], known)}</div>'
    number = escape(block["number"])
    anchor = anchor_for(block["number"])
    if kind == "section":
        return (
            f'<h2 class="section-heading" id="{anchor}">'
            f'<span class="number">{number}.</span> {escape(block["heading"])}'
            f"{_clause_link(block['number'], section=True)}</h2>"
        )
    depth = block["number"].count(".")
    tag = "li" if in_list else "div"
    body = link_references(block.get("html") or "", known)
    return (
        f'<{tag} class="clause clause--depth-{depth}" id="{anchor}">'
        f'<span class="number">{number}.</span> '
        f'<div class="clause-text">{body}</div>{_clause_link(block["number"])}</{tag}>'
    )
