"""The one HTML allow-list of legal texts, shared by import, freezing and the diff.

A legal text may carry exactly what the clause editor offers (``RICH_TEXT_FEATURES``):
paragraphs, line breaks, bold, italic, lists and links with a safe ``href``. Imported text
and every frozen text are cleaned to it, and the diff renders nothing else, so no path can
show a reader markup that another path would have removed.

Pure: no models, no settings; the diff package imports it.
"""

from __future__ import annotations

from wagtail.whitelist import Whitelister, allow_without_attributes, attribute_rule, check_url

#: The rich text editor's features for preambles and clauses.
RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]

#: Elements that hold text as blocks: words never run together across their boundaries.
BLOCK_ELEMENTS = frozenset({"p", "ul", "ol", "li"})

#: Inline formatting: tag -> what it looks like. ``<strong>`` renders as ``<b>`` and ``<em>``
#: as ``<i>``, so the diff treats each pair as one formatting.
INLINE_ELEMENTS = {"a": "a", "b": "b", "strong": "b", "i": "i", "em": "i"}

LINE_BREAK = "br"

#: The one attribute kept, on links.
LINK_ATTRIBUTE = "href"

ALLOWED_ELEMENTS = BLOCK_ELEMENTS | INLINE_ELEMENTS.keys() | {LINE_BREAK}


def safe_url(url: str | None) -> str | None:
    """Return ``url`` unless its scheme could run script (``javascript:``, ``data:``…).

    Wagtail's own check: only http, https, ftp, mailto and tel schemes (and relative URLs)
    pass, with the control characters browsers ignore inside a scheme stripped first.
    """
    return None if url is None else check_url(url)


class _LegalTextWhitelister(Whitelister):
    element_rules = {
        "[document]": allow_without_attributes,
        **dict.fromkeys(ALLOWED_ELEMENTS - {"a"}, allow_without_attributes),
        "a": attribute_rule({LINK_ATTRIBUTE: safe_url}),
    }


def clean_rich_text(html: str) -> str:
    """Strip everything but the allowed markup (scripts, handlers, ``javascript:`` links).

    Wagtail cleans rich text posted through its editor, not values written from code, so
    imported text is cleaned on the way in and every text again when it is frozen into a
    version: readers only ever see this.
    """
    return _LegalTextWhitelister().clean(html) if html else html
