"""Legal documents as structured Wagtail pages."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import GroupApprovalTask, Page
from wagtail.rich_text import expand_db_html
from wagtail_localize.fields import SynchronizedField, TranslatableField

from core.append_only import AppendOnlyModel, AppendOnlyQuerySet

from .blocks import LegalBodyBlock
from .consent_terms import ConsentTermsValues, StorageTerm, normalised
from .forms import LegalDocumentForm, material_widget, yes_no_widget
from .html_policy import clean_rich_text
from .protection import RecordPagePermissionTester

CHANGES_PREVIEW = "changes"


class LegalIndexPage(Page):
    """The legal section (``/ru/legal/``): lists the documents under it."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["legal.LegalDocumentPage"]
    parent_page_types = ["home.HomePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("legal section")

    def permissions_for_user(self, user):
        return RecordPagePermissionTester(user, self)

    def get_context(self, request, *args, **kwargs):
        from .selectors import document_state

        context = super().get_context(request, *args, **kwargs)
        pages = self.get_children().live().specific().order_by("path")
        context["documents"] = [
            {
                "page": page,
                "in_force": document_state(page, cached=True).in_force,
                "archive_url": page.get_url(request) + page.reverse_subpage("archive"),
            }
            for page in pages
        ]
        return context


class LegalDocumentPage(RoutablePageMixin, Page):
    """A legal document such as the privacy policy, kept as numbered sections and clauses.

    The page holds the working text; every publication freezes it into a numbered version
    (see ``legal.publishing``) that customers accept and that never changes again.
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
        null=True,
        blank=True,
        default=None,
        help_text=_("Required for every version after the first; there is no default."),
    )
    # What a consent to the next version covers (Law 94-V, Art. 8): codes, each with a label in
    # every language (legal.consent_terms). Frozen into the version as ConsentTerms; unlike
    # the summary they carry over, since most versions change none of them.
    consent_purposes = models.JSONField(_("purposes of processing"), default=list, blank=True)
    consent_data_categories = models.JSONField(
        _("categories of personal data"), default=list, blank=True
    )
    consent_third_party_transfer = models.BooleanField(
        _("transfer to third parties"), null=True, blank=True, default=None
    )
    consent_third_parties = models.JSONField(
        _("third parties the data are transferred to"), default=list, blank=True
    )
    consent_cross_border_transfer = models.BooleanField(
        _("cross-border transfer"), null=True, blank=True, default=None
    )
    consent_storage_term = models.CharField(
        _("term of storage and of the consent"),
        max_length=32,
        blank=True,
        choices=StorageTerm.choices,
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("short_name"),
        MultiFieldPanel(
            [
                FieldPanel("effective_from"),
                FieldPanel("material", widget=material_widget),
                FieldPanel("change_summary"),
            ],
            heading=_("This publication"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("consent_purposes"),
                FieldPanel("consent_data_categories"),
                FieldPanel("consent_third_party_transfer", widget=yes_no_widget),
                FieldPanel("consent_third_parties"),
                FieldPanel("consent_cross_border_transfer", widget=yes_no_widget),
                FieldPanel("consent_storage_term"),
            ],
            heading=_("What the consent covers"),
        ),
        FieldPanel("body"),
    ]
    parent_page_types = ["legal.LegalIndexPage"]
    subpage_types: list[str] = []
    base_form_class = LegalDocumentForm

    # Dates and the material flag are facts about a publication, the same in every language;
    # the body's numbers are kept out of translation by ClauseNumberBlock.
    override_translatable_fields = [
        SynchronizedField("effective_from"),
        SynchronizedField("material"),
        # Codes, the same in every language (their labels are translated in the catalogues);
        # the version freezes the source page's, so a translator has nothing to override.
        SynchronizedField("consent_purposes", overridable=False),
        SynchronizedField("consent_data_categories", overridable=False),
        SynchronizedField("consent_third_party_transfer", overridable=False),
        SynchronizedField("consent_third_parties", overridable=False),
        SynchronizedField("consent_cross_border_transfer", overridable=False),
        SynchronizedField("consent_storage_term", overridable=False),
        TranslatableField("change_summary"),
        TranslatableField("short_name"),
    ]

    class Meta:
        verbose_name = _("legal document")
        verbose_name_plural = _("legal documents")

    def permissions_for_user(self, user):
        return RecordPagePermissionTester(user, self)

    def consent_terms_values(self) -> ConsentTermsValues:
        """The consent terms the next version would freeze (codes in their choices' order)."""
        return normalised(
            ConsentTermsValues(
                purposes=self.consent_purposes,
                data_categories=self.consent_data_categories,
                third_party_transfer=self.consent_third_party_transfer,
                third_parties=self.consent_third_parties,
                cross_border_transfer=self.consent_cross_border_transfer,
                storage_term=self.consent_storage_term,
            )
        )

    def to_blocks(self) -> list[dict]:
        """The body as plain block dicts with rendered rich text (the frozen-version format)."""
        blocks = []
        for child in self.body:
            if child.block_type == "preamble":
                blocks.append(
                    {
                        "type": "preamble",
                        "html": clean_rich_text(expand_db_html(child.value.source)),
                    }
                )
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
                        "html": clean_rich_text(expand_db_html(text.source)) if text else "",
                        "style": child.value["style"],
                    }
                )
        return blocks

    def clean(self):
        super().clean()
        from .publishing import effective_date_problem

        # The field's own error while editing; publication judges an empty date too.
        problem = effective_date_problem(self)
        if problem:
            raise ValidationError({"effective_from": problem})

    # Public views. Readers always see a frozen version, never the working text: the page in
    # force is the version in force, in the page's language (see legal.views).

    @path("")
    def document(self, request):
        from . import views

        return views.document(request, self)

    @path("versions/", name="archive")
    def archive(self, request):
        from . import views

        return views.archive(request, self)

    @path("versions/json/", name="archive_json")
    def archive_json(self, request):
        from . import views

        return views.archive_json(request, self)

    @re_path(r"^versions/(?P<number>[0-9]{1,6})/$", name="version")
    def version(self, request, number):
        from . import views

        return views.version(request, self, int(number))

    @re_path(r"^versions/(?P<number>[0-9]{1,6})/json/$", name="version_json")
    def version_json(self, request, number):
        from . import views

        return views.version_json(request, self, int(number))

    @re_path(r"^versions/(?P<number>[0-9]{1,6})/pdf/$", name="version_pdf")
    def version_pdf(self, request, number):
        from . import views

        return views.version_pdf(request, self, int(number))

    @re_path(r"^compare/(?P<a>[0-9]{1,6})/(?P<b>[0-9]{1,6})/$", name="compare")
    def compare(self, request, a, b):
        from . import views

        return views.compare(request, self, int(a), int(b))

    @path("compare/", name="compare_form")
    def compare_form(self, request):
        from . import views

        return views.compare_form(request, self)

    def get_cached_paths(self):
        """Every public sub-path a front cache may hold for this page (for purging)."""
        numbers = DocumentVersion.objects.filter(
            document__translation_key=self.translation_key
        ).values_list("number", flat=True)
        paths = ["/", "/versions/", "/versions/json/"]
        for number in numbers:
            paths += [f"/versions/{number}/", f"/versions/{number}/json/"]
        return paths

    # What Legal and translators need before approving: the draft as readers would get it,
    # and the draft as a redline against the version in force.
    preview_modes = [
        ("", _("Working text")),
        (CHANGES_PREVIEW, _("Changes against the version in force")),
    ]

    def serve_preview(self, request, mode_name):
        """Preview the working text (not a version): as frozen on publication, or as changes."""
        from . import views

        if mode_name == CHANGES_PREVIEW:
            return views.preview_changes(request, self)
        return views.preview(request, self)


class LegalReviewTask(GroupApprovalTask):
    """Group approval with four eyes: the members of the groups approve, except the writers.

    Whoever wrote any revision of the draft (or, for a translation, any of its segments)
    since the last publication is not offered "Approve", and an approval by them is refused
    (``legal.review``).
    """

    def get_actions(self, obj, user):
        from .review import own_text_refusal

        actions = super().get_actions(obj, user)
        if actions and own_text_refusal(obj, user):
            return [action for action in actions if action[0] != "approve"]
        return actions

    def on_action(self, task_state, user, action_name, **kwargs):
        from .review import FourEyesError, own_text_refusal

        if action_name == "approve":
            refusal = own_text_refusal(task_state.workflow_state.content_object, user)
            if refusal:
                raise FourEyesError(refusal)
        return super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls):
        return _("Members of the chosen groups approve, except whoever wrote the draft")

    class Meta:
        verbose_name = _("legal review task")
        verbose_name_plural = _("legal review tasks")


class VersionQuerySet(AppendOnlyQuerySet):
    def complete(self, languages=None):
        """Versions that have a text in every required language."""
        languages = languages or required_languages()
        qs = self
        for code in languages:
            qs = qs.filter(texts__locale__language_code=code)
        return qs.distinct()


def required_languages() -> list[str]:
    """Languages a version needs before it can come into force (ru and kk by default)."""
    return list(getattr(settings, "LEGAL_REQUIRED_LANGUAGES", ["ru", "kk"]))


class DocumentVersion(AppendOnlyModel):
    """A numbered publication of a legal document, frozen for good.

    Created by ``legal.publishing.PublishLegalTextAction`` when the source-language page is
    published; translations join it as ``VersionText`` rows. A version is *in force* from its
    ``effective_from`` once it has a text in every required language.
    """

    document = models.ForeignKey(
        LegalDocumentPage,
        on_delete=models.PROTECT,
        related_name="versions",
        verbose_name=_("document"),
        help_text=_("The source-language page of the document."),
    )
    number = models.PositiveIntegerField(_("number"))
    published_at = models.DateTimeField(_("published at"))
    effective_from = models.DateTimeField(_("in force from"))
    material = models.BooleanField(_("material change"), default=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("revision"),
    )
    # Set only on a version that corrects a translation and leaves the source text as it was.
    correction = models.OneToOneField(
        "legal.TextCorrection",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="version",
        verbose_name=_("correction of a translation"),
    )

    objects = VersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], name="legal_version_number_unique"
            ),
            models.UniqueConstraint(fields=["revision"], name="legal_version_revision_unique"),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="legal_version_number_positive"
            ),
        ]

    def __str__(self):
        return f"{self.document_id} v{self.number}"


class VersionText(AppendOnlyModel):
    """One version of a document in one language, exactly as it was published.

    ``blocks`` is the structured text (see ``legal.parser`` for the shape); ``html`` is what
    readers saw; both are covered by hashes that ``verify_legal_versions`` recomputes.
    """

    version = models.ForeignKey(
        DocumentVersion, on_delete=models.PROTECT, related_name="texts", verbose_name=_("version")
    )
    locale = models.ForeignKey(
        "wagtailcore.Locale", on_delete=models.PROTECT, related_name="+", verbose_name=_("language")
    )
    page = models.ForeignKey(
        LegalDocumentPage, on_delete=models.PROTECT, related_name="+", verbose_name=_("page")
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("revision"),
    )
    created_at = models.DateTimeField(_("created at"))
    title = models.CharField(_("title"), max_length=255)
    change_summary = models.TextField(_("summary of changes"), blank=True)
    blocks = models.JSONField(_("structured text"))
    html = models.TextField(_("rendered text"))
    sha256 = models.CharField(_("SHA-256 of the text"), max_length=64)
    html_sha256 = models.CharField(_("SHA-256 of the rendered text"), max_length=64)

    class Meta:
        verbose_name = _("version text")
        verbose_name_plural = _("version texts")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "locale"], name="legal_text_language_unique"
            ),
        ]

    def __str__(self):
        return f"{self.version} [{self.locale_id}]"


class ConsentTerms(AppendOnlyModel):
    """What a consent to one version covers, frozen at its publication (Law 94-V, Art. 8).

    Written with the version by ``legal.services.version_record_publication`` from the page's
    consent fields, and never changed; codes from ``legal.consent_terms``, whose labels every
    language translates. Receipts state these terms.
    """

    version = models.OneToOneField(
        DocumentVersion,
        on_delete=models.PROTECT,
        related_name="consent_terms",
        verbose_name=_("version"),
    )
    purposes = models.JSONField(_("purposes of processing"))
    data_categories = models.JSONField(_("categories of personal data"))
    third_party_transfer = models.BooleanField(_("transfer to third parties"))
    # Empty when nothing is transferred.
    third_parties = models.JSONField(_("third parties the data are transferred to"), blank=True)
    cross_border_transfer = models.BooleanField(_("cross-border transfer"))
    storage_term = models.CharField(
        _("term of storage and of the consent"), max_length=32, choices=StorageTerm.choices
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("consent terms")
        verbose_name_plural = _("consent terms")

    def __str__(self):
        return f"{self.version} terms"

    def values(self) -> ConsentTermsValues:
        return ConsentTermsValues(
            purposes=list(self.purposes),
            data_categories=list(self.data_categories),
            third_party_transfer=self.third_party_transfer,
            third_parties=list(self.third_parties),
            cross_border_transfer=self.cross_border_transfer,
            storage_term=self.storage_term,
        )


class TextCorrection(AppendOnlyModel):
    """Legal's decision to publish a corrected translation as a version of its own.

    A Kazakh text can be wrong while the Russian one is right. The correction says what the
    next version will tell customers (a summary in the source language and one in the
    corrected language) and whether it is material; the corrected text itself is then
    written in the translation editor, and its publication by a second person creates version
    ``base_version.number + 1`` with the source text unchanged
    (``legal.publishing``). Written once, like the versions: it
    is open until a version points to it, and stale once another version follows its base.
    """

    document = models.ForeignKey(
        LegalDocumentPage,
        on_delete=models.PROTECT,
        related_name="corrections",
        verbose_name=_("document"),
        help_text=_("The source-language page of the document."),
    )
    locale = models.ForeignKey(
        "wagtailcore.Locale",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("corrected language"),
    )
    base_version = models.ForeignKey(
        DocumentVersion,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("corrected version"),
    )
    source_summary = models.TextField(_("summary of changes in the source language"))
    summary = models.TextField(_("summary of changes in the corrected language"))
    material = models.BooleanField(_("material change"), default=False)
    effective_from = models.DateTimeField(_("takes effect on"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"))

    class Meta:
        verbose_name = _("correction of a translation")
        verbose_name_plural = _("corrections of translations")

    def __str__(self):
        return f"{self.base_version} [{self.locale_id}] correction"
