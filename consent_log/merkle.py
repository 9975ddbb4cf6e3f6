"""The transparency log's Merkle tree (RFC 9162, Certificate Transparency v2): pure functions.

Hashing is RFC 6962's, which RFC 9162 keeps: a leaf is ``SHA-256(0x00 || data)``, an inner node
``SHA-256(0x01 || left || right)``, the empty tree ``SHA-256("")``. A tree of n leaves splits at
the largest power of two below n, so it is a row of *perfect* subtrees of decreasing size.

Storage never holds a whole tree in memory. A node is addressed as ``(level, index)``: the
perfect subtree of ``2**level`` leaves that starts at leaf ``index * 2**level`` (level 0 is a
leaf hash). Once complete, a perfect subtree never changes, so every node is stored once, when
it completes, and never touched again. Every hash a root or a proof needs is the fold of at most
``log2(n)`` such nodes: a proof at a million leaves reads about forty stored hashes, whatever
the size of the log.

Verification is deliberately not here: it lives once, in the standalone verifier
``tools/jetu_verify.py``, so what the operator runs and what an outside expert runs is the same.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import NamedTuple

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

Node = tuple[int, int]
# Given node addresses, returns their hashes (one round trip to storage for the whole set).
NodeReader = Callable[[Iterable[Node]], Mapping[Node, bytes]]


class StoredNode(NamedTuple):
    """A completed perfect subtree: what the log stores."""

    level: int
    index: int
    hash: bytes


def leaf_hash(data: bytes) -> bytes:
    """RFC 6962 leaf hash: SHA-256 of 0x00 followed by the leaf's data."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 6962 inner node hash: SHA-256 of 0x01 followed by the two children."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(width: int) -> int:
    """The largest power of two strictly below ``width`` (``width >= 2``)."""
    return 1 << ((width - 1).bit_length() - 1)


def range_nodes(start: int, end: int) -> list[Node]:
    """The perfect subtrees making up leaves ``[start, end)``, left to right.

    Only the ranges a tree or a proof hashes are asked for: they start at a multiple of a power
    of two at least as large as the range, so the subtrees come out in decreasing size and their
    right-to-left fold is RFC 9162's hash of the range.
    """
    nodes = []
    while start < end:
        level = (end - start).bit_length() - 1
        if start:
            level = min(level, (start & -start).bit_length() - 1)
        nodes.append((level, start >> level))
        start += 1 << level
    return nodes


def fold(hashes: Sequence[bytes]) -> bytes:
    """The hash of a row of perfect subtrees of decreasing size (right to left)."""
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The leaf ranges whose hashes form the inclusion proof of leaf ``index``, leaf upwards."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size} leaves")
    ranges = []
    start, end = 0, size
    while end - start > 1:
        middle = start + _split(end - start)
        if index < middle:
            ranges.append((middle, end))
            end = middle
        else:
            ranges.append((start, middle))
            start = middle
    ranges.reverse()
    return ranges


def consistency_ranges(old_size: int, new_size: int) -> list[tuple[int, int]]:
    """The leaf ranges whose hashes form RFC 9162's consistency proof (``SUBPROOF``)."""
    if not 0 <= old_size <= new_size:
        raise ValueError(f"no consistency proof from {old_size} to {new_size} leaves")
    if old_size in (0, new_size):
        return []
    ranges = []
    start, end, first, whole = 0, new_size, old_size, True
    while True:
        width = end - start
        if first == width:
            # The old tree's own root is left out when it is a subtree the verifier already
            # knows (RFC 9162: "b" true); otherwise its hash starts the proof.
            if not whole:
                ranges.append((start, end))
            break
        half = _split(width)
        if first <= half:
            ranges.append((start + half, end))
            end = start + half
        else:
            ranges.append((start, start + half))
            start += half
            first -= half
            whole = False
    ranges.reverse()
    return ranges


def _hashes(ranges: Sequence[tuple[int, int]], read: NodeReader) -> list[bytes]:
    wanted = {node for start, end in ranges for node in range_nodes(start, end)}
    stored = read(wanted)
    return [fold([stored[node] for node in range_nodes(start, end)]) for start, end in ranges]


def root(size: int, read: NodeReader) -> bytes:
    """The root hash of the first ``size`` leaves."""
    if size == 0:
        return EMPTY_ROOT
    return _hashes([(0, size)], read)[0]


def inclusion_proof(index: int, size: int, read: NodeReader) -> list[bytes]:
    """RFC 9162 inclusion proof (audit path) of leaf ``index`` in the tree of ``size`` leaves."""
    return _hashes(inclusion_ranges(index, size), read)


def consistency_proof(old_size: int, new_size: int, read: NodeReader) -> list[bytes]:
    """RFC 9162 consistency proof that the first ``old_size`` leaves are a prefix of the tree."""
    return _hashes(consistency_ranges(old_size, new_size), read)


def frontier_nodes(size: int) -> list[Node]:
    """The perfect subtrees of the tree of ``size`` leaves: all that appending needs."""
    return range_nodes(0, size)


def extend(
    size: int, frontier: Sequence[bytes], leaf_hashes: Iterable[bytes]
) -> tuple[list[StoredNode], list[bytes]]:
    """Append leaves to a tree of ``size`` leaves whose frontier hashes are ``frontier``.

    Returns every node completed by the new leaves (the leaves themselves at level 0
    included), in the order they complete, and the new frontier. Nothing already stored
    changes: appending only ever adds nodes.
    """
    row = [
        StoredNode(level, index, value)
        for (level, index), value in zip(frontier_nodes(size), frontier, strict=True)
    ]
    created = []
    for value in leaf_hashes:
        node = StoredNode(0, size, value)
        created.append(node)
        while row and row[-1].level == node.level:
            left = row.pop()
            node = StoredNode(node.level + 1, node.index >> 1, node_hash(left.hash, node.hash))
            created.append(node)
        row.append(node)
        size += 1
    return created, [node.hash for node in row]
