"""Site-wide template tags: language switcher and hreflang alternates, links to the policy."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from wagtail.models import Locale, Page

from legal.selectors import policy_page_for_language

register = template.Library()


def _page_translation_url(page: Page, request, language: str) -> str | None:
    """URL of ``page``'s live translation in ``language``, keeping any routable sub-path."""
    try:
        locale = Locale.objects.get_for_language(language)
    except Locale.DoesNotExist:
        return None
    target = page if page.locale_id == locale.pk else page.get_translation_or_none(locale)
    if target is None or not target.live:
        return None
    target_url = target.get_url(request)
    if target_url is None:
        return None
    # A routable page serves sub-paths (/versions/2/); keep them when switching language.
    page_url = page.get_url(request) or ""
    path = request.path if request is not None else page_url
    suffix = path[len(page_url) :] if page_url and path.startswith(page_url) else ""
    return target_url + suffix


@register.simple_tag(takes_context=True)
def language_links(context):
    """One entry per site language: the same page in that language, or None when untranslated.

    Wagtail pages link to their translation; other views (the shop) swap the URL prefix.
    """
    request = context.get("request")
    page = context.get("page")
    current = translation.get_language()
    links = []
    for code, name in settings.LANGUAGES:
        if isinstance(page, Page):
            url = _page_translation_url(page, request, code)
        elif request is not None:
            url = translate_url(request.get_full_path(), code)
            # translate_url returns its input when the path does not resolve in that language.
            if url == request.get_full_path() and code != current:
                url = None
        else:
            url = None
        links.append({"code": code, "name": name, "url": url, "current": code == current})
    return links


@register.simple_tag
def policy_url():
    """URL of the privacy policy in the current language (falls back to Russian)."""
    page = policy_page_for_language(translation.get_language())
    return page.url if page else ""
