"""The evidence packs in the admin's Reports menu, and their entry in Wagtail's log."""

from django.contrib.auth.models import Permission
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views


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
