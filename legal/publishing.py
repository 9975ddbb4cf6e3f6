"""Publishing a legal text: what must hold before it goes live, and what its publication records.

One action in the manner of Wagtail's ``wagtail.actions``: ``PublishLegalTextAction``.
``check()`` refuses a publication that must not go live; ``execute()`` freezes one that went
live into a numbered version (the source language) or a version text (a translation).

Every way a legal page goes live passes the same ``check()``:

- the editor's Publish button, through the ``before_publish_page`` hook (``wagtail_hooks``): the
  refusal is shown as a message and the draft stays saved;
- every other way — the workflow's approval (``legal.workflows``), wagtail-localize's
  translation editor, ``publish_scheduled``, code — through the one backstop, the page's
  ``pre_save`` (``signals``), which raises ``PublicationError`` before the page is saved live
  (``PublicationErrorMiddleware`` shows it to staff as a message).

``execute()`` runs from Wagtail's ``page_published`` for every one of those paths. It is the one
way versions and version texts come into being, is idempotent for a given revision, and
numbers versions gap-free per document under a lock. Who may publish or approve (four eyes) is
``legal.review``; which actions would break the record is ``legal.protection``.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from wagtail.models import Revision
from wagtail_localize.models import Translation, TranslationSource

from .canonical import html_digest, text_digest
from .consent_terms import terms_problems
from .models import ConsentTerms, DocumentVersion, LegalDocumentPage, TextCorrection, VersionText
from .rendering import render_blocks
from .selectors import version_terms
from .services import frontend_purge, source_locale, translation_sources_sync

logger = logging.getLogger("jetu.legal")


class PublicationError(Exception):
    """A publication that must not go live (the message says why, to an editor)."""


class PublishLegalTextAction:
    """Publish one language of a legal document: check it may go live, record it once it has.

    Args:
        page: the page being published, in any language, carrying the content that goes live.
        revision: the revision published (needed by ``execute``); defaults to the latest.
        user: who published it; defaults to the revision's author.
    """

    def __init__(self, page: LegalDocumentPage, *, revision: Revision | None = None, user=None):
        self.page = page.specific
        self.revision = revision
        self.user = user

    @property
    def is_source(self) -> bool:
        return self.page.locale_id == source_locale().pk

    def check(self) -> None:
        """Refuse a publication that must not go live.

        Raises:
            PublicationError: the translation is incomplete, the version would take effect
                before the previous one, or a later version lacks its own summary or material
                choice (or, in a translation, its translated summary).
        """
        if self.is_source:
            problem = effective_date_problem(self.page, at_publication=True)
        else:
            problem = _translation_incomplete(self.page) or translation_correction_problem(
                self.page
            )
        if problem:
            raise PublicationError(problem)
        problems = publication_fields_problems(self.page)
        if problems:
            raise PublicationError(" ".join(str(message) for message in problems.values()))

    def execute(self) -> DocumentVersion | None:
        """Freeze the just-published page into a version (source) or a version text.

        Runs after ``check()`` passed (the backstop guarantees it for every publication).

        Returns:
            The version the text belongs to, or None when a translation was published that
            matches no published source text (it then waits for the source to be published).
        """
        revision = self.revision or self.page.latest_revision
        user = self.user or (revision.user if revision else None)
        if self.is_source:
            version = _record_source_text(self.page, revision, user)
            # The translators' work starts the moment the source is published, not when
            # someone remembers the sync action.
            page = self.page
            transaction.on_commit(lambda: translation_sources_sync(page=page))
            return version
        return _record_translation_text(self.page, revision, user)


# The rules ``check()`` applies, each also read by the editor's form so it can mark the field.


def translation_progress(page: LegalDocumentPage) -> tuple[int, int] | None:
    """(total, translated) segments of ``page``'s synced translation; None if it has none."""
    try:
        translation_obj = Translation.objects.select_related("source").get(
            source__object_id=page.translation_key,
            source__locale=source_locale(),
            target_locale_id=page.locale_id,
            enabled=True,
        )
    except Translation.DoesNotExist:
        return None
    return translation_obj.get_progress()


def _translation_incomplete(page: LegalDocumentPage) -> str | None:
    """Why a translation may not go live yet: it would show source text under its title."""
    progress = translation_progress(page)
    if progress is None or progress[1] >= progress[0]:
        return None
    return _(
        "The %(language)s translation is incomplete (%(done)d of %(total)d "
        "segments); a legal text is published only when it is fully translated."
    ) % {
        "language": page.locale.get_display_name(),
        "done": progress[1],
        "total": progress[0],
    }


def _local_datetime(moment) -> str:
    """A moment as the active language writes it, in the site's time zone."""
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def effective_date_problem(page: LegalDocumentPage, *, at_publication: bool = False) -> str | None:
    """Why the next version of ``page`` may not take effect when it says, or None.

    A version may not take effect before the one before it. An empty date means "at
    publication": it is judged only ``at_publication``, as the moment of publishing.
    """
    if page.pk is None:
        return None
    effective_from = page.effective_from
    if effective_from is None:
        if not at_publication:
            return None
        effective_from = timezone.now()
    latest = (
        DocumentVersion.objects.filter(document_id=page.pk)
        .order_by("-number")
        .only("number", "effective_from")
        .first()
    )
    if latest is not None and effective_from < latest.effective_from:
        return _(
            "The new version cannot take effect before version %(number)d, which takes effect "
            "on %(date)s."
        ) % {
            "number": latest.number,
            "date": _local_datetime(latest.effective_from),
        }
    return None


def publication_fields_problems(page: LegalDocumentPage) -> dict[str, str]:
    """What the per-publication fields lack for the version ``page`` would create.

    Every version needs its consent terms (``legal.consent_terms``: purposes, categories of
    data, transfers, term). Every later one also needs its own summary of changes (not
    the previous version's, which customers have read already) and an explicit choice
    whether the change is material; a translation needs its translated summary.

    Returns:
        Field name → a sentence for the editor; empty when the page may be published.
    """
    if page.pk is None:
        return {}
    if page.locale_id != source_locale().pk:
        version = _translated_version(page)
        if version is None or version.number < 2 or (page.change_summary or "").strip():
            return {}
        if version.texts.filter(locale_id=page.locale_id).exists():
            return {}  # a correction: its summaries are the correction's
        return {
            "change_summary": _(
                "The summary of changes is not translated yet; customers reading this "
                "language need it too."
            )
        }
    latest = DocumentVersion.objects.filter(document_id=page.pk).order_by("-number").first()
    terms = terms_problems(page.consent_terms_values())
    if latest is None:
        return terms
    latest_text = latest.texts.filter(locale_id=page.locale_id).first()
    if (
        latest_text is not None
        and latest_text.sha256 == text_digest(page.title, page.to_blocks())
        and not _terms_changed(page, latest)
    ):
        return {}  # the same text again: no new version, nothing to describe
    problems = dict(terms)
    summary = (page.change_summary or "").strip()
    if not summary:
        problems["change_summary"] = _(
            "Write what this version changes: customers read the summary in the archive and "
            "in the change notice."
        )
    elif latest_text is not None and summary == latest_text.change_summary.strip():
        problems["change_summary"] = _(
            "This is the summary of version %(number)d. Write what this version changes."
        ) % {"number": latest.number}
    if page.material is None:
        problems["material"] = _(
            "Choose whether the change is material, that is whether customers must accept "
            "the new version before they shop on."
        )
    return problems


PUBLICATION_FIELDS = ("change_summary", "material", "effective_from")


def publication_fields_are_spent(page: LegalDocumentPage) -> bool:
    """The per-publication fields of the page's latest revision are those of the version
    published last: they describe that publication and must not carry over to the next.

    Compared by value, not by revision: Wagtail's autosave may store a revision after the
    publication that only repeats what was published.
    """
    if page.pk is None or page.locale_id != source_locale().pk:
        return False
    latest_revision = (
        LegalDocumentPage.objects.filter(pk=page.pk)
        .values_list("latest_revision_id", flat=True)
        .first()
    )
    published = (
        DocumentVersion.objects.filter(document_id=page.pk, correction__isnull=True)
        .order_by("-number")
        .values_list("revision_id", flat=True)
        .first()
    )
    if latest_revision is None or published is None or latest_revision < published:
        return False
    if latest_revision == published:
        return True
    contents = dict(
        Revision.objects.filter(pk__in=[latest_revision, published]).values_list("pk", "content")
    )
    return all(
        contents[latest_revision].get(name) == contents[published].get(name)
        for name in PUBLICATION_FIELDS
    )


# What ``execute()`` records.

DOCUMENT_LOCK_NAMESPACE = 7401  # arbitrary; keeps our advisory locks apart from others'


def _lock_document(document_id: int) -> None:
    """Serialise version writes for one document until the transaction ends.

    On PostgreSQL a transaction-level advisory lock: a row lock on the page would deadlock
    with Wagtail's own save of the same page (it updates the page's two tables in the
    opposite order). On SQLite, IMMEDIATE transactions already serialise all writers. The
    unique constraint on (document, number) is the last line of defence either way.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [DOCUMENT_LOCK_NAMESPACE, document_id]
            )


@transaction.atomic
def _record_source_text(page, revision, user) -> DocumentVersion:
    _lock_document(page.pk)
    existing = DocumentVersion.objects.filter(revision=revision).first()
    if existing is not None:
        return existing  # the same publication handled twice

    blocks = page.to_blocks()
    digest = text_digest(page.title, blocks)
    latest = page.versions.order_by("-number").first()
    now = timezone.now()
    if latest is not None:
        latest_text = latest.texts.filter(locale_id=page.locale_id).first()
        if latest_text and latest_text.sha256 == digest and not _terms_changed(page, latest):
            logger.info("Publication of %s did not change its text; no new version.", page.pk)
            return latest

    version = DocumentVersion(
        document=page,
        number=(latest.number + 1) if latest else 1,
        published_at=now,
        # A date already passed means "at publication" (check() refused one before the
        # previous version's).
        effective_from=max(page.effective_from or now, now),
        material=bool(page.material),
        published_by=user,
        revision=revision,
    )
    try:
        with transaction.atomic():
            version.save()
    except IntegrityError:
        # Only reachable if two publications raced past the lock (e.g. no row locking on this
        # database): the same revision recorded meanwhile is the same publication.
        existing = DocumentVersion.objects.filter(revision=revision).first()
        if existing is not None:
            return existing
        raise
    _create_terms(version=version, page=page)
    _create_text(
        version=version,
        page=page,
        revision=revision,
        blocks=blocks,
        digest=digest,
        change_summary=page.change_summary,
    )
    logger.info("Recorded version %d of %r (page %s).", version.number, page.title, page.pk)
    return version


def _terms_changed(page: LegalDocumentPage, version: DocumentVersion) -> bool:
    """The page states other consent terms than ``version`` froze: a new version is needed,
    whose customers consent to the new terms, even if not one word of the text changed."""
    frozen = version_terms(version)
    return frozen is None or frozen.values() != page.consent_terms_values()


def _create_terms(*, version: DocumentVersion, page: LegalDocumentPage) -> ConsentTerms:
    values = page.consent_terms_values()
    problems = terms_problems(values)
    if problems:
        raise PublicationError(" ".join(str(message) for message in problems.values()))
    terms = ConsentTerms(version=version, created_at=version.published_at, **values.as_dict())
    terms.full_clean(exclude=["version"])
    terms.save()
    return terms


def _translated_version(page) -> DocumentVersion | None:
    """The version whose source text ``page`` (a translation) is translated from, if published."""
    source = TranslationSource.objects.filter(
        object_id=page.translation_key, locale=source_locale()
    ).first()
    if source is None:
        return None
    source_instance = source.as_instance()
    source_digest = text_digest(source_instance.title, source_instance.to_blocks())
    source_text = (
        VersionText.objects.filter(
            version__document__translation_key=page.translation_key,
            locale=source.locale,
            sha256=source_digest,
        )
        .select_related("version")
        .order_by("-version__number")
        .first()
    )
    return source_text.version if source_text else None


@transaction.atomic
def _record_translation_text(page, revision, user) -> DocumentVersion | None:
    version = _translated_version(page)
    if version is None:
        logger.warning(
            "Translation of %s published from a source that was never published; no version.",
            page.pk,
        )
        return None
    # Two publications of the same translation must not both add the text; the unique
    # (version, locale) constraint backs the lock up.
    _lock_document(version.document_id)
    blocks = page.to_blocks()
    digest = text_digest(page.title, blocks)
    existing = version.texts.filter(locale_id=page.locale_id).first()
    if existing is not None:
        if existing.sha256 == digest:
            return version  # the same text published again
        return _record_correction(
            page=page, revision=revision, user=user, base=version, blocks=blocks, digest=digest
        )
    _create_text(
        version=version,
        page=page,
        revision=revision,
        blocks=blocks,
        digest=digest,
        change_summary=page.change_summary,
    )
    logger.info("Recorded the %s text of version %d.", page.locale.language_code, version.number)
    return version


CORRECTION_NEEDED = _(
    "This %(language)s text differs from the one published in version %(number)d, and a "
    "published text never changes. To publish a corrected text as version %(next)d, Legal "
    "first starts a correction (what it changes, in both languages)."
)


def open_correction(*, document: LegalDocumentPage, locale_id: int) -> TextCorrection | None:
    """The correction of ``document``'s text in one language still waiting for that text.

    Only a correction of the latest version counts: once another version follows its base,
    the correction is stale (its text would no longer be the next version's).
    """
    latest = DocumentVersion.objects.filter(document=document).order_by("-number").first()
    if latest is None:
        return None
    return (
        TextCorrection.objects.filter(
            document=document, locale_id=locale_id, base_version=latest, version__isnull=True
        )
        .order_by("-pk")
        .first()
    )


def _record_correction(*, page, revision, user, base, blocks, digest) -> DocumentVersion:
    """Version ``base.number + 1``: the corrected text of ``page``'s language, every other
    language's text exactly as in ``base``, and the correction's summaries."""
    document = base.document
    correction = open_correction(document=document, locale_id=page.locale_id)
    if correction is None or correction.base_version_id != base.pk:
        raise PublicationError(_correction_needed(page, base))
    now = timezone.now()
    version = DocumentVersion(
        document=document,
        number=base.number + 1,
        published_at=now,
        # Never before the corrected version: the versions' dates must stay in order.
        effective_from=max(correction.effective_from or now, now, base.effective_from),
        material=correction.material,
        published_by=user,
        revision=revision,
        correction=correction,
    )
    version.save()
    _copy_terms(base=base, version=version)
    source_locale_id = source_locale().pk
    for text in base.texts.exclude(locale_id=page.locale_id):
        unchanged = VersionText(
            version=version,
            locale_id=text.locale_id,
            page_id=text.page_id,
            revision_id=text.revision_id,
            created_at=now,
            title=text.title,
            change_summary=correction.source_summary if text.locale_id == source_locale_id else "",
            blocks=text.blocks,
            html=text.html,
            sha256=text.sha256,
            html_sha256=text.html_sha256,
        )
        unchanged.full_clean()
        unchanged.save()
    _create_text(
        version=version,
        page=page,
        revision=revision,
        blocks=blocks,
        digest=digest,
        change_summary=correction.summary,
    )
    logger.info(
        "Recorded version %d of %s: a corrected %s text.",
        version.number,
        document.pk,
        page.locale.language_code,
    )
    return version


def _correction_needed(page, base: DocumentVersion) -> str:
    return CORRECTION_NEEDED % {
        "language": page.locale.get_display_name(),
        "number": base.number,
        "next": base.number + 1,
    }


def translation_correction_problem(page: LegalDocumentPage) -> str | None:
    """Why publishing ``page`` (a translation) would change a published text, or None.

    A translation whose version already has this language's text is a correction: it is
    published only through an open correction of that version.
    """
    version = _translated_version(page)
    if version is None:
        return None
    existing = version.texts.filter(locale_id=page.locale_id).only("sha256").first()
    if existing is None or existing.sha256 == text_digest(page.title, page.to_blocks()):
        return None
    correction = open_correction(document=version.document, locale_id=page.locale_id)
    if correction is not None and correction.base_version_id == version.pk:
        return None
    return _correction_needed(page, version)


@transaction.atomic
def text_correction_start(
    *,
    page: LegalDocumentPage,
    source_summary: str,
    summary: str,
    material: bool,
    effective_from=None,
    user=None,
) -> TextCorrection:
    """Open the correction of ``page``'s text (a translation) as the document's next version.

    Args:
        page: the translated page whose text is to be corrected.
        source_summary: what the correction changes, for readers of the source language.
        summary: the same, in the corrected language.
        material: whether customers must accept the corrected version again.
        effective_from: when the corrected version takes effect (None: at publication).
        user: who decided the correction (Legal).

    Raises:
        PublicationError: the page is the source, its language has no published text in
            the latest version yet, a correction is already open, or the date is too early.
    """
    if page.locale_id == source_locale().pk:
        raise PublicationError(
            _("The source text is not corrected on its own: publish a new version of it.")
        )
    document = page.get_translation(source_locale()).specific
    _lock_document(document.pk)
    language = page.locale.get_display_name()
    latest = DocumentVersion.objects.filter(document=document).order_by("-number").first()
    if latest is None or not latest.texts.filter(locale_id=page.locale_id).exists():
        raise PublicationError(
            _(
                "The latest version has no %(language)s text yet: translate it in the "
                "translation editor instead of correcting it."
            )
            % {"language": language}
        )
    if open_correction(document=document, locale_id=page.locale_id) is not None:
        raise PublicationError(
            _(
                "A correction of the %(language)s text of version %(number)d is already "
                "open: correct the text in the translation editor and have it published."
            )
            % {"language": language, "number": latest.number}
        )
    if effective_from is not None and effective_from < latest.effective_from:
        raise PublicationError(
            _(
                "The new version cannot take effect before version %(number)d, which takes "
                "effect on %(date)s."
            )
            % {"number": latest.number, "date": _local_datetime(latest.effective_from)}
        )
    correction = TextCorrection(
        document=document,
        locale_id=page.locale_id,
        base_version=latest,
        source_summary=source_summary.strip(),
        summary=summary.strip(),
        material=material,
        effective_from=effective_from,
        requested_by=user,
        requested_at=timezone.now(),
    )
    correction.full_clean()
    correction.save()
    return correction


def _copy_terms(*, base: DocumentVersion, version: DocumentVersion) -> None:
    """A correction changes a translation, not what customers consent to: the terms of
    ``base`` hold for ``version`` too (and a later source publication then compares with them)."""
    terms = version_terms(base)
    if terms is None:
        return
    copy = ConsentTerms(
        version=version,
        created_at=version.published_at,
        purposes=terms.purposes,
        data_categories=terms.data_categories,
        third_party_transfer=terms.third_party_transfer,
        third_parties=terms.third_parties,
        cross_border_transfer=terms.cross_border_transfer,
        storage_term=terms.storage_term,
    )
    copy.full_clean(exclude=["version"])
    copy.save()


def _create_text(*, version, page, revision, blocks, digest, change_summary) -> VersionText:
    """Write one frozen text and tell the caches about it.

    The application's own cache notices by itself (``legal.cache.freshness_mark`` counts the
    texts); the HTTP front is told once the text is committed, so its refresh fetches the new
    page in every language.
    """
    with translation.override(page.locale.language_code):
        html = render_blocks(blocks)
    text = VersionText(
        version=version,
        locale_id=page.locale_id,
        page=page,
        revision=revision,
        created_at=timezone.now(),
        title=page.title,
        change_summary=change_summary,
        blocks=blocks,
        html=html,
        sha256=digest,
        html_sha256=html_digest(html),
    )
    text.full_clean()
    text.save()
    document = version.document
    transaction.on_commit(lambda: frontend_purge(document=document))
    return text
