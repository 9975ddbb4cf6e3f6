"""The sequencer: the one writer of the transparency log.

Acceptances and version texts are committed by the request path as plain inserts; nothing there
waits for the log. ``log_seal`` runs apart (``manage.py consent_log_seal``, every few seconds),
one at a time: it gives the committed records that have no leaf yet the next leaf indices,
stores the subtrees they complete and signs the new tree head, all in one transaction.
"""

from __future__ import annotations

from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from legal.models import VersionText
from shop.models import Acceptance

from . import leaves, merkle, signing
from .models import Leaf, LeafKind, Node, TreeHead
from .selectors import log_size, stored_nodes

# PostgreSQL advisory lock serialising sequencers ("jetu-log"); SQLite's IMMEDIATE
# transactions (settings) already let one writer in at a time.
SEQUENCER_LOCK_KEY = int.from_bytes(b"jetu-log", "big")
DEFAULT_BATCH = 10_000

TEXT_FIELDS = {
    "id": "id",
    "document_id": "version__document_id",
    "version_id": "version_id",
    "version_number": "version__number",
    "language": "locale__language_code",
    "title": "title",
    "change_summary": "change_summary",
    "published_at": "version__published_at",
    "effective_from": "version__effective_from",
    "material": "version__material",
    "created_at": "created_at",
    "sha256": "sha256",
    "html_sha256": "html_sha256",
}
ACCEPTANCE_FIELDS = {
    "id": "id",
    "customer_id": "customer_id",
    "document_id": "version__document_id",
    "version_id": "version_id",
    "version_number": "version__number",
    "text_id": "text_id",
    "text_sha256": "text_sha256",
    "language": "language",
    "accepted_at": "accepted_at",
    "channel": "channel",
    "ip_address": "ip_address",
    "user_agent": "user_agent",
}


class SealResult(NamedTuple):
    appended: int
    head: TreeHead | None


def _sequencer_lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEQUENCER_LOCK_KEY])


def _unlogged(model, kind: str, fields: dict, limit: int) -> list[dict]:
    if limit <= 0:
        return []
    logged = Leaf.objects.filter(kind=kind, object_id=OuterRef("pk"))
    rows = model.objects.filter(~Exists(logged)).order_by("pk").values(*fields.values())[:limit]
    return [{name: row[source] for name, source in fields.items()} for row in rows]


def pending_records(*, batch: int) -> list[tuple[str, int, dict]]:
    """The next committed records without a leaf, in log order: (kind, id, leaf).

    Texts come before acceptances, each in id order, so a text is always logged no later than
    the acceptances of it. Ids, not a high-water mark, decide what is pending: a record whose
    transaction commits late (a lower id after a higher one) is still found.
    """
    texts = _unlogged(VersionText, LeafKind.VERSION_TEXT, TEXT_FIELDS, batch)
    acceptances = _unlogged(Acceptance, LeafKind.ACCEPTANCE, ACCEPTANCE_FIELDS, batch - len(texts))
    return [
        (
            LeafKind.VERSION_TEXT,
            row["id"],
            leaves.version_text_leaf(leaves.LoggedVersionText(**row)),
        )
        for row in texts
    ] + [
        (LeafKind.ACCEPTANCE, row["id"], leaves.acceptance_leaf(leaves.LoggedAcceptance(**row)))
        for row in acceptances
    ]


@transaction.atomic
def log_seal(*, batch: int = DEFAULT_BATCH) -> SealResult:
    """Log up to ``batch`` committed, not yet logged records and sign the new tree head.

    Safe to run from several processes at once: sequencers take turns (a PostgreSQL advisory
    lock, or SQLite's single writer), and each sees what the previous one committed.

    Returns:
        How many leaves were appended and the new signed head (None when nothing was pending).

    Raises:
        ImproperlyConfigured: no signing key is configured.
    """
    signing.signing_key()  # fail before touching anything when the key is missing
    _sequencer_lock()
    pending = pending_records(batch=batch)
    if not pending:
        return SealResult(0, None)
    size = log_size()
    frontier_nodes = merkle.frontier_nodes(size)
    known = stored_nodes(frontier_nodes)
    hashes = [merkle.leaf_hash(leaves.encode(leaf)) for _, _, leaf in pending]
    created, frontier = merkle.extend(size, [known[node] for node in frontier_nodes], hashes)

    now = timezone.now()
    Leaf.objects.bulk_create(
        Leaf(index=size + offset, kind=kind, object_id=object_id, leaf_hash=value, sealed_at=now)
        for offset, ((kind, object_id, _), value) in enumerate(zip(pending, hashes, strict=True))
    )
    Node.objects.bulk_create(
        Node(level=node.level, index=node.index, hash=node.hash)
        for node in created
        if node.level > 0
    )
    signed = signing.sign_head(size + len(pending), merkle.fold(frontier), now)
    head = TreeHead.objects.create(**signed._asdict())
    return SealResult(len(pending), head)
