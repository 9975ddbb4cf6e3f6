"""What a comparison returns: one :class:`BlockDiff` per block, inside a :class:`DocumentDiff`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


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
