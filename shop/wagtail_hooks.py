"""Register the shop's admin: customers, orders and products, and the consent reports."""

from django.contrib.auth.models import Permission
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from core.admin import LimitedPermissionPolicy, ReportViewSet

from .admin_views import (
    ConsentLedgerReportView,
    ShopViewSetGroup,
    TouchedCustomersReportView,
    VersionConsentReportView,
)
from .models import Acceptance, Customer, Order

# Registered before any view asks for a policy (Wagtail refuses a late registration).
register_permission_policy(Customer, LimitedPermissionPolicy(Customer))
register_permission_policy(Order, LimitedPermissionPolicy(Order, actions=("view", "change")))


# Each report: its URLs (the listing and its results) and its item under Reports, shown to
# those with the view's permission.
REPORTS = (
    ReportViewSet(
        "shop_consent_ledger",
        url_prefix="reports/consent-ledger",
        view_class=ConsentLedgerReportView,
        menu_order=900,
    ),
    ReportViewSet(
        "shop_consent_versions",
        url_prefix="reports/consent-by-version",
        view_class=VersionConsentReportView,
        menu_order=901,
    ),
    ReportViewSet(
        "shop_touched_customers",
        url_prefix="reports/customers-touched",
        view_class=TouchedCustomersReportView,
        menu_order=902,
    ),
)


@hooks.register("register_admin_viewset")
def register_shop_viewsets():
    return [ShopViewSetGroup(), *REPORTS]


@hooks.register("register_permissions")
def register_acceptance_permissions():
    # So that the permission can be given to a group in Settings → Groups.
    return Permission.objects.filter(
        content_type__app_label=Acceptance._meta.app_label,
        codename=f"view_{Acceptance._meta.model_name}",
    )


@hooks.register("construct_homepage_panels")
def add_consent_panel(request, panels):
    """Who accepted the version in force, and the notices: for those who read the ledger."""
    from .panels import ConsentDashboardPanel

    if request.user.has_perm("shop.view_acceptance"):
        panels.append(ConsentDashboardPanel())
