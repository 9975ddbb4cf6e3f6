from django.db import migrations

from core.append_only import append_only


class Migration(migrations.Migration):
    dependencies = [("legal", "0002_versions")]

    operations = [append_only("legal_documentversion", "legal_versiontext")]
