"""Create the site's initial content; safe to run again (a second run changes nothing).

Creates the ru and kk locales, the site, both home pages, the legal section and the privacy
policy — Russian imported verbatim from ``legal/content/privacy-policy.ru.md``, Kazakh applied
through wagtail-localize from ``privacy-policy.kk.md`` — and publishes them. Seeds the shop's
products with their illustrations and translates them into Kazakh through wagtail-localize.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from wagtail.models import Collection, Locale, Page, Site
from wagtail_localize.models import Translation

from core.localize import (
    IncompleteTranslationError,
    get_translation,
    page_translate,
    po_from_mapping,
)
from home.models import HomePage
from home.roles import roles_apply_to_pages
from legal import importing
from legal.consent_terms import SEED_TERMS
from legal.models import LegalDocumentPage, LegalIndexPage
from shop.catalogue import SEED_PRODUCTS
from shop.models import Product
from shop.services import product_seed

HOME = {
    "ru": {
        "title": "Jetu — интернет-магазин",
        "slug": "home",
        "intro": (
            "<p>Интернет-магазин ТОО «Коллекторское агентство «Jetu» (БИН 240440017017, "
            "г. Алматы). Здесь можно выбрать товары и оформить заказ, а в разделе "
            "«Правовая информация» — прочитать, как мы обращаемся с вашими персональными "
            "данными.</p>"
        ),
    },
    "kk": {
        "title": "Jetu — интернет-дүкен",
        "slug": "home-kk",
        "intro": (
            "<p>«Jetu» коллекторлық агенттігі» ЖШС интернет-дүкені (БСН 240440017017, "
            "Алматы қ.). Мұнда тауарларды таңдап, тапсырыс бере аласыз, ал «Құқықтық ақпарат» "
            "бөлімінде дербес деректеріңізді қалай өңдейтінімізді оқи аласыз.</p>"
        ),
    },
}
LEGAL_INDEX = {
    "ru": {"title": "Правовая информация", "slug": "legal"},
    "kk": {"title": "Құқықтық ақпарат", "slug": "legal"},
}
POLICY = {
    "ru": {"short_name": "Политика конфиденциальности", "summary": "Первая публикация на сайте."},
    "kk": {"short_name": "Құпиялылық саясаты", "summary": "Сайттағы алғашқы жариялау."},
}


class Command(BaseCommand):
    help = "Create the locales, site, home pages and the privacy policy in ru and kk."

    # Deliberately not one big transaction: wagtail-localize publishes a new translation in
    # transaction.on_commit, from a revision taken before its children existed, and doing
    # that at the very end would overwrite the parents' tree bookkeeping (treebeard's
    # numchild) and hide their children. Each step commits on its own and is idempotent.
    def add_arguments(self, parser):
        parser.add_argument(
            "--demo-amendment",
            action="store_true",
            help="Also publish a clearly labelled demo version 2 (changed, added and removed "
            "clauses) so the archive and the comparison can be seen.",
        )

    def handle(self, *args, demo_amendment=False, **options):
        ru, kk = self.locales()
        home = self.home_page(ru, kk)
        legal = self.legal_index(home, ru, kk)
        self.policy(legal, kk)
        kk_legal = legal.get_translation(kk)
        roles_apply_to_pages(legal_sections=[legal, kk_legal], translated_sections=[kk_legal])
        self.products(kk)
        if demo_amendment:
            from legal.demo import demo_amendment_publish

            policy = LegalDocumentPage.objects.get(pk=legal.get_children().get(slug="privacy").pk)
            if demo_amendment_publish(policy=policy):
                self.stdout.write("Published the demo version 2.")
        self.stdout.write(self.style.SUCCESS("Initial content is in place."))

    def locales(self):
        ru, _ = Locale.objects.get_or_create(language_code="ru")
        kk, _ = Locale.objects.get_or_create(language_code="kk")
        return ru, kk

    def home_page(self, ru, kk):
        home = HomePage.objects.filter(locale=ru, depth=2).first()
        root = Page.get_first_root_node()
        if root is None:
            # Wagtail's migrations create the tree's root; an emptied database has none.
            root = Page.add_root(instance=Page(title="Root", slug="root", locale=ru))
        if home is None:
            # Wagtail's migrations leave a "Welcome to your new Wagtail site!" page; the site
            # gets our home page instead.
            for welcome in Page.objects.filter(depth=2).exclude(content_type__model="homepage"):
                welcome.delete()
            home = root.add_child(instance=HomePage(locale=ru, **HOME["ru"]))
            home.save_revision().publish()
            self.stdout.write("Created the Russian home page.")
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(
                hostname="localhost",
                port=80,
                root_page=home,
                is_default_site=True,
                site_name=settings.WAGTAIL_SITE_NAME,
            )
        elif site.root_page_id != home.pk:
            site.root_page = home
            site.site_name = settings.WAGTAIL_SITE_NAME
            site.save()
        if not home.has_translation(kk):
            translation = get_translation(home, kk)
            mapping = {HOME["ru"]["title"]: HOME["kk"]["title"], "home": "home-kk"}
            mapping[HOME["ru"]["intro"][3:-4]] = HOME["kk"]["intro"][3:-4]
            page_translate(page=home, locale=kk, po=po_from_mapping(translation, mapping))
            self.stdout.write("Created the Kazakh home page.")
        return home

    def legal_index(self, home, ru, kk):
        legal = LegalIndexPage.objects.child_of(home).filter(locale=ru).first()
        if legal is None:
            legal = home.add_child(instance=LegalIndexPage(locale=ru, **LEGAL_INDEX["ru"]))
            legal.save_revision().publish()
            self.stdout.write("Created the legal section.")
        if not legal.has_translation(kk):
            translation = get_translation(legal, kk)
            mapping = {LEGAL_INDEX["ru"]["title"]: LEGAL_INDEX["kk"]["title"], "legal": "legal"}
            page_translate(page=legal, locale=kk, po=po_from_mapping(translation, mapping))
        return legal

    def policy(self, legal, kk):
        policy = LegalDocumentPage.objects.child_of(legal).filter(slug="privacy").first()
        if policy is None:
            parsed = importing.read_policy("ru")
            policy = legal.add_child(
                instance=LegalDocumentPage(
                    locale=legal.locale,
                    title=parsed.title,
                    slug="privacy",
                    short_name=POLICY["ru"]["short_name"],
                    change_summary=POLICY["ru"]["summary"],
                    body=importing.stream_data("privacy", parsed.blocks),
                    **{f"consent_{name}": value for name, value in SEED_TERMS.as_dict().items()},
                )
            )
            policy.save_revision().publish()
            self.stdout.write("Imported the privacy policy (ru).")
        if not policy.has_translation(kk):
            po = importing.translation_po(
                policy,
                importing.read_policy("kk"),
                short_name=POLICY["kk"]["short_name"],
                change_summary=POLICY["kk"]["summary"],
            )
            page_translate(page=policy, locale=kk, po=po)
            self.stdout.write("Published the Kazakh translation of the privacy policy.")

    def products(self, kk):
        """Seed the products and give each a synced Kazakh translation in wagtail-localize.

        The Kazakh texts are the seed's, or — for a product whose Kazakh row was made by the
        migration that split the old name_ru/name_kk columns — that row's own, so editors
        keep working on them in the translation editor.
        """
        if Collection.get_first_root_node() is None:
            # Wagtail's migrations create the images' root collection; an emptied database
            # (tests' flush) has none, and no image can be saved without it.
            Collection.add_root(name="Root")
        if created := product_seed():
            self.stdout.write(f"Added {len(created)} products to the shop's catalogue.")
        seeds = {data["slug"]: data["texts"][kk.language_code] for data in SEED_PRODUCTS}
        fields = ("name", "description", "image_alt")
        for product in Product.objects.sources():
            if Translation.objects.filter(
                source__object_id=product.translation_key, target_locale=kk
            ).exists():
                continue
            existing = product.get_translation_or_none(kk)
            if existing is not None:
                theirs = {field: getattr(existing, field) for field in fields}
            elif product.slug in seeds:
                theirs = seeds[product.slug]
            else:
                continue
            mapping = {getattr(product, field): theirs[field] for field in fields}
            try:
                page_translate(
                    page=product,
                    locale=kk,
                    po=po_from_mapping(get_translation(product, kk), mapping),
                )
            except IncompleteTranslationError as error:
                self.stderr.write(f"{error} Translate it in the admin.")
