"""Wagtail admin integration for legal documents (kept thin: views live in admin_views)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button

from . import admin_urls
from .admin_views import VIEW_PERMISSION
from .models import DocumentVersion, LegalDocumentPage


@hooks.register("register_admin_urls")
def register_legal_admin_urls():
    return [path("legal/", include(admin_urls, namespace="legal_admin"))]


@hooks.register("register_page_header_buttons")
def legal_document_buttons(page, user, view_name, next_url=None):
    if isinstance(page.specific_deferred, LegalDocumentPage) and user.has_perm(VIEW_PERMISSION):
        yield Button(
            _("Versions"),
            url=reverse("legal_admin:versions", args=[page.pk]),
            icon_name="history",
            priority=60,
        )
        yield Button(
            _("Compare versions"),
            url=reverse("legal_admin:compare", args=[page.pk]),
            icon_name="resubmit",
            priority=61,
        )


class LegalMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(VIEW_PERMISSION)


@hooks.register("register_admin_menu_item")
def register_legal_menu_item():
    return LegalMenuItem(
        _("Legal versions"), reverse("legal_admin:index"), icon_name="doc-full", order=250
    )


@hooks.register("before_delete_page")
def refuse_deleting_documents_with_versions(request, page):
    """A document with published versions is evidence; it cannot be deleted (clause 5.8)."""
    if (
        isinstance(page.specific_deferred, LegalDocumentPage)
        and DocumentVersion.objects.filter(document__translation_key=page.translation_key).exists()
    ):
        messages.error(
            request,
            _(
                "“%(title)s” has published versions that customers accepted; it cannot be "
                "deleted. Publish a new version instead."
            )
            % {"title": page.get_admin_display_title()},
        )
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


@hooks.register("construct_homepage_panels")
def add_legal_panel(request, panels):
    if request.user.has_perm(VIEW_PERMISSION):
        from .panels import LegalDashboardPanel

        panels.append(LegalDashboardPanel(request))
