"""Change notices are about customers: the model moves to the shop (shop 0008).

Only Django's picture of the models changes here; the table stays and is renamed by the
shop's migration, so no notice is lost.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("legal", "0007_change_notices_through_the_outbox")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ChangeNotice")],
            database_operations=[],
        )
    ]
