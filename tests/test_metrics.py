"""GET /metrics: request, error, pool and report-job figures in Prometheus text, for this host or a token.

In-process apps for the figures and the access rule; one real `capaian serve --workers 2` on
PostgreSQL for the multiprocess mode (a scrape sums what every worker counted).
"""

from __future__ import annotations

import httpx
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from capaian.web import create_app
from serve_support import serving
from web_support import SEED_CUTOFF, fresh_db

LOCAL = ("127.0.0.1", 50000)


def _samples(text: str) -> list:
    return [s for family in text_string_to_metric_families(text) for s in family.samples]


def _value(samples, name: str, **labels) -> float:
    return sum(s.value for s in samples if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()))


def test_figures_by_route_template_status_and_job_state(tmp_path):
    app = create_app(fresh_db(tmp_path), secret="test-secret", warm=False, report_workers=0,
                     report_cache=tmp_path / "cache")
    client = TestClient(app, client=LOCAL)
    before = _samples(client.get("/metrics").text)
    for code in ("65", "64"):
        assert client.get(f"/wilayah/{code}.json?cutoff={SEED_CUTOFF}").status_code == 200
    assert client.get("/no-such-page").status_code == 404
    assert client.get(f"/nasional/laporan.md?cutoff={SEED_CUTOFF}").status_code == 200
    scrape = client.get("/metrics")
    assert scrape.status_code == 200 and scrape.headers["content-type"].startswith("text/plain")
    after = _samples(scrape.text)

    def grew(name, **labels):
        return _value(after, name, **labels) - _value(before, name, **labels)

    # one series for the route template, not one per region code
    assert grew("capaian_http_requests_total", route="/wilayah/{code}.{fmt}", method="GET", status="200") == 2
    assert not [s for s in after if s.labels.get("route", "").startswith("/wilayah/65")]
    assert grew("capaian_http_requests_total", route="unmatched", status="404") == 1
    assert grew("capaian_http_request_seconds_count", route="/wilayah/{code}.{fmt}") == 2
    assert _value(after, "capaian_report_jobs", state="done") == 1
    assert _value(after, "capaian_report_jobs", state="failed") == 0
    app.state.web.close()


def test_a_failure_counts_as_an_error(tmp_path, monkeypatch):
    app = create_app(fresh_db(tmp_path), secret="test-secret", warm=False)
    client = TestClient(app, client=LOCAL, raise_server_exceptions=False)
    before = _value(_samples(client.get("/metrics").text), "capaian_http_errors_total", route="/api/evaluations")

    def broken(*_a, **_k):
        raise RuntimeError("boom")

    monkeypatch.setattr(app.state.web, "catalog", broken)
    assert client.get("/api/evaluations").status_code == 500
    after = _value(_samples(client.get("/metrics").text), "capaian_http_errors_total", route="/api/evaluations")
    assert after - before == 1


def test_only_this_host_without_a_proxy_or_with_the_token(tmp_path, monkeypatch):
    app = create_app(fresh_db(tmp_path), secret="test-secret", warm=False)
    assert TestClient(app, client=("10.1.2.3", 50000)).get("/metrics").status_code == 404
    local = TestClient(app, client=LOCAL)
    assert local.get("/metrics").status_code == 200
    assert local.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 404  # via nginx
    monkeypatch.setenv("CAPAIAN_METRICS_TOKEN", "t0ken-for-prometheus")
    remote = TestClient(app, client=("10.1.2.3", 50000))
    assert remote.get("/metrics").status_code == 404
    assert local.get("/metrics").status_code == 404  # with a token, the token is what counts
    assert remote.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    good = remote.get("/metrics", headers={"Authorization": "Bearer t0ken-for-prometheus"})
    assert good.status_code == 200 and "capaian_http_requests_total" in good.text


def test_workers_are_summed_and_the_pool_is_shown(tmp_path, pg_server):
    from pg_support import copy_to_postgres

    url = copy_to_postgres(fresh_db(tmp_path / "web"), pg_server)
    with serving(url, "--workers", "2") as (_, base):
        with httpx.Client(base_url=base, timeout=60) as http:
            start = _samples(http.get("/metrics").text)
            for _ in range(40):  # new connections: spread over both workers
                assert httpx.get(f"{base}/api/evaluations", timeout=60).status_code == 200
            samples = _samples(http.get("/metrics").text)
    grew = (_value(samples, "capaian_http_requests_total", route="/api/evaluations", status="200")
            - _value(start, "capaian_http_requests_total", route="/api/evaluations", status="200"))
    assert grew == 40  # whichever worker answered the scrape, it counts every worker's requests
    assert _value(samples, "capaian_pool_connections", state="size") >= 1
    assert {"queued", "preparing", "rendering", "done", "failed"} <= {
        s.labels["state"] for s in samples if s.name == "capaian_report_jobs"}
