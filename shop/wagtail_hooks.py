"""Register the shop's admin: customers, orders and products, and the consent reports."""

from django.contrib.auth.models import Permission
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy

from .admin_views import (
    ConsentLedgerReportView,
    LimitedPermissionPolicy,
    ShopViewSetGroup,
    TouchedCustomersReportView,
    VersionConsentReportView,
)
from .models import Acceptance, Customer, Order

# Registered before any view asks for a policy (Wagtail refuses a late registration).
register_permission_policy(Customer, LimitedPermissionPolicy(Customer))
register_permission_policy(Order, LimitedPermissionPolicy(Order, actions=("view", "change")))


@hooks.register("register_admin_viewset")
def register_shop_viewsets():
    return ShopViewSetGroup()


@hooks.register("register_admin_urls")
def register_consent_report_urls():
    return [
        path(
            "reports/consent-ledger/",
            ConsentLedgerReportView.as_view(),
            name="shop_consent_ledger",
        ),
        path(
            "reports/consent-ledger/results/",
            ConsentLedgerReportView.as_view(results_only=True),
            name="shop_consent_ledger_results",
        ),
        path(
            "reports/customers-touched/",
            TouchedCustomersReportView.as_view(),
            name="shop_touched_customers",
        ),
        path(
            "reports/customers-touched/results/",
            TouchedCustomersReportView.as_view(results_only=True),
            name="shop_touched_customers_results",
        ),
        path(
            "reports/consent-by-version/",
            VersionConsentReportView.as_view(),
            name="shop_consent_versions",
        ),
        path(
            "reports/consent-by-version/results/",
            VersionConsentReportView.as_view(results_only=True),
            name="shop_consent_versions_results",
        ),
    ]


class ConsentReportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("shop.view_acceptance")


@hooks.register("register_reports_menu_item")
def register_consent_ledger_menu_item():
    return ConsentReportMenuItem(
        _("Consent ledger"), reverse("shop_consent_ledger"), icon_name="tasks", order=900
    )


@hooks.register("register_reports_menu_item")
def register_consent_versions_menu_item():
    return ConsentReportMenuItem(
        _("Consent by policy version"),
        reverse("shop_consent_versions"),
        icon_name="doc-full",
        order=901,
    )


@hooks.register("register_permissions")
def register_acceptance_permissions():
    # So that the permission can be given to a group in Settings → Groups.
    return Permission.objects.filter(
        content_type__app_label=Acceptance._meta.app_label,
        codename=f"view_{Acceptance._meta.model_name}",
    )


class CustomerReportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("shop.view_customer")


@hooks.register("register_reports_menu_item")
def register_touched_customers_menu_item():
    return CustomerReportMenuItem(
        _("Customers touched in a period"),
        reverse("shop_touched_customers"),
        icon_name="warning",
        order=902,
    )


@hooks.register("construct_homepage_panels")
def add_consent_panel(request, panels):
    """Who accepted the version in force, and the notices: for those who read the ledger."""
    from .panels import ConsentDashboardPanel

    if request.user.has_perm("shop.view_acceptance"):
        panels.append(ConsentDashboardPanel())
