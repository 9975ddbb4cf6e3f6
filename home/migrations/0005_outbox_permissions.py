from django.db import migrations

from home.roles import create_groups


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0004_editors_upload_no_files"),
        ("outbox", "0001_outgoing_messages"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
