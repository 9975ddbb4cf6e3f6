"""Word diff of two token lists, rendered as well-formed redline HTML.

Output HTML is rebuilt from tokens by a small stack machine rather than by splicing the
input, which guarantees well-formed output: ``<ins>``/``<del>`` never wrap partial tags and
never cross a ``<p>`` or ``<li>`` boundary. Tokens only carry allow-listed elements with safe
links, so the output is safe to mark as safe.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import zip_longest
from typing import NamedTuple

from .tokens import BOUNDARY, SPACE_KEY, Boundary, Element, Formatting, Token

# Marks are stack elements like inline formatting; identities are tuples so they can never
# equal an inline identity (strings or ("a", href)).
_MARKS = {
    "ins": Element(("\x00mark", "ins"), "<ins>", "</ins>"),
    "del": Element(("\x00mark", "del"), "<del>", "</del>"),
}


class Run(NamedTuple):
    """Consecutive tokens to render with one diff mark (``None``, ``"ins"`` or ``"del"``)."""

    tokens: list[Token]
    mark: str | None


class _Writer:
    """The element stack of :func:`render` and the HTML written so far.

    Block elements sit at the bottom of the stack, then inline formatting and diff marks in
    any order. Elements are only ever closed in stack order, so the output is balanced.
    """

    __slots__ = ("blocks", "inline", "out")

    def __init__(self) -> None:
        self.out: list[str] = []
        self.blocks: list[str] = []
        self.inline: list[Element] = []

    def close_inline(self) -> None:
        for elem in reversed(self.inline):
            self.out.append(elem.close_html)
        self.inline.clear()

    def enter(self, boundary: Boundary) -> None:
        """Move to the blocks of ``boundary``, closing and opening only what differs.

        Called only right before a content token, and never before the first one with an
        empty path (a version's first boundary always opens a block), so whenever the path
        equals the open blocks, content was written in them since the last boundary.
        """
        blocks, path = self.blocks, boundary.path
        keep = 0
        # ``fresh`` never exceeds ``len(path)``: it counts blocks of the path that continue.
        limit = min(boundary.fresh, len(blocks))
        while keep < limit and blocks[keep] == path[keep]:
            keep += 1
        if keep == len(blocks) == len(path):
            # The source had a boundary here that the merged structure would swallow; split
            # the innermost block (or, at top level, keep the words apart) so text never
            # runs together.
            if blocks:
                keep -= 1
            else:
                self.close_inline()
                self.out.append(" ")
        if keep < len(blocks) or keep < len(path):
            self.close_inline()
            for tag in reversed(blocks[keep:]):
                self.out.append(f"</{tag}>")
            del blocks[keep:]
            for tag in path[keep:]:
                self.out.append(f"<{tag}>")
                blocks.append(tag)

    def format(self, ctx: Formatting, mark: Element | None) -> None:
        """Keep the longest prefix of open inline elements still wanted, open the rest.

        The mark opens first, so a run of inserted formatted words shares one ``<ins>``.
        """
        inline = self.inline
        want = ctx.idents
        keep = 0
        for elem in inline:
            if not (elem.identity in want or elem is mark):
                break
            keep += 1
        for elem in reversed(inline[keep:]):
            self.out.append(elem.close_html)
        del inline[keep:]
        have = {elem.identity for elem in inline}
        if mark is not None and mark.identity not in have:
            self.out.append(mark.open_html)
            inline.append(mark)
        for elem in ctx.elems:
            if elem.identity not in have:
                self.out.append(elem.open_html)
                inline.append(elem)

    def finish(self) -> str:
        self.close_inline()
        for tag in reversed(self.blocks):
            self.out.append(f"</{tag}>")
        return "".join(self.out)


def render(runs: Iterable[Run]) -> str:
    """Render runs of marked tokens as well-formed HTML.

    Before each content token the open inline elements are adjusted to what the token needs
    (see ``_Writer.format``); a block boundary first closes everything above the blocks, so
    marks never straddle a ``<p>``/``<li>`` boundary.

    Args:
        runs: Tokens with their marks, in order.

    Returns:
        The HTML string.
    """
    writer = _Writer()
    append = writer.out.append
    pending: Boundary | None = None
    last_ctx: Formatting | None = None
    last_mark: Element | None = None

    for run in runs:
        mark = _MARKS[run.mark] if run.mark else None
        for tok in run.tokens:
            if tok.kind == BOUNDARY:
                boundary = tok.context
                # Consecutive boundaries (e.g. a deleted then an inserted paragraph boundary)
                # collapse into one transition; min() keeps the shallowest "new element from
                # here" depth of both.
                if pending is not None:
                    boundary = Boundary(boundary.path, min(pending.fresh, boundary.fresh))
                pending = boundary
                continue
            if pending is not None:
                writer.enter(pending)
                pending = None
                last_ctx = None
            ctx = tok.context
            if ctx is not last_ctx or mark is not last_mark:
                writer.format(ctx, mark)
                last_ctx = ctx
                last_mark = mark
            append(tok.html)
    return writer.finish()


def _segments(tokens: list[Token]) -> list[list[Token]]:
    """Split tokens at block boundaries; segment 0 holds tokens before the first."""
    segs: list[list[Token]] = [[]]
    for tok in tokens:
        if tok.kind == BOUNDARY:
            segs.append([])
        segs[-1].append(tok)
    return segs


@dataclass(slots=True)
class _Span:
    """One opcode of the word diff: ``old[i1:i2]`` becomes ``new[j1:j2]``."""

    tag: str
    i1: int
    i2: int
    j1: int
    j2: int


class Redline(NamedTuple):
    """The word diff of one pair of blocks.

    Attributes:
        inline_html: One redline, ``<del>`` and ``<ins>`` interleaved.
        old_side_html: The old text with ``<del>`` marks only.
        new_side_html: The new text with ``<ins>`` marks only.
        ratio: difflib's similarity ratio of the two token sequences.
    """

    inline_html: str
    old_side_html: str
    new_side_html: str
    ratio: float


def word_diff(old: list[Token], new: list[Token]) -> Redline:
    """Diff two token lists.

    Args:
        old: Tokens of the old version.
        new: Tokens of the new version.

    Returns:
        The three renderings and the similarity ratio.
    """
    a = [t.key for t in old]
    b = [t.key for t in new]
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    spans = [_Span(*op) for op in matcher.get_opcodes()]
    # A lone space kept "equal" between two changes produces choppy output
    # (<del>x</del><ins>y</ins> <del>z</del><ins>w</ins>); fold it into the surrounding
    # change so the reader sees one replaced phrase.
    for span in spans[1:-1]:
        if span.tag == "equal" and all(key == SPACE_KEY for key in a[span.i1 : span.i2]):
            span.tag = "replace"
    merged: list[_Span] = []
    for span in spans:
        if span.tag != "equal" and merged and merged[-1].tag != "equal":
            merged[-1].i2 = span.i2
            merged[-1].j2 = span.j2
        else:
            merged.append(span)

    inline: list[Run] = []
    old_side: list[Run] = []
    new_side: list[Run] = []
    for span in merged:
        if span.tag == "equal":
            inline.append(Run(new[span.j1 : span.j2], None))
            old_side.append(Run(old[span.i1 : span.i2], None))
            new_side.append(Run(new[span.j1 : span.j2], None))
            continue
        dels = old[span.i1 : span.i2]
        inss = new[span.j1 : span.j2]
        old_side.append(Run(dels, "del"))
        new_side.append(Run(inss, "ins"))
        # Interleave per block so inserted words land in the paragraph they belong to
        # instead of after every deleted paragraph.
        for dseg, iseg in zip_longest(_segments(dels), _segments(inss), fillvalue=()):
            inline.append(Run(dseg, "del"))
            inline.append(Run(iseg, "ins"))
    return Redline(render(inline), render(old_side), render(new_side), matcher.ratio())
