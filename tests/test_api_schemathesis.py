"""The REST API conforms to its own OpenAPI description (issue 16, item 16).

Schemathesis, with all its checks, against the app in-process over a copy of the demo store, as an
anonymous client and as a national user: 0 failures. Kept small (seeded, few examples per
operation) so the file runs in well under a minute; bench/api_fuzz.py runs the same for longer.
The repros of the issue are asserted one by one below as well.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api_fuzz_support import fuzz_app, fuzz_store, national_headers, run_fuzz

MAX_EXAMPLES = 6
SEED = 16


@pytest.fixture(scope="module")
def fuzz_db(demo_db, tmp_path_factory):
    return fuzz_store(demo_db, tmp_path_factory.mktemp("fuzz") / "fuzz.duckdb")


@pytest.fixture(scope="module")
def app(fuzz_db):
    return fuzz_app(fuzz_db)


@pytest.fixture(scope="module")
def client(app):
    return TestClient(app, follow_redirects=False)


def _report(result) -> str:
    return result.summary() + "\n" + "\n".join(str(f) for f in result.failures[:20]) + "\n".join(result.errors[:5])


@pytest.mark.slow  # every phase of schemathesis over the demo: minutes on a busy machine
def test_schemathesis_anonymous(app):
    result = run_fuzz(app, who="anonymous", max_examples=MAX_EXAMPLES, seed=SEED)
    print(result.summary())
    assert result.cases > 100 and len(result.operations) >= 13, result.summary()
    assert not result.failures and not result.errors, _report(result)


@pytest.mark.slow
def test_schemathesis_national(fuzz_db, tmp_path):
    app = fuzz_app(fuzz_db, login_limit=1_000_000)  # see api_fuzz_support: ignored_auth vs the throttle
    result = run_fuzz(app, who="national", headers=national_headers(app), max_examples=MAX_EXAMPLES, seed=SEED,
                      generated_credentials=False)  # made-up credentials: the anonymous run
    print(result.summary())
    assert result.cases > 100 and len(result.operations) >= 13, result.summary()
    assert not result.failures and not result.errors, _report(result)


# --- the four repros of item 16 ---------------------------------------------------------------


def test_validation_errors_give_loc_as_a_list(client):
    r = client.get("/api/evaluations", params={"cutoff": "AAA"})
    assert r.status_code == 422
    body = r.json()
    assert body["detail"][0]["loc"] == ["query", "cutoff"]
    assert body["message"]["id"] and body["message"]["en"] and body["error"] == "bad_request"


@pytest.mark.parametrize("method, path, status", [
    ("get", "/api/evaluations/{run_id}", "404"), ("get", "/api/explanations/{code}", "403"),
    ("get", "/api/explanations/{code}", "404"), ("post", "/api/evaluations", "403"),
    ("post", "/api/evaluations/{run_id}/publish", "409"), ("post", "/api/submissions", "413"),
    ("get", "/api/cutoffs", "401"), ("get", "/api/results", "429"), ("get", "/api/regions", "422"),
])
def test_refusals_are_documented_with_the_error_body(client, method, path, status):
    spec = client.get("/openapi.json").json()
    response = spec["paths"][path][method]["responses"][status]
    assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorBody"}
    assert set(spec["components"]["schemas"]["ErrorBody"]["required"]) == {"error", "status", "message"}
    assert "HTTPValidationError" not in spec["components"]["schemas"]


def test_an_upload_refusal_is_documented_with_its_own_body(client):
    spec = client.get("/openapi.json").json()
    responses = spec["paths"]["/api/submissions"]["post"]["responses"]
    assert responses["422"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/UploadRefusal"}
    assert "201" in responses and "200" not in responses


@pytest.mark.parametrize("method", ["TRACE", "DELETE", "PUT", "OPTIONS"])
def test_unsupported_methods_get_405_with_allow(client, method):
    r = client.request(method, "/api/evaluations")
    assert r.status_code == 405
    assert {m.strip() for m in r.headers["allow"].split(",")} == {"GET", "POST"}  # both routes of the path
    assert r.json()["error"] == "method_not_allowed"
    page = client.request(method, "/nasional")
    assert page.status_code == 405 and page.headers["allow"] == "GET"
    assert client.request("HEAD", "/api/rubrics").status_code == 405  # so HEAD is not in Allow either


def test_the_declared_cutoff_pattern_is_what_is_accepted(client):
    import re

    spec = client.get("/openapi.json").json()
    patterns = set()
    for item in spec["paths"].values():
        for op in item.values():
            for param in op.get("parameters", []):
                if param["name"] == "cutoff":
                    schema = param["schema"]
                    patterns |= {s["pattern"] for s in schema.get("anyOf", [schema]) if "pattern" in s}
    body = spec["components"]["schemas"]["EvaluateBody"]["properties"]["cutoff"]
    patterns.add(body["pattern"])
    assert len(patterns) == 1
    pattern = re.compile(patterns.pop())
    assert not pattern.search("0000-01-H1") and not pattern.search("1999-12-H2")
    assert pattern.search("2000-01-H1") and pattern.search("2099-12-H2")
    # outside the pattern: the API refuses by the declared rule (422); the pages show their 400 page
    # naming the expected form (and accept the lower-case h1/h2 the CLI accepts)
    assert client.get("/api/results", params={"cutoff": "0000-01-H1"}).status_code == 422
    assert client.get("/nasional", params={"cutoff": "0000-01-H1"}).status_code == 400
    # any case, as the CLI and the pages read it (issue 23): a well-formed cut-off without a run
    assert client.get("/api/results", params={"cutoff": "2000-01-h1"}).status_code == 404
    assert client.get("/nasional", params={"cutoff": "2000-01-h1"}).status_code == 404
    # inside it, a cut-off without a run is "not found", never a refusal of the value
    assert client.get("/api/results", params={"cutoff": "2000-01-H1"}).status_code == 404
    assert client.get("/api/results", params={"cutoff": "2099-12-H2"}).status_code == 404
    assert client.get("/api/explanations/65", params={"cutoff": "2000-01-H1"}).status_code == 404
