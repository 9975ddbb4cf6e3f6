"""The consent ledger: append-only, idempotent, honest about IP addresses; the records of the
first format keep their hash chain, which still verifies beside the records written since."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.test import RequestFactory, override_settings

from consent_log.audit import log_audit
from consent_log.services import log_seal
from core.append_only import ImmutableRecordError
from shop import ledger
from shop.http import RequestMeta, client_ip, user_agent
from shop.models import Acceptance, Customer, User
from shop.services import acceptance_record, ledger_verify
from tests.shop.shop_helpers import format_1_acceptance, make_customer, tamper

FIELDS = {
    "customer_id": 1,
    "version_id": 2,
    "text_id": 3,
    "text_sha256": "a" * 64,
    "language": "kk",
    "accepted_at": datetime(2025, 3, 1, 9, 30, 0, 123456, tzinfo=UTC),
    "ip_address": "203.0.113.7",
    "user_agent": "Mozilla/5.0",
    "channel": "registration",
}


# Pure hashing -----------------------------------------------------------------------------


def test_the_same_instant_in_another_time_zone_hashes_the_same():
    almaty = dict(
        FIELDS, accepted_at=FIELDS["accepted_at"].astimezone(timezone(timedelta(hours=5)))
    )
    assert ledger.record_hash(almaty, ledger.GENESIS_HASH) == ledger.record_hash(
        FIELDS, ledger.GENESIS_HASH
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("customer_id", 9),
        ("version_id", 9),
        ("text_id", 9),
        ("text_sha256", "b" * 64),
        ("language", "ru"),
        ("accepted_at", datetime(2025, 3, 1, 9, 30, 0, 123457, tzinfo=UTC)),
        ("ip_address", "203.0.113.8"),
        ("user_agent", "Mozilla/5.1"),
        ("channel", "checkout"),
    ],
)
def test_any_changed_field_changes_the_hash(name, value):
    original = ledger.record_hash(FIELDS, ledger.GENESIS_HASH)
    assert ledger.record_hash(dict(FIELDS, **{name: value}), ledger.GENESIS_HASH) != original


def test_the_hash_depends_on_the_previous_record():
    assert ledger.record_hash(FIELDS, ledger.GENESIS_HASH) != ledger.record_hash(FIELDS, "f" * 64)


# Recording ------------------------------------------------------------------------------------


def test_new_records_carry_no_chain_and_the_format_1_chain_still_verifies(policy):
    first = format_1_acceptance(email="a@example.kz")
    second = format_1_acceptance(email="b@example.kz", language="kk")
    new = Acceptance.objects.get(customer=make_customer(email="c@example.kz", language="kk"))
    assert second.previous_hash == first.record_hash
    assert first.previous_hash == ledger.GENESIS_HASH
    assert (new.previous_hash, new.record_hash) == (None, None)
    assert new.language == "kk"
    assert new.text.locale.language_code == "kk"
    assert new.text_sha256 == new.text.sha256
    assert ledger_verify() is None


def test_a_double_submit_records_one_acceptance(customer, v1):
    again = acceptance_record(
        customer=customer, version=v1, language="ru", meta=RequestMeta(), channel="account"
    )
    assert Acceptance.objects.filter(customer=customer).count() == 1
    assert again.channel == "registration"


def test_the_database_refuses_a_second_acceptance_of_the_same_version(customer):
    first = Acceptance.objects.get(customer=customer)
    duplicate = Acceptance(
        customer=customer,
        version=first.version,
        text=first.text,
        text_sha256=first.text_sha256,
        language="ru",
        accepted_at=first.accepted_at,
        channel="checkout",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_the_database_refuses_two_records_chained_to_the_same_predecessor(policy):
    fork_of = format_1_acceptance(email="a@example.kz")
    mine = format_1_acceptance(email="b@example.kz")
    forged = Acceptance(
        customer=make_customer(email="c@example.kz", phone="+77010000000"),
        version=mine.version,
        text=mine.text,
        text_sha256=mine.text_sha256,
        language="ru",
        accepted_at=mine.accepted_at,
        channel="checkout",
        previous_hash=mine.previous_hash,  # the same predecessor as `mine`
        record_hash="d" * 64,
    )
    assert mine.previous_hash == fork_of.record_hash
    with pytest.raises(IntegrityError), transaction.atomic():
        forged.save()


def test_the_database_refuses_half_a_chain(customer):
    """A record is in the chain with both hashes or not at all, so none slips out of it."""
    mine = Acceptance.objects.get(customer=customer)
    user = User.objects.create_user(email="half@example.kz", password=None)
    half = Acceptance(
        customer=Customer.objects.create(user=user),
        version=mine.version,
        text=mine.text,
        text_sha256=mine.text_sha256,
        language="ru",
        accepted_at=mine.accepted_at,
        channel="checkout",
        record_hash="c" * 64,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        half.save()


def test_acceptances_cannot_be_changed_or_deleted_through_the_application(customer):
    acceptance = Acceptance.objects.get(customer=customer)
    acceptance.ip_address = "198.51.100.1"
    with pytest.raises(ImmutableRecordError):
        acceptance.save()
    with pytest.raises(ImmutableRecordError):
        acceptance.delete()
    with pytest.raises(ImmutableRecordError):
        Acceptance.objects.filter(pk=acceptance.pk).update(channel="account")
    with pytest.raises(ImmutableRecordError):
        Acceptance.objects.filter(pk=acceptance.pk).delete()
    with pytest.raises(ImmutableRecordError):
        Acceptance.objects.bulk_create([])
    assert Acceptance.objects.get(pk=acceptance.pk).ip_address is None


# Verification ---------------------------------------------------------------------------------


def test_verify_command_reports_an_intact_chain_and_who_proves_the_rest(policy, capsys):
    format_1_acceptance(email="a@example.kz")
    format_1_acceptance(email="b@example.kz")
    make_customer(email="c@example.kz")
    call_command("verify_consent_ledger")
    out = capsys.readouterr().out
    assert "The hash chain of the 2 records of the first format is intact" in out
    assert "1 record written since" in out and "consent_verify" in out


def test_a_changed_record_is_named_by_the_verify_command(policy):
    format_1_acceptance(email="a@example.kz")
    record = format_1_acceptance(email="b@example.kz")
    format_1_acceptance(email="c@example.kz")
    make_customer(email="d@example.kz")
    tamper("UPDATE shop_acceptance SET ip_address = '198.51.100.66' WHERE id = %s", [record.pk])
    assert ledger_verify().record.pk == record.pk
    with pytest.raises(CommandError, match=f"acceptance {record.pk}: its content"):
        call_command("verify_consent_ledger")


def test_a_removed_record_breaks_the_chain_at_its_successor(policy):
    format_1_acceptance(email="a@example.kz")
    removed = format_1_acceptance(email="b@example.kz")
    successor = format_1_acceptance(email="c@example.kz")
    tamper("DELETE FROM shop_acceptance WHERE id = %s", [removed.pk])
    broken = ledger_verify()
    assert broken.record.pk == successor.pk
    assert "does not follow" in broken.reason


def test_a_record_taken_out_of_the_chain_breaks_it_at_its_successor(policy):
    """Emptying a format-1 record's chain fields does not make it a record the chain skips."""
    format_1_acceptance(email="a@example.kz")
    victim = format_1_acceptance(email="b@example.kz")
    successor = format_1_acceptance(email="c@example.kz")
    tamper(
        "UPDATE shop_acceptance SET ip_address = '198.51.100.66', previous_hash = NULL, "
        "record_hash = NULL WHERE id = %s",
        [victim.pk],
    )
    broken = ledger_verify()
    assert broken.record.pk == successor.pk
    assert "does not follow" in broken.reason


def test_a_recomputed_hash_does_not_hide_a_change(policy):
    """Rewriting a record *and* its hash still breaks the next record's link."""
    format_1_acceptance(email="a@example.kz")
    victim = format_1_acceptance(email="b@example.kz")
    successor = format_1_acceptance(email="c@example.kz")
    fields = dict(victim.hashed_fields(), ip_address="198.51.100.66")
    forged = ledger.record_hash(fields, victim.previous_hash)
    tamper(
        "UPDATE shop_acceptance SET ip_address = '198.51.100.66', record_hash = %s WHERE id = %s",
        [forged, victim.pk],
    )
    assert ledger_verify().record.pk == successor.pk


# What the request tells us ----------------------------------------------------------------------


def request(remote="203.0.113.7", forwarded=None, agent=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    if agent is not None:
        meta["HTTP_USER_AGENT"] = agent
    return RequestFactory().get("/", **meta)


def test_x_forwarded_for_is_ignored_without_trusted_proxies():
    assert client_ip(request(forwarded="1.2.3.4")) == "203.0.113.7"


@override_settings(TRUSTED_PROXIES=["10.0.0.5"])
def test_x_forwarded_for_from_an_untrusted_peer_is_ignored():
    assert client_ip(request(remote="198.51.100.9", forwarded="1.2.3.4")) == "198.51.100.9"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8", "172.16.0.1"])
def test_the_client_is_the_first_untrusted_hop_from_the_right():
    # A client may send any X-Forwarded-For; only what our proxies appended counts.
    forwarded = "6.6.6.6, 203.0.113.7, 172.16.0.1"
    assert client_ip(request(remote="10.1.2.3", forwarded=forwarded)) == "203.0.113.7"


@override_settings(TRUSTED_PROXIES=["10.0.0.5"])
def test_garbage_in_x_forwarded_for_falls_back_to_the_proxy():
    assert client_ip(request(remote="10.0.0.5", forwarded="unknown")) == "10.0.0.5"


def test_ipv4_mapped_addresses_are_recorded_as_ipv4():
    assert client_ip(request(remote="::ffff:203.0.113.7")) == "203.0.113.7"


def test_user_agent_is_cut_to_512_characters_without_control_characters():
    assert user_agent(request(agent="A\x00B\tC" + "x" * 1000)) == ("ABC" + "x" * 1000)[:512]


def test_a_long_user_agent_is_recorded_truncated_and_still_verifies(policy):
    customer = make_customer(request=request(agent="Ж" * 2000))
    acceptance = Acceptance.objects.get(customer=customer)
    assert acceptance.user_agent == "Ж" * 512
    assert acceptance.ip_address == "203.0.113.7"
    log_seal()
    assert log_audit(max_delay=timedelta(0)).findings == []


def test_a_mistyped_trusted_proxy_is_reported_by_the_system_check():
    from shop.checks import trusted_proxies

    with override_settings(TRUSTED_PROXIES=["10.0.0.1", "10.0.0.0/33", "proxy.local"]):
        errors = trusted_proxies(None)
    assert [e.id for e in errors] == ["shop.E001", "shop.E001"]
    assert "proxy.local" in errors[1].msg
