"""The `chromium` fixture for every browser test, loaded as a plugin by the root conftest.py."""

from __future__ import annotations

import os

import pytest

from mhr.core.tests import browser as browser_helpers


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium per test module, driven through Playwright's sync API."""
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API keeps an event loop running in this thread, which makes Django
    # refuse ORM calls from the test body. Allowed only while the browser runs.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_api.sync_playwright() as playwright:
            browser = browser_helpers.launch_chromium(playwright)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
