"""Render a Django template to PDF with WeasyPrint, and send it as a download."""

from __future__ import annotations

import logging
from functools import cache
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string


@cache
def _font_config() -> Any:
    # Building a FontConfiguration scans the system fonts: do it once per process.
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """The PDF of `template_name` rendered with `context`.

    Templates are self-contained HTML with their own <style>: the PDF never reaches a browser as
    a page, so the site's CSP does not apply, and WeasyPrint fetches nothing from the network.
    """
    # WeasyPrint logs every layout step at INFO.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    import weasyprint

    html = render_to_string(template_name, context)
    document = weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=_no_fetch)
    return document.write_pdf(font_config=_font_config())


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"PDF templates may not load external resources ({url[:80]}).")


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    """An attachment download that is never cached by shared caches."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
