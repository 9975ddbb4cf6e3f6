"""The consent log on other apps' pages: the latest signed tree head on the public policy
archive, the dashboard's warning when records wait too long for a signed head, and Legal's
evidence packs in the admin's Reports menu (with their entry in Wagtail's log)."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from legal.extensions import ARCHIVE_SECTIONS, ArchiveSection

from . import admin_views, selectors
from .views import SHORT_SECONDS


@hooks.register(ARCHIVE_SECTIONS)
def latest_tree_head(request, page):
    """The latest signed tree head, as ``/consent-log/heads/latest/`` publishes it."""
    head = selectors.head_latest()
    context = {
        "head": head,
        "root_hash": bytes(head.root_hash).hex() if head else "",
        "head_url": reverse("consent_log:head_detail", args=[head.size]) if head else None,
        "log_url": reverse("consent_log:index"),
    }
    html = render_to_string("consent_log/archive_head.html", context, request=request)
    # As long as the published latest head may be cached, so the page never shows an older one.
    return ArchiveSection(html, fresh_for=SHORT_SECONDS)


@hooks.register("construct_homepage_panels")
def add_sealing_delay_panel(request, panels):
    """Warn those who read the ledger when records wait longer than the documented delay."""
    from .panels import SealingDelayPanel

    if request.user.has_perm("shop.view_acceptance"):
        panels.append(SealingDelayPanel())


@hooks.register("register_admin_urls")
def register_evidence_urls():
    return [
        path("evidence-packs/", admin_views.search, name="consent_log_evidence"),
        path(
            "evidence-packs/<int:customer_id>/download/",
            admin_views.download,
            name="consent_log_evidence_download",
        ),
    ]


class EvidenceMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.PERMISSION)


@hooks.register("register_reports_menu_item")
def register_evidence_menu_item():
    return EvidenceMenuItem(
        _("Evidence packs"), reverse("consent_log_evidence"), icon_name="doc-full", order=903
    )


@hooks.register("register_log_actions")
def register_evidence_log_action(actions):
    actions.register_action(
        admin_views.LOG_ACTION, _("Download evidence pack"), _("Evidence pack downloaded")
    )


@hooks.register("register_permissions")
def register_evidence_permission():
    # So that it can be given to a group in Settings → Groups.
    app_label, codename = admin_views.PERMISSION.split(".")
    return Permission.objects.filter(content_type__app_label=app_label, codename=codename)
