"""Pure comparison core for versions of a legal document.

A document version is a list of blocks (an optional preamble, numbered
section headings and numbered clauses whose body is Wagtail-rendered rich
text).  :func:`diff_versions` compares two versions and returns a
:class:`DocumentDiff` the templates can render either as one redline
(``inline_html``) or side by side (``old_side_html`` / ``new_side_html``).

The module is deliberately free of Django and database imports so it can be
unit-tested and benchmarked in isolation; it only uses the standard library.

Design notes:

* **Alignment.**  Clauses are paired in passes of decreasing confidence:
  identical content (preferring the same number), then a lazy greedy
  best-similarity search in which the same number only earns a small bonus.
  Pairing by number alone would turn one clause inserted in the middle of a
  section into a cascade of "changed" clauses, because every following clause
  is renumbered.  Sections are aligned the same way, by heading.
* **Word diff.**  Rich text is tokenised into words, whitespace, single
  punctuation characters, void elements (``<br>``, ``<img>``) and
  block-boundary markers.  Every text token carries its inline formatting
  context (bold, italic, link target...) in its comparison key, so a changed
  ``href`` or bold region is a change while whitespace differences are not.
* **Rendering.**  Output HTML is rebuilt from tokens by a small stack machine
  rather than by splicing the input, which guarantees well-formed output:
  ``<ins>``/``<del>`` never wrap partial tags and never cross a ``<p>`` or
  ``<li>`` boundary.  Only a whitelist of elements and attributes survives,
  with unsafe link schemes dropped, so the output is safe to mark as safe.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from html import escape
from html.parser import HTMLParser
from itertools import zip_longest
from typing import Any

__all__ = [
    "SIMILARITY_THRESHOLD",
    "BlockDiff",
    "DiffSummary",
    "DocumentDiff",
    "diff_versions",
    "reconstruct_new",
    "reconstruct_old",
    "visible_text",
]

#: Minimum similarity (difflib ratio over normalised words) for two clauses
#: with different numbers, or a heavily rewritten clause, to count as "the same
#: clause".  Below it the pair is reported as removed + added.
SIMILARITY_THRESHOLD = 0.6

#: Score bonus for candidate pairs that share a number.  Small on purpose: it
#: only breaks near-ties in favour of "edited in place", it must never beat a
#: clearly better content match (that is what detects renumbering).
SAME_NUMBER_BONUS = 0.05

# ---------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------
# A token is a plain tuple for speed: (kind, key, html, payload, text).
#   kind    one of the _K_* constants below
#   key     hashable comparison key fed to SequenceMatcher
#   html    pre-rendered, escaped HTML of the token itself
#   payload _Ctx for content tokens, (path, fresh) for block markers
#   text    visible text (unescaped), used for similarity and visible_text()
_K_TEXT = 0
_K_SPACE = 1
_K_VOID = 2
_K_BLOCK = 3

# Whitespace compares equal whatever its form or formatting context, which is
# what makes whitespace-only edits invisible.  The NUL prefix cannot collide
# with a text key: punctuation tokens are single characters.
_SPACE_KEY = "\x00 "
_BR_KEY = "\x00br"

# Words (letters/digits incl. Cyrillic and Kazakh letters), whitespace runs,
# or any other single character (punctuation is its own token so that a
# changed comma is a visible, minimal change).
_TOKEN_RE = re.compile(r"\w+|\s+|[^\w\s]")
_WS_RE = re.compile(r"\s+")
_TEXT_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}

_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "caption", "dd", "div", "dl",
        "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "li", "main", "nav", "ol", "p", "pre", "section", "table",
        "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
# Elements that cannot contain other blocks: opening a block inside them
# implicitly closes them, as an HTML parser would.
_AUTO_CLOSED = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "li"})

# Source inline tag -> (identity used in comparison keys, tag rendered).
# <strong>/<em> compare equal to <b>/<i> (same rendering).  Input <ins>/<del>
# are rendered as <u>/<s> so they can never be mistaken for diff marks.
_INLINE_TAGS = {
    "a": ("a", "a"),
    "abbr": ("abbr", "abbr"),
    "b": ("b", "b"),
    "cite": ("cite", "cite"),
    "code": ("code", "code"),
    "del": ("s", "s"),
    "em": ("i", "em"),
    "i": ("i", "i"),
    "ins": ("u", "u"),
    "kbd": ("kbd", "kbd"),
    "mark": ("mark", "mark"),
    "q": ("q", "q"),
    "s": ("s", "s"),
    "small": ("small", "small"),
    "strike": ("s", "s"),
    "strong": ("b", "strong"),
    "sub": ("sub", "sub"),
    "sup": ("sup", "sup"),
    "u": ("u", "u"),
}
# Content of these is never visible text.
_SKIPPED_TAGS = frozenset({"script", "style", "template"})
_UNSAFE_URL_RE = re.compile(r"^(?:javascript|vbscript|data):", re.IGNORECASE)
_URL_JUNK_RE = re.compile(r"[\x00-\x20\x7f]+")
_IMG_ATTRS = ("src", "alt", "width", "height", "class")

# Marks are stack elements like inline formatting; identities are tuples so
# they can never equal an inline identity (strings or ("a", href)).
_MARK_ELEMS = {
    "ins": (("\x00mark", "ins"), "<ins>", "</ins>"),
    "del": (("\x00mark", "del"), "<del>", "</del>"),
}


class _Ctx:
    """Inline formatting context shared by consecutive text tokens.

    Attributes:
        elems: Open inline elements, outermost first, as
            ``(identity, open_html, close_html)``; duplicates removed.
        idents: The identities, as a set for the renderer.
        key: Tuple of identities for comparison keys, ``None`` when plain.
    """

    __slots__ = ("elems", "idents", "key")

    def __init__(self, elems: tuple[tuple[Any, str, str], ...]) -> None:
        self.elems = elems
        self.idents = frozenset(e[0] for e in elems)
        self.key = tuple(e[0] for e in elems) or None


_EMPTY_CTX = _Ctx(())


def _safe_href(value: str | None) -> str | None:
    """Return ``value`` unless it is a script-capable URL.

    Browsers ignore control characters and whitespace inside the scheme, so
    those are stripped before checking (``java\\tscript:`` is still script).
    """
    if value is None:
        return None
    if _UNSAFE_URL_RE.match(_URL_JUNK_RE.sub("", value)):
        return None
    return value


class _Tokenizer(HTMLParser):
    """Turn rich-text HTML into diff tokens.

    One instance is reused for all blocks of a comparison (``reset`` between
    inputs) because constructing ``HTMLParser`` is comparatively expensive.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._ctx_cache: dict[tuple, _Ctx] = {}
        self._start()

    def _start(self) -> None:
        self.tokens: list[tuple] = []
        self._inline: list[tuple[str, tuple[Any, str, str]]] = []  # (src tag, elem)
        self._ctx = _EMPTY_CTX
        self._blocks: list[tuple[int, str]] = []  # (serial, tag)
        self._serial = 0
        self._emitted_ids: tuple[int, ...] = ()
        self._emitted_tags: tuple[str, ...] = ()
        self._blocks_dirty = False
        self._skip = 0
        self._pending_space: tuple[_Ctx, bool] | None = None
        self._has_content = False
        self._after_break = False

    def tokenize(self, html: str) -> list[tuple]:
        """Tokenise one HTML fragment.

        Args:
            html: Rich-text HTML (or HTML-ish junk; parsing never fails).

        Returns:
            The token list, in document order.
        """
        try:
            return self._run(html)
        except Exception:
            # html.parser still raises AssertionError on a few malformed
            # declarations ("<![x]>"); neutralise them and retry, and as a
            # last resort treat the whole input as literal text (no "<" left,
            # so that cannot fail).
            try:
                return self._run(html.replace("<!", "&lt;!"))
            except Exception:
                return self._run(escape(html, quote=False))

    def _run(self, html: str) -> list[tuple]:
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
        if tag in _BLOCK_TAGS:
            blocks = self._blocks
            if (
                blocks
                and blocks[-1][1] in _AUTO_CLOSED
                and not (blocks[-1][1] == "li" and tag != "li")
            ):
                # <p> cannot hold blocks and <li> directly after <li> is a
                # sibling; mirror the browser's implicit end tag.
                blocks.pop()
            self._serial += 1
            blocks.append((self._serial, tag))
            self._blocks_dirty = True
        elif tag in _INLINE_TAGS:
            ident, out_tag = _INLINE_TAGS[tag]
            if ident == "a":
                href = dict(attrs).get("href")
                ident = ("a", href)
                safe = _safe_href(href)
                open_html = "<a>" if safe is None else f'<a href="{escape(safe)}">'
                elem = (ident, open_html, "</a>")
            else:
                elem = (ident, f"<{out_tag}>", f"</{out_tag}>")
            self._inline.append((tag, elem))
            self._update_ctx()
        elif tag == "br":
            self._emit(_K_VOID, _BR_KEY, "<br>", "\n")
        elif tag == "img":
            amap = dict(attrs)
            parts = "".join(
                f' {name}="{escape(amap[name] or "")}"' for name in _IMG_ATTRS if name in amap
            )
            src = amap.get("src")
            if src is not None and _safe_href(src) is None:
                parts = ""
            key = ("\x00img", src, amap.get("alt"), self._ctx.key)
            self._emit(_K_VOID, key, f"<img{parts}>", "")
        # Anything else (span, font, unknown tags) is unwrapped: its text is
        # kept, the element itself is not comparable content.

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in _BLOCK_TAGS or tag in _INLINE_TAGS or tag in _SKIPPED_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            if self._skip:
                self._skip -= 1
            return
        if self._skip:
            return
        if tag in _BLOCK_TAGS:
            blocks = self._blocks
            for i in range(len(blocks) - 1, -1, -1):
                if blocks[i][1] == tag:
                    del blocks[i:]
                    self._blocks_dirty = True
                    break
        elif tag in _INLINE_TAGS:
            inline = self._inline
            ident = _INLINE_TAGS[tag][0]
            for i in range(len(inline) - 1, -1, -1):
                src, elem = inline[i]
                # Exact tag first; </strong> also closes <b> (same identity).
                if src == tag or elem[0] == ident:
                    del inline[i]
                    self._update_ctx()
                    break

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        for piece in _TOKEN_RE.findall(data):
            if piece.isspace():
                if self._pending_space is None:
                    self._pending_space = (self._ctx, "\xa0" in piece)
            else:
                key = piece if self._ctx.key is None else (piece, self._ctx.key)
                # Only single punctuation characters can need escaping; a dict
                # lookup beats html.escape() on every word of the document.
                self._emit(_K_TEXT, key, _TEXT_ESCAPES.get(piece, piece), piece)

    # -- helpers ------------------------------------------------------------

    def _update_ctx(self) -> None:
        elems: dict[Any, tuple[Any, str, str]] = {}
        for _, elem in self._inline:
            elems.setdefault(elem[0], elem)
        sig = tuple(elems.values())
        ctx = self._ctx_cache.get(sig)
        if ctx is None:
            ctx = self._ctx_cache[sig] = _Ctx(sig) if sig else _EMPTY_CTX
        self._ctx = ctx

    def _emit(self, kind: int, key: Any, html: str, text: str) -> None:
        tokens = self.tokens
        if self._blocks_dirty:
            self._blocks_dirty = False
            ids = tuple(b[0] for b in self._blocks)
            if ids != self._emitted_ids:
                old = self._emitted_ids
                fresh = 0
                for a, b in zip(old, ids, strict=False):
                    if a != b:
                        break
                    fresh += 1
                path = tuple(b[1] for b in self._blocks)
                tokens.append((_K_BLOCK, ("\x00B", path, fresh), "", (path, fresh), " "))
                self._emitted_ids = ids
                self._emitted_tags = path
                # Whitespace at a block boundary is not content.
                self._pending_space = None
                self._has_content = False
                self._after_break = False
        pending = self._pending_space
        if pending is not None:
            self._pending_space = None
            if self._has_content and not self._after_break and key != _BR_KEY:
                ctx, nbsp = pending
                tokens.append((_K_SPACE, _SPACE_KEY, "\xa0" if nbsp else " ", ctx, " "))
        tokens.append((kind, key, html, self._ctx, text))
        self._has_content = True
        # Whitespace right after <br> is insignificant, like at a block start.
        self._after_break = key == _BR_KEY


# ---------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------


def _render(stream: list[tuple[tuple, str | None]]) -> str:
    """Render ``(token, mark)`` pairs as well-formed HTML.

    Block elements sit at the bottom of the element stack, then inline
    formatting and diff marks in any order.  Before each content token the
    longest prefix of open inline elements that the token still needs is kept
    and everything else is closed; missing elements are opened (mark first, so
    a run of inserted formatted words shares one ``<ins>``).  Because elements
    are only ever closed in stack order, the output is always balanced, and
    because a block change closes everything above the blocks, marks never
    straddle a ``<p>``/``<li>`` boundary.

    Args:
        stream: Tokens with their mark (``None``, ``"ins"`` or ``"del"``).

    Returns:
        The HTML string.
    """
    out: list[str] = []
    append = out.append
    blocks: list[str] = []
    inline: list[tuple[Any, str, str]] = []
    pending: tuple[tuple[str, ...], int] | None = None
    content_in_block = False
    last_ctx: Any = None
    last_mark: Any = 0  # sentinel distinct from None

    for tok, mark in stream:
        kind = tok[0]
        if kind == _K_BLOCK:
            path, fresh = tok[3]
            # Consecutive markers (e.g. a deleted then an inserted paragraph
            # boundary) collapse into one transition; min() keeps the
            # shallowest "new element from here" depth of both.
            pending = (path, fresh) if pending is None else (path, min(pending[1], fresh))
            continue
        if pending is not None:
            path, fresh = pending
            pending = None
            keep = 0
            limit = min(fresh, len(blocks), len(path))
            while keep < limit and blocks[keep] == path[keep]:
                keep += 1
            changed = keep < len(blocks) or keep < len(path)
            if not changed and content_in_block:
                # The source had a boundary here that the merged structure
                # would swallow; split the innermost block (or, at top level,
                # keep the words apart) so text never runs together.
                if blocks:
                    keep -= 1
                else:
                    for elem in reversed(inline):
                        append(elem[2])
                    inline.clear()
                    append(" ")
            if keep < len(blocks) or keep < len(path):
                for elem in reversed(inline):
                    append(elem[2])
                inline.clear()
                for tag in reversed(blocks[keep:]):
                    append(f"</{tag}>")
                del blocks[keep:]
                for tag in path[keep:]:
                    append(f"<{tag}>")
                    blocks.append(tag)
            content_in_block = False
            last_ctx = None
        ctx = tok[3]
        if ctx is not last_ctx or mark != last_mark:
            mark_elem = _MARK_ELEMS[mark] if mark else None
            want = ctx.idents
            keep = 0
            for elem in inline:
                ident = elem[0]
                if not (ident in want or (mark_elem is not None and ident == mark_elem[0])):
                    break
                keep += 1
            for elem in reversed(inline[keep:]):
                append(elem[2])
            del inline[keep:]
            have = {elem[0] for elem in inline}
            if mark_elem is not None and mark_elem[0] not in have:
                append(mark_elem[1])
                inline.append(mark_elem)
            for elem in ctx.elems:
                if elem[0] not in have:
                    append(elem[1])
                    inline.append(elem)
            last_ctx = ctx
            last_mark = mark
        append(tok[2])
        content_in_block = True

    for elem in reversed(inline):
        append(elem[2])
    for tag in reversed(blocks):
        append(f"</{tag}>")
    return "".join(out)


def _segments(tokens: list[tuple]) -> list[list[tuple]]:
    """Split tokens at block markers; segment 0 holds tokens before the first."""
    segs: list[list[tuple]] = [[]]
    for tok in tokens:
        if tok[0] == _K_BLOCK:
            segs.append([])
        segs[-1].append(tok)
    return segs


def _word_diff(old: list[tuple], new: list[tuple]) -> tuple[str, str, str, float]:
    """Diff two token lists.

    Args:
        old: Tokens of the old version.
        new: Tokens of the new version.

    Returns:
        ``(inline_html, old_side_html, new_side_html, ratio)``.
    """
    a = [t[1] for t in old]
    b = [t[1] for t in new]
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    ops = matcher.get_opcodes()
    # A lone space kept "equal" between two changes produces choppy output
    # (<del>x</del><ins>y</ins> <del>z</del><ins>w</ins>); fold it into the
    # surrounding change so the reader sees one replaced phrase.
    tags = [op[0] for op in ops]
    for k in range(1, len(ops) - 1):
        _, i1, i2, _, _ = ops[k]
        if tags[k] == "equal" and all(key == _SPACE_KEY for key in a[i1:i2]):
            tags[k] = "replace"
    merged: list[list] = []
    for tag, (_, i1, i2, j1, j2) in zip(tags, ops, strict=True):
        if tag != "equal" and merged and merged[-1][0] != "equal":
            merged[-1][2] = i2
            merged[-1][4] = j2
        else:
            merged.append([tag, i1, i2, j1, j2])

    inline: list[tuple[tuple, str | None]] = []
    old_side: list[tuple[tuple, str | None]] = []
    new_side: list[tuple[tuple, str | None]] = []
    for tag, i1, i2, j1, j2 in merged:
        if tag == "equal":
            inline.extend((t, None) for t in new[j1:j2])
            old_side.extend((t, None) for t in old[i1:i2])
            new_side.extend((t, None) for t in new[j1:j2])
            continue
        dels = old[i1:i2]
        inss = new[j1:j2]
        old_side.extend((t, "del") for t in dels)
        new_side.extend((t, "ins") for t in inss)
        # Interleave per block so inserted words land in the paragraph they
        # belong to instead of after every deleted paragraph.
        for dseg, iseg in zip_longest(_segments(dels), _segments(inss), fillvalue=()):
            inline.extend((t, "del") for t in dseg)
            inline.extend((t, "ins") for t in iseg)
    return _render(inline), _render(old_side), _render(new_side), matcher.ratio()


# ---------------------------------------------------------------------------
# Public result types
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BlockDiff:
    """Comparison result for one preamble, section heading or clause.

    Attributes:
        kind: ``"preamble"``, ``"section"`` or ``"clause"``.
        status: ``"unchanged"``, ``"changed"`` (same number, different
            content), ``"added"``, ``"removed"`` or ``"moved"`` (paired with
            a block under a different number: renumbered or moved to another
            section; the inline diff shows any text change as well).
        old_number: Number in the old version, ``None`` if added/preamble.
        new_number: Number in the new version, ``None`` if removed/preamble.
        old_html: Input HTML of the old version (``""`` if added).  For
            sections: the heading text, HTML-escaped.
        new_html: Input HTML of the new version (``""`` if removed).
        inline_html: One redline: structure preserved, ``<del>`` for deleted
            and ``<ins>`` for inserted words.
        old_side_html: Old HTML with only ``<del>`` marks (``""`` if added).
        new_side_html: New HTML with only ``<ins>`` marks (``""`` if removed).
        similarity: 1.0 for identical content, 0.0 for added/removed, else
            the difflib ratio of the token-level diff.
    """

    kind: str
    status: str
    old_number: str | None
    new_number: str | None
    old_html: str
    new_html: str
    inline_html: str
    old_side_html: str
    new_side_html: str
    similarity: float

    @property
    def anchor(self) -> str:
        """Fragment id for links: ``"p-" + number`` (``"p-preamble"`` for the preamble)."""
        return "p-" + (self.new_number or self.old_number or self.kind)

    @property
    def is_change(self) -> bool:
        """Whether the block differs between the versions in any way."""
        return self.status != "unchanged"


@dataclass(frozen=True)
class DiffSummary:
    """Counts of changes.

    Attributes:
        changed: Clauses edited in place (same number).
        added: Clauses only in the new version.
        removed: Clauses only in the old version.
        moved: Clauses renumbered or moved to another section.
        sections_changed: Section blocks not unchanged (heading edited,
            added, removed or renumbered); kept apart from clause counts.
        preamble_changed: Whether the preamble differs.
    """

    changed: int = 0
    added: int = 0
    removed: int = 0
    moved: int = 0
    sections_changed: int = 0
    preamble_changed: bool = False

    @property
    def total(self) -> int:
        """Number of clauses that differ in any way."""
        return self.changed + self.added + self.removed + self.moved

    @property
    def has_changes(self) -> bool:
        """Whether anything at all differs."""
        return bool(self.total or self.sections_changed or self.preamble_changed)


@dataclass(frozen=True)
class DocumentDiff:
    """Comparison of two document versions.

    Attributes:
        blocks: All blocks in reading order of the new version; removed blocks
            sit where they stood in the old version.
        summary: Change counts, derived from ``blocks``.
    """

    blocks: tuple[BlockDiff, ...]
    summary: DiffSummary = field(init=False)

    def __post_init__(self) -> None:
        counts = Counter(b.status for b in self.blocks if b.kind == "clause")
        summary = DiffSummary(
            changed=counts["changed"],
            added=counts["added"],
            removed=counts["removed"],
            moved=counts["moved"],
            sections_changed=sum(1 for b in self.blocks if b.kind == "section" and b.is_change),
            preamble_changed=any(b.kind == "preamble" and b.is_change for b in self.blocks),
        )
        # Frozen dataclass: derived field is set once, here.
        object.__setattr__(self, "summary", summary)

    @property
    def has_changes(self) -> bool:
        """Whether the versions differ at all."""
        return self.summary.has_changes

    @property
    def changes(self) -> tuple[BlockDiff, ...]:
        """Only the blocks that differ (any kind), in reading order."""
        return tuple(b for b in self.blocks if b.is_change)


# ---------------------------------------------------------------------------
# Alignment
# ---------------------------------------------------------------------------


class _Item:
    """One input block with lazily computed, cached derived forms."""

    __slots__ = ("_counter", "_tokens", "_tok", "html", "keys", "kind", "number", "sim")

    def __init__(self, kind: str, number: str | None, html: str, tok: _Tokenizer) -> None:
        self.kind = kind
        self.number = number
        self.html = html
        self._tok = tok
        self._tokens: list[tuple] | None = None
        self.keys: tuple | None = None
        self.sim: list[str] | None = None
        self._counter: Counter | None = None

    @property
    def tokens(self) -> list[tuple]:
        return self.ensure()._tokens  # type: ignore[return-value]

    def ensure(self) -> _Item:
        """Tokenise on first use and cache keys and similarity words.

        Old blocks paired by identical raw HTML are never tokenised at all
        (only the new side is rendered), which is the common case.
        """
        if self._tokens is None:
            self._tokens = self._tok.tokenize(self.html)
            self.keys = tuple(t[1] for t in self._tokens)
            # Similarity looks at words and punctuation only, case-folded:
            # formatting and whitespace should not decide which clause is which.
            self.sim = [t[4].casefold() for t in self._tokens if t[0] == _K_TEXT]
        return self

    @property
    def counter(self) -> Counter:
        if self._counter is None:
            self._counter = Counter(self.ensure().sim)
        return self._counter


def _quick_ratio(a: _Item, b: _Item) -> float:
    """difflib's ``quick_ratio`` on cached multisets (upper bound of ratio)."""
    total = len(a.sim) + len(b.sim)
    if not total:
        return 1.0
    ca, cb = a.counter, b.counter
    if len(ca) > len(cb):
        ca, cb = cb, ca
    matches = sum(min(n, cb[w]) for w, n in ca.items())
    return 2.0 * matches / total


def _align(old: list[_Item], new: list[_Item]) -> dict[int, int]:
    """Pair blocks of one kind between versions.

    Args:
        old: Old blocks, in document order.
        new: New blocks, in document order.

    Returns:
        Mapping new index -> old index for paired blocks; the rest are added
        or removed.
    """
    pairs: dict[int, int] = {}
    used: set[int] = set()
    by_number: dict[str, list[int]] = {}
    for i, item in enumerate(old):
        if item.number is not None:
            by_number.setdefault(item.number, []).append(i)

    def same_number(j: int, equal: Any) -> None:
        number = new[j].number
        for i in by_number.get(number, ()) if number is not None else ():
            if i not in used and equal(old[i], new[j]):
                pairs[j] = i
                used.add(i)
                return

    def identical(by: Any) -> None:
        # Identical content: same number first (unchanged), then by order
        # (renumbered/moved), which keeps repeated identical clauses stable.
        index: dict[Any, list[int]] = {}
        for i, item in enumerate(old):
            if i not in used:
                index.setdefault(by(item), []).append(i)
        for j in range(len(new)):
            if j not in pairs:
                same_number(j, lambda o, n: by(o) == by(n))
        for j, item in enumerate(new):
            if j in pairs:
                continue
            for i in index.get(by(item), ()):
                if i not in used:
                    pairs[j] = i
                    used.add(i)
                    break

    # Raw string equality first: it is free and covers most clauses, so only
    # the remainder ever gets tokenised for this pass.
    identical(lambda item: item.html)
    identical(lambda item: item.ensure().keys)

    rest_old = [i for i in range(len(old)) if i not in used]
    rest_new = [j for j in range(len(new)) if j not in pairs]
    if not rest_old or not rest_new:
        return pairs

    # Lazy greedy "best match wins": every candidate starts with the cheap
    # length bound (real_quick_ratio), is refined to the multiset bound
    # (quick_ratio) and finally the exact ratio only when it reaches the top
    # of the heap.  Since bounds never underestimate, a popped exact score is
    # the best remaining pair, and expensive ratios are computed only for a
    # handful of plausible pairs instead of all n*m.
    heap: list[tuple[float, int, int, int]] = []
    for j in rest_new:
        nj = new[j].ensure()
        ln = len(nj.sim)
        for i in rest_old:
            oi = old[i].ensure()
            lo = len(oi.sim)
            bound = 2.0 * min(lo, ln) / (lo + ln) if lo + ln else 1.0
            if bound < SIMILARITY_THRESHOLD:
                continue
            bonus = SAME_NUMBER_BONUS if nj.number is not None and nj.number == oi.number else 0
            heap.append((-(bound + bonus), 0, i, j))  # (-score, -stage, i, j)
    heapq.heapify(heap)
    matchers: dict[int, SequenceMatcher] = {}
    paired_new: set[int] = set()
    while heap:
        _, neg_stage, i, j = heapq.heappop(heap)
        if i in used or j in paired_new:
            continue
        stage = -neg_stage
        number = new[j].number
        bonus = SAME_NUMBER_BONUS if number is not None and number == old[i].number else 0
        if stage == 0:
            score = _quick_ratio(old[i], new[j])
        elif stage == 1:
            matcher = matchers.get(j)
            if matcher is None:
                # seq2 is the one difflib indexes; reuse it across old clauses.
                matcher = matchers[j] = SequenceMatcher(None, autojunk=False)
                matcher.set_seq2(new[j].sim)
            matcher.set_seq1(old[i].sim)
            score = matcher.ratio()
        else:
            pairs[j] = i
            used.add(i)
            paired_new.add(j)
            continue
        if score >= SIMILARITY_THRESHOLD:
            # -stage: within equal scores an exact score pops before mere
            # bounds of the same value, saving needless refinements.
            heapq.heappush(heap, (-(score + bonus), -(stage + 1), i, j))
    return pairs


# ---------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------


def _number(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _items(blocks: Any, tok: _Tokenizer) -> list[_Item]:
    items: list[_Item] = []
    for block in blocks or ():
        if not isinstance(block, dict):
            continue
        kind = block.get("type")
        if kind == "section":
            heading = block.get("heading")
            html = escape("" if heading is None else str(heading), quote=False)
        elif kind in ("clause", "preamble"):
            raw = block.get("html")
            html = "" if raw is None else str(raw)
        else:
            continue
        number = None if kind == "preamble" else _number(block.get("number"))
        items.append(_Item(kind, number, html, tok))
    return items


def _section_of(number: str | None) -> str | None:
    return None if number is None else number.split(".", 1)[0]


def _pair_diff(kind: str, o: _Item, n: _Item) -> BlockDiff:
    same = o.number == n.number
    if o.html == n.html or o.ensure().keys == n.ensure().keys:
        html = _render([(t, None) for t in n.tokens])
        inline = old_side = new_side = html
        status, similarity = ("unchanged" if same else "moved"), 1.0
    else:
        inline, old_side, new_side, similarity = _word_diff(o.tokens, n.tokens)
        status = "changed" if same else "moved"
    return BlockDiff(
        kind=kind,
        status=status,
        old_number=o.number,
        new_number=n.number,
        old_html=o.html,
        new_html=n.html,
        inline_html=inline,
        old_side_html=old_side,
        new_side_html=new_side,
        similarity=similarity,
    )


def _single_diff(kind: str, item: _Item, *, added: bool) -> BlockDiff:
    mark = "ins" if added else "del"
    html = _render([(t, mark) for t in item.tokens])
    return BlockDiff(
        kind=kind,
        status="added" if added else "removed",
        old_number=None if added else item.number,
        new_number=item.number if added else None,
        old_html="" if added else item.html,
        new_html=item.html if added else "",
        inline_html=html,
        old_side_html="" if added else html,
        new_side_html=html if added else "",
        similarity=0.0,
    )


def diff_versions(old_blocks: list[dict], new_blocks: list[dict]) -> DocumentDiff:
    """Compare two versions of a document.

    Args:
        old_blocks: Blocks of the old version, in document order.
        new_blocks: Blocks of the new version, in document order.

    Returns:
        The :class:`DocumentDiff`, blocks in the new version's reading order
        with removed blocks placed where they stood in the old version.
    """
    tok = _Tokenizer()
    old = _items(old_blocks, tok)
    new = _items(new_blocks, tok)

    # Align each kind separately (a clause never pairs with a heading) and
    # translate back to positions in the full block lists.
    new_to_old: dict[int, int] = {}
    for kind in ("preamble", "section", "clause"):
        o_idx = [i for i, it in enumerate(old) if it.kind == kind]
        n_idx = [j for j, it in enumerate(new) if it.kind == kind]
        if not o_idx and not n_idx:
            continue
        pairs = _align([old[i] for i in o_idx], [new[j] for j in n_idx])
        if kind == "preamble" and len(o_idx) == len(n_idx) == 1 and not pairs:
            # There is only one preamble: however rewritten, it is the same one.
            pairs = {0: 0}
        for j, i in pairs.items():
            new_to_old[n_idx[j]] = o_idx[i]
    old_to_new = {i: j for j, i in new_to_old.items()}

    # Old section number -> new section number, to tell whether a paired
    # clause stayed in its section (a good anchor for removed neighbours).
    section_map = {
        old[i].number: new[j].number for j, i in new_to_old.items() if new[j].kind == "section"
    }

    def good_anchor(i: int) -> bool:
        item = old[i]
        if item.kind != "clause":
            return True
        old_sec = _section_of(item.number)
        new_sec = _section_of(new[old_to_new[i]].number)
        return section_map.get(old_sec, old_sec) == new_sec

    entries: list[tuple[int, int, int, BlockDiff]] = []
    for j, item in enumerate(new):
        i = new_to_old.get(j)
        diff = (
            _single_diff(item.kind, item, added=True)
            if i is None
            else _pair_diff(item.kind, old[i], item)
        )
        entries.append((j, 0, 0, diff))
    for i, item in enumerate(old):
        if i in old_to_new:
            continue
        # Anchor after the nearest preceding old block that is still in place
        # (not one that moved to another section); fall back to any paired
        # predecessor, then to the top of the document.
        anchor = fallback = -1
        for k in range(i - 1, -1, -1):
            if k in old_to_new:
                if fallback < 0:
                    fallback = old_to_new[k]
                if good_anchor(k):
                    anchor = old_to_new[k]
                    break
        else:
            anchor = fallback
        if item.kind == "preamble":
            anchor = -1
        entries.append((anchor, 1, i, _single_diff(item.kind, item, added=False)))
    # Preamble always leads: it precedes everything in either version.
    entries.sort(key=lambda e: (e[3].kind != "preamble", e[0], e[1], e[2]))
    return DocumentDiff(blocks=tuple(e[3] for e in entries))


# ---------------------------------------------------------------------------
# Helpers for templates and tests
# ---------------------------------------------------------------------------

_INS_RE = re.compile(r"<ins\b[^>]*>.*?</ins>", re.DOTALL | re.IGNORECASE)
_DEL_RE = re.compile(r"<del\b[^>]*>.*?</del>", re.DOTALL | re.IGNORECASE)
_DEL_TAG_RE = re.compile(r"</?del\b[^>]*>", re.IGNORECASE)
_INS_TAG_RE = re.compile(r"</?ins\b[^>]*>", re.IGNORECASE)


def reconstruct_old(diff_html: str) -> str:
    """Recover the old HTML from a redline produced by this module.

    Drops ``<ins>`` elements with their content and unwraps ``<del>``.  A
    regex is sufficient because marks produced here never nest and all text
    and attribute values are escaped.

    Args:
        diff_html: ``inline_html`` or ``old_side_html`` of a :class:`BlockDiff`.

    Returns:
        The old version's HTML (equal modulo whitespace normalisation).
    """
    return _DEL_TAG_RE.sub("", _INS_RE.sub("", diff_html))


def reconstruct_new(diff_html: str) -> str:
    """Recover the new HTML from a redline produced by this module.

    Args:
        diff_html: ``inline_html`` or ``new_side_html`` of a :class:`BlockDiff`.

    Returns:
        The new version's HTML (equal modulo whitespace normalisation).
    """
    return _INS_TAG_RE.sub("", _DEL_RE.sub("", diff_html))


def visible_text(html: str) -> str:
    """Return the normalised visible text of rich-text HTML.

    Block boundaries and ``<br>`` count as whitespace; whitespace runs
    collapse to one space.  This is the notion of "same text" the diff uses.

    Args:
        html: Rich-text HTML.

    Returns:
        The text, stripped, with single spaces.
    """
    tokens = _Tokenizer().tokenize(html)
    return _WS_RE.sub(" ", "".join(t[4] for t in tokens)).strip()
