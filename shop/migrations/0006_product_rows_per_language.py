# Each product stored with name_ru/name_kk columns becomes a Russian source row and a Kazakh
# row linked to it by translation_key. The rows keep their ids, so order lines still point at
# the products they were ordered as (their names and prices are copies of their own anyway).

import uuid

from django.conf import settings
from django.db import migrations

from shop.catalogue import product_texts_by_language

OLD_COLUMNS = ("name_ru", "name_kk", "description_ru", "description_kk")


def split(apps, schema_editor):
    Product = apps.get_model("shop", "Product")
    Locale = apps.get_model("wagtailcore", "Locale")
    rows = list(Product.objects.filter(locale__isnull=True))
    if not rows:
        return
    source = settings.LANGUAGE_CODE
    locales = {
        code: Locale.objects.get_or_create(language_code=code)[0]
        for code, _name in settings.LANGUAGES
    }
    others = [code for code in locales if code != source]
    for product in rows:
        old = {column: getattr(product, column) for column in OLD_COLUMNS}
        texts = product_texts_by_language(old, source=source, translations=others)
        product.translation_key = uuid.uuid4()
        product.locale = locales[source]
        product.name = texts[source]["name"]
        product.description = texts[source]["description"]
        product.save()
        for code in others:
            if code in texts:
                Product.objects.create(
                    translation_key=product.translation_key,
                    locale=locales[code],
                    slug=product.slug,
                    price=product.price,
                    active=product.active,
                    sort_order=product.sort_order,
                    **texts[code],
                )


def merge(apps, schema_editor):
    Product = apps.get_model("shop", "Product")
    source = settings.LANGUAGE_CODE
    for product in Product.objects.filter(locale__language_code=source):
        product.name_ru = product.name
        product.description_ru = product.description
        translation = Product.objects.filter(
            translation_key=product.translation_key, locale__language_code="kk"
        ).first()
        product.name_kk = translation.name if translation else product.name
        product.description_kk = translation.description if translation else ""
        product.locale = None
        product.translation_key = None
        product.save()
    Product.objects.exclude(locale__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("shop", "0005_product_locale_fields")]

    operations = [migrations.RunPython(split, merge)]
