"""On PostgreSQL the application's role cannot rewrite legal evidence, whatever it sets.

The set-up is the README's deployment: the schema's owner migrates and runs
``manage.py grant_app_role``; gunicorn connects as that role (here: ``SET ROLE``).
"""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from core.append_only import evidence_tables
from legal.models import VersionText
from shop.models import Acceptance
from tests.conftest import postgres_only
from tests.shop.shop_helpers import make_customer

pytestmark = [postgres_only(), pytest.mark.postgres]

EVIDENCE = {
    "legal_documentversion": "UPDATE legal_documentversion SET material = NOT material",
    "legal_versiontext": "UPDATE legal_versiontext SET html = html || ' '",
    "shop_acceptance": "UPDATE shop_acceptance SET ip_address = '198.51.100.1'",
}


def as_role(role: str, statement: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {role}")
        # Neither a session setting nor an earlier escape hatch lifts the guard.
        cursor.execute("SET LOCAL jetu.maintenance = 'on'")
        # Deferred foreign-key checks of the fixtures' inserts would otherwise make TRUNCATE
        # fail for "pending trigger events" before the rights are even looked at.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(statement)


def test_the_evidence_tables_are_the_append_only_models():
    assert set(EVIDENCE) <= set(evidence_tables())


@pytest.mark.parametrize("table", sorted(EVIDENCE))
@pytest.mark.parametrize("verb", ["UPDATE", "DELETE", "TRUNCATE"])
def test_the_application_role_may_not_rewrite_evidence(customer, app_role, table, verb):
    statement = {
        "UPDATE": EVIDENCE[table],
        "DELETE": f"DELETE FROM {table}",  # noqa: S608 - our own table names
        "TRUNCATE": f"TRUNCATE {table} CASCADE",
    }[verb]
    with pytest.raises(DatabaseError, match="permission denied"):
        as_role(app_role, statement)
    assert Acceptance.objects.filter(customer=customer).count() == 1


@pytest.mark.parametrize("table", sorted(EVIDENCE))
def test_a_right_granted_by_mistake_still_meets_the_trigger(customer, app_role, table):
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT UPDATE, DELETE, TRUNCATE ON {', '.join(EVIDENCE)} TO {app_role}")
    statements = [EVIDENCE[table], f"DELETE FROM {table}"]  # noqa: S608 - our own tables
    if table == "shop_acceptance":  # the others' TRUNCATE would cascade to ordinary tables
        # Only the e-mail addresses beside the ledger reference it; TRUNCATE must take them
        # too, and the acceptances' trigger still refuses the whole statement.
        with connection.cursor() as cursor:
            cursor.execute(f"GRANT TRUNCATE ON shop_acceptanceemail TO {app_role}")
        statements.append(f"TRUNCATE {table} CASCADE")
    try:
        for statement in statements:
            with pytest.raises(DatabaseError, match="legal evidence is append-only"):
                as_role(app_role, statement)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"REVOKE TRUNCATE ON shop_acceptanceemail FROM {app_role}")
        call_command("grant_app_role", app_role, verbosity=0)


def test_the_application_role_records_new_evidence(policy, app_role):
    """Registration (user, customer, acceptance) works under the application's role."""
    texts_before = VersionText.objects.count()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {app_role}")
        customer = make_customer(email="role@example.kz", phone="+77010000099")
        assert Acceptance.objects.filter(customer=customer).count() == 1
    assert VersionText.objects.count() == texts_before
