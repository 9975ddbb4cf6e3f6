"""The Merkle tree against published RFC 6962 / RFC 9162 vectors and an independent oracle.

Proofs are produced by ``consent_log.merkle`` and checked by the standalone verifier
(``tools/jetu_verify.py``); the vectors come from transparency-dev/merkle (see vectors/README.md)
and the oracle is RFC 9162's recursive definition of the tree hash, written out below.
"""

import base64
import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consent_log import merkle
from tests.consent_log.verifier import jetu_verify

VECTORS = Path(__file__).parent / "vectors"
RFC6962 = json.loads((VECTORS / "rfc6962.json").read_text())
INCLUSION = json.loads((VECTORS / "inclusion.json").read_text())["vectors"]
CONSISTENCY = json.loads((VECTORS / "consistency.json").read_text())["vectors"]


def mth(leaves: list[bytes]) -> bytes:
    """RFC 9162, 2.1.1: MTH, literally (the oracle; quadratic, fine for small trees)."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()


class Store:
    """The log's storage reduced to a dict of completed nodes, counting what is read."""

    def __init__(self, leaves=(), batches=None):
        self.nodes = {}
        self.size = 0
        self.frontier = []
        self.reads = 0
        leaves = list(leaves)
        for batch in batches or [len(leaves)]:
            self.append(leaves[:batch])
            leaves = leaves[batch:]
        self.append(leaves)

    def append(self, data):
        created, self.frontier = merkle.extend(
            self.size, self.frontier, [merkle.leaf_hash(item) for item in data]
        )
        for node in created:
            assert (node.level, node.index) not in self.nodes, "a stored node was rewritten"
            self.nodes[node.level, node.index] = node.hash
        self.size += len(data)

    def read(self, wanted):
        wanted = set(wanted)
        self.reads += len(wanted)
        return {node: self.nodes[node] for node in wanted}


def b64(value):
    return base64.b64decode(value) if value else b""


RFC_LEAVES = [bytes.fromhex(item) for item in RFC6962["leaves"]]


class TestPublishedVectors:
    def test_hashes_match_rfc6962(self):
        hasher = RFC6962["hasher"]
        assert merkle.EMPTY_ROOT.hex() == hasher["empty_root"]
        assert merkle.leaf_hash(b"").hex() == hasher["empty_leaf"]
        assert merkle.leaf_hash(b"L123456").hex() == hasher["leaf_L123456"]
        assert merkle.node_hash(b"N123", b"N456").hex() == hasher["node_N123_N456"]

    @pytest.mark.parametrize("size", range(1, 9))
    def test_roots_of_the_reference_tree(self, size):
        store = Store(RFC_LEAVES[:size])
        assert merkle.root(size, store.read).hex() == RFC6962["roots"][size - 1]

    def test_root_is_the_same_whatever_the_batches(self):
        for batches in ([1] * 8, [3, 5], [2, 2, 4], [7, 1]):
            store = Store(RFC_LEAVES, batches)
            assert merkle.fold(store.frontier).hex() == RFC6962["roots"][7]
            assert merkle.root(8, store.read).hex() == RFC6962["roots"][7]

    @pytest.mark.parametrize("case", RFC6962["inclusion_proofs"], ids=str)
    def test_inclusion_proofs_of_the_reference_tree(self, case):
        store = Store(RFC_LEAVES)
        proof = merkle.inclusion_proof(case["leaf"] - 1, case["size"], store.read)
        assert [item.hex() for item in proof] == case["proof"]

    @pytest.mark.parametrize("case", RFC6962["consistency_proofs"], ids=str)
    def test_consistency_proofs_of_the_reference_tree(self, case):
        store = Store(RFC_LEAVES)
        proof = merkle.consistency_proof(case["size1"], case["size2"], store.read)
        assert [item.hex() for item in proof] == case["proof"]

    @pytest.mark.parametrize("case", INCLUSION, ids=lambda case: case["source"])
    def test_verifier_on_inclusion_vectors(self, case):
        def verify():
            jetu_verify.verify_inclusion(
                case["leafIdx"],
                case["treeSize"],
                b64(case["leafHash"]),
                [b64(item) for item in case["proof"] or []],
                b64(case["root"]),
            )

        if case["wantErr"]:
            with pytest.raises(jetu_verify.VerificationError):
                verify()
        else:
            verify()

    @pytest.mark.parametrize("case", CONSISTENCY, ids=lambda case: case["source"])
    def test_verifier_on_consistency_vectors(self, case):
        def verify():
            jetu_verify.verify_consistency(
                case["size1"],
                case["size2"],
                b64(case["root1"]),
                b64(case["root2"]),
                [b64(item) for item in case["proof"] or []],
            )

        if case["wantErr"]:
            with pytest.raises(jetu_verify.VerificationError):
                verify()
        else:
            verify()

    @pytest.mark.parametrize("case", [c for c in INCLUSION if not c["wantErr"]], ids=str)
    def test_our_inclusion_proofs_equal_the_published_ones(self, case):
        store = Store(RFC_LEAVES[: case["treeSize"]])
        proof = merkle.inclusion_proof(case["leafIdx"], case["treeSize"], store.read)
        assert [base64.b64encode(item).decode() for item in proof] == (case["proof"] or [])
        assert merkle.root(case["treeSize"], store.read) == b64(case["root"])

    @pytest.mark.parametrize("case", [c for c in CONSISTENCY if not c["wantErr"]], ids=str)
    def test_our_consistency_proofs_equal_the_published_ones(self, case):
        store = Store(RFC_LEAVES[: case["size2"]])
        proof = merkle.consistency_proof(case["size1"], case["size2"], store.read)
        assert [base64.b64encode(item).decode() for item in proof] == (case["proof"] or [])


leaf_lists = st.lists(st.binary(max_size=12), min_size=1, max_size=70)


def batches_for(draw, count):
    """Random batch sizes: the sequencer appends whatever is waiting, a few at a time."""
    cuts = [0, *sorted(draw(st.lists(st.integers(0, count), max_size=4)))]
    return [b - a for a, b in zip(cuts, cuts[1:], strict=False)]


class TestProperties:
    @settings(max_examples=60, deadline=None)
    @given(st.data())
    def test_every_inclusion_proof_verifies(self, data):
        leaves = data.draw(leaf_lists)
        store = Store(leaves, batches_for(data.draw, len(leaves)))
        for size in {len(leaves), data.draw(st.integers(1, len(leaves)))}:
            root = mth(leaves[:size])
            assert merkle.root(size, store.read) == root
            for index in range(size):
                proof = merkle.inclusion_proof(index, size, store.read)
                jetu_verify.verify_inclusion(
                    index, size, merkle.leaf_hash(leaves[index]), proof, root
                )

    @settings(max_examples=60, deadline=None)
    @given(st.data())
    def test_every_consistency_proof_verifies(self, data):
        leaves = data.draw(leaf_lists)
        store = Store(leaves, batches_for(data.draw, len(leaves)))
        new = data.draw(st.integers(1, len(leaves)))
        for old in range(new + 1):
            proof = merkle.consistency_proof(old, new, store.read)
            jetu_verify.verify_consistency(old, new, mth(leaves[:old]), mth(leaves[:new]), proof)

    @settings(max_examples=60, deadline=None)
    @given(st.data())
    def test_a_flipped_leaf_fails_inclusion(self, data):
        leaves = data.draw(st.lists(st.binary(min_size=1, max_size=12), min_size=1, max_size=70))
        store = Store(leaves)
        index = data.draw(st.integers(0, len(leaves) - 1))
        bit = data.draw(st.integers(0, len(leaves[index]) * 8 - 1))
        flipped = bytearray(leaves[index])
        flipped[bit // 8] ^= 1 << (bit % 8)
        proof = merkle.inclusion_proof(index, len(leaves), store.read)
        with pytest.raises(jetu_verify.VerificationError):
            jetu_verify.verify_inclusion(
                index, len(leaves), merkle.leaf_hash(bytes(flipped)), proof, mth(leaves)
            )

    @settings(max_examples=60, deadline=None)
    @given(st.data())
    def test_a_rewritten_old_leaf_fails_consistency(self, data):
        leaves = data.draw(st.lists(st.binary(max_size=12), min_size=2, max_size=70))
        old = data.draw(st.integers(1, len(leaves) - 1))
        index = data.draw(st.integers(0, old - 1))
        rewritten = [*leaves[:index], leaves[index] + b"!", *leaves[index + 1 :]]
        store = Store(rewritten)
        proof = merkle.consistency_proof(old, len(leaves), store.read)
        with pytest.raises(jetu_verify.VerificationError):
            jetu_verify.verify_consistency(
                old, len(leaves), mth(leaves[:old]), mth(rewritten), proof
            )


def test_a_proof_at_a_million_leaves_reads_a_few_dozen_nodes():
    """Proof cost depends on the tree's depth, never on its size."""

    class Counting:
        reads = 0

        def read(self, wanted):
            wanted = set(wanted)
            self.reads = max(self.reads, len(wanted))
            # Any 32-byte value will do: only how many nodes are asked for is measured.
            return {node: bytes(32) for node in wanted}

    counting = Counting()
    size = 1_000_003
    merkle.inclusion_proof(size - 2, size, counting.read)
    merkle.inclusion_proof(12_345, size, counting.read)
    merkle.consistency_proof(999_999, size, counting.read)
    merkle.consistency_proof(524_289, size, counting.read)
    assert 0 < counting.reads <= 2 * size.bit_length()


def test_out_of_range_requests_are_refused():
    with pytest.raises(ValueError):
        merkle.inclusion_ranges(5, 5)
    with pytest.raises(ValueError):
        merkle.consistency_ranges(6, 5)
