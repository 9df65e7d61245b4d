"""The interactive API docs render in a real browser, under our CSP, without any CDN."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser


def test_it_renders_the_swagger_docs_from_our_own_static_files(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url)  # CSP enforced, not bypassed
    context.set_default_timeout(10_000)
    page = context.new_page()
    requested: list[str] = []
    console_errors: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on(
        "console",
        lambda message: console_errors.append(message.text) if message.type == "error" else None,
    )
    try:
        response = page.goto("/api/v1/docs")
        assert response is not None and response.status == 200
        page.wait_for_selector(".swagger-ui .opblock", state="attached")
        page_text = page.inner_text(".swagger-ui")
        assert "MHR API" in page_text
        assert "/api/v1/resources" in page_text
    finally:
        context.close()

    server = urlsplit(live_server.url).netloc
    foreign = [url for url in requested if urlsplit(url).netloc not in (server, "")]
    assert foreign == []
    assert any(url.endswith("/static/ninja/swagger-ui-bundle.js") for url in requested)
    assert [e for e in console_errors if "Content Security Policy" in e] == []
