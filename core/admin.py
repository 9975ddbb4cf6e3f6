"""Wagtail admin plumbing shared by the apps: read-only records, reports, permission-aware menus."""

from __future__ import annotations

from django.urls import path
from django.utils.functional import cached_property
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy


class LimitedPermissionPolicy(ModelPermissionPolicy):
    """Only the listed actions are ever granted, even to superusers (by default only "view").

    For records the admin shows but never changes (customers, the outbox), or changes in one
    way only (an order's status).
    """

    def __init__(self, model, *, actions=("view",), **kwargs):
        super().__init__(model, **kwargs)
        self.actions = frozenset(actions)

    def user_has_permission(self, user, action):
        return action in self.actions and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class ReadOnlyModelViewSet(ModelViewSet):
    """A listing and an inspect page; no add, edit, copy or delete views exist at all."""

    inspect_view_enabled = True
    copy_view_enabled = False

    def get_urlpatterns(self):
        converter = self.pk_path_converter
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path(f"inspect/<{converter}:pk>/", self.inspect_view, name="inspect"),
        ]


class PermissionMenuMixin:
    """A viewset whose menu item is shown only to users who may view what it lists.

    ``permission_policy`` says who may (Wagtail's ``ModelViewSet`` does the same for models).
    """

    permission_policy = None

    @cached_property
    def menu_item_class(self):
        policy = self.permission_policy

        def is_shown(_item, request):
            return policy.user_has_permission(request.user, "view")

        return type(f"{type(self).__name__}MenuItem", (MenuItem,), {"is_shown": is_shown})


class ReportViewSet(PermissionMenuMixin, ViewSet):
    """One ``ReportView`` under the admin's Reports menu: its listing, its results and its item.

    The view's own ``permission_policy`` guards both the view and the menu item, and its title
    and icon name the item, so a report is registered with one line::

        ReportViewSet("shop_consent_ledger", url_prefix="reports/consent-ledger",
                      view_class=ConsentLedgerReportView, menu_order=900)
    """

    view_class = None
    menu_hook = "register_reports_menu_item"

    @cached_property
    def permission_policy(self):
        return self.view_class.permission_policy

    @cached_property
    def menu_label(self):
        return self.view_class.page_title

    @cached_property
    def icon(self):
        return self.view_class.header_icon

    def get_urlpatterns(self):
        return report_urlpatterns(self, self.view_class)


def report_urlpatterns(viewset: ViewSet, view_class) -> list:
    """A ``ReportView``'s listing and its results (what filtering reloads) in ``viewset``."""
    names = {
        "index_url_name": viewset.get_url_name("index"),
        "index_results_url_name": viewset.get_url_name("index_results"),
    }
    return [
        path("", view_class.as_view(**names), name="index"),
        path("results/", view_class.as_view(results_only=True, **names), name="index_results"),
    ]
