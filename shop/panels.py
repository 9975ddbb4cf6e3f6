"""The Wagtail dashboard panel of the customers' consent: who accepted the version in force,
and how far the change notices of the newest versions have got."""

from __future__ import annotations

from wagtail.admin.ui.components import Component
from wagtail.models import Locale

from legal.models import LegalDocumentPage
from legal.selectors import document_state

from .models import Acceptance, Customer
from .notices import announceable_versions, notice_progress


class ConsentDashboardPanel(Component):
    name = "consent"
    template_name = "shop/admin/consent_panel.html"
    order = 60

    def get_context_data(self, parent_context=None):
        active = Customer.objects.active()
        customers = active.count()
        documents = []
        for page in LegalDocumentPage.objects.filter(locale=Locale.get_default()).order_by("path"):
            in_force = document_state(page).in_force
            # Counted among the same customers as the total, so the share never exceeds 100 %.
            accepted = (
                Acceptance.objects.filter(version_id=in_force.pk, customer__in=active).count()
                if in_force
                else 0
            )
            documents.append(
                {
                    "page": page,
                    "in_force": in_force,
                    "accepted": accepted,
                    "customers": customers,
                    "accepted_percent": round(100 * accepted / customers) if customers else 0,
                    "notices": [
                        notice_progress(version)
                        for version in announceable_versions()
                        .filter(document_id=page.pk)
                        .order_by("-number")[:3]
                    ],
                }
            )
        return {"documents": documents}
