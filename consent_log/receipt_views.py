"""The customer's receipts in *My account*: each acceptance readable, and as a signed file.

Only the customer who accepted sees a receipt; anyone else (another customer included) gets
404, so receipt numbers reveal nothing.
"""

from __future__ import annotations

import json

from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from shop.models import Acceptance
from shop.views import customer_required

from . import receipts


def _own_acceptance(customer, acceptance_id: int) -> Acceptance:
    acceptance = customer.acceptances.filter(pk=acceptance_id).first()
    if acceptance is None:
        raise Http404("No such acceptance.")
    return acceptance


def _moment(value: str):
    return timezone.localtime(parse_datetime(value))


@customer_required
@require_GET
def receipt(request, customer, acceptance_id: int):
    acceptance = _own_acceptance(customer, acceptance_id)
    payload = receipts.receipt_payload(acceptance, language=get_language())
    log = payload["log"]
    head = log.get("tree_head")
    context = {
        "acceptance": acceptance,
        "receipt": payload,
        "accepted_at": _moment(payload["consent_timestamp"]),
        "effective_from": _moment(payload["notice"]["effective_from"]),
        "head_signed_at": _moment(head["timestamp"]) if head else None,
        "file_language": acceptance.get_language_display(),
        "max_delay_seconds": int(receipts.MAX_SEAL_DELAY.total_seconds()),
    }
    return TemplateResponse(request, "consent_log/receipt.html", context)


@customer_required
@require_GET
def receipt_json(request, customer, acceptance_id: int):
    acceptance = _own_acceptance(customer, acceptance_id)
    token, _ = receipts.receipt_for(acceptance)
    response = HttpResponse(
        json.dumps(receipts.receipt_document(token), indent=2) + "\n",
        content_type="application/json; charset=utf-8",
    )
    filename = receipts.receipt_filename(acceptance)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
