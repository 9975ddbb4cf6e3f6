"""What browsers and search engines ask every site for, and the pages' shared frame."""

import re
import xml.etree.ElementTree as ET

import pytest

from legal.rendering import mark_bare_links
from tests.shop.shop_helpers import text_of

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.mark.django_db
def test_favicon_is_a_real_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content).startswith(b"\x00\x00\x01\x00")  # ICO header


@pytest.mark.django_db
def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_private_pages(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "Disallow: /admin/" in body
    assert "Disallow: /*/shop/account/" in body


@pytest.mark.django_db
def test_sitemap_lists_every_page_in_both_languages_with_alternates(client, policy):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 (our own sitemap)
    entries = {
        url.find(f"{SITEMAP}loc").text: {
            link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")
        }
        for url in root.findall(f"{SITEMAP}url")
    }
    paths = {re.sub(r"^https?://[^/]+", "", loc) for loc in entries}
    assert {"/ru/", "/kk/", "/ru/legal/", "/kk/legal/"} <= paths
    assert {"/ru/legal/privacy/", "/kk/legal/privacy/"} <= paths
    kk_policy = next(loc for loc in entries if loc.endswith("/kk/legal/privacy/"))
    ru_policy = next(loc for loc in entries if loc.endswith("/ru/legal/privacy/"))
    for loc in (kk_policy, ru_policy):
        assert entries[loc] == {"ru": ru_policy, "kk": kk_policy, "x-default": ru_policy}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ru", "kk"])
def test_every_page_has_an_icon_a_logo_and_a_description_in_its_language(client, language):
    for path in ("/", "/legal/", "/legal/privacy/", "/legal/privacy/versions/", "/shop/"):
        html = client.get(f"/{language}{path}").content.decode()
        assert 'rel="icon"' in html, path
        assert re.search(r'<a class="brand"[^>]*><img src="[^"]*logo[^"]*\.svg"', html), path
        description = re.search(r'<meta name="description" content="([^"]+)">', html)
        assert description, path
        cyrillic = "әғқңөұүһі" if language == "kk" else "ыэъё"
        assert any(letter in description.group(1) for letter in cyrillic), (path, description)


@pytest.mark.django_db
def test_section_copy_links_say_section_and_clause_links_say_clause(client, policy):
    ru = client.get("/ru/legal/privacy/").content.decode()
    kk = client.get("/kk/legal/privacy/").content.decode()
    assert 'aria-label="Ссылка на раздел 1"' in ru
    assert 'aria-label="Ссылка на пункт 1.1"' in ru
    assert 'aria-label="1-бөлімге сілтеме"' in kk
    assert 'aria-label="1.1-тармаққа сілтеме"' in kk
    assert 'aria-label="Ссылка на пункт 1"' not in ru
    assert 'aria-label="1-тармаққа сілтеме"' not in kk


def test_links_that_show_their_own_address_are_marked_for_print():
    html = (
        '<p><a href="http://www.jetu.kz">http://www.jetu.kz</a> and '
        '<a href="https://example.kz/law">the Law</a></p>'
    )
    assert mark_bare_links(html) == (
        '<p><a class="bare-url" href="http://www.jetu.kz">http://www.jetu.kz</a> and '
        '<a href="https://example.kz/law">the Law</a></p>'
    )


@pytest.mark.django_db
def test_the_printed_policy_does_not_repeat_the_shop_address(client, policy):
    html = client.get("/ru/legal/privacy/").content.decode()
    assert '<a class="bare-url" href="http://www.jetu.kz">http://www.jetu.kz</a>' in html
    assert '<a href="http://www.jetu.kz">' not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "meta"),
    [
        ("ru", "Правовая информация", "Версия 1, действует с "),
        ("kk", "Құқықтық ақпарат", "1-нұсқа, күшіне енген күні: "),
    ],
)
def test_the_legal_section_lists_its_documents_with_the_version_in_force(
    client, policy, language, heading, meta
):
    response = client.get(f"/{language}/legal/")
    html = response.content.decode()
    page = text_of(response)
    assert f"<h1>{heading}</h1>" in html
    assert 'class="document-card"' in html
    assert meta in page
    assert f'href="/{language}/legal/privacy/versions/"' in html
    # The legal section is in the menu on every page, as the home page says it is.
    home = client.get(f"/{language}/").content.decode()
    menu = home.split('class="site-nav"')[1].split("</nav>")[0]
    assert f'href="/{language}/legal/">{heading}</a>' in menu
