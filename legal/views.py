"""Public views of legal documents: the text in force, the archive, single versions, JSON.

Views stay thin: they ask ``legal.selectors`` for the document's state, pick the text, render.
"""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from .rendering import render_blocks, table_of_contents
from .selectors import UPCOMING, DocumentState, VersionInfo, document_state, version_text


def _language(page) -> str:
    return page.locale.language_code


def _url(page, request, route: str, *args) -> str:
    return page.get_url(request) + page.reverse_subpage(route, args=args)


def _context(request, page, state: DocumentState, version: VersionInfo, **extra):
    text = version_text(version, _language(page))
    if text is None:
        raise Http404
    previous = state.previous(version)
    upcoming = next((v for v in state.upcoming if v.status == UPCOMING), None)
    context = {
        "page": page,
        "self": page,
        "request": request,
        "state": state,
        "version": version,
        "text": text,
        "document_html": text.html,
        "toc": table_of_contents(text.blocks),
        "previous": previous,
        "upcoming": upcoming if version is state.in_force else None,
        "archive_url": _url(page, request, "archive"),
        "version_url": _url(page, request, "version", version.number),
        "in_force_url": page.get_url(request),
    }
    if upcoming is not None:
        context["upcoming_url"] = _url(page, request, "version", upcoming.number)
    context.update(extra)
    return context


def document(request, page):
    """The version in force, in the page's language."""
    state = document_state(page)
    if state.in_force is None:
        raise Http404("No version of this document is in force yet.")
    context = _context(request, page, state, state.in_force, is_current_page=True)
    return TemplateResponse(request, "legal/legal_document_page.html", context)


def version(request, page, number: int):
    """One version exactly as it was published in this language, whatever its status."""
    state = document_state(page)
    info = state.get(number)
    if info is None or _language(page) not in info.languages:
        raise Http404("No such version.")
    context = _context(request, page, state, info, is_version_page=True)
    return TemplateResponse(request, "legal/legal_document_page.html", context)


def archive(request, page):
    state = document_state(page)
    language = _language(page)
    rows = [
        {
            "info": info,
            "summary": info.summary(language),
            "url": _url(page, request, "version", info.number)
            if language in info.languages
            else None,
        }
        for info in reversed(state.versions)
    ]
    context = {
        "page": page,
        "self": page,
        "state": state,
        "rows": rows,
        "json_url": _url(page, request, "archive_json"),
    }
    return TemplateResponse(request, "legal/version_list.html", context)


def _version_json(request, page, info: VersionInfo) -> dict:
    language = _language(page)
    data = {
        "number": info.number,
        "status": info.status,
        "published_at": info.published_at.isoformat(),
        "effective_from": info.effective_from.isoformat(),
        "material": info.material,
        "languages": sorted(info.languages),
        "summary": info.summary(language),
    }
    if language in info.languages:
        data["url"] = request.build_absolute_uri(_url(page, request, "version", info.number))
        data["json_url"] = request.build_absolute_uri(
            _url(page, request, "version_json", info.number)
        )
    return data


def archive_json(request, page):
    state = document_state(page)
    return JsonResponse(
        {
            "document": page.slug,
            "title": page.title,
            "language": _language(page),
            "in_force": state.in_force.number if state.in_force else None,
            "generated_at": timezone.now().isoformat(),
            "versions": [_version_json(request, page, info) for info in state.versions],
        },
        json_dumps_params={"ensure_ascii": False},
    )


def version_json(request, page, number: int):
    state = document_state(page)
    info = state.get(number)
    text = version_text(info, _language(page)) if info else None
    if text is None:
        raise Http404("No such version.")
    data = _version_json(request, page, info)
    data.update(
        {
            "document": page.slug,
            "language": _language(page),
            "title": text.title,
            "sha256": text.sha256,
            "blocks": text.blocks,
        }
    )
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def preview(request, page):
    """The working text as it would be frozen, for Wagtail's preview panel."""
    blocks = page.to_blocks()
    context = {
        "page": page,
        "self": page,
        "document_html": render_blocks(blocks),
        "toc": table_of_contents(blocks),
        "is_preview": True,
    }
    return TemplateResponse(request, "legal/legal_document_page.html", context)
