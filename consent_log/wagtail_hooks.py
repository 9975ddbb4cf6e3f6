"""The consent log on other apps' pages: the latest signed tree head on the public policy
archive, and the dashboard's warning when records wait too long for a signed head."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse
from wagtail import hooks

from legal.extensions import ARCHIVE_SECTIONS, ArchiveSection

from . import selectors
from .views import SHORT_SECONDS


@hooks.register(ARCHIVE_SECTIONS)
def latest_tree_head(request, page):
    """The latest signed tree head, as ``/consent-log/heads/latest/`` publishes it."""
    head = selectors.head_latest()
    context = {
        "head": head,
        "root_hash": bytes(head.root_hash).hex() if head else "",
        "head_url": reverse("consent_log:head_detail", args=[head.size]) if head else None,
        "log_url": reverse("consent_log:index"),
    }
    html = render_to_string("consent_log/archive_head.html", context, request=request)
    # As long as the published latest head may be cached, so the page never shows an older one.
    return ArchiveSection(html, fresh_for=SHORT_SECONDS)


@hooks.register("construct_homepage_panels")
def add_sealing_delay_panel(request, panels):
    """Warn those who read the ledger when records wait longer than the documented delay."""
    from .panels import SealingDelayPanel

    if request.user.has_perm("shop.view_acceptance"):
        panels.append(SealingDelayPanel())
