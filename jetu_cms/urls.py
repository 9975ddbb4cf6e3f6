from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls


def healthz(request):
    """Liveness probe for the load balancer; touches no database."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("healthz", healthz),
    path("consent-log/", include("consent_log.urls")),
]

# Every public page lives under a language prefix (/ru/…, /kk/…). "/" itself matches nothing
# here, so LocaleMiddleware redirects it to the visitor's language (Accept-Language, default ru).
urlpatterns += i18n_patterns(
    path("shop/", include("shop.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
