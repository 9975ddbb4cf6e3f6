"""Staff accounts in the Wagtail admin: who may log in, reset mails, log-out, idle sessions.

Customers have their own log-in, password pages and e-mails under ``/<lang>/shop/``; the
admin's doors open for staff only (``User.can_use_admin``).
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm, PasswordResetForm
from wagtail.admin.views.account import LogoutView

from shop import throttling


class StaffLoginForm(LoginForm):
    """Wagtail's log-in form, refusing accounts that have no access to the admin."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.can_use_admin:
            raise forms.ValidationError(
                _(
                    "This account cannot use the administration site. Customers log in on the "
                    "shop's log-in page."
                ),
                code="not_staff",
            )


class StaffPasswordResetForm(PasswordResetForm):
    """Wagtail's reset form: mails only staff (a customer's link would point into the admin).

    Requests for one address are throttled like the shop's (the admin view gives no access to
    the client address); the answer stays the same, so it reveals nothing about the account.
    """

    def clean_email(self):
        email = self.cleaned_data["email"]
        if not throttling.password_reset_allowed(email=email, ip=None):
            raise forms.ValidationError(throttling.PASSWORD_RESET_THROTTLED)
        return email

    def get_users(self, email):
        return (user for user in super().get_users(email) if user.can_use_admin)


class AdminLogoutView(LogoutView):
    """Wagtail's log-out, but only a POST touches the session.

    Wagtail's view deletes the session cookie on any method (a GET answers 405 yet leaves the
    browser logged out while the server session stays valid); here anything but POST is
    refused before that, and a POST ends the server session (``logout`` flushes it).
    """

    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if request.method != "POST":
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)


class StaffSessionMiddleware:
    """A staff session ends after ``STAFF_SESSION_IDLE_SECONDS`` without a request.

    Each staff response renews the session for that long (the expiry is relative, so it
    counts from this request); a customer's session keeps ``SESSION_COOKIE_AGE``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # After the view, so the log-in request itself starts the idle clock.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.can_use_admin:
            request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
        return response
