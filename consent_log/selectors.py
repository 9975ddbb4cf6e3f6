"""Reads of the transparency log: tree heads, stored subtrees, proofs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from django.db.models import QuerySet

from . import merkle, signing
from .models import Leaf, Node, TreeHead


class UnknownTreeSize(LookupError):
    """No signed tree head has this size, so there is no signed root to prove against."""


class UnknownLeaf(LookupError):
    """The leaf index is not in the tree of the requested size."""


class InclusionProof(NamedTuple):
    leaf_index: int
    tree_size: int
    leaf_hash: bytes
    proof: list[bytes]


class ConsistencyProof(NamedTuple):
    first: int
    second: int
    proof: list[bytes]


def stored_nodes(wanted: Iterable[merkle.Node]) -> dict[merkle.Node, bytes]:
    """The hashes of the given completed subtrees (leaves for level 0), in two queries at most."""
    wanted = set(wanted)
    leaves = [index for level, index in wanted if level == 0]
    inner = [(level, index) for level, index in wanted if level > 0]
    found = {}
    if leaves:
        for index, value in Leaf.objects.filter(index__in=leaves).values_list("index", "leaf_hash"):
            found[0, index] = bytes(value)
    if inner:
        for level, index, value in Node.objects.filter(pk__in=inner).values_list(
            "level", "index", "hash"
        ):
            found[level, index] = bytes(value)
    return found


def log_size() -> int:
    """How many leaves the log holds (every one of them covered by the latest head)."""
    last = Leaf.objects.order_by("-index").values_list("index", flat=True).first()
    return 0 if last is None else last + 1


def heads() -> QuerySet[TreeHead]:
    """Every signed tree head, newest (largest) first."""
    return TreeHead.objects.order_by("-size")


def head_latest() -> TreeHead | None:
    return heads().first()


def head_at(size: int) -> TreeHead:
    head = TreeHead.objects.filter(size=size).first()
    if head is None:
        raise UnknownTreeSize(size)
    return head


def inclusion_proof(index: int, size: int) -> InclusionProof:
    """The proof that leaf ``index`` is in the signed tree of ``size`` leaves.

    Raises:
        UnknownTreeSize: no signed head has that size.
        UnknownLeaf: the leaf is not in that tree.
    """
    head_at(size)
    if not 0 <= index < size:
        raise UnknownLeaf(index)
    ranges = merkle.inclusion_ranges(index, size)
    wanted = {node for start, end in ranges for node in merkle.range_nodes(start, end)}
    nodes = stored_nodes(wanted | {(0, index)})
    proof = merkle.inclusion_proof(index, size, lambda _: nodes)
    return InclusionProof(index, size, nodes[0, index], proof)


def consistency_proof(first: int, second: int) -> ConsistencyProof:
    """The proof that the signed tree of ``first`` leaves is a prefix of that of ``second``.

    Raises:
        UnknownTreeSize: either size has no signed head.
        ValueError: ``first`` is larger than ``second``.
    """
    if first > second:
        raise ValueError("The first tree size must not be larger than the second.")
    head_at(first)
    head_at(second)
    return ConsistencyProof(first, second, merkle.consistency_proof(first, second, stored_nodes))


def head_document(head: TreeHead) -> dict:
    """A tree head as published, and as ``tools/jetu_verify.py`` reads it."""
    fields = signing.head_fields(head.size, bytes(head.root_hash), head.timestamp, head.key_id)
    return {**fields, "signature": bytes(head.signature).hex()}
