def test_pages_carry_a_strict_content_security_policy(client, db):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_error_pages_show_an_error_id_and_nothing_internal(client, db):
    response = client.get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "error id" in html
    assert "Traceback" not in html


def test_the_home_page_has_one_h1_a_skip_link_and_landmarks(client, db):
    html = client.get("/").content.decode()
    assert html.count("<h1") == 1
    assert 'class="usa-skipnav" href="#main-content"' in html
    assert '<main id="main-content"' in html
    assert "<header" in html and "<footer" in html and 'aria-label="Primary navigation"' in html


def test_a_nul_character_in_an_api_query_is_refused_with_400(client, db):
    api = client.get("/api/v1/encounters", {"disposition": "\x00"})
    assert api.status_code == 400
    assert "NUL" in api.json()["message"]
    assert client.get("/api/v1/resources", {"q": "crisis\x00"}).status_code == 400
    assert client.get("/api/v1/resources", {"q": "crisis"}).status_code == 200
    # Pages explain it beside the field instead (their forms' own validation).
    assert client.get("/resources/", {"q": "crisis\x00"}).status_code == 200
