"""The sequencer: the one writer of the transparency log.

Acceptances and version texts are committed by the request path as plain inserts; nothing there
waits for the log. ``log_seal`` runs apart (``manage.py consent_log_seal``, every few seconds),
one at a time: it gives the committed records that have no leaf yet the next leaf indices,
stores the subtrees they complete and signs the new tree head, all in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Count, Exists, Min, OuterRef, Q
from django.utils import timezone

from legal.models import VersionText
from shop.models import Acceptance

from . import leaves, merkle, signing
from .models import Gap, Leaf, LeafKind, Node, TreeHead
from .selectors import log_size, stored_nodes

# PostgreSQL advisory lock serialising sequencers ("jetu-log"); SQLite's IMMEDIATE
# transactions (settings) already let one writer in at a time.
SEQUENCER_LOCK_KEY = int.from_bytes(b"jetu-log", "big")
DEFAULT_BATCH = 10_000
# The longest a committed record may wait for its leaf in a signed head (documented in the
# README and docs/consent-log.md): the sequencer runs every few seconds; consent_verify
# reports records older than this that are still not logged, and the dashboard warns.
MAX_SEAL_DELAY = timedelta(seconds=60)
# How often the sequencer must run at the least: the dashboard warns after twice this, when a
# record may have waited longer than MAX_SEAL_DELAY.
SEAL_EVERY = MAX_SEAL_DELAY / 2
# How long a skipped id is watched for a late commit. Request transactions end within the
# worker timeout (30 s); a record committed later still is reported by consent_verify and
# logged by `consent_log_seal --full`.
GAP_WINDOW = timedelta(minutes=10)

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


class LoggedSource(NamedTuple):
    """A kind of evidence the log covers: where its rows are and how a row becomes a leaf."""

    kind: str
    model: type
    fields: dict[str, str]  # record field -> ORM path, in the record's field order
    record: type
    leaf: Callable[[tuple], dict]
    moment: str  # the field saying when the record was made

    def rows(self, queryset=None):
        """The records (named tuples) of ``queryset`` (default: every row), in id order."""
        queryset = self.model.objects.all() if queryset is None else queryset
        return queryset.order_by("pk").values_list(*self.fields.values())


# Log order within a batch: texts first (see pending_records).
SOURCES = (
    LoggedSource(
        LeafKind.VERSION_TEXT,
        VersionText,
        TEXT_FIELDS,
        leaves.LoggedVersionText,
        leaves.version_text_leaf,
        "created_at",
    ),
    LoggedSource(
        LeafKind.ACCEPTANCE,
        Acceptance,
        ACCEPTANCE_FIELDS,
        leaves.LoggedAcceptance,
        leaves.acceptance_leaf,
        "accepted_at",
    ),
)


def id_gaps(after: int, ids: list[int]) -> list[tuple[int, int]]:
    """The runs of ids missing between ``after`` and the ascending ``ids`` (pure)."""
    gaps = []
    for current in ids:
        if current > after + 1:
            gaps.append((after + 1, current - 1))
        after = current
    return gaps


def _unlogged(source: LoggedSource, now, *, full: bool = False):
    """``(late, fresh, highest)``: the source's committed records without a leaf, as two
    querysets that are index lookups — late ones (in a gap noticed within ``GAP_WINDOW``, or
    anywhere with ``full``) and those above ``highest``, the highest id logged."""
    logged = Leaf.objects.filter(kind=source.kind, object_id=OuterRef("pk"))
    unlogged = source.model.objects.filter(~Exists(logged))
    highest = (
        Leaf.objects.filter(kind=source.kind)
        .order_by("-object_id")
        .values_list("object_id", flat=True)
        .first()
        or 0
    )
    if full:
        late = unlogged
    else:
        recent = Gap.objects.filter(kind=source.kind, noticed_at__gte=now - GAP_WINDOW)
        ranges = Q()
        for first, last in recent.values_list("first_id", "last_id"):
            ranges |= Q(pk__range=(first, last))
        late = unlogged.filter(ranges) if ranges else unlogged.none()
    return late.filter(pk__lte=highest), source.model.objects.filter(pk__gt=highest), highest


def pending_records(*, batch: int, full: bool = False) -> tuple[list, list[Gap]]:
    """The next committed records without a leaf, in log order, and the gaps they leave.

    Returns ``([(kind, id, leaf), …], [new Gap, …])``. Per kind (texts first, so a text is
    logged no later than the acceptances of it): late records first — those in a gap noticed
    within ``GAP_WINDOW`` that have committed since — then records above the highest id logged,
    in id order. Both are index lookups, whatever the size of the tables. ``full`` looks for
    unlogged records among all ids instead (slow; for repairs after ``consent_verify``).
    """
    now = timezone.now()
    pending, gaps = [], []
    for source in SOURCES:
        limit = batch - len(pending)
        if limit <= 0:
            break
        late, fresh, highest = _unlogged(source, now, full=full)
        rows = list(source.rows(late)[:limit])
        fresh = list(source.rows(fresh)[: limit - len(rows)])
        gaps += [
            Gap(kind=source.kind, first_id=first, last_id=last, noticed_at=now)
            for first, last in id_gaps(highest, [row[0] for row in fresh])
        ]
        for row in rows + fresh:
            record = source.record._make(row)
            pending.append((source.kind, record.id, source.leaf(record)))
    return pending, gaps


class Unsealed(NamedTuple):
    """Committed records not yet in a signed tree head."""

    count: int
    overdue: int  # of which made longer than the maximum delay ago
    oldest: datetime | None


def unsealed(*, max_delay: timedelta = MAX_SEAL_DELAY) -> Unsealed:
    """How many records wait for the sequencer, how many too long, and since when.

    The sequencer's own lookups (``_unlogged``), so it costs a few index scans however large the
    log. A record later than ``GAP_WINDOW`` is not counted here; ``consent_verify`` names it.
    """
    now = timezone.now()
    count = overdue = 0
    oldest = None
    for source in SOURCES:
        late, fresh, _ = _unlogged(source, now)
        for queryset in (late, fresh):
            figures = queryset.order_by().aggregate(
                count=Count("pk"),
                overdue=Count("pk", filter=Q(**{f"{source.moment}__lt": now - max_delay})),
                oldest=Min(source.moment),
            )
            count += figures["count"]
            overdue += figures["overdue"]
            if figures["oldest"] is not None and (oldest is None or figures["oldest"] < oldest):
                oldest = figures["oldest"]
    return Unsealed(count, overdue, oldest)


def _insert(model, fields: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert many rows: COPY on PostgreSQL, where building ``bulk_create``'s SQL for ten
    thousand leaves costs several times more than everything else a seal does."""
    meta = model._meta
    table = connection.ops.quote_name(meta.db_table)
    columns = ", ".join(connection.ops.quote_name(meta.get_field(name).column) for name in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # noqa: S608
                for row in rows:
                    copy.write_row(row)
            return
        prepared = [
            tuple(
                meta.get_field(name).get_db_prep_save(value, connection)
                for name, value in zip(fields, row, strict=True)
            )
            for row in rows
        ]
        placeholders = ", ".join(["%s"] * len(fields))
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608
            prepared,
        )


@transaction.atomic
def log_seal(*, batch: int = DEFAULT_BATCH, full: bool = False) -> SealResult:
    """Log up to ``batch`` committed, not yet logged records and sign the new tree head.

    Safe to run from several processes at once: sequencers take turns (a PostgreSQL advisory
    lock, or SQLite's single writer), and each sees what the previous one committed. ``full``
    looks for unlogged records among all ids, not only recent gaps (see ``pending_records``).

    Returns:
        How many leaves were appended and the new signed head (None when nothing was pending).

    Raises:
        ImproperlyConfigured: no signing key is configured.
    """
    signing.signing_key()  # fail before touching anything when the key is missing
    _sequencer_lock()
    pending, gaps = pending_records(batch=batch, full=full)
    Gap.objects.bulk_create(gaps)
    if not pending:
        return SealResult(0, None)
    size = log_size()
    frontier_nodes = merkle.frontier_nodes(size)
    known = stored_nodes(frontier_nodes)
    hashes = [merkle.leaf_hash(leaves.encode(leaf)) for _, _, leaf in pending]
    created, frontier = merkle.extend(size, [known[node] for node in frontier_nodes], hashes)

    now = timezone.now()
    _insert(
        Leaf,
        ("index", "kind", "object_id", "leaf_hash", "sealed_at"),
        [
            (size + offset, kind, object_id, value, now)
            for offset, ((kind, object_id, _), value) in enumerate(
                zip(pending, hashes, strict=True)
            )
        ],
    )
    _insert(
        Node,
        ("level", "index", "hash"),
        [(node.level, node.index, node.hash) for node in created if node.level > 0],
    )
    signed = signing.sign_head(size + len(pending), merkle.fold(frontier), now)
    head = TreeHead.objects.create(**signed._asdict())
    return SealResult(len(pending), head)


def seal_pending(*, batch: int = DEFAULT_BATCH, full: bool = False) -> SealResult:
    """Seal batch after batch until nothing is pending (what one sequencer run does).

    Returns:
        How many leaves were appended in all, and the last head signed (None if none was).
    """
    total, head = 0, None
    while True:
        result = log_seal(batch=batch, full=full)
        if not result.appended:
            return SealResult(total, head)
        total, head = total + result.appended, result.head
