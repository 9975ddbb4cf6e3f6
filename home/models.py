"""The site's home page."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The root page of each language tree: who the shop is, links to the shop and the policy."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["legal.LegalIndexPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")
