"""Fixtures for the browser tests in this folder (see browser.py; `chromium` is in browser_fixtures.py)."""

from __future__ import annotations

import pytest


@pytest.fixture
def browser_context(chromium, live_server):
    # bypass_csp lets the tests inject axe-core; the pages themselves still send their CSP.
    context = chromium.new_context(base_url=live_server.url, bypass_csp=True)
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(browser_context):
    return browser_context.new_page()
