"""Bare Wagtail pages for the benchmark's baseline ("uncached ≤ 1.3× a bare Wagtail page").

They are served through the same middleware stack and Wagtail routing as the privacy policy
and show the policy's own HTML, stored as a string, with none of the legal logic (versions,
state, table of contents, links):

- ``raw=False`` (/ru/legal/bench-bare/): the site's ``base.html`` around the policy's <article> —
  the same HTML as the policy page, built the way any page of this site is built;
- ``raw=True`` (/ru/legal/bench-raw/): the policy page's whole HTML, byte for byte, with no site
  template at all (a floor: Wagtail routing + middleware only).

Never installed in production: only ``benchsite.settings`` adds this app.
"""

from django.db import models
from wagtail.models import Page


class BenchPage(Page):
    html = models.TextField(blank=True)
    raw = models.BooleanField(default=False)

    def get_template(self, request, *args, **kwargs):
        return "benchsite/bench_raw.html" if self.raw else "benchsite/bench_page.html"
