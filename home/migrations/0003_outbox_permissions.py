from django.db import migrations

from home.roles import create_groups


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0002_roles"),
        ("outbox", "0001_outgoing_messages"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
