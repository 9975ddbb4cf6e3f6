"""Legal's evidence packs in the Wagtail admin: find a customer, download their pack.

Only staff holding ``consent_log.download_evidence_pack`` (the Legal group) see or use it. A
pack is personal data: every download is recorded in Wagtail's log (the customer's history and
*Reports → Site history*), with the SHA-256 of the ZIP handed out, so it can be told later
exactly what left the company, when, and to whom.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import permission_required
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.log_actions import log

from shop.models import Customer
from shop.selectors import customers_matching

from . import evidence

PERMISSION = "consent_log.download_evidence_pack"
LOG_ACTION = "consent_log.evidence_pack"
MAX_MATCHES = 20


class CustomerSearchForm(forms.Form):
    customer = forms.CharField(
        label=_("Customer"),
        max_length=254,
        help_text=_(
            "E-mail, phone or customer ID. A closed (anonymised) account is found by ID only."
        ),
    )


@permission_required(PERMISSION, raise_exception=True)
def search(request):
    """The look-up form and the customers it finds, each with a download button."""
    form = CustomerSearchForm(request.GET or None)
    customers = None
    if form.is_valid():
        customers = list(
            customers_matching(form.cleaned_data["customer"])
            .select_related("user")
            .annotate(acceptance_count=Count("acceptances"))
            .order_by("pk")[:MAX_MATCHES]
        )
    return TemplateResponse(
        request,
        "consent_log/admin/evidence_search.html",
        {"form": form, "customers": customers, "title": _("Evidence packs")},
    )


@require_POST
@permission_required(PERMISSION, raise_exception=True)
def download(request, customer_id: int):
    """One customer's evidence pack as a ZIP; the download is logged."""
    customer = get_object_or_404(Customer.objects.select_related("user"), pk=customer_id)
    pack = evidence.evidence_pack(customer=customer, generated_by=request.user.email)
    content = evidence.evidence_pack_zip(pack)
    log(
        instance=customer,
        action=LOG_ACTION,
        user=request.user,
        data={
            "filename": pack.filename,
            "sha256": evidence.digest(content),
            "acceptances": [item.acceptance.pk for item in pack.items],
            "tree_size": pack.head.size if pack.head is not None else None,
        },
    )
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{pack.filename}"'
    response["Cache-Control"] = "no-store"
    return response
