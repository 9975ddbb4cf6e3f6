"""Evidence packs: everything Legal hands a court or a regulator about one customer's consent.

One ZIP per customer: ``evidence.pdf`` (the exact texts the customer accepted, in the language
they were shown, each acceptance's details, the inclusion proofs, the signed tree head and how
to check it all) and the same evidence as files an expert checks with ``tools/jetu_verify.py``
without Jetu's software: each record's leaf with its inclusion proof (``proofs/``), the signed
tree head, the operator's public key, the texts exactly as hashed (``texts/``) and the
customer's receipts (``receipts/``).

A pack is built from the database *and checked against the log while it is built*: each
acceptance's leaf is recomputed from its row and compared with the leaf the log holds, so a
record changed after it was logged is flagged in the pack instead of being vouched for.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from core.display import EVIDENCE_TIME_ZONE, iso_time, language_name, local_time
from legal.canonical import canonical_text
from legal.models import VersionText
from legal.pdf import font_css, html_to_pdf, text_context
from shop.models import Acceptance, Customer

from . import leaves, merkle, receipts, selectors, signing
from .models import Leaf, LeafKind, TreeHead
from .services import MAX_SEAL_DELAY, SOURCES

VERIFIER = Path(settings.BASE_DIR) / "tools" / "jetu_verify.py"

# Leaf state of a record, as the pack reports it.
LOGGED = "logged"  # its leaf matches the row and the signed head includes it
NOT_YET_LOGGED = "pending"  # committed, waiting for the sequencer (at most MAX_SEAL_DELAY)
CHANGED = "changed"  # the row no longer produces the leaf the log holds


@dataclass
class LoggedEvidence:
    """One record (an acceptance or a text) as the log holds it, with its inclusion proof."""

    name: str  # file name stem, e.g. "acceptance-12"
    leaf: dict
    state: str
    leaf_index: int | None = None
    tree_size: int | None = None
    proof: list[str] = field(default_factory=list)

    def document(self) -> dict:
        """The proof file: what ``jetu_verify.py receipt`` reads."""
        return {
            "leaf": self.leaf,
            "leaf_index": self.leaf_index,
            "tree_size": self.tree_size,
            "inclusion_proof": self.proof,
            "state": self.state,
        }


@dataclass
class AcceptedText:
    """One acceptance in the pack: the record, the exact text, both as the log holds them."""

    acceptance: Acceptance
    text: VersionText
    acceptance_log: LoggedEvidence
    text_log: LoggedEvidence
    receipt: object | None = None

    @property
    def text_stem(self) -> str:
        return f"{self.text.page.slug}-v{self.acceptance.version.number}-{self.acceptance.language}"


@dataclass
class EvidencePack:
    customer: Customer
    items: list[AcceptedText]
    head: TreeHead | None
    generated_at: datetime
    generated_by: str
    public_key_pem: str

    @property
    def head_document(self) -> dict | None:
        return selectors.head_document(self.head) if self.head is not None else None

    @property
    def complete(self) -> bool:
        """Every acceptance and text is in the signed head, unchanged."""
        return all(
            item.acceptance_log.state == LOGGED and item.text_log.state == LOGGED
            for item in self.items
        )

    @property
    def filename(self) -> str:
        moment = self.generated_at.astimezone(EVIDENCE_TIME_ZONE)
        return f"evidence-customer-{self.customer.pk}-{moment:%Y%m%d-%H%M%S}.zip"


def _receipt_for(acceptance: Acceptance):
    """The customer's signed consent receipt for ``acceptance``: the one place receipts enter.

    The same file *My account* offers the customer (``receipts.receipt_document``: the JWS in
    its flattened JSON serialization).
    """
    token, _payload = receipts.receipt_for(acceptance)
    return receipts.receipt_document(token)


def _logged(kind: str, object_id: int, leaf: dict, head: TreeHead | None, stem: str):
    stored = Leaf.objects.filter(kind=kind, object_id=object_id).first()
    if stored is None or head is None or stored.index >= head.size:
        return LoggedEvidence(stem, leaf, NOT_YET_LOGGED)
    if bytes(stored.leaf_hash) != merkle.leaf_hash(leaves.encode(leaf)):
        return LoggedEvidence(stem, leaf, CHANGED, stored.index, head.size)
    proof = selectors.inclusion_proof(stored.index, head.size)
    return LoggedEvidence(
        stem, leaf, LOGGED, stored.index, head.size, [item.hex() for item in proof.proof]
    )


def _leaf(kind: str, object_id: int) -> dict:
    source = next(source for source in SOURCES if source.kind == kind)
    row = source.rows(source.model.objects.filter(pk=object_id)).get()
    return source.leaf(source.record._make(row))


def evidence_pack(*, customer: Customer, generated_by: str) -> EvidencePack:
    """Collect one customer's acceptances, texts, leaves and proofs against the latest head.

    Args:
        customer: whose consent is to be shown (an anonymised customer too: the ledger keeps
            their acceptances).
        generated_by: who asked (staff e-mail), printed on the pack.
    """
    head = selectors.head_latest()
    acceptances = (
        Acceptance.objects.filter(customer=customer)
        .select_related("version", "text__page", "text__locale", "email_at_acceptance")
        .order_by("accepted_at", "pk")
    )
    items = []
    for acceptance in acceptances:
        text = acceptance.text
        stem = f"{text.page.slug}-v{acceptance.version.number}-{acceptance.language}"
        items.append(
            AcceptedText(
                acceptance=acceptance,
                text=text,
                acceptance_log=_logged(
                    LeafKind.ACCEPTANCE,
                    acceptance.pk,
                    _leaf(LeafKind.ACCEPTANCE, acceptance.pk),
                    head,
                    f"acceptance-{acceptance.pk}",
                ),
                text_log=_logged(
                    LeafKind.VERSION_TEXT,
                    text.pk,
                    _leaf(LeafKind.VERSION_TEXT, text.pk),
                    head,
                    f"text-{stem}",
                ),
                receipt=_receipt_for(acceptance),
            )
        )
    return EvidencePack(
        customer=customer,
        items=items,
        head=head,
        generated_at=timezone.now(),
        generated_by=generated_by,
        public_key_pem=signing.public_pem(signing.public_key()),
    )


def acceptance_document(acceptance: Acceptance) -> dict:
    """One acceptance as the pack's ``acceptances.json`` states it (codes, not words)."""
    return {
        "id": acceptance.pk,
        "customer": acceptance.customer_id,
        "email_at_acceptance": acceptance.email or None,
        "document": acceptance.text.page.slug,
        "version": acceptance.version.number,
        "language": acceptance.language,
        "text_id": acceptance.text_id,
        "text_sha256": acceptance.text_sha256,
        "accepted_at": iso_time(acceptance.accepted_at),
        "accepted_at_utc": leaves.instant(acceptance.accepted_at),
        "channel": acceptance.channel,
        "ip_address": acceptance.ip_address,
        "user_agent": acceptance.user_agent,
        "previous_hash": acceptance.previous_hash,
        "record_hash": acceptance.record_hash,
    }


def _json(value) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def _receipt_file(stem: str, receipt) -> tuple[str, bytes]:
    if isinstance(receipt, bytes):
        return f"receipts/{stem}.jws", receipt
    if isinstance(receipt, str):
        return f"receipts/{stem}.jws", receipt.encode()
    return f"receipts/{stem}.json", _json(receipt)


def _entry(item: AcceptedText) -> dict:
    acceptance = item.acceptance
    receipt = (
        _receipt_file(f"acceptance-{acceptance.pk}", item.receipt)[0]
        if item.receipt is not None
        else ""
    )
    return {
        "item": item,
        "record": acceptance_document(acceptance),
        **text_context(item.text, anchor_prefix=f"t{item.text.pk}-"),
        "language_name": language_name(acceptance.language),
        "channel_label": acceptance.get_channel_display(),
        "accepted_local": local_time(acceptance.accepted_at),
        "receipt_file": receipt,
        "logs": [
            {
                "title": gettext("The acceptance in the transparency log"),
                "evidence": item.acceptance_log,
            },
            {"title": gettext("The text in the transparency log"), "evidence": item.text_log},
        ],
    }


def evidence_pack_pdf(pack: EvidencePack) -> bytes:
    """The pack's PDF: cover, each acceptance with its proof, how to verify, the texts.

    Written in the active language (the staff's); each text in the language it was shown in.
    """
    context = {
        "pack": pack,
        "head": pack.head_document,
        "head_local": local_time(pack.head.timestamp) if pack.head is not None else "",
        "generated_local": local_time(pack.generated_at),
        "customer_anonymised_at": local_time(pack.customer.anonymised_at),
        "items": [_entry(item) for item in pack.items],
        "has_receipts": any(item.receipt is not None for item in pack.items),
        "font_css": font_css(),
        "max_seal_delay": int(MAX_SEAL_DELAY.total_seconds()),
        "states": {"logged": LOGGED, "pending": NOT_YET_LOGGED, "changed": CHANGED},
        "LANGUAGE_CODE": translation.get_language(),
    }
    html = render_to_string("consent_log/evidence_pack.html", context)
    return html_to_pdf(html)


def evidence_pack_zip(pack: EvidencePack) -> bytes:
    """The ZIP Legal downloads: the PDF and the machine-checkable files beside it."""
    files: dict[str, bytes] = {"evidence.pdf": evidence_pack_pdf(pack)}
    files["acceptances.json"] = _json([acceptance_document(item.acceptance) for item in pack.items])
    if pack.head is not None:
        files["tree-head.json"] = _json(pack.head_document)
    files["public-key.pem"] = pack.public_key_pem.encode()
    for item in pack.items:
        for logged in (item.acceptance_log, item.text_log):
            files[f"proofs/{logged.name}.json"] = _json(logged.document())
        # The exact bytes behind the text's two fingerprints: sha256sum checks them.
        files[f"texts/{item.text_stem}.canonical.json"] = canonical_text(
            item.text.title, item.text.blocks
        ).encode()
        files[f"texts/{item.text_stem}.html"] = item.text.html.encode()
        if item.receipt is not None:
            name, content = _receipt_file(f"acceptance-{item.acceptance.pk}", item.receipt)
            files[name] = content
    files["jetu_verify.py"] = VERIFIER.read_bytes()
    files["README.txt"] = render_to_string(
        "consent_log/evidence_pack_readme.txt", {"pack": pack}
    ).encode()
    buffer = io.BytesIO()
    # Fixed timestamps inside the archive: the same evidence gives the same bytes.
    stamp = pack.generated_at.astimezone(EVIDENCE_TIME_ZONE).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16  # readable files once unpacked
            archive.writestr(info, files[name])
    return buffer.getvalue()


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
