from django.db import migrations

from home.roles import create_groups


class Migration(migrations.Migration):
    """Shop managers may now change an order's status and translate products."""

    dependencies = [
        ("home", "0002_roles"),
        ("shop", "0007_product_translatable_order_delivery"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
