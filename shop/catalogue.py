"""The products a fresh site starts with, and how products stored the old way are split.

``SEED_PRODUCTS`` is seeded by ``shop.services.product_seed`` (the Russian source rows) and
translated into Kazakh through wagtail-localize by ``load_initial_data``. The illustrations
under ``shop/fixtures/products/`` were drawn for the project by ``draw_product_images``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

IMAGES_DIR = Path(__file__).resolve().parent / "fixtures" / "products"

SEED_PRODUCTS = [
    {
        "slug": "thermo-mug-450",
        "price": 6990,
        "texts": {
            "ru": {
                "name": "Термокружка 450 мл",
                "description": (
                    "Стальная термокружка с герметичной крышкой: держит чай горячим 6 часов."
                ),
                "image_alt": "Синяя стальная термокружка с крышкой и паром над ней",
            },
            "kk": {
                "name": "Термокесе 450 мл",
                "description": (
                    "Герметикалық қақпағы бар болат термокесе: шайды 6 сағат ыстық сақтайды."
                ),
                "image_alt": "Қақпағы бар көк болат термокесе, үстінен бу көтеріліп тұр",
            },
        },
    },
    {
        "slug": "city-backpack",
        "price": 18500,
        "texts": {
            "ru": {
                "name": "Городской рюкзак 20 л",
                "description": "Водоотталкивающая ткань, отделение для ноутбука до 15,6″.",
                "image_alt": "Тёмно-серый городской рюкзак с карманом на молнии",
            },
            "kk": {
                "name": "Қалалық рюкзак 20 л",
                "description": "Су өткізбейтін мата, 15,6″ дейінгі ноутбукке арналған бөлім.",
                "image_alt": "Сырт қалтасы сырмалы қою сұр қалалық рюкзак",
            },
        },
    },
    {
        "slug": "folding-umbrella",
        "price": 7450,
        "texts": {
            "ru": {
                "name": "Складной зонт",
                "description": "Автоматический, выдерживает порывы ветра до 20 м/с.",
                "image_alt": "Раскрытый красный зонт под каплями дождя",
            },
            "kk": {
                "name": "Жиналмалы қолшатыр",
                "description": "Автоматты, секундына 20 м-ге дейінгі желге төтеп береді.",
                "image_alt": "Жаңбыр тамшылары астындағы ашық қызыл қолшатыр",
            },
        },
    },
    {
        "slug": "notebook-a5",
        "price": 2300,
        "texts": {
            "ru": {
                "name": "Блокнот A5 в клетку",
                "description": "160 страниц плотной бумаги, твёрдая обложка, закладка-ляссе.",
                "image_alt": "Зелёный блокнот в твёрдой обложке с лентой-закладкой",
            },
            "kk": {
                "name": "Торкөзді A5 блокнот",
                "description": "Тығыз қағаздан 160 бет, қатты мұқаба, бетбелгі-ляссе.",
                "image_alt": "Таспа бетбелгісі бар қатты мұқабалы жасыл блокнот",
            },
        },
    },
    {
        "slug": "power-bank-10000",
        "price": 12990,
        "texts": {
            "ru": {
                "name": "Внешний аккумулятор 10 000 мА·ч",
                "description": "Два порта USB-A и USB-C, быстрая зарядка 20 Вт.",
                "image_alt": "Чёрный внешний аккумулятор с индикатором заряда",
            },
            "kk": {
                "name": "Сыртқы аккумулятор 10 000 мА·сағ",
                "description": "Екі порт USB-A және USB-C, 20 Вт жылдам зарядтау.",
                "image_alt": "Заряд көрсеткіші бар қара сыртқы аккумулятор",
            },
        },
    },
    {
        "slug": "cotton-tote",
        "price": 3900,
        "texts": {
            "ru": {
                "name": "Хлопковая сумка-шопер",
                "description": "Плотный хлопок, длинные ручки, выдерживает до 10 кг.",
                "image_alt": "Светлая хлопковая сумка-шопер с длинными ручками",
            },
            "kk": {
                "name": "Мақта шоппер-сөмке",
                "description": "Тығыз мақта, ұзын тұтқалар, 10 кг-ға дейін көтереді.",
                "image_alt": "Ұзын тұтқалы ақшыл мақта шоппер-сөмке",
            },
        },
    },
]


def seed_image_path(slug: str) -> Path:
    """The illustration drawn for the seeded product ``slug``."""
    return IMAGES_DIR / f"{slug}.png"


def product_texts_by_language(
    row: Mapping[str, str], *, source: str, translations: Sequence[str]
) -> dict[str, dict[str, str]]:
    """The texts of each language's row for a product stored with one column per language.

    Products used to keep ``name_ru``/``name_kk`` and ``description_ru``/``description_kk``
    on one row; each language now has a row of its own. A translation shows what customers
    saw in that language before: its own text, or the source's where it had none. A language
    with no text of its own at all gets no row (it is not translated yet).

    Args:
        row: the old columns, ``name_<language>`` and ``description_<language>``.
        source: the language of the source row.
        translations: the other languages.

    Returns:
        language → ``{"name": …, "description": …}``, the source first.
    """
    source_texts = {
        "name": row.get(f"name_{source}") or "",
        "description": row.get(f"description_{source}") or "",
    }
    texts = {source: source_texts}
    for language in translations:
        own = {
            "name": row.get(f"name_{language}") or "",
            "description": row.get(f"description_{language}") or "",
        }
        if any(own.values()):
            texts[language] = {field: own[field] or source_texts[field] for field in own}
    return texts
