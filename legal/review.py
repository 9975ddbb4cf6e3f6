"""Four eyes on every legal publication: whoever wrote the working text does not publish it.

The writers of a Russian draft are the authors of its revisions since the last publication
(and whoever submitted it); the writers of a Kazakh text are those who translated its
segments since the Kazakh page was last published. They may not approve or publish it.
Superusers keep a break-glass path — publishing directly — and every such publication is
written to Wagtail's audit log as "legal.break_glass", with the rule it bypassed.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.models import Page, WorkflowState

from .publishing import PublicationError
from .services import source_locale

BREAK_GLASS = "legal.break_glass"

OWN_DRAFT = _(
    "You wrote part of this draft, so someone else must approve it: a legal text is "
    "published only after a second person has read it."
)
OWN_TRANSLATION = _(
    "You translated part of this text, so someone else must publish it: a legal text is "
    "published only after a second person has read it."
)


class FourEyesError(PublicationError):
    """Someone tried to approve or publish a legal text they wrote themselves."""


def draft_authors(page: Page) -> set[int]:
    """Ids of the users who wrote the page's working text since its last publication."""
    if not is_source(page):
        return _translators(page)
    revisions = page.revisions.order_by("pk")
    if page.live_revision_id is not None:
        revisions = revisions.filter(pk__gt=page.live_revision_id)
    # A revision that changes nothing is not writing: Wagtail's autosave stores one for
    # whoever merely opens the editor (a reviewer reading the draft, say), and such a
    # revision must not cost them the right to approve.
    authors = set()
    previous = _writing(page.live_revision) if page.live_revision_id is not None else None
    for revision in revisions.select_related("user"):
        writing = _writing(revision)
        if writing != previous and revision.user_id is not None:
            authors.add(revision.user_id)
        previous = writing
    workflow_state = WorkflowState.objects.for_instance(page).filter(
        status=WorkflowState.STATUS_IN_PROGRESS
    )
    authors.update(
        workflow_state.exclude(requested_by=None).values_list("requested_by_id", flat=True)
    )
    return authors


# What a person writes in a legal page's editor; everything else in a revision is bookkeeping.
WRITTEN_FIELDS = ("title", "short_name", "slug", "change_summary", "material", "effective_from")


def _writing(revision) -> tuple:
    """The text and per-publication fields a revision holds, comparable across revisions."""
    page = revision.as_object()
    blocks = page.to_blocks() if hasattr(page, "to_blocks") else revision.content.get("body")
    return (*(getattr(page, name, None) for name in WRITTEN_FIELDS), repr(blocks))


def _translators(page: Page) -> set[int]:
    from wagtail_localize.models import SegmentOverride, StringTranslation

    authors = set()
    for model in (StringTranslation, SegmentOverride):
        rows = model.objects.filter(
            locale_id=page.locale_id, context__object_id=page.translation_key
        ).exclude(last_translated_by=None)
        if page.last_published_at is not None:
            rows = rows.filter(updated_at__gt=page.last_published_at)
        authors.update(rows.values_list("last_translated_by_id", flat=True))
    return authors


def is_source(page: Page) -> bool:
    return page.locale_id == source_locale().pk


def own_text_refusal(page: Page, user) -> str | None:
    """Why ``user`` may not approve or publish ``page``'s working text, or None."""
    if user is None or user.pk not in draft_authors(page):
        return None
    return str(OWN_DRAFT if is_source(page) else OWN_TRANSLATION)


def break_glass_reason(page: Page, user) -> str | None:
    """Which review rule a superuser's direct publication of ``page`` bypasses, or None."""
    if not user.is_superuser:
        return None
    if own_text_refusal(page, user):
        return "own_text"
    if is_source(page):
        return "no_approval"
    return None


def break_glass_log(*, page: Page, user, reason: str) -> None:
    """Record a superuser's publication that bypassed the review rules."""
    log(
        instance=page,
        action=BREAK_GLASS,
        user=user,
        revision=page.live_revision,
        data={"reason": reason},
    )


BREAK_GLASS_REASONS = {
    "own_text": _("Published by a superuser who wrote part of the text, without a second person."),
    "no_approval": _("Published by a superuser directly, without Legal's approval."),
}
