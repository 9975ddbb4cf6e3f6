"""Products: translated through wagtail-localize, with images, each with a page of its own."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils.html import escape
from wagtail.models import Locale
from wagtail_localize.models import Translation

from shop.catalogue import SEED_PRODUCTS, product_texts_by_language
from shop.models import Product
from shop.templatetags.shop_tags import tenge
from tests.shop.shop_helpers import t, text_of

LANGUAGES = ("ru", "kk")


class _Images(HTMLParser):
    """Every product <img> of a page, with its attributes, and where each product card leads."""

    def __init__(self):
        super().__init__()
        self.images: list[dict[str, str]] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img" and "product-image" in (attrs.get("class") or "").split():
            self.images.append(attrs)
        elif tag == "a" and "product-card__link" in (attrs.get("class") or ""):
            self.links.append(attrs["href"])


def parse(response) -> _Images:
    parser = _Images()
    parser.feed(response.content.decode())
    return parser


def text_in(product: Product, language: str) -> Product:
    """The row holding ``product``'s texts in ``language``."""
    return Product.objects.get(
        translation_key=product.translation_key, locale__language_code=language
    )


def seed_texts(product: Product, language: str) -> dict[str, str]:
    return next(d["texts"][language] for d in SEED_PRODUCTS if d["slug"] == product.slug)


# Catalogue and product pages ----------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_product_shows_its_image_on_the_catalogue(client, products, language):
    page = parse(client.get(f"/{language}/shop/"))
    assert page.links == [f"/{language}/shop/products/{p.slug}/" for p in products]
    alts = [image["alt"] for image in page.images]
    for product in products:
        alt = seed_texts(product, language)["image_alt"]
        assert alt in alts
    assert len(page.images) == len(products)
    for position, image in enumerate(page.images):
        assert image["src"].startswith("/media/images/")
        assert (image["width"], image["height"]) == ("320", "320")
        # The first picture is what a phone shows at once; the rest load as they scroll in.
        assert image.get("loading") == (None if position == 0 else "lazy")
        rendition = client.get(image["src"])
        assert rendition.status_code == 200
        assert b"".join(rendition.streaming_content)[8:12] == b"WEBP"


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_product_has_its_own_page(client, products, language):
    for product in products:
        url = f"/{language}/shop/products/{product.slug}/"
        response = client.get(url)
        assert response.status_code == 200
        texts = seed_texts(product, language)
        html = response.content.decode()
        assert re.search(rf"<h1>{re.escape(texts['name'])}</h1>", html)
        page = text_of(response)
        assert texts["description"] in page
        assert tenge(product.price) in page
        assert [image["alt"] for image in parse(response).images] == [texts["image_alt"]]
        assert f'name="product" value="{product.pk}"' in html
        assert t("Add to cart", language) in page
        other = "kk" if language == "ru" else "ru"
        assert f'href="/{other}/shop/products/{product.slug}/"' in html


def test_a_product_off_sale_or_unknown_has_no_page(client, products):
    Product.objects.filter(pk=products[0].pk).update(active=False)
    assert client.get(f"/ru/shop/products/{products[0].slug}/").status_code == 404
    assert client.get("/kk/shop/products/no-such-thing/").status_code == 404


def test_the_product_page_adds_to_the_cart_and_comes_back(client, products):
    product = products[2]
    url = f"/kk/shop/products/{product.slug}/"
    response = client.post(
        "/kk/shop/cart/add/", {"product": product.pk, "quantity": 2, "next": url}, follow=True
    )
    assert response.redirect_chain[-1][0] == url
    name = seed_texts(product, "kk")["name"]
    assert t("“%(name)s” is in your cart.", "kk") % {"name": name} in text_of(response)
    assert name in text_of(client.get("/kk/shop/cart/"))


# Translation through wagtail-localize -------------------------------------------------


def test_each_product_is_a_synced_translation_in_wagtail_localize(products, kk):
    for product in products:
        translation = Translation.objects.get(
            source__object_id=product.translation_key, target_locale=kk
        )
        assert translation.enabled
        total, translated = translation.get_progress()
        assert total == translated == 3  # name, description, image description
        kazakh = text_in(product, "kk")
        assert kazakh.image_id == product.image_id  # one image for both languages
        assert (kazakh.slug, kazakh.price) == (product.slug, product.price)


def test_kazakh_product_texts_come_from_the_translation(client, products, kk):
    product = products[0]
    translation = Translation.objects.get(
        source__object_id=product.translation_key, target_locale=kk
    )
    po = translation.export_po()
    for entry in po:
        if entry.msgid == product.name:
            entry.msgstr = "Болат термокесе, 450 мл"
    translation.import_po(po, tool_name="test")
    translation.save_target()
    kazakh = text_of(client.get("/kk/shop/"))
    assert "Болат термокесе, 450 мл" in kazakh
    assert seed_texts(product, "kk")["name"] not in kazakh
    assert product.name in text_of(client.get("/ru/shop/"))


def test_the_kazakh_product_opens_in_the_translation_editor(client, django_user_model, products):
    client.force_login(django_user_model.objects.create_superuser(email="b@jetu.kz", password="x"))
    kazakh = text_in(products[0], "kk")
    response = client.get(f"/admin/snippets/shop/product/edit/{kazakh.pk}/")
    assert response.status_code == 200
    assert "wagtail_localize/admin/edit_translation.html" in [t.name for t in response.templates]


def test_price_and_sale_status_are_the_sources_in_every_language(client, products):
    # An editor changes the Russian source; Kazakh customers see the same price at once.
    Product.objects.filter(pk=products[1].pk).update(price=99990)
    assert tenge(99990) in text_of(client.get(f"/kk/shop/products/{products[1].slug}/"))
    Product.objects.filter(pk=products[1].pk).update(active=False)
    assert seed_texts(products[1], "kk")["name"] not in text_of(client.get("/kk/shop/"))


# Products stored the old way (name_ru/name_kk columns) --------------------------------


def test_old_rows_split_into_a_source_and_its_translations():
    old = {
        "name_ru": "Складной зонт",
        "name_kk": "Жиналмалы қолшатыр",
        "description_ru": "Автоматический.",
        "description_kk": "Автоматты.",
    }
    assert product_texts_by_language(old, source="ru", translations=["kk"]) == {
        "ru": {"name": "Складной зонт", "description": "Автоматический."},
        "kk": {"name": "Жиналмалы қолшатыр", "description": "Автоматты."},
    }


def test_a_missing_kazakh_description_keeps_what_kazakh_customers_saw():
    # The old catalogue showed the Russian description where the Kazakh one was blank.
    old = {"name_ru": "Блокнот", "name_kk": "Блокнот", "description_ru": "160 страниц."}
    assert product_texts_by_language(old, source="ru", translations=["kk"])["kk"] == {
        "name": "Блокнот",
        "description": "160 страниц.",
    }


def test_a_product_with_no_kazakh_text_gets_no_kazakh_row():
    old = {"name_ru": "Шопер", "name_kk": "", "description_ru": "Хлопок.", "description_kk": ""}
    assert product_texts_by_language(old, source="ru", translations=["kk"]) == {
        "ru": {"name": "Шопер", "description": "Хлопок."}
    }


def _migrate(executor: MigrationExecutor, target: list[tuple[str, str]]):
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def test_the_migration_turns_old_products_into_translated_rows_keeping_their_ids(
    transactional_db,
):
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    old_apps = _migrate(executor, [("shop", "0004_customer_updated_at")])
    OldProduct = old_apps.get_model("shop", "Product")
    umbrella = OldProduct.objects.create(
        slug="umbrella",
        name_ru="Складной зонт",
        name_kk="Жиналмалы қолшатыр",
        description_ru="Автоматический.",
        description_kk="",
        price=7450,
        sort_order=3,
    )
    try:
        new_apps = _migrate(executor, latest)
        Product = new_apps.get_model("shop", "Product")
        source = Product.objects.get(pk=umbrella.pk)  # same id: order lines still point here
        assert (source.locale.language_code, source.name) == ("ru", "Складной зонт")
        kazakh = Product.objects.get(
            translation_key=source.translation_key, locale__language_code="kk"
        )
        assert (kazakh.name, kazakh.description) == ("Жиналмалы қолшатыр", "Автоматический.")
        assert (kazakh.slug, kazakh.price, kazakh.sort_order) == ("umbrella", 7450, 3)
    finally:
        _migrate(MigrationExecutor(connection), latest)
        call_command("load_initial_data", verbosity=0)


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_a_product_page_has_one_description_its_own(client, products, language):
    product = products[0].get_translation(Locale.objects.get(language_code=language))
    html = client.get(f"/{language}/shop/products/{product.slug}/").content.decode()
    descriptions = re.findall(r'<meta name="description" content="([^"]*)"', html)
    assert descriptions == [escape(product.description)]
