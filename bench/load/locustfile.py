"""Mixed journeys for the load test (bench/load_test.py runs this; see docs/benchmarks.md).

Visitors read the public site; agency users sign in with password and authenticator code, then
use their agency's screens and the API. The server runs in production mode behind what a TLS
proxy would send (X-Forwarded-Proto: https), so secure cookies are sent back as a browser would.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import random
import re
import struct
import time
from http.cookiejar import DefaultCookiePolicy
from itertools import count

from locust import HttpUser, between, task

ACCOUNTS = json.loads(open(os.environ["LOAD_ACCOUNTS"]).read())
SEARCH_WORDS = ["crisis", "policy", "training", "de-escalation", "partnership", "988", "dispatch"]
_next_account = count()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class BehindTlsProxy(DefaultCookiePolicy):
    """The proxy terminates TLS: Secure cookies travel to the app server over loopback.

    requests builds each request's cookie header from a fresh jar with the default policy, so
    the cookie is stored without its Secure flag rather than sent by a policy override.
    """

    def set_ok(self, cookie, request):
        cookie.secure = False
        return super().set_ok(cookie, request)


def totp(secret: str) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    step = int(time.time() // 30)
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


class Site(HttpUser):
    abstract = True
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.client.cookies.set_policy(BehindTlsProxy())
        self.client.headers.update({"X-Forwarded-Proto": "https"})
        self.slugs = [
            r["slug"]
            for r in self.client.get("/api/v1/resources?limit=50", name="/api/v1/resources").json()[
                "items"
            ]
        ]
        self.oris = sorted({a["ori"] for a in ACCOUNTS})

    def post_form(self, path: str, data: dict, name: str):
        page = self.client.get(path, name=name)
        token = CSRF.search(page.text)
        data = {**data, "csrfmiddlewaretoken": token.group(1) if token else ""}
        referer = f"https://{self.host.split('://', 1)[1]}{path}"
        return self.client.post(path, data=data, headers={"Referer": referer}, name=name)


class Visitor(Site):
    weight = 3

    @task(3)
    def home(self) -> None:
        self.client.get("/")

    @task(4)
    def resources(self) -> None:
        self.client.get("/resources/")
        self.client.get(f"/resources/?q={random.choice(SEARCH_WORDS)}", name="/resources/?q=")

    @task(3)
    def resource(self) -> None:
        if self.slugs:
            self.client.get(f"/resources/{random.choice(self.slugs)}/", name="/resources/[slug]/")

    @task(2)
    def campaign(self) -> None:
        self.client.get("/campaign/")
        ori = random.choice(self.oris)
        self.client.get(f"/campaign/agencies/{ori}/", name="/campaign/agencies/[ori]/")
        self.client.get(f"/campaign/badge/{ori}.svg", name="/campaign/badge/[ori].svg")

    @task(1)
    def feed(self) -> None:
        self.client.get("/resources/feed/")


class AgencyUser(Site):
    weight = 2

    def on_start(self) -> None:
        super().on_start()
        self.account = ACCOUNTS[next(_next_account) % len(ACCOUNTS)]
        self.post_form(
            "/accounts/sign-in/",
            {"username": self.account["email"], "password": self.account["password"]},
            name="sign in: password",
        )
        self.post_form(
            "/accounts/sign-in/verify/",
            {"code": totp(self.account["totp_secret"])},
            name="sign in: code",
        )
        self.api = {"Authorization": f"Bearer {self.account['token']}"}
        probe = self.client.get(
            "/agency/encounters/dashboard/",
            name="/agency/encounters/dashboard/",
            allow_redirects=False,
        )
        self.has_encounters = probe.status_code == 200

    @task(3)
    def campaign_dashboard(self) -> None:
        self.client.get("/agency/campaign/")

    @task(2)
    def agency_page(self) -> None:
        self.client.get("/accounts/agency/")

    @task(2)
    def members_resources(self) -> None:
        self.client.get(
            f"/resources/?q={random.choice(SEARCH_WORDS)}", name="/resources/?q= (signed in)"
        )
        if self.slugs:
            self.client.get(
                f"/resources/{random.choice(self.slugs)}/", name="/resources/[slug]/ (signed in)"
            )

    @task(2)
    def encounters(self) -> None:
        if self.has_encounters:
            self.client.get("/agency/encounters/dashboard/")
            self.client.get("/agency/encounters/records/")

    @task(3)
    def api(self) -> None:
        self.client.get(
            "/api/v1/pledge/compliance", headers=self.api, name="/api/v1/pledge/compliance"
        )
        self.client.get("/api/v1/roster/officers", headers=self.api, name="/api/v1/roster/officers")

    @task(1)
    def audit(self) -> None:
        if self.account["role"] == "coordinator":
            self.client.get("/audit/")
