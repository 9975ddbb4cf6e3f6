"""axe-core on every public page, in Russian and in Kazakh: nothing serious or critical."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.journey import axe_violations, describe_violations, publish_v2, t

pytestmark = pytest.mark.e2e

PUBLIC_PAGES = [
    ("home", "/{lang}/", 200),
    ("policy", "/{lang}/legal/privacy/", 200),
    ("archive", "/{lang}/legal/privacy/versions/", 200),
    ("version 1", "/{lang}/legal/privacy/versions/1/", 200),
    ("compare 1 → 2", "/{lang}/legal/privacy/compare/1/2/", 200),
    ("shop catalogue", "/{lang}/shop/", 200),
    ("product page", "/{lang}/shop/products/thermo-mug-450/", 200),
    ("register", "/{lang}/shop/register/", 200),
    ("login", "/{lang}/shop/login/", 200),
    ("404", "/{lang}/no-such-page/", 404),
]


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_public_pages_have_no_serious_accessibility_violations(site, open_page, axe_js, lang, shot):
    publish_v2(site)  # so that there is something to compare
    # The site's CSP forbids inline scripts; only the injected axe-core needs the bypass.
    page = open_page(bypass_csp=True)
    found: dict[str, list[dict]] = {}
    for _name, path, status in PUBLIC_PAGES:
        url = site(path.format(lang=lang))
        response = page.goto(url)
        assert response.status == status, f"{url} answered {response.status}"
        expect(page.locator("html")).to_have_attribute("lang", lang)
        if violations := axe_violations(page, axe_js):
            found[url] = violations

    # The cart, empty and with a product in it.
    url = site(f"/{lang}/shop/cart/")
    page.goto(url)
    if violations := axe_violations(page, axe_js):
        found[url + " (empty)"] = violations
    page.goto(site(f"/{lang}/shop/"))
    page.locator(".product-card").first.get_by_role("button", name=t(lang, "Add to cart")).click()
    page.goto(url)
    expect(page.locator("tbody tr")).to_have_count(1)
    if violations := axe_violations(page, axe_js):
        found[url + " (one product)"] = violations
    shot(page, f"axe-cart-{lang}")

    assert not found, "axe-core found serious or critical violations:\n" + describe_violations(
        found
    )


def test_the_check_catches_a_serious_violation(browser, axe_js):
    """The check above is not vacuous: an image without alt text is reported as critical."""
    page = browser.new_page()
    page.set_content('<html lang="ru"><body><main><img src="data:,"></main></body></html>')
    ids = {v["id"] for v in axe_violations(page, axe_js)}
    page.close()
    assert "image-alt" in ids
