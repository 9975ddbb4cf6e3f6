"""Every version's text can be downloaded as a PDF, in its own language, Kazakh letters intact.

The PDFs are read back with pypdf, a PDF parser independent of WeasyPrint that made them.
"""

from __future__ import annotations

import io
import re

import pypdf
import pytest

from legal import pdf
from legal.models import VersionText
from tests.shop.shop_helpers import text_of

KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


def pdf_text(content: bytes) -> str:
    """The text of every page, whitespace collapsed (line breaks fall anywhere in a PDF)."""
    reader = pypdf.PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def pdf_fonts(content: bytes) -> set[str]:
    reader = pypdf.PdfReader(io.BytesIO(content))
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def stored_text(language: str, number: int = 1) -> VersionText:
    return VersionText.objects.get(
        version__number=number, locale__language_code=language, page__slug="privacy"
    )


@pytest.mark.django_db
def test_the_kazakh_text_downloads_as_a_pdf_with_every_kazakh_letter(client, policy):
    response = client.get("/kk/legal/privacy/versions/1/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="privacy-v1-kk.pdf"'
    content = response.content
    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    stored = stored_text("kk")
    assert stored.title in text
    # Every Kazakh letter the stored text uses comes out of the PDF as the same letter.
    used = KAZAKH_LETTERS & set(plain(stored.html))
    assert len(used) >= 8
    assert used <= set(text)
    for block in stored.blocks:
        if block.get("type") == "clause" and block["number"] in ("1.1", "3.4", "5.9"):
            assert plain(block["html"]) in text, block["number"]
    assert stored.sha256 in text.replace(" ", "")
    # Only the vendored fonts: no glyph came from whatever fonts the system happens to have.
    assert pdf_fonts(content)
    assert all("DejaVu" in name for name in pdf_fonts(content))


@pytest.mark.django_db
def test_each_language_gets_its_own_text_and_labels(client, policy):
    russian = pdf_text(client.get("/ru/legal/privacy/versions/1/pdf/").content)
    kazakh = pdf_text(client.get("/kk/legal/privacy/versions/1/pdf/").content)
    assert stored_text("ru").title in russian
    assert "Версия 1" in russian
    assert "1-нұсқа" in kazakh
    assert "Версия 1" not in kazakh
    assert stored_text("ru").sha256 in russian.replace(" ", "")


@pytest.mark.django_db
def test_the_archive_and_the_version_page_link_to_the_pdf(client, policy):
    archive = client.get("/kk/legal/privacy/versions/").content.decode()
    assert 'href="/kk/legal/privacy/versions/1/pdf/"' in archive
    page = client.get("/kk/legal/privacy/versions/1/")
    assert 'href="/kk/legal/privacy/versions/1/pdf/"' in page.content.decode()
    assert "PDF" in text_of(page)
    in_force = client.get("/ru/legal/privacy/").content.decode()
    assert 'href="/ru/legal/privacy/versions/1/pdf/"' in in_force


@pytest.mark.django_db
def test_a_version_that_does_not_exist_has_no_pdf(client, policy):
    assert client.get("/kk/legal/privacy/versions/99/pdf/").status_code == 404


@pytest.mark.django_db
def test_a_frozen_text_is_rendered_once(client, policy, monkeypatch):
    calls = []
    render = pdf.html_to_pdf
    monkeypatch.setattr(pdf, "html_to_pdf", lambda html: calls.append(html) or render(html))
    first = client.get("/ru/legal/privacy/versions/1/pdf/").content
    second = client.get("/ru/legal/privacy/versions/1/pdf/").content
    assert first == second
    assert len(calls) == 1


@pytest.mark.parametrize(
    "url", ["http://169.254.169.254/latest/", "file:///etc/passwd", "https://example.com/a.png"]
)
def test_the_renderer_loads_nothing_but_the_vendored_fonts(url):
    with pytest.raises(pdf.PdfFetchRefused):
        pdf._url_fetcher(url)
    assert pdf._url_fetcher(pdf.FONTS["regular"].as_uri())["string"][:4] == b"\x00\x01\x00\x00"
