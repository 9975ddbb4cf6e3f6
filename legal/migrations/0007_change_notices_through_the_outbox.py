from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    dependencies = [
        ("legal", "0006_material_is_an_explicit_choice"),
        ("outbox", "0001_outgoing_messages"),
    ]

    operations = [
        # Notices sent before the outbox were recorded when they were sent.
        migrations.RenameField("changenotice", "sent_at", "created_at"),
        migrations.AlterField(
            model_name="changenotice",
            name="created_at",
            field=models.DateTimeField(verbose_name="recorded at"),
        ),
        migrations.AddField(
            model_name="changenotice",
            name="message",
            field=models.OneToOneField(
                blank=True,
                help_text="Empty for notices sent before e-mail went through the outbox.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="outbox.outgoingmessage",
                verbose_name="e-mail",
            ),
        ),
    ]
