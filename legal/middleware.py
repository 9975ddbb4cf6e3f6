"""Admin refusals shown to staff as messages instead of error pages."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from . import protection
from .publishing import PublicationError


class PublicationErrorMiddleware:
    """Show a refused publication (``legal.publishing``) to staff as a message, not a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, PublicationError):
            return None
        messages.error(request, str(exception))
        back = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = request.path
        return redirect(back)


# Admin views that would break the legal record, and the URL argument naming their page.
PROTECTED_VIEWS = {
    "wagtailadmin_pages:delete": (protection.DELETE, "page_id"),
    "wagtailadmin_pages:unpublish": (protection.UNPUBLISH, "page_id"),
    "wagtailadmin_pages:move": (protection.MOVE, "page_to_move_id"),
    "wagtailadmin_pages:move_confirm": (protection.MOVE, "page_to_move_id"),
    "wagtailadmin_pages:copy": (protection.COPY, "page_id"),
    "wagtailadmin_pages:set_privacy": (protection.PRIVACY, "page_id"),
    "wagtail_localize:convert_to_alias": (protection.CONVERT_TO_ALIAS, "page_id"),
    "wagtail_localize:stop_translation": (protection.STOP_TRANSLATION, "translation_id"),
}


class RecordProtectionMiddleware:
    """Refuse, with a message, the admin actions that would break the legal record.

    A middleware rather than Wagtail's ``before_*`` hooks: those run only after the view's
    own permission check (which already says no, without saying why), and wagtail-localize's
    alias and stop-translation views have no hooks at all.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None  # the admin's own log-in check comes first
        match = request.resolver_match
        entry = PROTECTED_VIEWS.get(match.view_name if match else "")
        if entry is None:
            return None
        action, argument = entry
        page = _target_page(argument, view_kwargs.get(argument))
        if page is None:
            return None
        message = protection.refusal(page, action)
        if message is None:
            return None
        messages.error(request, message)
        return redirect("wagtailadmin_pages:edit", page.pk)


def _target_page(argument, value):
    from wagtail.models import Page
    from wagtail_localize.models import Translation

    if argument == "translation_id":
        translation = Translation.objects.filter(pk=value).select_related("source").first()
        if translation is None:
            return None
        return Page.objects.filter(
            translation_key=translation.source.object_id,
            locale_id=translation.target_locale_id,
        ).first()
    return Page.objects.filter(pk=value).first()
