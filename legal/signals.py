"""The backstop and the record of every legal publication (see ``legal.publishing``)."""

from django.db.models.signals import pre_save
from django.dispatch import receiver
from wagtail.signals import page_published

from .models import LegalDocumentPage
from .publishing import PublishLegalTextAction


@receiver(pre_save, sender=LegalDocumentPage)
def check_publication(sender, instance, raw=False, **kwargs):
    """Refuse a publication before the page is saved live, whichever way it was published.

    The editor's Publish button is checked earlier, by the ``before_publish_page`` hook; the
    workflow's approval, the translation editor, scheduled publishing and code have no such
    hook and meet the rule here. A publication is the save that changes the page's live
    revision; drafts and unpublishing pass.
    """
    if raw or instance.pk is None or not instance.live or instance.live_revision_id is None:
        return
    current = (
        LegalDocumentPage.objects.filter(pk=instance.pk)
        .values_list("live_revision_id", flat=True)
        .first()
    )
    if current != instance.live_revision_id:
        PublishLegalTextAction(instance).check()


@receiver(page_published, sender=LegalDocumentPage)
def record_publication(sender, instance, revision, **kwargs):
    PublishLegalTextAction(instance, revision=revision).execute()
