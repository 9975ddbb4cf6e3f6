"""Site-wide files that live at the root of the domain: favicon and robots.txt."""

from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404
from django.template.response import TemplateResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe


@require_safe
@cache_control(max_age=7 * 24 * 3600, public=True)
def favicon(request):
    """``/favicon.ico``, which browsers ask for on every site whatever the page links."""
    path = finders.find("img/favicon.ico")
    if path is None:
        raise Http404
    return FileResponse(open(path, "rb"), content_type="image/x-icon")  # noqa: SIM115


@require_safe
def robots_txt(request):
    """Crawlers may read the public pages, not the admin or a customer's own pages."""
    return TemplateResponse(
        request,
        "robots.txt",
        {"sitemap_url": request.build_absolute_uri("/sitemap.xml")},
        content_type="text/plain; charset=utf-8",
    )
