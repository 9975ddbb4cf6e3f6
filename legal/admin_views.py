"""Admin views for legal documents: versions, comparison, translation check.

Legal staff reach them from the document's page header ("Versions") in the Wagtail admin;
they reuse the public comparison rendering so what legal checks is what customers see.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from wagtail.models import Locale, TaskState

from . import services
from .comparison import blocks_comparison_context, comparison_context, translation_changes
from .forms import TextCorrectionForm
from .models import DocumentVersion, LegalDocumentPage, VersionText
from .selectors import document_state, locale_for, working_blocks

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


@permission_required(VIEW_PERMISSION, raise_exception=True)
def index(request):
    """The legal documents in the source language, each with its state."""
    documents = LegalDocumentPage.objects.filter(locale=Locale.get_default()).order_by("path")
    if len(documents) == 1:
        return redirect("legal_admin:versions", documents[0].pk)
    return TemplateResponse(
        request,
        "legal/admin/index.html",
        {"documents": documents, "title": _("Legal documents"), "page": None},
    )


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
    language = request.GET.get("lang") if request.GET.get("lang") in ("ru", "kk") else "ru"
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
        in_language = page.get_translation(locale_for(language))
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
            services.text_correction_start(page=page, user=request.user, **form.cleaned_data)
        except services.PublicationError as error:
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
            "open": services.open_correction(document=document, locale_id=page.locale_id),
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
