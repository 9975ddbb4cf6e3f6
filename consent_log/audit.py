"""The whole database checked against the transparency log (``manage.py consent_verify``).

Every logged record is rebuilt from its row and compared with its leaf; the root is recomputed
from every leaf and compared with every signed head, whose signatures the standalone verifier
checks; an older head kept outside (a customer's, Legal's, an auditor's) can be checked for
consistency with the log. Each problem names the record it concerns.
"""

from __future__ import annotations

from datetime import timedelta
from typing import NamedTuple

from django.utils import timezone

from . import leaves, merkle, signing
from .models import Leaf, TreeHead
from .selectors import head_document
from .services import SOURCES
from .verifier import jetu_verify

CHUNK = 10_000  # rows per round trip; SQLite takes at most 32,766 parameters
KIND_NAMES = {"acceptance": "acceptance", "version_text": "version text"}


class Finding(NamedTuple):
    """One problem: which record, and what is wrong with it (a sentence)."""

    record: str
    problem: str

    def __str__(self):
        return f"{self.record}: {self.problem}"


class AuditReport(NamedTuple):
    leaves: int
    head: TreeHead | None
    findings: list[Finding]


def _name(kind: str, object_id: int) -> str:
    return f"{KIND_NAMES.get(kind, kind)} {object_id}"


def log_audit(*, outside_heads: list[dict] = (), max_delay: timedelta) -> AuditReport:
    """Check every row against the log and the log against its signed heads.

    Args:
        outside_heads: tree heads published earlier and kept elsewhere (as published JSON):
            the log must still contain each of them unchanged.
        max_delay: a record not logged after this long is reported as missing from the log.
    """
    findings: list[Finding] = []
    expected: dict[tuple[str, int], bytes] = {}
    for source in SOURCES:
        make, leaf, kind = source.record._make, source.leaf, source.kind
        for row in source.rows().iterator(chunk_size=CHUNK):
            expected[kind, row[0]] = merkle.leaf_hash(leaves.encode(leaf(make(row))))

    heads = {head.size: head for head in TreeHead.objects.order_by("size")}
    outside = {}
    for head in outside_heads:
        outside.setdefault(head.get("size"), []).append(head)
    key = jetu_verify.load_public_key(signing.public_pem(signing.public_key()).encode())

    def check_prefix(size: int, root: bytes) -> None:
        head = heads.get(size)
        if head is not None:
            document = head_document(head)
            try:
                jetu_verify.verify_head(document, key)
            except jetu_verify.VerificationError as exc:
                findings.append(Finding(f"tree head {size}", str(exc)))
            if bytes(head.root_hash) != root:
                findings.append(
                    Finding(
                        f"tree head {size}",
                        "its root hash is not that of the log's first "
                        f"{size} leaves: the log was changed after this head was signed.",
                    )
                )
        for document in outside.pop(size, []):
            if document.get("root_hash") != root.hex():
                findings.append(
                    Finding(
                        f"tree head {size} kept outside",
                        "the log's first "
                        f"{size} leaves no longer have the root hash this head signed: "
                        "history was rewritten.",
                    )
                )

    size, frontier, chunk = 0, [], []
    logged = set()
    stored = Leaf.objects.order_by("index").values_list("index", "kind", "object_id", "leaf_hash")
    for index, kind, object_id, value in stored.iterator(chunk_size=CHUNK):
        if index != size + len(chunk):
            findings.append(
                Finding(f"leaf {size + len(chunk)}", f"is missing from the log (next is {index}).")
            )
            break
        value = bytes(value)
        logged.add((kind, object_id))
        want = expected.get((kind, object_id))
        if want is None:
            findings.append(
                Finding(
                    _name(kind, object_id),
                    f"is logged as leaf {index} but is no longer in the database: it was deleted.",
                )
            )
        elif want != value:
            findings.append(
                Finding(
                    _name(kind, object_id),
                    f"differs from what leaf {index} logged: it was changed after it was recorded.",
                )
            )
        chunk.append(value)
        if (size + len(chunk)) in heads or (size + len(chunk)) in outside:
            _, frontier = merkle.extend(size, frontier, chunk, keep=False)
            size, chunk = size + len(chunk), []
            check_prefix(size, merkle.fold(frontier))
        elif len(chunk) >= CHUNK:
            _, frontier = merkle.extend(size, frontier, chunk, keep=False)
            size, chunk = size + len(chunk), []
    _, frontier = merkle.extend(size, frontier, chunk, keep=False)
    size += len(chunk)

    for size_wanted in sorted(set(heads) | set(outside)):
        if size_wanted > size:
            findings.append(
                Finding(
                    f"tree head {size_wanted}",
                    f"signs {size_wanted} leaves but the log "
                    f"holds only {size}: leaves were removed.",
                )
            )
    if size and size not in heads:
        findings.append(Finding(f"leaf {size - 1}", "is in no signed tree head."))

    late = timezone.now() - max_delay
    unlogged = expected.keys() - logged
    for source in SOURCES:
        ids = sorted(object_id for kind, object_id in unlogged if kind == source.kind)
        moment = source.moment
        for start in range(0, len(ids), CHUNK):
            chunk_ids = ids[start : start + CHUNK]
            overdue = source.model.objects.filter(pk__in=chunk_ids, **{f"{moment}__lt": late})
            for object_id in overdue.order_by("pk").values_list("pk", flat=True):
                findings.append(
                    Finding(
                        _name(source.kind, object_id),
                        "is not in the log although it was recorded before "
                        f"{leaves.instant(late)}.",
                    )
                )
    latest = heads[max(heads)] if heads else None
    return AuditReport(size, latest, findings)
