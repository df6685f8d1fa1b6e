"""The published OpenAPI says what the server does: the Idempotency-Key header that every
till call needs is required, and every authenticated route documents its 401 (and the POS
routes their refusals: 403, 409)."""

import pytest


@pytest.fixture
def schema(api_client, db):
    response = api_client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_every_authenticated_route_documents_its_401(schema):
    secured = [(p, m, op) for p, m, op in operations(schema) if op.get("security")]
    assert any(p == "/api/v1/whoami" for p, _m, _op in secured)
    for path, method, operation in secured:
        assert "401" in operation["responses"], f"{method.upper()} {path}"
        error = operation["responses"]["401"]["content"]["application/json"]["schema"]
        assert error["$ref"].endswith("/ErrorOut"), f"{method.upper()} {path}"


def test_the_till_calls_require_the_idempotency_key(schema):
    pos_posts = [(p, op) for p, m, op in operations(schema) if p.startswith("/api/v1/pos/")]
    assert len(pos_posts) >= 5
    for path, operation in pos_posts:
        (header,) = [p for p in operation["parameters"] if p["in"] == "header"]
        assert header["name"] == "Idempotency-Key"
        assert header["required"] is True, path
        assert {"400", "401", "403", "409", "422"} <= set(operation["responses"]), path


def test_whoami_without_a_token_answers_the_documented_401(api_client, db):
    response = api_client.get("/api/v1/whoami")
    assert response.status_code == 401
    assert set(response.json()) == {"code", "message"}
