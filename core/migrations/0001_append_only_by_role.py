"""Replace the append-only trigger function: refusals depend on the role, not on a setting.

The triggers themselves are installed by each app's migrations (``core.append_only``); this
one brings databases created with the earlier function (lifted by ``SET jetu.maintenance``)
up to date. Creating the function again is harmless.
"""

from django.db import migrations

from core.append_only import FUNCTION_SQL


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION_SQL)


class Migration(migrations.Migration):
    dependencies = []
    operations = [migrations.RunPython(forward, migrations.RunPython.noop, elidable=False)]
