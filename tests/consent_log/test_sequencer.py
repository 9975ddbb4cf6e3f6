"""The sequencer logs committed evidence, extends the tree and signs heads that verify."""

from __future__ import annotations

import io
import secrets
import threading
import time
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from consent_log import leaves, selectors, signing
from consent_log.models import Leaf, LeafKind, Node, TreeHead
from consent_log.services import GAP_WINDOW, SOURCES, id_gaps, log_seal
from core.append_only import ImmutableRecordError
from legal.models import VersionText
from shop.models import Acceptance, Customer, User
from tests.conftest import postgres_only
from tests.consent_log.conftest import customers
from tests.consent_log.test_merkle import mth
from tests.consent_log.verifier import jetu_verify


def logged_records() -> list[bytes]:
    """Each leaf's canonical bytes, rebuilt from the row it logs (the oracle's input)."""
    result = []
    for leaf in Leaf.objects.order_by("index"):
        if leaf.kind == LeafKind.VERSION_TEXT:
            text = VersionText.objects.select_related("version", "locale").get(pk=leaf.object_id)
            record = leaves.version_text_leaf(
                leaves.LoggedVersionText(
                    id=text.pk,
                    document_id=text.version.document_id,
                    version_id=text.version_id,
                    version_number=text.version.number,
                    language=text.locale.language_code,
                    title=text.title,
                    change_summary=text.change_summary,
                    published_at=text.version.published_at,
                    effective_from=text.version.effective_from,
                    material=text.version.material,
                    created_at=text.created_at,
                    sha256=text.sha256,
                    html_sha256=text.html_sha256,
                )
            )
        else:
            row = Acceptance.objects.select_related("version").get(pk=leaf.object_id)
            record = leaves.acceptance_leaf(
                leaves.LoggedAcceptance(
                    id=row.pk,
                    customer_id=row.customer_id,
                    document_id=row.version.document_id,
                    version_id=row.version_id,
                    version_number=row.version.number,
                    text_id=row.text_id,
                    text_sha256=row.text_sha256,
                    language=row.language,
                    accepted_at=row.accepted_at,
                    channel=row.channel,
                    ip_address=row.ip_address,
                    user_agent=row.user_agent,
                )
            )
        result.append(leaves.encode(record))
    return result


def test_each_source_reads_its_columns_in_its_records_order():
    for source in SOURCES:
        assert tuple(source.fields) == source.record._fields


def published(head: TreeHead) -> dict:
    return selectors.head_document(head)


def test_first_seal_logs_the_published_texts_then_the_acceptances(db, public_key):
    customers(3)
    result = log_seal()
    kinds = list(Leaf.objects.order_by("index").values_list("kind", "object_id"))
    texts = sorted(VersionText.objects.values_list("pk", flat=True))
    acceptances = sorted(Acceptance.objects.values_list("pk", flat=True))
    assert kinds == [(LeafKind.VERSION_TEXT, pk) for pk in texts] + [
        (LeafKind.ACCEPTANCE, pk) for pk in acceptances
    ]
    assert result.appended == len(texts) + 3 == result.head.size
    assert bytes(result.head.root_hash) == mth(logged_records())
    jetu_verify.verify_head(published(result.head), public_key)


def test_nothing_new_signs_no_new_head(db):
    log_seal()
    assert log_seal() == (0, None)
    assert TreeHead.objects.count() == 1


def test_every_head_is_consistent_with_every_earlier_one(db, public_key):
    sizes = []
    for round_number in range(4):
        customers(round_number + 1, start=10 * round_number)
        sizes.append(log_seal().head.size)
    heads = {head.size: published(head) for head in TreeHead.objects.all()}
    records = logged_records()
    for position, old in enumerate(sizes):
        assert heads[old]["root_hash"] == mth(records[:old]).hex()
        for new in sizes[position:]:
            proof = selectors.consistency_proof(old, new)
            jetu_verify.verify_heads_consistent(
                heads[old],
                heads[new],
                {"first": old, "second": new, "consistency_proof": [p.hex() for p in proof.proof]},
            )
        for index in range(old):
            proof = selectors.inclusion_proof(index, old)
            assert proof.leaf_hash == jetu_verify.leaf_hash(records[index])
            jetu_verify.verify_inclusion(
                index, old, proof.leaf_hash, proof.proof, bytes.fromhex(heads[old]["root_hash"])
            )


def test_subtrees_are_stored_once_and_only_completed_ones(db):
    customers(5)
    log_seal(batch=3)
    log_seal(batch=3)
    log_seal()
    size = selectors.log_size()
    stored = set(Node.objects.values_list("level", "index"))
    expected = {
        (level, index) for level in range(1, size.bit_length()) for index in range(size >> level)
    }
    assert stored == expected


def test_a_batch_takes_texts_first_and_the_rest_waits(db):
    customers(4)
    texts = VersionText.objects.count()
    first = log_seal(batch=texts + 1)
    assert first.appended == texts + 1
    assert Leaf.objects.filter(kind=LeafKind.ACCEPTANCE).count() == 1
    second = log_seal(batch=100)
    assert second.appended == 3
    assert second.head.size == texts + 4


def _acceptance_with_id(pk: int, like: Acceptance) -> Acceptance:
    """An acceptance row inserted with a chosen id, copying another's values."""
    user = User.objects.create_user(email=f"late{pk}@example.kz", password=None)
    values = {
        field.attname: getattr(like, field.attname)
        for field in Acceptance._meta.concrete_fields
        if not field.primary_key
    }
    # Values the ledger keeps unique per record (a first-format chain), fresh for this one.
    if values.get("record_hash") is not None:
        values["previous_hash"] = secrets.token_hex(32)
        values["record_hash"] = secrets.token_hex(32)
    row = Acceptance(**{**values, "id": pk, "customer_id": Customer.objects.create(user=user).pk})
    row.save()
    return row


def test_a_record_committed_late_with_a_lower_id_is_still_logged(db):
    """Ids are taken at insert but seen at commit: a lower id may turn up after a higher one."""
    (customer,) = customers(1)
    like = Acceptance.objects.get(customer=customer)
    higher = _acceptance_with_id(like.pk + 100, like)
    log_seal()
    lower = _acceptance_with_id(like.pk + 50, like)
    log_seal()
    logged = list(
        Leaf.objects.filter(kind=LeafKind.ACCEPTANCE)
        .order_by("index")
        .values_list("object_id", flat=True)
    )
    assert logged == [like.pk, higher.pk, lower.pk]


def test_a_record_later_than_the_gap_window_waits_for_a_full_sweep(db):
    (customer,) = customers(1)
    like = Acceptance.objects.get(customer=customer)
    _acceptance_with_id(like.pk + 100, like)
    log_seal()
    lower = _acceptance_with_id(like.pk + 50, like)
    with time_machine.travel(timezone.now() + GAP_WINDOW + timedelta(seconds=1)):
        assert log_seal().appended == 0
        assert log_seal(full=True).appended == 1
    assert Leaf.objects.filter(kind=LeafKind.ACCEPTANCE, object_id=lower.pk).exists()


def test_id_gaps_are_the_missing_runs():
    assert id_gaps(0, [1, 2, 3]) == []
    assert id_gaps(4, [7, 8, 12]) == [(5, 6), (9, 11)]
    assert id_gaps(10, []) == []


def test_the_log_cannot_be_changed_through_the_application(db):
    customers(1)
    log_seal()
    leaf = Leaf.objects.first()
    with pytest.raises(ImmutableRecordError):
        Leaf.objects.update(leaf_hash=b"\0" * 32)
    with pytest.raises(ImmutableRecordError):
        TreeHead.objects.all().delete()
    with pytest.raises(ImmutableRecordError):
        leaf.save()


@postgres_only()
@pytest.mark.postgres
def test_the_application_role_seals_but_cannot_rewrite_the_log(db, app_role):
    """As gunicorn and the sequencer run in production: INSERT and SELECT only."""
    customers(1)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {app_role}")
        assert log_seal().head is not None
    for statement in (
        "UPDATE consent_log_leaf SET leaf_hash = leaf_hash",
        "DELETE FROM consent_log_node",
        "TRUNCATE consent_log_treehead",
        "DELETE FROM consent_log_gap",
    ):
        with (
            pytest.raises(DatabaseError, match="permission denied"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(f"SET LOCAL ROLE {app_role}")
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(statement)
    assert TreeHead.objects.count() == 1


@postgres_only()
@pytest.mark.postgres
def test_sequencers_running_at_once_take_turns(committed_content, public_key):
    customers(12)
    runners = 4
    barrier = threading.Barrier(runners)
    errors = []

    def seal():
        try:
            barrier.wait(timeout=10)
            log_seal(batch=5)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=seal) for _ in range(runners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    log_seal()
    records = logged_records()
    assert len(records) == VersionText.objects.count() + Acceptance.objects.count()
    assert len(set(records)) == len(records)
    heads = [published(head) for head in TreeHead.objects.order_by("size")]
    for head in heads:
        jetu_verify.verify_head(head, public_key)
        assert head["root_hash"] == mth(records[: head["size"]]).hex()


def test_sealing_without_a_key_refuses_and_writes_nothing(db, settings):
    customers(1)
    settings.CONSENT_LOG_DEV_KEY_FILE = None
    settings.CONSENT_LOG_SIGNING_KEY = ""
    settings.CONSENT_LOG_SIGNING_KEY_FILE = ""
    with pytest.raises(ImproperlyConfigured, match="CONSENT_LOG_SIGNING_KEY"):
        log_seal()
    assert not Leaf.objects.exists()
    assert signing.configured_key_source() is None


def test_the_command_from_cron_seals_and_stops_for_the_next_run(db):
    customers(2)
    out = io.StringIO()
    started = time.monotonic()
    call_command("consent_log_seal", "--every", "0.05", "--for", "0.3", stdout=out)
    assert time.monotonic() - started < 5
    size = selectors.log_size()
    assert size == VersionText.objects.count() + 2
    assert f"signed tree head {size} " in out.getvalue()


def test_the_task_seals_what_is_pending(db):
    from consent_log.tasks import consent_log_seal

    customers(2)
    result = consent_log_seal.enqueue()  # the tests' immediate backend runs it now
    assert result.return_value == VersionText.objects.count() + 2
    assert selectors.log_size() == result.return_value
