"""The entry point: compare two versions' block lists and place every block in reading order."""

from __future__ import annotations

from html import escape
from typing import Any, NamedTuple

from .align import Item, align
from .render import Redline, Run, render, word_diff
from .result import BlockDiff, DocumentDiff
from .tokens import Tokenizer


def _number(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _items(blocks: Any, tok: Tokenizer) -> list[Item]:
    items: list[Item] = []
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
        items.append(Item(kind, number, html, tok))
    return items


def _section_of(number: str | None) -> str | None:
    return None if number is None else number.split(".", 1)[0]


def _pair_diff(kind: str, o: Item, n: Item) -> BlockDiff:
    same = o.number == n.number
    if o.html == n.html or o.ensure().keys == n.ensure().keys:
        html = render([Run(n.tokens, None)])
        redline = Redline(html, html, html, 1.0)
        status = "unchanged" if same else "moved"
    else:
        redline = word_diff(o.tokens, n.tokens)
        status = "changed" if same else "moved"
    return BlockDiff(
        kind=kind,
        status=status,
        old_number=o.number,
        new_number=n.number,
        old_html=o.html,
        new_html=n.html,
        inline_html=redline.inline_html,
        old_side_html=redline.old_side_html,
        new_side_html=redline.new_side_html,
        similarity=redline.ratio,
    )


def _single_diff(kind: str, item: Item, *, added: bool) -> BlockDiff:
    html = render([Run(item.tokens, "ins" if added else "del")])
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


class _Placed(NamedTuple):
    """A block diff with its sort position: after new block ``anchor``, removals last."""

    anchor: int
    removed: int
    old_index: int
    diff: BlockDiff

    def sort_key(self) -> tuple[bool, int, int, int]:
        # Preamble always leads: it precedes everything in either version.
        return (self.diff.kind != "preamble", self.anchor, self.removed, self.old_index)


def diff_versions(old_blocks: list[dict], new_blocks: list[dict]) -> DocumentDiff:
    """Compare two versions of a document.

    Args:
        old_blocks: Blocks of the old version, in document order.
        new_blocks: Blocks of the new version, in document order.

    Returns:
        The :class:`DocumentDiff`, blocks in the new version's reading order with removed
        blocks placed where they stood in the old version.
    """
    tok = Tokenizer()
    old = _items(old_blocks, tok)
    new = _items(new_blocks, tok)

    # Align each kind separately (a clause never pairs with a heading) and translate back to
    # positions in the full block lists.
    new_to_old: dict[int, int] = {}
    for kind in ("preamble", "section", "clause"):
        o_idx = [i for i, it in enumerate(old) if it.kind == kind]
        n_idx = [j for j, it in enumerate(new) if it.kind == kind]
        if not o_idx and not n_idx:
            continue
        pairs = align([old[i] for i in o_idx], [new[j] for j in n_idx])
        if kind == "preamble" and len(o_idx) == len(n_idx) == 1 and not pairs:
            # There is only one preamble: however rewritten, it is the same one.
            pairs = {0: 0}
        for j, i in pairs.items():
            new_to_old[n_idx[j]] = o_idx[i]
    old_to_new = {i: j for j, i in new_to_old.items()}

    # Old section number -> new section number, to tell whether a paired clause stayed in
    # its section (a good anchor for removed neighbours).
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

    placed: list[_Placed] = []
    for j, item in enumerate(new):
        i = new_to_old.get(j)
        diff = (
            _single_diff(item.kind, item, added=True)
            if i is None
            else _pair_diff(item.kind, old[i], item)
        )
        placed.append(_Placed(j, 0, 0, diff))
    for i, item in enumerate(old):
        if i in old_to_new:
            continue
        # Anchor after the nearest preceding old block that is still in place (not one that
        # moved to another section); fall back to any paired predecessor, then to the top.
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
        placed.append(_Placed(anchor, 1, i, _single_diff(item.kind, item, added=False)))
    placed.sort(key=_Placed.sort_key)
    return DocumentDiff(blocks=tuple(p.diff for p in placed))
