"""Signal handlers that turn Wagtail publications of legal pages into frozen versions."""

from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from wagtail.signals import page_published

from . import services
from .models import LegalDocumentPage, VersionText


@receiver(pre_save, sender=LegalDocumentPage)
def refuse_unacceptable_publication(sender, instance, raw=False, **kwargs):
    """Stop a publication before the page is saved live (Wagtail has no pre-publish hook).

    A publish is the save that changes the page's live revision; drafts and unpublishing pass.
    """
    if raw or instance.pk is None or not instance.live or instance.live_revision_id is None:
        return
    current = (
        LegalDocumentPage.objects.filter(pk=instance.pk)
        .values_list("live_revision_id", flat=True)
        .first()
    )
    if current != instance.live_revision_id:
        services.publication_check(page=instance)


@receiver(page_published, sender=LegalDocumentPage)
def record_version(sender, instance, revision, **kwargs):
    services.version_record_publication(page=instance, revision=revision)
    if instance.locale_id == services.source_locale().pk:
        # The translators' work starts the moment the source is published, not when someone
        # remembers the sync action.
        transaction.on_commit(lambda: services.translation_sources_sync(page=instance))


@receiver(post_save, sender=VersionText)
def invalidate_legal_pages(sender, instance, created, raw=False, **kwargs):
    """A new text changes what every language of the document shows (archive, in force).

    The application's own cache notices by itself (``legal.cache.freshness_mark``); the HTTP
    front is told once the text is committed, so its refresh fetches the new page.
    """
    if not created or raw:
        return
    document = instance.version.document
    transaction.on_commit(lambda: services.frontend_purge(document=document))
