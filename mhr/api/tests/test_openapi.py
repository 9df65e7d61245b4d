"""The OpenAPI document and the interactive docs page."""

from __future__ import annotations

import re

import pytest

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}

EXPECTED_OPERATIONS = {
    ("get", "/api/v1/me"),
    ("get", "/api/v1/agency"),
    ("get", "/api/v1/tokens"),
    ("post", "/api/v1/tokens"),
    ("delete", "/api/v1/tokens/{token_id}"),
    ("get", "/api/v1/resources"),
    ("get", "/api/v1/resources/{slug}"),
    ("get", "/api/v1/pledge"),
    ("get", "/api/v1/pledge/compliance"),
    ("get", "/api/v1/roster/officers"),
    ("post", "/api/v1/roster/officers"),
    ("put", "/api/v1/roster/officers/{employee_id}"),
    ("put", "/api/v1/training"),
    ("get", "/api/v1/review/pledges"),
    ("get", "/api/v1/review/pledges/{pledge_id}"),
    ("put", "/api/v1/review/pledges/{pledge_id}/practices/{practice}/decision"),
    ("post", "/api/v1/review/pledges/{pledge_id}/round"),
    ("get", "/api/v1/encounters"),
    ("post", "/api/v1/encounters"),
    ("get", "/api/v1/encounters/stats"),
    ("get", "/api/v1/encounters/{incident_number}"),
    ("patch", "/api/v1/encounters/{incident_number}"),
}


@pytest.fixture
def schema(client, db) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def _refs(node) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


def test_it_describes_the_api(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "MHR API"
    assert schema["info"]["version"] == "1"


def test_it_lists_every_endpoint(schema):
    operations = {
        (method, path)
        for path, item in schema["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }
    assert operations == EXPECTED_OPERATIONS


def test_it_gives_every_operation_a_unique_id_and_responses(schema):
    ids = []
    for item in schema["paths"].values():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            ids.append(operation["operationId"])
            assert operation["responses"], operation["operationId"]
            assert operation["summary"]
    assert len(ids) == len(set(ids))


def test_it_documents_errors_with_the_one_error_shape(schema):
    error = schema["components"]["schemas"]["ErrorOut"]
    assert set(error["properties"]) == {"message", "extra"}
    for item in schema["paths"].values():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                ref = operation["responses"]["401"]["content"]["application/json"]["schema"]
                assert ref == {"$ref": "#/components/schemas/ErrorOut"}


def test_it_resolves_every_reference(schema):
    for ref in _refs(schema):
        match = re.fullmatch(r"#/components/schemas/(\w+)", ref)
        assert match, ref
        assert match.group(1) in schema["components"]["schemas"]


def test_it_declares_the_token_and_session_security_schemes(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert schemes["SessionAuth"]["type"] == "apiKey"


def test_it_serves_the_docs_page_with_bundled_assets_only(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert "/static/ninja/swagger-ui-bundle.js" in assets
    assert "/static/ninja/swagger-ui.css" in assets
    assert all(asset.startswith("/static/") for asset in assets), assets
    assert "cdn" not in page.lower()
    assert '"validatorUrl": null' in page
    assert "/api/v1/openapi.json" in page


def test_it_ships_the_docs_assets_with_the_static_files(db):
    from django.contrib.staticfiles import finders

    for name in ("swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css"):
        assert finders.find(f"ninja/{name}"), name


# Operations that answer anonymous callers (their router or operation uses `PUBLIC`).
PUBLIC_OPERATIONS = {
    ("get", "/api/v1/resources"),
    ("get", "/api/v1/resources/{slug}"),
}
SCHEMES = [{"TokenAuth": []}, {"SessionAuth": []}]


def test_public_operations_declare_that_credentials_are_optional(schema):
    securities = {
        (method, path): operation.get("security")
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    }
    for key in PUBLIC_OPERATIONS:
        # The empty requirement means "no credentials"; the schemes stay for signed-in views.
        assert securities[key] == [*SCHEMES, {}], key
    for key, security in securities.items():
        if key not in PUBLIC_OPERATIONS:
            assert security == SCHEMES, key
            assert {} not in security, key


def test_the_public_operations_really_answer_without_credentials(client, db):
    for method, path in PUBLIC_OPERATIONS:
        if "{" in path:
            continue  # needs an object; the list shows anonymous access works
        response = getattr(client, method)(path)
        assert response.status_code == 200, path
    assert client.get("/api/v1/me").status_code == 401
