"""Wagtail admin integration for legal documents (kept thin: views live in admin_views)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button
from wagtail.models import Page

from . import admin_urls, protection
from .admin_views import VIEW_PERMISSION
from .models import LegalDocumentPage


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


BULK_ACTIONS = {
    "delete": protection.DELETE,
    "unpublish": protection.UNPUBLISH,
    "move": protection.MOVE,
}


@hooks.register("before_bulk_action")
def refuse_bulk_actions_on_the_record(request, action_type, objects, action_class_instance):
    """Bulk delete/unpublish/move of a section holding legal pages takes them along: refuse."""
    action = BULK_ACTIONS.get(action_type)
    if action is None:
        return None
    for page in objects:
        if isinstance(page, Page) and (message := protection.refusal(page, action)):
            messages.error(request, message)
            return redirect("wagtailadmin_explore", page.get_parent().pk)
    return None


@hooks.register("construct_page_action_menu")
def hide_convert_to_alias(menu_items, request, context):
    """wagtail-localize offers "Convert to alias page" on translations; never on legal pages."""
    page = context.get("page")
    if page is not None and protection.is_record_page(page):
        menu_items[:] = [item for item in menu_items if item.name != "localize-convert-to-alias"]


@hooks.register("construct_homepage_panels")
def add_legal_panel(request, panels):
    if request.user.has_perm(VIEW_PERMISSION):
        from .panels import LegalDashboardPanel

        panels.append(LegalDashboardPanel(request))
