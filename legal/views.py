"""Public views of legal documents: the text in force, the archive, single versions, JSON.

Views stay thin: they ask ``legal.selectors`` for the document's state, pick the text, render.
"""

from __future__ import annotations

from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.utils import timezone, translation

from .cache import mark_cacheable
from .comparison import comparison_context, draft_comparison_context
from .consent_terms import labelled
from .extensions import archive_sections, fresh_until
from .models import ConsentTerms, VersionText
from .rendering import mark_bare_links, render_blocks, table_of_contents
from .selectors import UPCOMING, DocumentState, VersionInfo, document_state, version_text


def _language(page) -> str:
    # Under i18n_patterns the active language is the page's own; no query for page.locale.
    return translation.get_language()


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
        "document_html": mark_bare_links(text.html),
        "toc": table_of_contents(text.blocks),
        "previous": previous,
        "upcoming": upcoming if version is state.in_force else None,
        "archive_url": _url(page, request, "archive"),
        "version_url": _url(page, request, "version", version.number),
        "in_force_url": page.get_url(request),
    }
    if upcoming is not None:
        context["upcoming_url"] = _url(page, request, "version", upcoming.number)
        context["upcoming_compare_url"] = _url(
            page, request, "compare", version.number, upcoming.number
        )
    if previous is not None and _language(page) in previous.languages:
        context["compare_previous_url"] = _url(
            page, request, "compare", previous.number, version.number
        )
    context.update(extra)
    return context


def document(request, page):
    """The version in force, in the page's language."""
    state = document_state(page, cached=True)
    if state.in_force is None:
        raise Http404("No version of this document is in force yet.")
    context = _context(request, page, state, state.in_force, is_current_page=True)
    response = TemplateResponse(request, "legal/legal_document_page.html", context)
    return mark_cacheable(response, state.next_change_at)


def version(request, page, number: int):
    """One version exactly as it was published in this language, whatever its status."""
    state = document_state(page, cached=True)
    info = state.get(number)
    if info is None or _language(page) not in info.languages:
        raise Http404("No such version.")
    context = _context(request, page, state, info, is_version_page=True)
    response = TemplateResponse(request, "legal/legal_document_page.html", context)
    return mark_cacheable(response, state.next_change_at)


def archive(request, page):
    state = document_state(page, cached=True)
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
    available = [info for info in state.versions if language in info.languages]
    sections = archive_sections(request, page)
    context = {
        "page": page,
        "self": page,
        "state": state,
        "rows": rows,
        "json_url": _url(page, request, "archive_json"),
        "compare_action": _url(page, request, "compare_form"),
        "compare_choices": available,
        "default_old": available[-2].number if len(available) > 1 else None,
        "default_new": available[-1].number if available else None,
        "sections": [section.html for section in sections],
    }
    response = TemplateResponse(request, "legal/version_list.html", context)
    return mark_cacheable(response, fresh_until(sections, state.next_change_at))


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
    state = document_state(page, cached=True)
    response = JsonResponse(
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
    return mark_cacheable(response, state.next_change_at)


def version_json(request, page, number: int):
    state = document_state(page, cached=True)
    info = state.get(number)
    text = version_text(info, _language(page)) if info else None
    if text is None:
        raise Http404("No such version.")
    data = _version_json(request, page, info)
    terms = ConsentTerms.objects.filter(version_id=info.pk).first()
    with translation.override(_language(page)):
        consent_terms = labelled(terms.values()) if terms else None
    data.update(
        {
            "document": page.slug,
            "language": _language(page),
            "title": text.title,
            "sha256": text.sha256,
            "consent_terms": consent_terms,
            "blocks": text.blocks,
        }
    )
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    return mark_cacheable(response, state.next_change_at)


def preview(request, page):
    """The working text as it would be frozen, for Wagtail's preview panel."""
    blocks = page.to_blocks()
    context = {
        "page": page,
        "self": page,
        "document_html": mark_bare_links(render_blocks(blocks)),
        "toc": table_of_contents(blocks),
        "is_preview": True,
    }
    return TemplateResponse(request, "legal/legal_document_page.html", context)


def preview_changes(request, page):
    """The working text as a redline against the version in force, in the page's language.

    Wagtail's preview panel (and wagtail-localize's translation preview) call this with the
    unsaved form or translation state as ``page``.
    """
    language = page.locale.language_code
    with translation.override(language):
        context = {
            "page": page,
            "self": page,
            "is_preview": True,
            **draft_comparison_context(page, page.to_blocks(), request.GET.get("mode", "")),
        }
        return TemplateResponse(request, "legal/preview_changes.html", context).render()


def compare(request, page, a: int, b: int):
    """Version ``a`` against version ``b`` (either order), clause by clause."""
    state = document_state(page, cached=True)
    language = _language(page)
    old_info, new_info = state.get(a), state.get(b)
    if old_info is None or new_info is None:
        raise Http404("No such version.")
    ids = [old_info.text_ids.get(language), new_info.text_ids.get(language)]
    if None in ids:
        raise Http404("No such version in this language.")
    texts = VersionText.objects.in_bulk(ids)
    context = {
        "page": page,
        "self": page,
        "state": state,
        "old": old_info,
        "new": new_info,
        "reverse": a > b,
        "archive_url": _url(page, request, "archive"),
        "old_url": _url(page, request, "version", a),
        "new_url": _url(page, request, "version", b),
        "inline_url": _url(page, request, "compare", a, b),
        "side_url": _url(page, request, "compare", a, b) + "?mode=side",
        "swap_url": _url(page, request, "compare", b, a),
        **comparison_context(texts[ids[0]], texts[ids[1]], request.GET.get("mode", "")),
    }
    response = TemplateResponse(request, "legal/compare.html", context)
    return mark_cacheable(response, state.next_change_at)


def compare_form(request, page):
    """The archive's "compare A with B" form submits here; send it on to the comparison."""
    try:
        a, b = int(request.GET.get("a", "")), int(request.GET.get("b", ""))
    except ValueError:
        return HttpResponseRedirect(_url(page, request, "archive"))
    if not (0 < a < 10**6 and 0 < b < 10**6):
        return HttpResponseRedirect(_url(page, request, "archive"))
    return HttpResponseRedirect(_url(page, request, "compare", a, b))
