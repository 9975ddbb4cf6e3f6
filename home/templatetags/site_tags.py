"""Site-wide template tags: language switcher and hreflang alternates, links to the policy."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from django.utils.http import urlencode
from wagtail.models import Page

from legal.cache import KEY_PARAMETERS
from legal.selectors import policy_page_for_language

register = template.Library()


def _page_translation_urls(page: Page, request) -> dict[str, str]:
    """URLs of ``page``'s live translations by language, keeping any routable sub-path.

    One query for all languages: the live pages sharing the page's translation key.
    """
    page_url = page.get_url(request) or ""
    path = request.path if request is not None else page_url
    # A routable page serves sub-paths (/versions/2/); keep them when switching language.
    suffix = path[len(page_url) :] if page_url and path.startswith(page_url) else ""
    urls = {}
    translations = (
        Page.objects.live()
        .filter(translation_key=page.translation_key)
        .select_related("locale")
        .only("id", "url_path", "locale__language_code", "translation_key")
    )
    for target in translations:
        url = target.get_url(request)
        if url is not None:
            urls[target.locale.language_code] = url + suffix
    return urls


@register.simple_tag(takes_context=True)
def language_links(context):
    """One entry per site language: the same page in that language, or None when untranslated.

    Wagtail pages link to their translation; other views (the shop) swap the URL prefix.
    """
    request = context.get("request")
    page = context.get("page")
    current = translation.get_language()
    links = []
    page_urls = _page_translation_urls(page, request) if isinstance(page, Page) else None
    # The same view in the other language (the side-by-side comparison stays side by side);
    # only the parameters that the page's cache key keeps, so a cached page links nowhere else.
    kept = (
        {
            name: request.GET[name]
            for name, values in KEY_PARAMETERS.items()
            if request.GET.get(name) in values
        }
        if request is not None
        else {}
    )
    query = f"?{urlencode(kept)}" if kept else ""
    for code, name in settings.LANGUAGES:
        if page_urls is not None:
            url = page_urls.get(code)
            url = url + query if url else url
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


@register.filter
def section_url(policy_url: str) -> str:
    """The legal section holding the policy: "/ru/legal/privacy/" → "/ru/legal/".

    A legal document's only possible parent is the legal section (``parent_page_types``) and
    Wagtail builds a page's URL from its parent's, so no query is needed.
    """
    if not policy_url:
        return ""
    return policy_url.rstrip("/").rsplit("/", 1)[0] + "/"
