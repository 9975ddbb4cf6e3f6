"""Read-only queries about legal documents."""

from wagtail.models import Locale

from .models import LegalDocumentPage

POLICY_SLUG = "privacy"


def policy_page_for_language(language: str) -> LegalDocumentPage | None:
    """The live privacy policy page in ``language``, or the Russian one if that is missing."""
    pages = LegalDocumentPage.objects.live().filter(slug=POLICY_SLUG)
    for code in (language, "ru"):
        try:
            locale = Locale.objects.get_for_language(code)
        except Locale.DoesNotExist:
            continue
        page = pages.filter(locale=locale).first()
        if page is not None:
            return page
    return None
