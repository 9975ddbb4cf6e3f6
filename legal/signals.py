"""Signal handlers that turn Wagtail publications of legal pages into frozen versions."""

from django.db.models.signals import pre_save
from django.dispatch import receiver
from wagtail.signals import page_published

from . import services
from .models import LegalDocumentPage


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
