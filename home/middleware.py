"""Site-wide middleware."""

from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware

# Paths outside the language prefixes. Django's LocaleMiddleware turns every 404 into a
# redirect to "/ru/<path>" when that path resolves — and Wagtail's catch-all makes every path
# resolve — so a missing admin object would bounce to a public 404 instead of the admin's own.
UNPREFIXED = ("/admin/", "/documents/", "/static/", "/media/", "/healthz", "/consent-log/")


class LocaleMiddleware(DjangoLocaleMiddleware):
    def process_response(self, request, response):
        if response.status_code == 404 and request.path_info.startswith(UNPREFIXED):
            return response
        return super().process_response(request, response)
