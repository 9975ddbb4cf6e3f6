"""The harness itself: Playwright's bundled driver drives Debian's Chromium, nothing downloaded."""

import subprocess
from pathlib import Path

import playwright
import pytest

CHROMIUM = "/usr/bin/chromium"

pytestmark = pytest.mark.e2e


def test_playwright_drives_debian_chromium_headless(browser, browser_type_launch_args):
    assert browser_type_launch_args["executable_path"] == CHROMIUM
    assert "--no-sandbox" in browser_type_launch_args["args"]
    assert browser.browser_type.name == "chromium"
    # The browser Playwright talks to is the one Debian installed, not a downloaded build.
    reported = subprocess.run(
        [CHROMIUM, "--version"], capture_output=True, text=True, check=False
    ).stdout
    assert browser.version in reported, (browser.version, reported)
    page = browser.new_page()
    page.set_content("<h1>Сәлем, Jetu</h1>")
    assert page.inner_text("h1") == "Сәлем, Jetu"
    page.close()


def test_playwright_driver_ships_in_the_wheel():
    driver = Path(playwright.__file__).parent / "driver"
    assert (driver / "node").is_file() or (driver / "node.exe").is_file()
    assert (driver / "package" / "cli.js").is_file()
