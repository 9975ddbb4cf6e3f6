"""``manage.py consent_verify`` names every record that no longer matches the log.

Each tamper case is done the way someone with write access to the database would: raw SQL, the
append-only triggers switched off (``session_replication_role``, which needs a superuser).
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from consent_log import selectors
from consent_log.models import Leaf, LeafKind, TreeHead
from consent_log.services import log_seal
from legal.models import ConsentTerms, VersionText
from shop import ledger
from shop.models import Acceptance
from shop.services import ledger_verify
from tests.consent_log.conftest import customers
from tests.shop.shop_helpers import format_1_acceptance


def tamper(*statements):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        for sql, *params in statements:
            cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def verify(*args) -> tuple[bool, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("consent_verify", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return False, out.getvalue() + err.getvalue() + str(exc)
    return True, out.getvalue() + err.getvalue()


@pytest.fixture
def sealed(db):
    """The policy's texts, two acceptances of the first (chained) format written before the
    log existed, and two written since (no chain): logged and signed."""
    format_1_acceptance(email="old1@example.kz")
    format_1_acceptance(email="old2@example.kz")
    customers(2)
    log_seal()
    return Acceptance.objects.order_by("pk"), VersionText.objects.order_by("pk")


def leaf_of(kind, object_id) -> int:
    return Leaf.objects.get(kind=kind, object_id=object_id).index


def test_an_intact_database_passes_and_the_latest_head_is_printed(sealed):
    ok, output = verify()
    head = selectors.head_document(selectors.head_latest())
    assert ok, output
    assert json.dumps(head, sort_keys=True) in output
    assert f"All {head['size']} logged records match" in output


def test_the_format_1_records_are_the_first_acceptances_logged(sealed):
    acceptances, _ = sealed
    logged = Leaf.objects.filter(kind=LeafKind.ACCEPTANCE).order_by("index")
    assert list(logged.values_list("object_id", flat=True)) == [a.pk for a in acceptances]
    assert [a.is_chained for a in acceptances] == [True, True, False, False]
    assert ledger_verify() is None
    assert verify()[0]


def test_a_rewritten_and_rechained_format_1_acceptance_is_named(sealed):
    """Rewriting a chained record and recomputing the chain from there needs no key: the
    chain verifies again, the log does not."""
    acceptances, _ = sealed
    first, second = acceptances[0], acceptances[1]
    forged = dict(first.hashed_fields(), ip_address="198.51.100.7")
    first_hash = ledger.record_hash(forged, first.previous_hash)
    second_hash = ledger.record_hash(second.hashed_fields(), first_hash)
    tamper(
        (
            "UPDATE shop_acceptance SET ip_address = %s, record_hash = %s WHERE id = %s",
            "198.51.100.7",
            first_hash,
            first.pk,
        ),
        (
            "UPDATE shop_acceptance SET previous_hash = %s, record_hash = %s WHERE id = %s",
            first_hash,
            second_hash,
            second.pk,
        ),
    )
    assert ledger_verify() is None, "the re-chained chain verifies by itself"
    ok, output = verify()
    assert not ok
    index = leaf_of(LeafKind.ACCEPTANCE, first.pk)
    assert f"acceptance {first.pk}: differs from what leaf {index} logged" in output
    assert f"acceptance {second.pk}:" not in output


def test_a_rewritten_new_acceptance_is_named(sealed):
    acceptances, _ = sealed
    target = acceptances.last()
    assert not target.is_chained
    tamper(
        (
            "UPDATE shop_acceptance SET language = 'kk', accepted_at = accepted_at WHERE id = %s",
            target.pk,
        )
    )
    ok, output = verify()
    assert not ok
    index = leaf_of(LeafKind.ACCEPTANCE, target.pk)
    assert f"acceptance {target.pk}: differs from what leaf {index} logged" in output
    others = [a.pk for a in acceptances if a.pk != target.pk]
    assert not any(f"acceptance {pk}:" in output for pk in others)


def test_deleted_newest_acceptances_are_named(sealed):
    acceptances, _ = sealed
    newest = list(acceptances)[-2:]
    assert not any(record.is_chained for record in newest)
    ids = [record.pk for record in newest]
    tamper(
        ("DELETE FROM shop_acceptanceemail WHERE acceptance_id IN (%s, %s)", *ids),
        ("DELETE FROM shop_acceptance WHERE id IN (%s, %s)", *ids),
    )
    assert ledger_verify() is None, "the chain cannot see the newest records go"
    ok, output = verify()
    assert not ok
    for record in newest:
        index = leaf_of(LeafKind.ACCEPTANCE, record.pk)
        assert (
            f"acceptance {record.pk}: is logged as leaf {index} but is no longer in the database"
        ) in output


def test_an_emptied_ledger_names_every_acceptance(sealed):
    ids = list(sealed[0].values_list("pk", flat=True))
    tamper(("DELETE FROM shop_acceptanceemail",), ("DELETE FROM shop_acceptance",))
    ok, output = verify()
    assert not ok
    for pk in ids:
        assert f"acceptance {pk}: is logged as leaf" in output


def test_a_text_rewritten_with_its_hashes_is_named(sealed):
    _, texts = sealed
    text = texts.last()
    tamper(
        (
            "UPDATE legal_versiontext SET html = %s, sha256 = %s, html_sha256 = %s WHERE id = %s",
            "<p>Другой текст</p>",
            "a" * 64,
            "b" * 64,
            text.pk,
        )
    )
    ok, output = verify()
    assert not ok
    assert f"version text {text.pk}: differs" in output


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE legal_documentversion SET material = NOT material WHERE id = %s",
        "UPDATE legal_documentversion SET effective_from = effective_from - interval '1 day' "
        "WHERE id = %s",
    ],
    ids=["material flag", "effective date"],
)
def test_changed_version_metadata_names_its_texts(sealed, statement):
    _, texts = sealed
    text = texts.first()
    if "interval" in statement and connection.vendor != "postgresql":
        statement = (
            "UPDATE legal_documentversion SET effective_from = '2000-01-01 00:00:00' WHERE id = %s"
        )
    tamper((statement, text.version_id))
    ok, output = verify()
    assert not ok
    for other in VersionText.objects.filter(version_id=text.version_id):
        assert f"version text {other.pk}: differs" in output


def test_changed_consent_terms_are_named(sealed):
    """Rewriting what a version's consent covered (a purpose added after the fact) shows."""
    terms = ConsentTerms.objects.get(version__number=1)
    tamper(
        (
            "UPDATE legal_consentterms SET cross_border_transfer = %s WHERE id = %s",
            True,
            terms.pk,
        )
    )
    ok, output = verify()
    assert not ok and f"consent terms {terms.pk}: differs" in output


def test_a_changed_summary_is_named(sealed):
    text = sealed[1].first()
    tamper(("UPDATE legal_versiontext SET change_summary = %s WHERE id = %s", "—", text.pk))
    ok, output = verify()
    assert not ok and f"version text {text.pk}: differs" in output


def test_a_deleted_kazakh_text_is_named(sealed):
    kazakh = VersionText.objects.get(locale__language_code="kk", version__number=1)
    assert not Acceptance.objects.filter(text=kazakh).exists()
    tamper(("DELETE FROM legal_versiontext WHERE id = %s", kazakh.pk))
    ok, output = verify()
    assert not ok
    assert f"version text {kazakh.pk}: is logged as leaf" in output


def test_a_rolled_back_log_fails_against_a_head_kept_outside(sealed, tmp_path):
    """Deleting the newest records together with their leaves and heads leaves the database
    consistent with itself; the head the customer kept shows the rollback."""
    customers(1, start=20)
    kept = selectors.head_document(log_seal().head)
    path = tmp_path / "head.json"
    path.write_text(json.dumps(kept))
    newest = Acceptance.objects.order_by("pk").last()
    tamper(
        ("DELETE FROM consent_log_treehead WHERE size = %s", kept["size"]),
        ("DELETE FROM consent_log_leaf WHERE kind = 'acceptance' AND object_id = %s", newest.pk),
        ("DELETE FROM shop_acceptanceemail WHERE acceptance_id = %s", newest.pk),
        ("DELETE FROM shop_acceptance WHERE id = %s", newest.pk),
    )
    assert verify()[0], "the database alone is consistent after a clean rollback"
    ok, output = verify("--head", str(path))
    assert not ok
    assert f"tree head {kept['size']}: signs {kept['size']} leaves" in output


def test_a_forged_leaf_fails_against_the_signed_head(sealed):
    index = Leaf.objects.order_by("index").first().index
    tamper(('UPDATE consent_log_leaf SET leaf_hash = %s WHERE "index" = %s', b"\1" * 32, index))
    ok, output = verify()
    assert not ok
    assert f"tree head {TreeHead.objects.first().size}: its root hash is not" in output


def test_a_record_left_unlogged_too_long_is_named(sealed):
    (late,) = customers(1, start=30)
    ok, output = verify("--max-delay", "0")
    acceptance = Acceptance.objects.get(customer=late)
    assert not ok and f"acceptance {acceptance.pk}: is not in the log" in output
