"""Give the application's PostgreSQL role what it needs, and no right to rewrite evidence."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from core.append_only import evidence_tables


class Command(BaseCommand):
    help = (
        "Grant ROLE (the role gunicorn connects as) read and write rights on every table, but "
        "only SELECT and INSERT on the legal evidence tables. Run it as the owner of the "
        "schema after every migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="the application's PostgreSQL role, e.g. jetu_app")

    def handle(self, *args, role, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Database roles exist only on PostgreSQL.")
        quote = connection.ops.quote_name
        evidence = ", ".join(quote(table) for table in evidence_tables())
        statements = [
            f"GRANT USAGE ON SCHEMA public TO {quote(role)}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quote(role)}",
            f"REVOKE UPDATE, DELETE, TRUNCATE ON {evidence} FROM {quote(role)}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quote(role)}",
        ]
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(
            f"{role}: read and write on every table; SELECT and INSERT only on "
            f"{', '.join(evidence_tables())}."
        )
