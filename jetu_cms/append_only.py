"""PostgreSQL triggers that make evidence tables append-only.

The application never updates or deletes legal evidence (versions, version texts,
acceptances); these triggers make the database refuse it too, whoever connects. A session
may set ``jetu.maintenance = 'on'`` to bypass them — tests do, to empty their database
between transactional tests; production roles should not need to (see README, "Database roles").
"""

from django.db import migrations

FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION jetu_refuse_change() RETURNS trigger AS $$
BEGIN
    IF current_setting('jetu.maintenance', true) = 'on' THEN
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
