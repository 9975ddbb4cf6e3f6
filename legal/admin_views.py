"""Admin views for legal documents: the documents, versions, comparison, translation check.

Legal staff reach them from the admin menu ("Legal versions") and from the document's page
header ("Versions"); they reuse the public comparison rendering so what legal checks is what
customers see. ``LegalAdminViewSet`` registers them (``wagtail_hooks``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.admin.viewsets.base import ViewSet
from wagtail.models import Locale, TaskState
from wagtail.permission_policies import ModelPermissionPolicy

import core.converters  # noqa: F401 - registers <id:…>
from core.admin import PermissionMenuMixin, report_urlpatterns

from . import publishing
from .comparison import blocks_comparison_context, comparison_context, translation_changes
from .forms import TextCorrectionForm
from .models import DocumentVersion, LegalDocumentPage, VersionText
from .selectors import document_state, working_blocks

# Legal's pages are for whoever may read the versions (the Legal group).
PERMISSION_POLICY = ModelPermissionPolicy(DocumentVersion)
VIEW_PERMISSION = "legal.view_documentversion"
# The compare page's name for the working text (the draft or the translation in progress).
DRAFT = "draft"


def _document(page_id: int) -> LegalDocumentPage:
    page = get_object_or_404(LegalDocumentPage, pk=page_id)
    # Versions belong to the source-language page; the admin may be opened on a translation.
    source = Locale.get_default()
    return page if page.locale_id == source.pk else page.get_translation(source)


def approvers_by_revision(revision_ids) -> dict[int, str]:
    """Who approved each revision in a workflow (the last approving task), by revision id."""
    rows = (
        TaskState.objects.filter(revision_id__in=revision_ids, status=TaskState.STATUS_APPROVED)
        .select_related("finished_by")
        .order_by("finished_at")
    )
    return {row.revision_id: row.finished_by for row in rows if row.finished_by}


class DocumentsView(ReportView):
    """The legal documents in the source language; with only one, its versions at once."""

    page_title = gettext_lazy("Legal documents")
    header_icon = "doc-full"
    model = LegalDocumentPage
    permission_policy = PERMISSION_POLICY
    permission_required = "view"
    paginate_by = None
    columns = [
        TitleColumn("title", label=gettext_lazy("legal document"), url_name="legal_admin:versions"),
        Column(
            "in_force",
            label=gettext_lazy("In force"),
            accessor=lambda page: _version_label(document_state(page).in_force),
        ),
    ]

    def get_queryset(self):
        return LegalDocumentPage.objects.filter(locale=Locale.get_default()).order_by("path")

    def get(self, request, *args, **kwargs):
        if not self.results_only:
            documents = list(self.get_queryset()[:2])
            if len(documents) == 1:
                return redirect("legal_admin:versions", documents[0].pk)
        return super().get(request, *args, **kwargs)


def _version_label(version) -> str:
    return _("Version %(number)d") % {"number": version.number} if version else "—"


@permission_required(VIEW_PERMISSION, raise_exception=True)
def versions(request, page_id: int):
    page = _document(page_id)
    state = document_state(page)
    rows = DocumentVersion.objects.filter(document=page).select_related("published_by")
    by_pk = {row.pk: row for row in rows}
    approvers = approvers_by_revision([row.revision_id for row in rows])
    entries = [
        {
            "info": info,
            "row": by_pk[info.pk],
            "approver": approvers.get(by_pk[info.pk].revision_id),
        }
        for info in reversed(state.versions)
    ]
    return TemplateResponse(
        request,
        "legal/admin/versions.html",
        {"page": page, "state": state, "entries": entries, "title": _("Versions")},
    )


def _text(page, number: int, language: str) -> VersionText:
    text = (
        VersionText.objects.filter(
            version__document=page, version__number=number, locale__language_code=language
        )
        .select_related("version")
        .first()
    )
    if text is None:
        raise Http404(_("Version %(number)s has no text in this language.") % {"number": number})
    return text


def _int(value, default):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@permission_required(VIEW_PERMISSION, raise_exception=True)
def compare(request, page_id: int):
    page = _document(page_id)
    state = document_state(page)
    if not state.versions:
        raise Http404
    latest = state.versions[-1].number
    draft = request.GET.get("b") == DRAFT
    if draft:
        # The draft is compared with what customers have now unless another version is asked.
        in_force = state.in_force.number if state.in_force else latest
        a, b = _int(request.GET.get("a"), in_force), DRAFT
    else:
        a = _int(request.GET.get("a"), max(latest - 1, 1))
        b = _int(request.GET.get("b"), latest)
    language = request.GET.get("lang")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    context = {
        "page": page,
        "state": state,
        "a": a,
        "b": b,
        "draft": DRAFT,
        "lang": language,
        "title": _("Compare versions"),
    }
    old = _text(page, a, language)
    mode = request.GET.get("mode", "")
    if draft:
        in_language = page.get_translation(Locale.objects.get_for_language(language))
        context.update(blocks_comparison_context(old, working_blocks(in_language), mode))
    else:
        context.update(comparison_context(old, _text(page, b, language), mode))
    return TemplateResponse(request, "legal/admin/compare.html", context)


@permission_required(VIEW_PERMISSION, raise_exception=True)
def translation_check(request, page_id: int, number: int):
    """One version's clauses in Russian beside their Kazakh translation."""
    page = _document(page_id)
    ru, kk = _text(page, number, "ru"), _text(page, number, "kk")
    kk_blocks = {(b["type"], b.get("number")): b for b in kk.blocks}
    pairs = [(block, kk_blocks.get((block["type"], block.get("number")))) for block in ru.blocks]
    missing = [b.get("number") for b, other in pairs if other is None]
    return TemplateResponse(
        request,
        "legal/admin/translation_check.html",
        {
            "page": page,
            "number": number,
            "ru": ru,
            "kk": kk,
            "pairs": pairs,
            "missing": missing,
            "title": _("Translation check"),
        },
    )


class LegalAdminViewSet(PermissionMenuMixin, ViewSet):
    """Legal's admin pages under ``/admin/legal/``, and their menu item for those who may read."""

    name = "legal_admin"
    url_prefix = "legal"
    icon = "doc-full"
    menu_label = gettext_lazy("Legal versions")
    menu_order = 250
    add_to_admin_menu = True
    permission_policy = PERMISSION_POLICY

    def get_urlpatterns(self):
        return [
            *report_urlpatterns(self, DocumentsView),
            path("<id:page_id>/versions/", versions, name="versions"),
            path("<id:page_id>/compare/", compare, name="compare"),
            path(
                "<id:page_id>/versions/<id:number>/translation/",
                translation_check,
                name="translation",
            ),
            path("<id:page_id>/correction/", correction, name="correction"),
            path(
                "<id:page_id>/translation/changes/",
                translator_changes,
                name="translator_changes",
            ),
        ]


def _translation_page(page_id: int) -> LegalDocumentPage:
    page = get_object_or_404(LegalDocumentPage, pk=page_id)
    if page.locale_id == Locale.get_default().pk:
        raise Http404(_("The source text has no translation to correct."))
    return page


@permission_required(VIEW_PERMISSION, raise_exception=True)
def correction(request, page_id: int):
    """Legal opens the correction of a translation, to be published as the next version."""
    page = _translation_page(page_id)
    document = _document(page_id)
    state = document_state(document)
    form = TextCorrectionForm(
        request.POST or None,
        source_language=Locale.get_default().get_display_name(),
        language=page.locale.get_display_name(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            publishing.text_correction_start(page=page, user=request.user, **form.cleaned_data)
        except publishing.PublicationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _(
                    "The correction is open. Correct the %(language)s text in the translation "
                    "editor; a colleague who did not translate it publishes it as version "
                    "%(number)d."
                )
                % {"language": page.locale.get_display_name(), "number": state.latest.number + 1},
            )
            return redirect("wagtailadmin_pages:edit", page.pk)
    return TemplateResponse(
        request,
        "legal/admin/correction.html",
        {
            "page": document,
            "translation": page,
            "state": state,
            "form": form,
            "open": publishing.open_correction(document=document, locale_id=page.locale_id),
            "title": _("Correct the %(language)s text")
            % {"language": page.locale.get_display_name()},
        },
    )


def translator_changes(request, page_id: int):
    """For the translator: each changed clause with its previous translation and the
    source's redline (linked from the translation editor and the dashboard)."""
    page = _translation_page(page_id)
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    changes = translation_changes(page)
    return TemplateResponse(
        request,
        "legal/admin/translator_changes.html",
        {
            "page": _document(page_id),
            "translation": page,
            "changes": changes,
            "source_language": Locale.get_default().get_display_name(),
            "language": page.locale.get_display_name(),
            "title": _("What changed for the translator"),
        },
    )
