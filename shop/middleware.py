"""Customers accept a materially changed privacy policy before they shop on (clause 5).

``ConsentMiddleware`` sends a logged-in customer who has not accepted a *material* version in
force to the acceptance page, whatever they asked for — except what they need to decide: the
legal texts (in both languages, with their archive and comparisons), their own data (view,
download, close), their password, log-out and the acceptance page itself. Staff users have no
customer profile and are never redirected. A *minor* change that the customer has not
accepted only shows a notice, which they can dismiss for the session.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import selectors
from .views import NOTICE_DISMISSED_KEY

# Shop pages a customer can use before accepting (URL names in the "shop" namespace).
EXEMPT_VIEWS = {
    "logout",
    "account",
    "account_export",
    "account_close",
    # Someone who fears for their account must be able to change the password at once.
    "password_change",
    "password_change_done",
    "policy_accept",
    "policy_declined",
    "notice_dismiss",
}
# Whole URL namespaces a customer can use before accepting: the receipts of what they accepted
# before (consent_log.receipt_urls) are their evidence, whatever they decide now.
EXEMPT_NAMESPACES = {"receipts"}


def _exempt_prefixes() -> tuple[str, ...]:
    return tuple(
        prefix
        for prefix in (settings.STATIC_URL, settings.MEDIA_URL, "/admin/", "/documents/")
        if prefix
    ) + ("/healthz",)


class ConsentMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.exempt_prefixes = _exempt_prefixes()

    def __call__(self, request):
        return self.get_response(request)

    def _exempt(self, request) -> bool:
        if request.path_info.startswith(self.exempt_prefixes):
            return True
        match = request.resolver_match
        if match and match.namespace in EXEMPT_NAMESPACES:
            return True
        return bool(match and match.namespace == "shop" and match.url_name in EXEMPT_VIEWS)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or self._exempt(request):
            return None
        consent = selectors.request_consent(request)
        if consent.status is None or not consent.status.required:
            return None
        # Only now (rarely) look up where the legal texts live.
        if request.path_info.startswith(tuple(selectors.policy_url_prefixes(request))):
            return None
        url = reverse("shop:policy_accept")
        if request.method in ("GET", "HEAD"):
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)

    def process_template_response(self, request, response):
        """Tell a customer about a minor change they have not accepted (until dismissed)."""
        user = getattr(request, "user", None)
        if (
            request.method != "GET"
            or user is None
            or not user.is_authenticated
            or self._exempt(request)
        ):
            return response
        consent = selectors.request_consent(request)
        status = consent.status
        if status is None or not status.notice:
            return response
        if request.session.get(NOTICE_DISMISSED_KEY) == status.in_force.pk:
            return response
        messages.warning(request, self._notice(request, consent))
        return response

    def _notice(self, request, consent: selectors.RequestConsent):
        policy, status = consent.policy, consent.status
        number = status.in_force.number
        links = [
            format_html(
                '<a href="{}">{}</a>',
                selectors.policy_version_url(policy.page, request, number),
                _("Read version %(number)d") % {"number": number},
            )
        ]
        compare = selectors.policy_compare_url(
            policy.page, request, status.last_accepted.number, number
        )
        if compare:
            links.append(format_html('<a href="{}">{}</a>', compare, _("See what changed")))
        links.append(format_html('<a href="{}">{}</a>', reverse("shop:account"), _("Accept it")))
        return format_html(
            '{text} {links} <form class="inline-form" method="post" action="{action}">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
            '<input type="hidden" name="version" value="{version}">'
            '<input type="hidden" name="next" value="{next}">'
            '<button type="submit" class="link-button">{dismiss}</button></form>',
            text=_(
                "Our privacy policy has been updated (version %(number)d). The changes are "
                "minor; you can keep shopping."
            )
            % {"number": number},
            links=format_html(" · ".join(["{}"] * len(links)), *links),
            action=reverse("shop:notice_dismiss"),
            token=get_token(request),
            version=status.in_force.pk,
            next=request.get_full_path(),
            dismiss=_("Dismiss"),
        )
