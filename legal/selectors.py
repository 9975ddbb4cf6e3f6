"""Read-only queries about legal documents and their versions.

Every public legal page needs the same picture of a document — its versions, which one is in
force, what is upcoming — so it is built once per request in a fixed, small number of queries
(two, whatever the number of versions), and the one text shown is fetched on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from wagtail.models import Locale

from .models import (
    ConsentTerms,
    DocumentVersion,
    LegalDocumentPage,
    VersionText,
    required_languages,
)

POLICY_SLUG = "privacy"

IN_FORCE = "in_force"
SUPERSEDED = "superseded"
UPCOMING = "upcoming"
PENDING_TRANSLATION = "pending_translation"


def policy_page_for_language(language: str) -> LegalDocumentPage | None:
    """The live privacy policy page in ``language``, or the Russian one if that is missing."""
    # The working text (body) is not needed by any caller; skipping it saves decoding both
    # languages' StreamField JSON on every page that links the policy.
    pages = (
        LegalDocumentPage.objects.live()
        .filter(slug=POLICY_SLUG)
        .select_related("locale")
        .defer("body")
    )
    by_language = {page.locale.language_code: page for page in pages}
    return by_language.get(language) or by_language.get(settings.LANGUAGE_CODE)


@dataclass
class VersionInfo:
    """A version with what a listing needs (no text bodies)."""

    pk: int
    number: int
    published_at: datetime
    effective_from: datetime
    material: bool
    languages: set[str] = field(default_factory=set)
    summaries: dict[str, str] = field(default_factory=dict)
    text_ids: dict[str, int] = field(default_factory=dict)
    status: str = PENDING_TRANSLATION

    def summary(self, language: str) -> str:
        """The summary of changes in ``language``; empty until that language's text exists
        (a pending version's Russian summary never stands in on a Kazakh page)."""
        return self.summaries.get(language, "")

    @property
    def is_in_force(self) -> bool:
        return self.status == IN_FORCE


@dataclass
class DocumentState:
    """All versions of one document and where each stands at a given moment."""

    versions: list[VersionInfo]
    at: datetime
    in_force: VersionInfo | None = None
    upcoming: list[VersionInfo] = field(default_factory=list)

    def get(self, number: int) -> VersionInfo | None:
        return next((v for v in self.versions if v.number == number), None)

    @property
    def latest(self) -> VersionInfo | None:
        return self.versions[-1] if self.versions else None

    def previous(self, version: VersionInfo) -> VersionInfo | None:
        earlier = [v for v in self.versions if v.number < version.number]
        return earlier[-1] if earlier else None

    @property
    def next_change_at(self) -> datetime | None:
        """When the version in force will next change by itself (an effective date passing)."""
        dates = [v.effective_from for v in self.upcoming if v.effective_from > self.at]
        return min(dates) if dates else None


def document_state(
    page: LegalDocumentPage, at: datetime | None = None, *, cached: bool = False
) -> DocumentState:
    """The versions of ``page``'s document (any language of it) as they stand at ``at``.

    ``cached=True`` reads the version rows from the cache, keyed by the database's freshness
    mark (``legal.cache``), so a publication from any process is seen on the next request;
    the status of each version is still worked out at ``at``, so effective dates need no
    invalidation. One cheap query instead of two on every page that needs the state.
    """
    at = at or timezone.now()
    if cached:
        from .cache import cached_rows

        rows, texts = cached_rows(f"state:{page.translation_key}", lambda: _state_rows(page))
    else:
        rows, texts = _state_rows(page)
    versions = {
        pk: VersionInfo(
            pk=pk,
            number=number,
            published_at=published_at,
            effective_from=effective_from,
            material=material,
        )
        for pk, number, published_at, effective_from, material in rows
    }
    for pk, version_id, language, summary in texts:
        info = versions[version_id]
        info.languages.add(language)
        info.summaries[language] = summary
        info.text_ids[language] = pk
    return _classify(list(versions.values()), at)


def _state_rows(page: LegalDocumentPage) -> tuple[list[tuple], list[tuple]]:
    rows = list(
        DocumentVersion.objects.filter(document__translation_key=page.translation_key)
        .order_by("number")
        .values_list("pk", "number", "published_at", "effective_from", "material")
    )
    texts = list(
        VersionText.objects.filter(version_id__in=[row[0] for row in rows]).values_list(
            "pk", "version_id", "locale__language_code", "change_summary"
        )
    )
    return rows, texts


def _classify(versions: list[VersionInfo], at: datetime) -> DocumentState:
    required = set(required_languages())
    state = DocumentState(versions=versions, at=at)
    complete = [v for v in versions if required <= v.languages]
    effective = [v for v in complete if v.effective_from <= at]
    if effective:
        state.in_force = max(effective, key=lambda v: (v.effective_from, v.number))
    for version in versions:
        if version is state.in_force:
            version.status = IN_FORCE
        elif version not in complete:
            # An old version that never got every translation is simply history now.
            newer = state.in_force and version.number < state.in_force.number
            version.status = SUPERSEDED if newer else PENDING_TRANSLATION
        elif version.effective_from > at:
            version.status = UPCOMING
        else:
            version.status = SUPERSEDED
    state.upcoming = [v for v in versions if v.status in (UPCOMING, PENDING_TRANSLATION)]
    return state


def version_text(version: VersionInfo, language: str) -> VersionText | None:
    """The full text of ``version`` in ``language`` (one query), or None if it has none."""
    text_id = version.text_ids.get(language)
    if text_id is None:
        return None
    return VersionText.objects.get(pk=text_id)


def working_blocks(page: LegalDocumentPage) -> list[dict]:
    """The blocks ``page`` would freeze if it were published now, draft included.

    The source language's working text is its latest revision; a translation's is what its
    translators have entered so far (untranslated segments still in the source language),
    which is not saved as a revision until the translation is published.
    """
    from wagtail_localize.models import Translation

    if page.locale_id != Locale.get_default().pk:
        translation = (
            Translation.objects.filter(
                source__object_id=page.translation_key,
                target_locale_id=page.locale_id,
                enabled=True,
            )
            .select_related("source", "target_locale")
            .first()
        )
        if translation is not None:
            return translation.source.get_ephemeral_translated_instance(
                translation.target_locale, fallback=True
            ).to_blocks()
    return page.get_latest_revision_as_object().to_blocks()


def version_terms(version: DocumentVersion):
    """The consent terms frozen with ``version``, or None (a version from before they existed
    that no data migration covered)."""
    return ConsentTerms.objects.filter(version=version).first()
