"""The interactive API documentation in a real browser: Swagger UI renders every operation from the
vendored files, under the app's Content-Security-Policy, and no request leaves 127.0.0.1."""

from __future__ import annotations

import json
import urllib.request

import pytest

pytestmark = pytest.mark.browser


def test_swagger_ui_renders_offline(small_server, page, tmp_path):
    base = small_server.url
    with urllib.request.urlopen(base + "/openapi.json") as r:
        spec = json.load(r)
    operations = sum(1 for item in spec["paths"].values() for m in item if m in ("get", "post"))
    page.goto(base + "/api/docs")
    page.wait_for_selector("#swagger-ui .opblock")
    assert page.locator("#swagger-ui .opblock").count() == operations
    summaries = page.locator("#swagger-ui .opblock-summary-description").all_inner_texts()
    assert "Wilayah dalam satu versi wilayah — Regions of a hierarchy version" in summaries
    assert not any("`" in s for s in summaries)
    # open one operation: its refusals are listed with the error body
    page.click("#swagger-ui .opblock-get .opblock-summary >> nth=0")
    page.wait_for_selector("#swagger-ui .responses-table")
    assert "ErrorBody" in page.inner_text("#swagger-ui") or "422" in page.inner_text("#swagger-ui .responses-table")
    # try one call from the page: it goes to this server and its answer is shown
    rubrics = page.locator("#operations-rubrics-api_rubrics_api_rubrics_get")
    rubrics.locator(".opblock-summary").click()
    rubrics.locator(".try-out__btn").click()
    rubrics.locator(".execute").click()
    live = rubrics.locator(".live-responses-table tbody .response-col_status").first
    live.wait_for()
    assert live.inner_text().strip() == "200"
    assert "levelisasi-2022" in rubrics.locator(".live-responses-table").inner_text()
    page.screenshot(path=str(tmp_path / "api-docs.png"), full_page=False)
    assert page.recorder.urls, "no requests recorded"
    assert page.recorder.outside() == []
    assert page.recorder.errors == []  # a CSP refusal (eval, inline script, outside font) would show here
