"""Services around legal versions that are not the publication itself (``legal.publishing``).

Checking a stored text against its hashes, bringing translations up to date with a published
source, and purging the HTTP front cache.
"""

from __future__ import annotations

from wagtail.models import Locale
from wagtail_localize.models import TranslationSource

from .canonical import html_digest, text_digest
from .models import LegalDocumentPage, VersionText


def source_locale() -> Locale:
    """The language legal documents are written in; every other is a translation."""
    return Locale.get_default()


def version_text_problems(text: VersionText) -> list[str]:
    """What is wrong with a stored text: hashes that no longer match its content."""
    problems = []
    if text_digest(text.title, text.blocks) != text.sha256:
        problems.append("text hash mismatch")
    if html_digest(text.html) != text.html_sha256:
        problems.append("rendered HTML hash mismatch")
    return problems


def translation_sources_sync(*, page: LegalDocumentPage) -> None:
    """Bring the translations of a just-published source page up to date with its text.

    What wagtail-localize's "Sync translated pages" does without publishing: the translation
    editor then offers the new and changed segments at once, and the dashboard counts them.
    """
    source = TranslationSource.objects.filter(
        object_id=page.translation_key, locale_id=page.locale_id
    ).first()
    if source is not None:
        source.update_from_db()


def frontend_purge(*, document: LegalDocumentPage) -> None:
    """Purge every language's pages of ``document`` from the HTTP front cache, if one is set."""
    from django.conf import settings

    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    from wagtail.contrib.frontend_cache.utils import PurgeBatch

    batch = PurgeBatch()
    for page in LegalDocumentPage.objects.filter(translation_key=document.translation_key):
        batch.add_page(page)
    batch.purge()
