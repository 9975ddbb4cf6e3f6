from django.db import migrations

from home.roles import create_groups


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0001_initial"),
        ("legal", "0003_append_only_triggers"),
        ("shop", "0003_acceptance_append_only"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtail_localize", "0016_rename_page_revision_translationlog_revision"),
        ("wagtailadmin", "0006_formstate"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
