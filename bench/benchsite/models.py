"""Bare Wagtail pages for the benchmark's baseline ("uncached ≤ 1.3× a bare Wagtail page").

They are served through the same middleware stack and Wagtail routing as the privacy policy
and show the policy's own HTML, stored as a string, with none of the legal logic (versions,
state, table of contents, links):

- ``raw=False`` (/ru/legal/bench-bare/): the site's ``base.html`` around the policy's <article> —
  the same HTML as the policy page, built the way any page of this site is built;
- ``raw=True`` (/ru/legal/bench-raw/): the policy page's whole HTML, byte for byte, with no site
  template at all (a floor: Wagtail routing + middleware only).

``PlainAcceptance`` is the baseline of the acceptance benchmark: the same columns as the consent
ledger's ``shop.Acceptance``, in an ordinary table (no unique constraint, no append-only
triggers). With ``JETU_BENCH_PLAIN_ACCEPTANCE=1`` the app writes acceptances there instead
(``benchsite.apps``): the same POST, with the ledger write replaced by a plain insert.

Never installed in production: only ``benchsite.settings`` adds this app.
"""

from django.db import models
from wagtail.models import Page


class BenchPage(Page):
    html = models.TextField(blank=True)
    raw = models.BooleanField(default=False)

    def get_template(self, request, *args, **kwargs):
        return "benchsite/bench_raw.html" if self.raw else "benchsite/bench_page.html"


class PlainAcceptance(models.Model):
    """An acceptance written as a plain insert into a non-ledger table (the bench baseline)."""

    customer = models.ForeignKey("shop.Customer", on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey("legal.DocumentVersion", on_delete=models.PROTECT, related_name="+")
    text = models.ForeignKey("legal.VersionText", on_delete=models.PROTECT, related_name="+")
    text_sha256 = models.CharField(max_length=64)
    language = models.CharField(max_length=2)
    accepted_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    channel = models.CharField(max_length=16)

    def __str__(self):
        return f"{self.customer_id} → {self.version_id}"
