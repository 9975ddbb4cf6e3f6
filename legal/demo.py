"""A clearly labelled demonstration version 2, so a fresh install shows the archive and the
comparison at work. It changes a few words, removes one clause and adds one — in both
languages, published the way editors publish (ru page, then the kk translation)."""

from __future__ import annotations

import copy

from wagtail.models import Locale

from core.localize import get_translation, page_translate, po_from_mapping

from .models import DocumentVersion, LegalDocumentPage

DEMO_MARK = "ДЕМО"
SUMMARY = {
    "ru": "ДЕМО-версия для показа архива и сравнения: уточнён п.4.2.1, удалён п.3.4, добавлен "
    "п.5.11. Это не настоящая редакция Политики.",
    "kk": "Мұрағат пен салыстыруды көрсетуге арналған ДЕМО-нұсқа: 4.2.1-тармақ нақтыланды, "
    "3.4-тармақ алынып тасталды, 5.11-тармақ қосылды. Бұл Саясаттың нақты редакциясы емес.",
}
CHANGED = {
    "ru": ("в любое время", "в любое удобное для него время"),
    "kk": ("кез келген уақытта", "өзіне ыңғайлы кез келген уақытта"),
}
ADDED = {
    "ru": "ДЕМО. Этот пункт добавлен демонстрационной версией 2, чтобы показать архив и "
    "сравнение версий; в настоящей Политике конфиденциальности его нет.",
    "kk": "ДЕМО. Бұл тармақ мұрағат пен нұсқаларды салыстыруды көрсету үшін демонстрациялық "
    "2-нұсқамен қосылды; нақты Құпиялылық саясатында ол жоқ.",
}


def demo_amendment_publish(*, policy: LegalDocumentPage) -> DocumentVersion | None:
    """Publish the demo version once; returns it, or None if it was published before."""
    if DocumentVersion.objects.filter(
        document=policy, texts__change_summary__startswith=DEMO_MARK
    ).exists():
        return None
    page = LegalDocumentPage.objects.get(pk=policy.pk)
    data = copy.deepcopy(list(page.body.raw_data))
    data = [b for b in data if not (b["type"] == "clause" and b["value"]["number"] == "3.4")]
    for block in data:
        if block["type"] == "clause" and block["value"]["number"] == "4.2.1":
            block["value"]["text"] = block["value"]["text"].replace(*CHANGED["ru"])
    data.append(
        {
            "type": "clause",
            "value": {"number": "5.11", "text": f"<p>{ADDED['ru']}</p>", "style": "list"},
        }
    )
    page.body = data
    page.change_summary = SUMMARY["ru"]
    page.material = True
    page.effective_from = None
    revision = page.save_revision()
    revision.publish()

    kk = Locale.objects.get(language_code="kk")
    kk_page = page.get_translation(kk)
    old_kk_421 = next(
        b.value["text"].source
        for b in kk_page.body
        if b.block_type == "clause" and b.value["number"] == "4.2.1"
    )
    ru_421 = next(
        b["value"]["text"]
        for b in data
        if b["type"] == "clause" and b["value"]["number"] == "4.2.1"
    )
    mapping = {
        SUMMARY["ru"]: SUMMARY["kk"],
        ADDED["ru"]: ADDED["kk"],
        _inner(ru_421): _inner(old_kk_421).replace(*CHANGED["kk"]),
    }
    page_translate(page=page, locale=kk, po=po_from_mapping(get_translation(page, kk), mapping))
    return DocumentVersion.objects.get(revision=revision)


def _inner(paragraph_html: str) -> str:
    """The text of a one-paragraph rich text value, as wagtail-localize stores the segment."""
    text = paragraph_html.strip()
    start = text.index(">") + 1
    return text[start : text.rindex("</p>")]
