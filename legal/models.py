"""Legal documents as structured Wagtail pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.rich_text import expand_db_html
from wagtail_localize.fields import SynchronizedField, TranslatableField

from .blocks import LegalBodyBlock
from .rendering import render_blocks, table_of_contents


class LegalIndexPage(Page):
    """The legal section (``/ru/legal/``): lists the documents under it."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["legal.LegalDocumentPage"]
    parent_page_types = ["home.HomePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("legal section")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["documents"] = self.get_children().live().specific().order_by("path")
        return context


class LegalDocumentPage(RoutablePageMixin, Page):
    """A legal document such as the privacy policy, kept as numbered sections and clauses.

    The page holds the working text; every publication freezes it into a numbered version
    (see ``legal.services``) that customers accept and that never changes again.
    """

    short_name = models.CharField(
        _("short name"),
        max_length=80,
        help_text=_("How the document is named in links and lists, e.g. “Privacy policy”."),
    )
    body = StreamField(LegalBodyBlock(), verbose_name=_("text"))
    effective_from = models.DateTimeField(
        _("takes effect on"),
        null=True,
        blank=True,
        help_text=_(
            "When this text comes into force. Empty means at publication; a later date gives "
            "customers advance notice of the change (clause 5.8)."
        ),
    )
    change_summary = models.TextField(
        _("summary of changes"),
        blank=True,
        help_text=_("Shown to customers in the archive and in the change notice."),
    )
    material = models.BooleanField(
        _("material change"),
        default=False,
        help_text=_("Customers must accept this version again before they shop on."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("short_name"),
        MultiFieldPanel(
            [FieldPanel("effective_from"), FieldPanel("material"), FieldPanel("change_summary")],
            heading=_("This publication"),
        ),
        FieldPanel("body"),
    ]
    parent_page_types = ["legal.LegalIndexPage"]
    subpage_types: list[str] = []

    # Dates and the material flag are facts about a publication, the same in every language;
    # the body's numbers are kept out of translation by ClauseNumberBlock.
    override_translatable_fields = [
        SynchronizedField("effective_from"),
        SynchronizedField("material"),
        TranslatableField("change_summary"),
        TranslatableField("short_name"),
    ]

    class Meta:
        verbose_name = _("legal document")
        verbose_name_plural = _("legal documents")

    def to_blocks(self) -> list[dict]:
        """The body as plain block dicts with rendered rich text (the frozen-version format)."""
        blocks = []
        for child in self.body:
            if child.block_type == "preamble":
                blocks.append({"type": "preamble", "html": expand_db_html(child.value.source)})
            elif child.block_type == "section":
                blocks.append(
                    {
                        "type": "section",
                        "number": child.value["number"],
                        "heading": child.value["heading"],
                    }
                )
            else:
                text = child.value["text"]
                blocks.append(
                    {
                        "type": "clause",
                        "number": child.value["number"],
                        "html": expand_db_html(text.source) if text else "",
                        "style": child.value["style"],
                    }
                )
        return blocks

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        blocks = self.to_blocks()
        context["document_html"] = render_blocks(blocks)
        context["toc"] = table_of_contents(blocks)
        return context
