from django.db import migrations

from core.append_only import append_only


class Migration(migrations.Migration):
    dependencies = [("shop", "0002_customers_orders_ledger")]

    operations = [append_only("shop_acceptance")]
