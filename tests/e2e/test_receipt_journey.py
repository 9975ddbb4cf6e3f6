"""A customer keeps the receipt of their consent and an outsider checks it (browser journey)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from playwright.sync_api import expect

from consent_log.services import log_seal
from tests.consent_log.verifier import PATH as VERIFIER
from tests.e2e.journey import axe_violations, describe_violations, dismiss_cookie_notice, t
from tests.shop.shop_helpers import PASSWORD, make_customer

pytestmark = pytest.mark.e2e


def test_customer_downloads_a_receipt_that_an_outsider_verifies(
    site, open_page, axe_js, shot, tmp_path
):
    with site.lock:
        make_customer(email="aruzhan@example.kz", language="kk")
    page = open_page(bypass_csp=True)  # axe-core is injected; the site's own CSP forbids it
    page.goto(site("/kk/shop/login/"))
    dismiss_cookie_notice(page, "kk")
    page.get_by_label(t("kk", "E-mail")).fill("aruzhan@example.kz")
    page.get_by_label(t("kk", "Password")).fill(PASSWORD)
    page.get_by_role("button", name=t("kk", "Log in")).click()
    expect(page).to_have_url(site("/kk/shop/account/"))

    page.get_by_role("link", name=t("kk", "Consent receipt")).click()
    expect(page.locator("h1")).to_have_text(
        t("kk", "Consent receipt: version %(number)s", number=1)
    )
    expect(page.locator("#state-heading")).to_have_text(
        t("kk", "Not sealed in the public consent log yet")
    )
    with site.lock:
        log_seal()
    page.reload()
    expect(page.locator("#state-heading")).to_have_text(t("kk", "Sealed in the public consent log"))
    expect(page.locator("#receipt-purposes li").nth(2)).to_have_text(
        t("kk", "delivering goods to the customer")
    )
    shot(page, "f-01-consent-receipt-kk", doc=True)
    assert not (found := axe_violations(page, axe_js)), describe_violations({page.url: found})

    with page.expect_download() as download:
        page.locator("#receipt-download").click()
    receipt = tmp_path / download.value.suggested_filename
    download.value.save_as(receipt)
    # The outsider has the file and the public key, nothing else.
    key = tmp_path / "key.pem"
    key.write_bytes(page.request.get(site("/consent-log/key.pem")).body())
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(VERIFIER), "receipt", str(receipt), "--key", str(key)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK: The receipt is signed by key")
