"""Helpers that publish new versions the way editors do: edit ru, publish, translate kk, publish."""

from __future__ import annotations

import copy
import uuid
from datetime import datetime

from django.test import TestCase
from wagtail.models import Locale
from wagtail_localize.models import StringTranslation

from core.localize import get_translation, page_translate
from legal.models import DocumentVersion, LegalDocumentPage


def body_data(page: LegalDocumentPage) -> list[dict]:
    """The page body as raw StreamField data (a deep copy that can be edited)."""
    return copy.deepcopy(list(page.body.raw_data))


def find_block(data: list[dict], number: str) -> dict:
    return next(b for b in data if b["type"] != "preamble" and b["value"]["number"] == number)


def clause(number: str, html: str, style: str = "paragraph") -> dict:
    return {
        "type": "clause",
        "id": str(uuid.uuid4()),
        "value": {"number": number, "text": html, "style": style},
    }


def replace_in_clause(data: list[dict], number: str, old: str, new: str) -> None:
    block = find_block(data, number)
    assert old in block["value"]["text"], f"{old!r} not in clause {number}"
    block["value"]["text"] = block["value"]["text"].replace(old, new)


def publish_source(
    page: LegalDocumentPage,
    data: list[dict] | None = None,
    *,
    material: bool = False,
    effective_from: datetime | None = None,
    summary: str | None = None,
    user=None,
) -> DocumentVersion:
    """Save ``data`` as the Russian page's body and publish it; returns the new version.

    Without ``summary``, each version gets its own (a later version may not repeat one).
    """
    page = LegalDocumentPage.objects.get(pk=page.pk)
    if summary is None:
        number = DocumentVersion.objects.filter(document=page).count() + 1
        summary = f"Изменения для теста (версия {number})."
    if data is not None:
        page.body = data
    page.material = material
    page.effective_from = effective_from
    page.change_summary = summary
    revision = page.save_revision(user=user)
    revision.publish(user=user)
    return DocumentVersion.objects.get(revision=revision)


def translate_kk(
    page: LegalDocumentPage, *, complete: bool = True, publish: bool = True, user=None
):
    """Sync the kk translation with the ru page and publish it.

    Strings translated before keep their translation; new ones get "[kk] " + the Russian
    text, so tests can tell which segments were (re)translated. With ``complete=False`` the
    last new string is left untranslated.
    """
    kk = Locale.objects.get(language_code="kk")
    translation = get_translation(page, kk)
    po = translation.export_po()
    missing = [entry for entry in po if not entry.msgstr]
    known = {
        (t.translation_of.data, t.context.path): t.data
        for t in StringTranslation.objects.filter(locale=kk).select_related(
            "translation_of", "context"
        )
    }
    for entry in po:
        if not entry.msgstr:
            entry.msgstr = known.get((entry.msgid, entry.msgctxt)) or f"[kk] {entry.msgid}"
    if not complete and missing:
        # Publish as the translation editor's button does: wagtail-localize would fill the
        # gap with Russian; the site must refuse it.
        missing[-1].msgstr = ""
        translation.import_po(po)
        with TestCase.captureOnCommitCallbacks(execute=True):
            translation.save_target(user=user, publish=publish)
        return page.get_translation(kk)
    # wagtail-localize publishes in transaction.on_commit, which never comes inside a test's
    # transaction; run the callbacks as a real commit would.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return page_translate(page=page, locale=kk, po=po, publish=publish, user=user)


def publish_version(page: LegalDocumentPage, data: list[dict] | None = None, **kwargs):
    """Publish a new version in ru and kk; returns the version."""
    version = publish_source(page, data, **kwargs)
    translate_kk(LegalDocumentPage.objects.get(pk=page.pk))
    return DocumentVersion.objects.get(pk=version.pk)
