"""Shared helpers for the Playwright browser tests: Chromium, axe-core and signing in."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

# Debian's Chromium; Playwright's own browser downloads are never used.
CHROMIUM_PATH = Path(os.environ.get("MHR_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_PATH = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}


def require_or_skip(condition: bool, message: str) -> None:
    """Skip when a browser prerequisite is missing; on CI a missing prerequisite is a failure."""
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(message + " (CI is set, so this fails instead of skipping)", pytrace=False)
    pytest.skip(message)


def launch_chromium(playwright: Any) -> Any:
    require_or_skip(
        CHROMIUM_PATH.exists(),
        f"Chromium not found at {CHROMIUM_PATH}. Install it with `sudo apt-get install chromium` "
        "(the browser tests never download Playwright's own browsers).",
    )
    require_or_skip(
        AXE_PATH.exists(), f"axe-core not found at {AXE_PATH}. Run `npm ci` to install it."
    )
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM_PATH), headless=True, args=CHROMIUM_ARGS
    )


@dataclass(frozen=True)
class AxeViolation:
    page: str
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        targets = ", ".join(self.targets[:5]) + (" …" if len(self.targets) > 5 else "")
        return f"{self.page}: [{self.impact}] {self.rule}: {self.help} -> {targets}"


def axe_violations(page: Any, label: str) -> list[AxeViolation]:
    """Serious and critical WCAG 2.1 A/AA violations on the current page."""
    # The context bypasses CSP, so the injected axe script runs despite script-src 'self'.
    page.add_script_tag(path=str(AXE_PATH))
    violations = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map((n) => n.target.join(" ")),
            }));
        }""",
        AXE_TAGS,
    )
    return [
        AxeViolation(label, v["id"], v["impact"] or "", v["help"], tuple(v["targets"]))
        for v in violations
        if v["impact"] in BLOCKING_IMPACTS
    ]


def sign_in_context(context: Any, live_server_url: str, user: Any) -> None:
    """Give a browser context the session of `user`, without going through the form."""
    from django.test import Client

    from conftest import _stamp_session

    client = Client()
    client.force_login(user)
    # As after the sign-in form and its code step: the pages under test, not the MFA set-up.
    _stamp_session(client, user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server_url}]
    )
