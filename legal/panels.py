"""The Wagtail dashboard panel for legal documents: what is in force, what is coming, how far
the translations have got. (What the customers did about it is the shop's panel.)"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from wagtail.admin.ui.components import Component
from wagtail.models import Locale
from wagtail_localize.models import Translation

from .models import LegalDocumentPage
from .publishing import open_correction
from .selectors import UPCOMING, document_state


class LegalDashboardPanel(Component):
    name = "legal_documents"
    template_name = "legal/admin/dashboard_panel.html"
    order = 50

    def __init__(self, request, *, full: bool = True):
        self.request = request
        # Editors see where the texts stand; links to versions and comparisons are for Legal.
        self.full = full

    def get_context_data(self, parent_context=None):
        documents = []
        for page in LegalDocumentPage.objects.filter(locale=Locale.get_default()).order_by("path"):
            state = document_state(page)
            in_force = state.in_force
            upcoming = state.upcoming[0] if state.upcoming else None
            documents.append(
                {
                    "page": page,
                    "in_force": in_force,
                    "upcoming": upcoming,
                    "upcoming_is_pending": upcoming is not None and upcoming.status != UPCOMING,
                    "translations": self.translation_status(page, state),
                    "draft_languages": settings.LANGUAGES,
                }
            )
        return {"documents": documents, "full": self.full}

    @staticmethod
    def translation_status(page, state) -> list[dict]:
        """Per target language: % translated and which source version it is synced with."""
        rows = []
        translations = Translation.objects.filter(
            source__object_id=page.translation_key, source__locale=page.locale
        ).select_related("target_locale", "source")
        for translation in translations:
            total, done = translation.get_progress()
            synced = max(
                (
                    v.number
                    for v in state.versions
                    if translation.target_locale.language_code in v.languages
                ),
                default=None,
            )
            latest = state.latest
            waiting = latest is not None and translation.target_locale.language_code not in (
                latest.languages
            )
            target = page.get_translation_or_none(translation.target_locale)
            correction = open_correction(document=page, locale_id=translation.target_locale_id)
            rows.append(
                {
                    "language": translation.target_locale.get_display_name(),
                    "percent": round(100 * done / total) if total else 100,
                    "done": done,
                    "total": total,
                    "synced_with": synced,
                    # The source version this translation still has to catch up with.
                    "waiting_for": latest.number if waiting else None,
                    "translate_url": reverse("wagtailadmin_pages:edit", args=[target.pk])
                    if target
                    else None,
                    # Each changed clause with its previous translation (legal.comparison).
                    "changes_url": reverse("legal_admin:translator_changes", args=[target.pk])
                    if target
                    else None,
                    # An open correction: the next version is this language's corrected text.
                    "correction": correction,
                    "correction_number": latest.number + 1 if correction else None,
                    "sync_url": reverse(
                        "wagtail_localize:update_translations", args=[translation.source_id]
                    )
                    + "?next="
                    + reverse("wagtailadmin_home"),
                }
            )
        return rows
