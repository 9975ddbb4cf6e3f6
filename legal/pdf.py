"""PDF copies of legal texts (WeasyPrint), in the text's own language.

One place renders every PDF the site hands out: a version's text from the public archive, and
the evidence packs that ``consent_log.evidence`` builds for Legal. The fonts are vendored
(``static/fonts/dejavu``: DejaVu covers Cyrillic and all of Kazakh's letters, ә ғ қ ң ө ұ ү һ
і), so a PDF looks the same on every machine, whatever fonts the system has. WeasyPrint may
read nothing but those fonts: a text that names an image or a stylesheet somewhere on the
network (or on the server's disk) cannot make the renderer fetch it.

A frozen text never changes, so its PDF is rendered once and kept in the shared cache.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation

from .models import DocumentVersion, VersionText
from .rendering import mark_bare_links

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts" / "dejavu"
FONTS = {
    "regular": FONT_DIR / "DejaVuSans.ttf",
    "bold": FONT_DIR / "DejaVuSans-Bold.ttf",
    "mono": FONT_DIR / "DejaVuSansMono.ttf",
}
# Raised whenever the PDF's layout or wording changes, so cached copies are rendered anew.
PDF_FORMAT = 1
CACHE_TIMEOUT = 60 * 60 * 24 * 30


class PdfFetchRefused(ValueError):
    """The document asked for a resource other than the vendored fonts."""


def _url_fetcher(url: str, *args, **kwargs):
    allowed = {font.as_uri(): font for font in FONTS.values()}
    font = allowed.get(url)
    if font is None:
        raise PdfFetchRefused(f"A PDF may load only the vendored fonts, not {url!r}.")
    return {"string": font.read_bytes(), "mime_type": "font/ttf", "redirected_url": url}


def font_css() -> str:
    """``@font-face`` rules for the vendored fonts (the only resources a PDF may load)."""
    return (
        f'@font-face {{ font-family: "Jetu Sans"; font-weight: 400; '
        f'src: url("{FONTS["regular"].as_uri()}"); }}\n'
        f'@font-face {{ font-family: "Jetu Sans"; font-weight: 700; '
        f'src: url("{FONTS["bold"].as_uri()}"); }}\n'
        f'@font-face {{ font-family: "Jetu Mono"; src: url("{FONTS["mono"].as_uri()}"); }}\n'
    )


def html_to_pdf(html: str) -> bytes:
    """Render a complete HTML document to PDF bytes with the vendored fonts only."""
    # Imported here: WeasyPrint loads Pango through cffi, which costs every process that never
    # renders a PDF (workers, management commands) time and memory.
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    document = weasyprint.HTML(string=html, url_fetcher=_url_fetcher, base_url=FONT_DIR.as_uri())
    return document.write_pdf(font_config=fonts)


_ANCHOR_RE = re.compile(r'(id="|href="#)(p-)')


def text_context(text: VersionText, *, anchor_prefix: str = "") -> dict:
    """What a printed text shows: its title, version, dates, fingerprint and clauses.

    ``anchor_prefix`` keeps clause anchors apart when several texts share one PDF, so that
    "see clause 4.3" in version 2 does not jump into version 1.
    """
    version: DocumentVersion = text.version
    html = mark_bare_links(text.html)
    if anchor_prefix:
        html = _ANCHOR_RE.sub(rf"\g<1>{anchor_prefix}\g<2>", html)
    return {
        "text": text,
        "version": version,
        "language": text.locale.language_code,
        "document_html": html,
    }


def _cache_key(text: VersionText) -> str:
    digest = hashlib.sha256(f"{text.pk}:{text.html_sha256}".encode()).hexdigest()[:32]
    return f"legal-pdf:{PDF_FORMAT}:{digest}"


def text_pdf(text: VersionText) -> bytes:
    """The PDF of one version's text, in the text's language (rendered once, then cached)."""
    key = _cache_key(text)
    cached = cache.get(key)
    if cached is not None:
        return cached
    language = text.locale.language_code
    with translation.override(language):
        html = render_to_string(
            "legal/pdf/version.html", {**text_context(text), "font_css": font_css()}
        )
    pdf = html_to_pdf(html)
    cache.set(key, pdf, CACHE_TIMEOUT)
    return pdf


def text_pdf_filename(text: VersionText) -> str:
    return f"{text.page.slug}-v{text.version.number}-{text.locale.language_code}.pdf"
