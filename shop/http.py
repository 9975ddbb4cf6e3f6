"""HTTP details: what the ledger records about the request (the client's IP address and
browser), and which responses no cache may keep.

``X-Forwarded-For`` is written by whoever sends the request, so it is believed only when the
request comes from a proxy we run (``TRUSTED_PROXIES``, set from ``DJANGO_TRUSTED_PROXIES``);
otherwise anyone could put any address into the evidence.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest
from django.views.decorators.cache import cache_control

from .models import USER_AGENT_MAX_LENGTH

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_ip(value: str | None) -> IPAddress | None:
    """``value`` as an IP address (IPv4-mapped IPv6 unwrapped), or None if it is not one."""
    try:
        address = ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            continue  # reported by the system check shop.checks.trusted_proxies
    return tuple(networks)


def trusted_networks() -> tuple[IPNetwork, ...]:
    """The proxies (addresses or CIDR networks) whose ``X-Forwarded-For`` we believe."""
    return _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))


def _is_trusted(address: IPAddress, networks: tuple[IPNetwork, ...]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_ip(request: HttpRequest) -> str | None:
    """The address of the customer's computer, as far as we can tell.

    ``REMOTE_ADDR`` is the peer of the connection. When that peer is a trusted proxy, the
    ``X-Forwarded-For`` chain is read right to left — each trusted proxy appended the address
    it was talking to — and the first address that is not a trusted proxy is the client.
    """
    remote = parse_ip(request.META.get("REMOTE_ADDR"))
    if remote is None:
        return None
    networks = trusted_networks()
    if not _is_trusted(remote, networks):
        return str(remote)
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    client = remote
    for hop in reversed(hops):
        address = parse_ip(hop)
        if address is None:
            break  # garbage in the header: trust nothing further left
        client = address
        if not _is_trusted(address, networks):
            break
    return str(client)


def user_agent(request: HttpRequest) -> str:
    """The browser's User-Agent, without control characters, cut to what the ledger keeps."""
    raw = request.META.get("HTTP_USER_AGENT", "")
    cleaned = "".join(ch for ch in raw if ch.isprintable())
    return cleaned[:USER_AGENT_MAX_LENGTH]


@dataclass(frozen=True)
class RequestMeta:
    """What the consent ledger records about the request an acceptance came with.

    Built by the view (``request_meta``), so services take plain values, not a request.
    Scripts and commands pass ``RequestMeta()``: no address, no browser.
    """

    ip_address: str | None = None
    user_agent: str = ""


def request_meta(request: HttpRequest) -> RequestMeta:
    """The client's IP address and browser, as the ledger keeps them."""
    return RequestMeta(ip_address=client_ip(request), user_agent=user_agent(request))


def personal_page(view):
    """Mark ``view``'s responses as the visitor's own: no browser, proxy or shared cache keeps them.

    ``private`` keeps shared caches (nginx, a corporate proxy) from storing the page; ``no-store``
    keeps the browser from writing it to disk, where the next user of the computer would find it.
    """
    return cache_control(private=True, no_store=True)(view)
