"""The sitemap: every live public page in every language, each with its hreflang alternates."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page


class TranslatedSitemap(Sitemap):
    """Wagtail's sitemap over the site's root page *and its translations*, with alternates.

    Wagtail lists only the pages under the site's root page, which is the Russian home page;
    the Kazakh tree is a translation beside it. Each URL names the same page in every
    language (and ``x-default``, the source language) as search engines expect.
    """

    def items(self):
        roots = self.get_wagtail_site().root_page.get_translations(inclusive=True)
        under_a_root = Q()
        for root in roots:
            under_a_root |= Q(path__startswith=root.path)
        return (
            Page.objects.live()
            .public()
            .filter(under_a_root)
            .select_related("locale")
            .order_by("path")
            .defer_streamfields()
            .specific()
        )

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        alternates = self._alternates()
        for url in urls:
            url["alternates"] = alternates.get(url["location"], [])
        return urls

    def _alternates(self) -> dict[str, list[dict]]:
        """Alternates of every page's URL: the URLs of the same page in each language."""
        by_key: dict = {}
        for page in self.items():
            url = page.get_full_url(self.request)
            if url:
                by_key.setdefault(page.translation_key, {})[page.locale.language_code] = url
        alternates = {}
        for urls in by_key.values():
            links = [
                {"lang_code": code, "location": urls[code]}
                for code, _name in settings.LANGUAGES
                if code in urls
            ]
            if settings.LANGUAGE_CODE in urls:
                links.append({"lang_code": "x-default", "location": urls[settings.LANGUAGE_CODE]})
            for url in urls.values():
                alternates[url] = links
        return alternates
