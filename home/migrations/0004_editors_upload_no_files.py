from django.db import migrations

from home.roles import editors_upload_no_files


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0003_shop_managers_order_status"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [migrations.RunPython(editors_upload_no_files, migrations.RunPython.noop)]
