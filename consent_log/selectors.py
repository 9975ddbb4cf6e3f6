"""Reads of the transparency log: tree heads, stored subtrees, proofs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from django.db import connection
from django.db.models import IntegerField, QuerySet, Value

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


def _read(wanted: Iterable[merkle.Node], head_sizes: Iterable[int] = ()):
    """The hashes of the given subtrees and the signed roots of the given sizes: one query.

    Returns ``(nodes, roots)``: ``{(level, index): hash}`` and ``{size: root hash}``.
    """
    wanted, head_sizes = set(wanted), list(head_sizes)
    leaves = [index for level, index in wanted if level == 0]
    inner = [(level, index) for level, index in wanted if level > 0]
    if connection.vendor == "postgresql":
        rows = _read_postgresql(leaves, inner, head_sizes)
    else:
        rows = _read_orm(leaves, inner, head_sizes)
    nodes, roots = {}, {}
    for level, index, value in rows:
        if level < 0:
            roots[index] = bytes(value)
        else:
            nodes[level, index] = bytes(value)
    return nodes, roots


def _read_postgresql(leaves, inner, head_sizes):
    # Arrays joined with unnest plan and run in well under a millisecond; the ORM's
    # composite-key IN (an OR of pairs) costs several times the rest of a proof.
    sql = f"""
        SELECT 0, "index", leaf_hash FROM {Leaf._meta.db_table} WHERE "index" = ANY(%s::bigint[])
        UNION ALL
        SELECT n.level, n."index", n.hash FROM {Node._meta.db_table} n
            JOIN unnest(%s::integer[], %s::bigint[]) AS wanted(level, "index")
            ON n.level = wanted.level AND n."index" = wanted."index"
        UNION ALL
        SELECT -1, size, root_hash FROM {TreeHead._meta.db_table} WHERE size = ANY(%s::bigint[])
    """  # noqa: S608 - table names from the models, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [leaves, [level for level, _ in inner], [index for _, index in inner], head_sizes]
        )
        return cursor.fetchall()


def _read_orm(leaves, inner, head_sizes):
    tag = {"output_field": IntegerField()}
    parts = []
    if leaves:
        parts.append(
            Leaf.objects.filter(index__in=leaves).values_list(Value(0, **tag), "index", "leaf_hash")
        )
    if inner:
        parts.append(Node.objects.filter(pk__in=inner).values_list("level", "index", "hash"))
    if head_sizes:
        parts.append(
            TreeHead.objects.filter(size__in=head_sizes).values_list(
                Value(-1, **tag), "size", "root_hash"
            )
        )
    if not parts:
        return []
    # Model orderings are cleared: SQLite allows no ORDER BY inside a UNION.
    parts = [part.order_by() for part in parts]
    return list(parts[0].union(*parts[1:], all=True)) if len(parts) > 1 else list(parts[0])


def stored_nodes(wanted: Iterable[merkle.Node]) -> dict[merkle.Node, bytes]:
    """The hashes of the given completed subtrees (leaves for level 0)."""
    return _read(wanted)[0]


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


def _nodes_of(ranges) -> set[merkle.Node]:
    return {node for start, end in ranges for node in merkle.range_nodes(start, end)}


def inclusion_proof(index: int, size: int) -> InclusionProof:
    """The proof that leaf ``index`` is in the signed tree of ``size`` leaves.

    Raises:
        UnknownTreeSize: no signed head has that size.
        UnknownLeaf: the leaf is not in that tree.
    """
    if not 0 <= index < size:
        head_at(size)
        raise UnknownLeaf(index)
    nodes, roots = _read(_nodes_of(merkle.inclusion_ranges(index, size)) | {(0, index)}, [size])
    if size not in roots:
        raise UnknownTreeSize(size)
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
    nodes, roots = _read(_nodes_of(merkle.consistency_ranges(first, second)), [first, second])
    for size in (first, second):
        if size not in roots:
            raise UnknownTreeSize(size)
    return ConsistencyProof(first, second, merkle.consistency_proof(first, second, lambda _: nodes))


def head_document(head: TreeHead) -> dict:
    """A tree head as published, and as ``tools/jetu_verify.py`` reads it."""
    fields = signing.head_fields(head.size, bytes(head.root_hash), head.timestamp, head.key_id)
    return {**fields, "signature": bytes(head.signature).hex()}
