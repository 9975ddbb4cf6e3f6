from django.db import migrations

from home.roles import create_groups


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0005_outbox_permissions"),
        ("consent_log", "0003_evidence_pack_permission"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
