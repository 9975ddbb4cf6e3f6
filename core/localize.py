"""Deliver translations of pages through wagtail-localize.

Translations made outside the admin (the Kazakh policy written with the project, the home page
text) go through the same machinery editors use — a TranslationSource, a Translation and its
string translations — so the Kazakh pages stay *synced* translations that editors keep
maintaining in wagtail-localize's editor, not detached copies.
"""

from __future__ import annotations

from collections.abc import Mapping

import polib
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Locale, Page
from wagtail_localize.models import Translation, TranslationSource


class IncompleteTranslationError(Exception):
    """A translation would go live with untranslated (source-language) segments."""


def get_translation(page: Page, locale: Locale) -> Translation:
    """The wagtail-localize Translation of ``page`` into ``locale``, synced with the source."""
    source, created = TranslationSource.get_or_create_from_instance(page)
    if not created:
        source.update_from_db()
    translation, _created = Translation.objects.get_or_create(
        source=source, target_locale=locale, defaults={"enabled": True}
    )
    return translation


def po_from_mapping(translation: Translation, mapping: Mapping[str, str]) -> polib.POFile:
    """A PO file for ``translation`` taking each msgstr from ``mapping`` (msgid → text)."""
    po = translation.export_po()
    for entry in po:
        entry.msgstr = mapping.get(entry.msgid, entry.msgstr)
    return po


@transaction.atomic
def page_translate(
    *,
    page: Page,
    locale: Locale,
    po: polib.POFile,
    publish: bool = True,
    user=None,
) -> Page:
    """Apply a PO file to the translation of ``page`` into ``locale`` and save the target page.

    Snippets (products) are translated the same way: ``page`` may be any translatable object.

    Raises:
        IncompleteTranslationError: when any segment would still fall back to the source text;
            nothing is saved in that case.
    """
    translation = get_translation(page, locale)
    # A PO exported from another database carries that database's translation id, which would
    # make wagtail-localize skip it; the msgctxt/msgid pairs are what identify the strings.
    po.metadata.pop("X-WagtailLocalize-TranslationID", None)
    translation.import_po(po, user=user, tool_name="jetu-cms")
    total, translated = translation.get_progress()
    if translated < total:
        raise IncompleteTranslationError(
            _("%(missing)d of %(total)d segments of “%(title)s” are untranslated into %(locale)s.")
            % {
                "missing": total - translated,
                "total": total,
                "title": str(page),
                "locale": locale.get_display_name(),
            }
        )
    translation.save_target(user=user, publish=publish)
    return page.get_translation(locale)
