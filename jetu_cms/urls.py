from pathlib import Path

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.urls import include, path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from home import views as home_views
from home.security import csp_report
from home.sitemaps import ShopSitemap, TranslatedSitemap
from home.staff import AdminLogoutView


def image_rendition(request, path):
    """Image renditions (products' photos), where no front server answers /media/images/.

    Only renditions: the rest of MEDIA_ROOT (original uploads, documents with their own
    permission checks) is never served from here. In production nginx serves these files.
    """
    return serve(request, path, document_root=Path(settings.MEDIA_ROOT) / "images")


def healthz(request):
    """Liveness probe for the load balancer; touches no database."""
    return HttpResponse("ok", content_type="text/plain")


# An exception anywhere in a request (a middleware loading the session included) ends here.
handler500 = "home.errors.server_error"

urlpatterns = [
    # Before Wagtail's own: log-out by POST only (home.staff says why).
    path("admin/logout/", AdminLogoutView.as_view()),
    path("admin/", include(wagtailadmin_urls)),
    path("csp-report/", csp_report),
    path("documents/", include(wagtaildocs_urls)),
    path("healthz", healthz),
    path("favicon.ico", home_views.favicon),
    path("robots.txt", home_views.robots_txt),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": TranslatedSitemap, "shop": ShopSitemap}}),
    path(f"{settings.MEDIA_URL.lstrip('/')}images/<path:path>", image_rendition),
    path("consent-log/", include("consent_log.urls")),
]

# Every public page lives under a language prefix (/ru/…, /kk/…). "/" itself matches nothing
# here, so LocaleMiddleware redirects it to the visitor's language (Accept-Language, default ru).
urlpatterns += i18n_patterns(
    path("shop/account/receipts/", include("consent_log.receipt_urls")),
    path("shop/", include("shop.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
