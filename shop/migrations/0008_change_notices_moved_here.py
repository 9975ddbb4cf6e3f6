"""Change notices move here from the legal app (legal 0008), table and rows included.

The notices are append-only now, like the rest of the consent evidence.
"""

import django.db.models.deletion
from django.db import migrations, models

from core.append_only import append_only


class Migration(migrations.Migration):
    dependencies = [
        ("legal", "0008_change_notices_move_to_shop"),
        ("outbox", "0001_outgoing_messages"),
        ("shop", "0007_product_translatable_order_delivery"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ChangeNotice",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("language", models.CharField(max_length=8, verbose_name="language")),
                        ("created_at", models.DateTimeField(verbose_name="recorded at")),
                        (
                            "customer",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="change_notices",
                                to="shop.customer",
                                verbose_name="customer",
                            ),
                        ),
                        (
                            "message",
                            models.OneToOneField(
                                blank=True,
                                help_text="Empty for notices sent before e-mail went through the outbox.",
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="outbox.outgoingmessage",
                                verbose_name="e-mail",
                            ),
                        ),
                        (
                            "version",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="notices",
                                to="legal.documentversion",
                                verbose_name="version",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "change notice",
                        "verbose_name_plural": "change notices",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("version", "customer"), name="legal_notice_once"
                            )
                        ],
                        "db_table": "legal_changenotice",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="changenotice", table=None),
        append_only("shop_changenotice"),
    ]
