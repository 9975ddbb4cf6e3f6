"""Wagtail admin views for the shop: customers, orders, products, and consent reports.

Staff read customers, orders and the consent ledger; they never change them here (customers
edit their own data, clause 4.2.1, and the ledger is append-only). Every view requires the
model's "view" permission (``shop.view_customer``, ``shop.view_order``, ``shop.view_acceptance``).
"""

from __future__ import annotations

import datetime

import django_filters
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column, NumberColumn
from wagtail.admin.views import generic
from wagtail.admin.views.mixins import list_to_str
from wagtail.admin.views.reports import ReportView
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views.snippets import SnippetViewSet

from core.admin import ReadOnlyModelViewSet
from core.display import iso_time, language_name, local_time, yes_no
from legal.models import DocumentVersion
from legal.selectors import POLICY_SLUG

from . import selectors
from .models import Acceptance, Customer, Language, Order, Product

# Characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """Prefix text that a spreadsheet would run as a formula with a single quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _both_formats(function):
    return {"csv": function, "xlsx": function}


class SafeSpreadsheetMixin:
    """Spreadsheet export that Legal can hand on: readable in Excel, nothing runnable.

    Customer-typed text can never become a formula; the CSV starts with a UTF-8 byte order
    mark, without which Excel reads Cyrillic as mojibake; times are ISO 8601 in Almaty time
    with their offset (not UTC without one); languages, channels and yes/no are words in the
    staff's language, not codes.
    """

    custom_value_preprocess = {
        datetime.datetime: _both_formats(iso_time),
        bool: _both_formats(yes_no),
        list: _both_formats(list_to_str),
    }
    custom_field_preprocess = {
        "language": _both_formats(language_name),
        "preferred_language": _both_formats(language_name),
        "channel": _both_formats(lambda value: str(Acceptance.Channel(value).label)),
    }

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        if export_format == self.FORMAT_CSV:
            return neutralise_formula(value)
        return value

    def stream_csv(self, queryset):
        yield "\ufeff"
        yield from super().stream_csv(queryset)

    def write_csv_response(self, queryset):
        response = super().write_csv_response(queryset)
        response["Content-Type"] = "text/csv; charset=utf-8"
        return response


# ---------------------------------------------------------------------------------------
# Customers, orders, products


class LocalTimeColumn(Column):
    """An absolute time in Almaty with its offset ("01.12.2026 16:02:21 (UTC+05:00)").

    Wagtail's ``DateColumn`` says "16 minutes ago", which a lawyer cannot quote.
    """

    def get_value(self, instance):
        return local_time(super().get_value(instance))


class SafeIndexView(SafeSpreadsheetMixin, generic.IndexView):
    pass


class ShopRecordViewSet(ReadOnlyModelViewSet):
    """Customers or orders: read-only, exported without formulas, under the Shop menu."""

    index_view_class = SafeIndexView
    add_to_admin_menu = False


class CustomerViewSet(ShopRecordViewSet):
    model = Customer
    icon = "user"
    menu_label = _("Customers")
    list_display = [
        "__str__",
        Column("email", label=_("E-mail"), accessor="user.email"),
        "phone",
        "preferred_language",
        LocalTimeColumn("created_at", label=_("Registered at"), sort_key="created_at"),
        LocalTimeColumn("anonymised_at", label=_("Anonymised at")),
    ]
    list_filter = ["preferred_language", "created_at", "anonymised_at"]
    list_export = [
        "pk",
        "user.email",
        "last_name",
        "first_name",
        "patronymic",
        "phone",
        "delivery_address",
        "preferred_language",
        "created_at",
        "anonymised_at",
    ]
    export_headings = {"pk": "ID", "user.email": _("E-mail")}
    search_fields = ["last_name", "first_name", "patronymic", "phone", "user__email"]
    inspect_view_fields = [
        "user",
        "last_name",
        "first_name",
        "patronymic",
        "phone",
        "delivery_address",
        "preferred_language",
        "created_at",
        "anonymised_at",
        "orders",
        "acceptances",
    ]


class OrderInspectView(generic.InspectView):
    def get_policy_version_display_value(self):
        return _("Version %(number)d") % {"number": self.object.policy_version.number}


class OrderViewSet(ShopRecordViewSet):
    """Orders are read here; a shop manager moves an order's status on, nothing else."""

    model = Order
    inspect_view_class = OrderInspectView
    icon = "list-ul"
    menu_label = _("Orders")
    list_display = [
        "__str__",
        "customer",
        "status",
        "delivery_method",
        NumberColumn("total", label=_("Total, ₸"), sort_key="total"),
        LocalTimeColumn("created_at", label=_("Placed at"), sort_key="created_at"),
        Column(
            "policy_version",
            label=_("Privacy policy version"),
            accessor="policy_version.number",
        ),
    ]
    list_filter = ["status", "delivery_method", "created_at"]
    list_export = [
        "pk",
        "customer.pk",
        "status",
        "delivery_method",
        "payment_method",
        "total",
        "created_at",
        "policy_version.number",
    ]
    export_headings = {
        "pk": pgettext_lazy("a customer's order", "Order"),
        "customer.pk": _("Customer"),
        "policy_version.number": _("Privacy policy version"),
    }
    form_fields = ["status"]
    inspect_view_fields = [
        "customer",
        "status",
        "created_at",
        "delivery_method",
        "payment_method",
        "delivery_address",
        "lines",
        "total",
        "policy_version",
    ]

    def get_urlpatterns(self):
        converter = self.pk_path_converter
        return [
            *super().get_urlpatterns(),
            path(f"edit/<{converter}:pk>/", self.edit_view, name="edit"),
            # Who changed the status, and when.
            path(f"history/<{converter}:pk>/", self.history_view, name="history"),
            path(
                f"history-results/<{converter}:pk>/",
                self.history_results_view,
                name="history_results",
            ),
            # The edit view links to it; it lists only what refers to the order.
            path(f"usage/<{converter}:pk>/", self.usage_view, name="usage"),
        ]


class ProductViewSet(SnippetViewSet):
    """Products as snippets: wagtail-localize adds "Translate" and the translation editor."""

    model = Product
    icon = "tag"
    menu_label = _("Products")
    add_to_admin_menu = False
    copy_view_enabled = False
    list_display = ["name", NumberColumn("price", label=_("Price, ₸")), "active"]
    list_filter = ["active"]
    search_fields = ["name", "slug"]
    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("image"),
        FieldPanel("image_alt"),
        FieldPanel("price"),
        FieldPanel("active"),
        FieldPanel("sort_order"),
    ]


class ShopViewSetGroup(ModelViewSetGroup):
    menu_label = _("Shop")
    menu_icon = "list-ul"
    menu_order = 250
    items = (
        CustomerViewSet("shop_customers", url_prefix="shop/customers"),
        OrderViewSet("shop_orders", url_prefix="shop/orders"),
        ProductViewSet(),
    )


# ---------------------------------------------------------------------------------------
# Consent reports


def _version_choices():
    versions = DocumentVersion.objects.filter(document__slug=POLICY_SLUG).order_by("-number")
    return [(v.pk, _("Version %(number)d") % {"number": v.number}) for v in versions]


class AcceptanceFilterSet(WagtailFilterSet):
    customer = django_filters.CharFilter(
        label=_("Customer"),
        method="filter_customer",
        help_text=_(
            "E-mail, phone or customer ID. A closed (anonymised) account is found by ID only."
        ),
    )
    version = django_filters.ChoiceFilter(
        label=_("Version"), choices=_version_choices, empty_label=_("All versions")
    )
    language = django_filters.ChoiceFilter(
        label=_("Language"), choices=Language.choices, empty_label=_("All languages")
    )
    channel = django_filters.ChoiceFilter(
        label=_("Channel"), choices=Acceptance.Channel.choices, empty_label=_("All channels")
    )
    accepted_at = django_filters.DateFromToRangeFilter(
        label=_("Accepted"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Acceptance
        fields = ["customer", "version", "language", "channel", "accepted_at"]

    def filter_customer(self, queryset, name, value):
        if not value.strip():
            return queryset
        return queryset.filter(customer__in=selectors.customers_matching(value))


class ConsentLedgerReportView(SafeSpreadsheetMixin, ReportView):
    """Every acceptance, filterable and exportable as evidence (CSV or XLSX)."""

    page_title = _("Consent ledger")
    header_icon = "tasks"
    model = Acceptance
    permission_policy = ModelPermissionPolicy(Acceptance)
    permission_required = "view"
    filterset_class = AcceptanceFilterSet
    columns = [
        Column("pk", label="ID"),
        LocalTimeColumn("accepted_at", label=_("Accepted at (Almaty time)")),
        Column("customer", label=_("Customer ID"), accessor="customer_id"),
        Column("email", label=_("E-mail at acceptance"), accessor=lambda a: a.email or "—"),
        Column("current_email", label=_("Current e-mail"), accessor="customer.user.email"),
        Column("version", label=_("Version"), accessor="version.number"),
        Column("language", label=_("Language"), accessor=lambda a: language_name(a.language)),
        Column("channel", label=_("Channel"), accessor="get_channel_display"),
        Column("ip_address", label=_("IP address")),
        # Only records of the first ledger format are in the hash chain; the log proves all.
        Column(
            "record_hash",
            label=_("Record hash"),
            accessor=lambda a: a.record_hash[:12] + "…" if a.record_hash else "—",
        ),
    ]
    list_export = [
        "pk",
        "accepted_at",
        "customer.pk",
        "email",
        "customer.user.email",
        "version.number",
        "language",
        "channel",
        "text_sha256",
        "ip_address",
        "user_agent",
        "previous_hash",
        "record_hash",
    ]
    export_headings = {
        "pk": "ID",
        "accepted_at": _("Accepted at (ISO 8601, Almaty time)"),
        "customer.pk": _("Customer ID"),
        "email": _("E-mail at acceptance"),
        "customer.user.email": _("Current e-mail"),
        "version.number": _("Version"),
    }

    def get_filename(self):
        return f"consent-ledger-{datetime.date.today():%Y-%m-%d}"

    def get_queryset(self):
        self.queryset = Acceptance.objects.select_related(
            "customer__user", "version", "email_at_acceptance"
        ).order_by("-pk")
        return super().get_queryset()

    # Streamed (bench/ledger.py): exporting 1,000,000 records loaded them all before the
    # first byte (6 GB of RAM, 90 s): the listing's context takes len() of the unpaginated
    # queryset and the CSV writer iterates a queryset that caches every row. An export now
    # skips the listing's context and reads the ledger through a server-side cursor, 2,000
    # records at a time, so memory stays flat whatever the ledger's size.
    def get(self, request, *args, **kwargs):
        if self.is_export:
            return self.as_spreadsheet(self.get_filtered_queryset(), request.GET.get("export"))
        return super().get(request, *args, **kwargs)

    def as_spreadsheet(self, queryset, spreadsheet_format):
        return super().as_spreadsheet(_Chunked(queryset), spreadsheet_format)


class _Chunked:
    """A queryset seen by the spreadsheet writers: its model, and its rows in chunks."""

    def __init__(self, queryset, chunk_size: int = 2000):
        self.model = queryset.model
        self._queryset = queryset
        self._chunk_size = chunk_size

    def __iter__(self):
        return self._queryset.iterator(chunk_size=self._chunk_size)


class VersionConsentReportView(SafeSpreadsheetMixin, ReportView):
    """Per version of the policy: how many customers accepted it, how many have not yet."""

    page_title = _("Consent by policy version")
    header_icon = "doc-full"
    model = DocumentVersion
    permission_policy = ModelPermissionPolicy(Acceptance)
    permission_required = "view"
    columns = [
        Column("number", label=_("Version")),
        LocalTimeColumn("effective_from", label=_("In force from")),
        # Words, not Wagtail's icon, whose text for screen readers is Python's "True"/"False".
        Column("material", label=_("Material change"), accessor=lambda v: yes_no(v.material)),
        NumberColumn("accepted_count", label=_("Accepted")),
        NumberColumn("not_yet_count", label=_("Active customers who have not accepted")),
    ]
    list_export = ["number", "effective_from", "material", "accepted_count", "not_yet_count"]
    export_headings = {
        "number": _("Version"),
        "effective_from": _("In force from"),
        "material": _("Material change"),
        "accepted_count": _("Accepted"),
        "not_yet_count": _("Active customers who have not accepted"),
    }

    def get_filename(self):
        return f"consent-by-version-{datetime.date.today():%Y-%m-%d}"

    def get_queryset(self):
        self.queryset = selectors.version_acceptance_counts()
        return super().get_queryset()


# ---------------------------------------------------------------------------------------
# Breach notice: customers whose records were touched in a period


class TouchedCustomersFilterSet(WagtailFilterSet):
    period = django_filters.DateFromToRangeFilter(
        label=_("Records touched between"),
        widget=DateRangePickerWidget,
        method="filter_period",
    )

    class Meta:
        model = Customer
        fields = ["period"]

    def filter_period(self, queryset, name, value):
        return selectors.customers_touched(
            queryset, start=value.start if value else None, stop=value.stop if value else None
        )


class TouchedCustomersReportView(SafeSpreadsheetMixin, ReportView):
    """Customers whose personal data, orders or acceptances changed in a period.

    For a personal-data breach notice: whose records were touched in the affected period.
    """

    page_title = _("Customers touched in a period")
    header_icon = "warning"
    model = Customer
    permission_policy = ModelPermissionPolicy(Customer)
    permission_required = "view"
    filterset_class = TouchedCustomersFilterSet
    columns = [
        Column("pk", label="ID"),
        Column("email", label=_("E-mail"), accessor="user.email"),
        Column("full_name", label=_("Name")),
        Column("phone", label=_("Phone")),
        LocalTimeColumn("created_at", label=_("Registered at")),
        LocalTimeColumn("updated_at", label=_("Personal data changed at")),
    ]
    list_export = [
        "pk", "user.email", "last_name", "first_name", "patronymic", "phone",
        "preferred_language", "created_at", "updated_at", "anonymised_at",
    ]  # fmt: skip
    export_headings = {"pk": _("Customer ID"), "user.email": _("E-mail")}

    def get_filename(self):
        return f"customers-touched-{datetime.date.today():%Y-%m-%d}"

    def get_queryset(self):
        self.queryset = Customer.objects.select_related("user").order_by("pk")
        return super().get_queryset()
