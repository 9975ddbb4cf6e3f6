"""The transparency log's storage: leaves, the completed subtrees over them, signed tree heads.

All three are append-only, like the evidence they log (model guards here; PostgreSQL triggers in
migration 0001). Only ``consent_log.services.log_seal`` writes them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.append_only import AppendOnlyModel


class LeafKind(models.TextChoices):
    """What a leaf records."""

    VERSION_TEXT = "version_text", _("version text")
    CONSENT_TERMS = "consent_terms", _("consent terms")
    ACCEPTANCE = "acceptance", _("acceptance")


class Leaf(AppendOnlyModel):
    """One logged record: its position in the log and the RFC 6962 hash of its canonical form.

    The canonical form itself is not stored: it is recomputed from the logged row
    (``consent_log.leaves``), so a row changed afterwards no longer matches its leaf.
    """

    index = models.BigIntegerField(_("position in the log"), primary_key=True)
    kind = models.CharField(_("kind"), max_length=16, choices=LeafKind.choices)
    object_id = models.BigIntegerField(_("id of the logged record"))
    leaf_hash = models.BinaryField(_("leaf hash"), max_length=32)
    sealed_at = models.DateTimeField(_("sealed at"))

    class Meta:
        verbose_name = _("log leaf")
        verbose_name_plural = _("log leaves")
        ordering = ["index"]
        default_permissions = ("view",)
        # Legal's evidence packs (consent_log.admin_views): personal data, so a right of its own.
        permissions = [("download_evidence_pack", "Can download customers' evidence packs")]
        constraints = [
            # A record is logged once; the sequencer relies on it to find what is not.
            models.UniqueConstraint(fields=["kind", "object_id"], name="consent_log_leaf_once"),
            models.CheckConstraint(condition=models.Q(index__gte=0), name="consent_log_leaf_index"),
        ]

    def __str__(self):
        return f"#{self.index} {self.kind} {self.object_id}"


class Node(AppendOnlyModel):
    """A completed perfect subtree of 2**level leaves starting at leaf index * 2**level.

    Level 0 is the ``Leaf`` table itself; nodes start at level 1. Together they let any root or
    proof be computed from about 2·log2(n) stored hashes (see ``consent_log.merkle``).
    """

    pk = models.CompositePrimaryKey("level", "index")
    level = models.PositiveSmallIntegerField(_("level"))
    index = models.BigIntegerField(_("index"))
    hash = models.BinaryField(_("hash"), max_length=32)

    class Meta:
        verbose_name = _("log subtree")
        verbose_name_plural = _("log subtrees")
        default_permissions = ("view",)
        constraints = [
            models.CheckConstraint(condition=models.Q(level__gte=1), name="consent_log_node_level"),
        ]

    def __str__(self):
        return f"{self.level}/{self.index}"


class TreeHead(AppendOnlyModel):
    """The operator's signed statement of the log's size and root hash at a moment.

    Published at ``/consent-log/``; the signed bytes are described in docs/consent-log.md and
    checked by ``tools/jetu_verify.py``.
    """

    size = models.BigIntegerField(_("number of leaves"), primary_key=True)
    root_hash = models.BinaryField(_("root hash"), max_length=32)
    timestamp = models.DateTimeField(_("signed at"))
    key_id = models.CharField(_("key id"), max_length=64)
    signature = models.BinaryField(_("signature"), max_length=64)

    class Meta:
        verbose_name = _("signed tree head")
        verbose_name_plural = _("signed tree heads")
        ordering = ["-size"]
        default_permissions = ("view",)
        constraints = [
            models.CheckConstraint(condition=models.Q(size__gte=1), name="consent_log_head_size"),
        ]

    def __str__(self):
        return f"{self.size} @ {self.timestamp:%Y-%m-%d %H:%M:%S}"


class Gap(AppendOnlyModel):
    """Ids the sequencer stepped over: taken by a transaction not committed yet (or never).

    A record's id is taken at insert but seen only at commit, so a lower id can turn up after
    a higher one was logged. The sequencer looks for such late records only among the gaps it
    noticed recently (``consent_log.services.GAP_WINDOW``), never by scanning the whole table.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=LeafKind.choices)
    first_id = models.BigIntegerField(_("first missing id"))
    last_id = models.BigIntegerField(_("last missing id"))
    noticed_at = models.DateTimeField(_("noticed at"))

    class Meta:
        verbose_name = _("gap in ids")
        verbose_name_plural = _("gaps in ids")
        default_permissions = ()
        indexes = [models.Index(fields=["kind", "noticed_at"], name="consent_log_gap_recent")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_id__lte=models.F("last_id")), name="consent_log_gap_range"
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.first_id}–{self.last_id}"
