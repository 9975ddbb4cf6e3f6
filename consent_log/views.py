"""Public JSON endpoints of the transparency log (``/consent-log/``, docs/consent-log.md).

Anyone may read them; nothing here needs a session or reveals a record's content (leaves are
published as hashes only). Bad input is answered with a JSON 400 or 404, never an error page.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.paginator import EmptyPage, Paginator
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from . import selectors, signing

HEADS_PER_PAGE = 100
# Heads and proofs for a given size never change; the latest head does, every few seconds.
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT_SECONDS = timedelta(seconds=5)
SHORT = f"public, max-age={SHORT_SECONDS.seconds}"


def _json(data, *, status=200, cache=None):
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = cache or "no-store"
    return response


def _error(status: int, message: str):
    return _json({"error": message}, status=status)


def _integer(request, name: str, default: int | None = None) -> int:
    raw = request.GET.get(name)
    if raw is None:
        if default is None:
            raise ValueError(f"The parameter “{name}” is required.")
        return default
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        raise ValueError(f"The parameter “{name}” must be a whole number.")
    return int(raw)


@require_GET
def index(request):
    return _json(
        {
            "description": "Jetu's consent transparency log (RFC 9162 Merkle tree, SHA-256).",
            "latest_head": reverse("consent_log:head_latest"),
            "heads": reverse("consent_log:heads"),
            "inclusion_proof": reverse("consent_log:inclusion") + "?index=LEAF&size=SIZE",
            "consistency_proof": reverse("consent_log:consistency") + "?first=OLD&second=NEW",
            "public_key_pem": reverse("consent_log:key_pem"),
            "public_key_jwks": reverse("consent_log:jwks"),
        },
        cache=SHORT,
    )


@require_GET
def head_latest(request):
    head = selectors.head_latest()
    if head is None:
        return _error(404, "No tree head has been signed yet.")
    return _json(selectors.head_document(head), cache=SHORT)


@require_GET
def head_detail(request, size: int):
    try:
        head = selectors.head_at(size)
    except selectors.UnknownTreeSize:
        return _error(404, f"No signed tree head has size {size}.")
    return _json(selectors.head_document(head), cache=IMMUTABLE)


@require_GET
def heads(request):
    try:
        number = _integer(request, "page", 1)
        page = Paginator(selectors.heads(), HEADS_PER_PAGE).page(number)
    except ValueError as exc:
        return _error(400, str(exc))
    except EmptyPage:
        return _error(404, "There is no such page of tree heads.")
    url = reverse("consent_log:heads")
    return _json(
        {
            "count": page.paginator.count,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "next": f"{url}?page={page.next_page_number()}" if page.has_next() else None,
            "previous": f"{url}?page={page.previous_page_number()}"
            if page.has_previous()
            else None,
            "heads": [selectors.head_document(head) for head in page],
        },
        cache=SHORT,
    )


@require_GET
def inclusion(request):
    try:
        size = _integer(request, "size", selectors.log_size())
        proof = selectors.inclusion_proof(_integer(request, "index"), size)
    except ValueError as exc:
        return _error(400, str(exc))
    except selectors.UnknownTreeSize:
        return _error(404, f"No signed tree head has size {size}.")
    except selectors.UnknownLeaf:
        return _error(404, f"The tree of size {size} has no such leaf.")
    return _json(
        {
            "leaf_index": proof.leaf_index,
            "tree_size": proof.tree_size,
            "leaf_hash": proof.leaf_hash.hex(),
            "inclusion_proof": [item.hex() for item in proof.proof],
        },
        cache=IMMUTABLE if "size" in request.GET else SHORT,
    )


@require_GET
def consistency(request):
    try:
        first, second = _integer(request, "first"), _integer(request, "second")
        proof = selectors.consistency_proof(first, second)
    except ValueError as exc:
        return _error(400, str(exc))
    except selectors.UnknownTreeSize as exc:
        return _error(404, f"No signed tree head has size {exc.args[0]}.")
    return _json(
        {
            "first": proof.first,
            "second": proof.second,
            "consistency_proof": [item.hex() for item in proof.proof],
        },
        cache=IMMUTABLE,
    )


@require_GET
def key_pem(request):
    response = HttpResponse(
        signing.public_pem(signing.public_key()), content_type="application/x-pem-file"
    )
    response["Content-Disposition"] = 'inline; filename="jetu-consent-log.pem"'
    response["Cache-Control"] = SHORT
    return response


@require_GET
def jwks(request):
    response = _json({"keys": [signing.public_jwk(signing.public_key())]}, cache=SHORT)
    response["Content-Type"] = "application/jwk-set+json"
    return response
