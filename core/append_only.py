"""Append-only records: legal evidence is written once and never changed or deleted.

Versions, version texts, acceptances and change notices use ``AppendOnlyModel``: the
application refuses to update or delete them (``save`` of an existing row, ``delete``,
queryset ``update``/``delete``), and on PostgreSQL the ``append_only`` migration operation
installs triggers that make the database refuse it too (see README, "Database roles").
"""

from django.db import migrations, models
from django.utils.translation import gettext_lazy as _


class ImmutableRecordError(Exception):
    """Someone tried to change or delete a record of legal evidence."""


CHANGE_REFUSED = _("%(records)s are legal evidence: they cannot be changed.")
DELETE_REFUSED = _("%(records)s are legal evidence: they cannot be deleted.")


def _refuse(record_class, message):
    raise ImmutableRecordError(message % {"records": record_class._meta.verbose_name_plural})


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk updates and deletes are refused."""

    def update(self, **kwargs):
        _refuse(self.model, CHANGE_REFUSED)

    def delete(self):
        _refuse(self.model, DELETE_REFUSED)


class AppendOnlyModel(models.Model):
    """A record written once and never changed or deleted through the application."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            _refuse(type(self), CHANGE_REFUSED)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse(type(self), DELETE_REFUSED)


def evidence_tables() -> list[str]:
    """The database tables of every append-only model, for triggers and role grants."""
    from django.apps import apps

    return sorted(
        model._meta.db_table
        for model in apps.get_models()
        if issubclass(model, AppendOnlyModel) and not model._meta.proxy
    )


# Only the role that owns a table (the one that migrates, or a superuser) may change its rows;
# the application's role is refused whatever it has been granted and whatever its session
# sets. That role should not hold UPDATE, DELETE or TRUNCATE on these tables in the first place
# (``manage.py grant_app_role``); the trigger guards against a grant given by mistake.
FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION jetu_refuse_change() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM pg_class WHERE oid = TG_RELID AND pg_has_role(current_user, relowner, 'USAGE')
    ) THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    -- No percent signs anywhere: Django passes this SQL through the driver formatting.
    RAISE EXCEPTION USING
        MESSAGE = TG_OP || ' on ' || TG_TABLE_NAME || ' is refused: legal evidence is append-only',
        ERRCODE = 'raise_exception';
END;
$$ LANGUAGE plpgsql;
"""


def _forward(table: str) -> str:
    return f"""
    {FUNCTION_SQL}
    DROP TRIGGER IF EXISTS {table}_append_only ON {table};
    CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION jetu_refuse_change();
    DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};
    CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION jetu_refuse_change();
    """


def _backward(table: str) -> str:
    return f"""
    DROP TRIGGER IF EXISTS {table}_append_only ON {table};
    DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};
    """


def append_only(*tables: str) -> migrations.RunPython:
    """A migration operation installing the triggers on PostgreSQL (a no-op elsewhere)."""

    def forward(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for table in tables:
                schema_editor.execute(_forward(table))

    def backward(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for table in tables:
                schema_editor.execute(_backward(table))

    return migrations.RunPython(forward, backward, elidable=False)
