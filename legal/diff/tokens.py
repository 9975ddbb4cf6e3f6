"""Rich text as diff tokens: words, whitespace, punctuation, line breaks and block boundaries.

Every text token carries its inline formatting (bold, italic, link target) in its comparison
key, so a changed ``href`` or bold region is a change while whitespace differences are not.
Only the elements of the legal-text allow-list (``legal.html_policy``) become structure or
formatting; anything else is unwrapped, its text kept, as freezing a text would do.
"""

from __future__ import annotations

import functools
import re
from html import escape
from html.parser import HTMLParser
from typing import Any, NamedTuple

from ..html_policy import BLOCK_ELEMENTS, INLINE_ELEMENTS, LINE_BREAK, LINK_ATTRIBUTE, safe_url

# Token kinds.
TEXT = 0
SPACE = 1
BREAK = 2
BOUNDARY = 3

# Whitespace compares equal whatever its form or formatting context, which is what makes
# whitespace-only edits invisible. The NUL prefix cannot collide with a text key:
# punctuation tokens are single characters.
SPACE_KEY = "\x00 "
BREAK_KEY = "\x00br"

# Words (letters/digits incl. Cyrillic and Kazakh letters), whitespace runs, or any other
# single character (punctuation is its own token so that a changed comma is a visible,
# minimal change).
_TOKEN_RE = re.compile(r"\w+|\s+|[^\w\s]")
_TEXT_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}

# Blocks that cannot contain other blocks: opening a block inside them implicitly closes
# them, as an HTML parser would (``<li>`` only for a sibling ``<li>``).
_AUTO_CLOSED = frozenset({"p", "li"})

# Content of these is never visible text.
_SKIPPED_TAGS = frozenset({"script", "style", "template"})


class Element(NamedTuple):
    """An open inline element (formatting or diff mark) as the renderer writes it.

    Attributes:
        identity: What it compares as: ``"b"`` for ``<b>`` and ``<strong>``, ``("a", href)``
            for a link, a ``("\\x00mark", …)`` tuple for diff marks.
        open_html: Its opening tag, attributes escaped.
        close_html: Its closing tag.
    """

    identity: Any
    open_html: str
    close_html: str


class Boundary(NamedTuple):
    """Where a block boundary leads: the enclosing block tags and how many of them continue.

    Attributes:
        path: Tags of the open blocks, outermost first (``("ul", "li")``).
        fresh: How many outer blocks of ``path`` are the same elements as at the previous
            boundary; the rest are new elements (a second ``<li>`` is a new ``li``).
    """

    path: tuple[str, ...]
    fresh: int


class Formatting:
    """Inline formatting context shared by consecutive text tokens.

    Attributes:
        elems: Open inline elements, outermost first, duplicates removed.
        idents: Their identities, as a set for the renderer.
        key: Tuple of identities for comparison keys, ``None`` when plain.
    """

    __slots__ = ("elems", "idents", "key")

    def __init__(self, elems: tuple[Element, ...]) -> None:
        self.elems = elems
        self.idents = frozenset(e.identity for e in elems)
        self.key = tuple(e.identity for e in elems) or None


PLAIN = Formatting(())


class Token(NamedTuple):
    """One diff token.

    Attributes:
        kind: ``TEXT``, ``SPACE``, ``BREAK`` or ``BOUNDARY``.
        key: Hashable comparison key fed to ``SequenceMatcher``.
        html: Escaped HTML of the token itself (``""`` for a boundary).
        context: The token's :class:`Formatting`; a :class:`Boundary` for boundaries.
        text: Visible text (unescaped), used for similarity.
    """

    kind: int
    key: Any
    html: str
    context: Formatting | Boundary
    text: str


# Tokens are built with tuple.__new__: the NamedTuple constructor is a Python function that
# costs twice as much, and a document has thousands of tokens.
_new = tuple.__new__


class _OpenBlock(NamedTuple):
    serial: int
    tag: str


class _OpenInline(NamedTuple):
    tag: str
    element: Element


class _PendingSpace(NamedTuple):
    context: Formatting
    nbsp: bool


class Tokenizer(HTMLParser):
    """Turn rich-text HTML into diff tokens.

    One instance is reused for all blocks of a comparison (``reset`` between inputs) because
    constructing ``HTMLParser`` is comparatively expensive.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        # One shared Formatting per set of open elements, for the whole comparison: the
        # consecutive words of a bold phrase share one object.
        self._formatting = functools.lru_cache(maxsize=None)(Formatting)
        self._start()

    def _start(self) -> None:
        self.tokens: list[Token] = []
        self._inline: list[_OpenInline] = []
        self._ctx = PLAIN
        self._blocks: list[_OpenBlock] = []
        self._serial = 0
        self._emitted_ids: tuple[int, ...] = ()
        self._blocks_dirty = False
        self._skip = 0
        self._pending_space: _PendingSpace | None = None

    def tokenize(self, html: str) -> list[Token]:
        """Tokenise one HTML fragment.

        Args:
            html: Rich-text HTML (or HTML-ish junk; parsing never fails).

        Returns:
            The token list, in document order.
        """
        try:
            return self._run(html)
        except AssertionError:
            # html.parser still raises AssertionError on a few malformed declarations
            # ("<![x]>"), and only there (its other assertions guard its own invariants):
            # neutralise every "<!" and read them as the text they are.
            return self._run(html.replace("<!", "&lt;!"))

    def _run(self, html: str) -> list[Token]:
        self.reset()
        self._start()
        self.feed(html)
        self.close()
        return self.tokens

    # -- parser callbacks -------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skip += 1
            return
        if self._skip:
            return
        if tag in BLOCK_ELEMENTS:
            blocks = self._blocks
            if blocks:
                inner = blocks[-1].tag
                if inner in _AUTO_CLOSED and not (inner == "li" and tag != "li"):
                    # <p> cannot hold blocks and <li> directly after <li> is a sibling;
                    # mirror the browser's implicit end tag.
                    blocks.pop()
            self._serial += 1
            blocks.append(_OpenBlock(self._serial, tag))
            self._blocks_dirty = True
        elif tag in INLINE_ELEMENTS:
            ident = INLINE_ELEMENTS[tag]
            if ident == "a":
                href = dict(attrs).get(LINK_ATTRIBUTE)
                ident = (ident, href)
                safe = safe_url(href)
                open_html = "<a>" if safe is None else f'<a href="{escape(safe)}">'
                elem = Element(ident, open_html, "</a>")
            else:
                elem = Element(ident, f"<{tag}>", f"</{tag}>")
            self._inline.append(_OpenInline(tag, elem))
            self._update_ctx()
        elif tag == LINE_BREAK:
            self._emit(BREAK, BREAK_KEY, "<br>", "\n")
        # Anything else (span, div, img, unknown tags) is unwrapped: its text is kept, the
        # element itself is not comparable content.

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in BLOCK_ELEMENTS or tag in INLINE_ELEMENTS or tag in _SKIPPED_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            if self._skip:
                self._skip -= 1
            return
        if self._skip:
            return
        if tag in BLOCK_ELEMENTS:
            blocks = self._blocks
            for i in range(len(blocks) - 1, -1, -1):
                if blocks[i].tag == tag:
                    del blocks[i:]
                    self._blocks_dirty = True
                    return
        elif tag in INLINE_ELEMENTS:
            inline = self._inline
            ident = INLINE_ELEMENTS[tag]
            for i in range(len(inline) - 1, -1, -1):
                opened = inline[i]
                # Exact tag first; </strong> also closes <b> (same identity).
                if opened.tag == tag or opened.element.identity == ident:
                    del inline[i]
                    self._update_ctx()
                    return

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        for piece in _TOKEN_RE.findall(data):
            if piece.isspace():
                if self._pending_space is None:
                    self._pending_space = _PendingSpace(self._ctx, "\xa0" in piece)
            else:
                key = piece if self._ctx.key is None else (piece, self._ctx.key)
                # Only single punctuation characters can need escaping; a dict lookup
                # beats html.escape() on every word of the document.
                self._emit(TEXT, key, _TEXT_ESCAPES.get(piece, piece), piece)

    # -- helpers ------------------------------------------------------------

    def _update_ctx(self) -> None:
        elems: dict[Any, Element] = {}
        for opened in self._inline:
            elems.setdefault(opened.element.identity, opened.element)
        self._ctx = self._formatting(tuple(elems.values()))

    def _emit(self, kind: int, key: Any, html: str, text: str) -> None:
        tokens = self.tokens
        if self._blocks_dirty:
            self._blocks_dirty = False
            ids = tuple(b.serial for b in self._blocks)
            if ids != self._emitted_ids:
                fresh = 0
                for a, b in zip(self._emitted_ids, ids, strict=False):
                    if a != b:
                        break
                    fresh += 1
                path = tuple(b.tag for b in self._blocks)
                marker = ("\x00B", path, fresh)
                tokens.append(_new(Token, (BOUNDARY, marker, "", Boundary(path, fresh), " ")))
                self._emitted_ids = ids
                # Whitespace at a block boundary is not content.
                self._pending_space = None
        pending = self._pending_space
        if pending is not None:
            self._pending_space = None
            # Whitespace before the first token, or right before or after <br>, is not
            # content (after a block boundary it was dropped above).
            if tokens and tokens[-1].kind != BREAK and kind != BREAK:
                space = "\xa0" if pending.nbsp else " "
                tokens.append(_new(Token, (SPACE, SPACE_KEY, space, pending.context, " ")))
        tokens.append(_new(Token, (kind, key, html, self._ctx, text)))
