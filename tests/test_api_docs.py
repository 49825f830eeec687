"""The API's documentation (issue 13): /api/docs is Swagger UI from vendored files only, every operation
has a summary in Indonesian and English, and no page or description shows literal Markdown."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from capaian.web import create_app
from web_support import fresh_db

STATIC = Path(__file__).resolve().parents[1] / "src" / "capaian" / "web" / "static"
MARKDOWN = re.compile(r"`|\*\*|__|\]\(|^#+ |^\s*[-*] ", re.M)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    app = create_app(fresh_db(tmp_path_factory.mktemp("docs")), secret="docs-secret", warm=False)
    return TestClient(app, follow_redirects=False)


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts = 0
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self._in_script = "src" not in attrs
        for name in ("src", "href", "data-spec"):
            if attrs.get(name) and (tag in ("script", "link", "img", "iframe") or name == "data-spec"):
                self.urls.append(attrs[name])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts += 1


def _assets(html: str) -> _Assets:
    parser = _Assets()
    parser.feed(html)
    return parser


def test_interactive_docs_load_only_local_assets(client):
    r = client.get("/api/docs")
    assert r.status_code == 200
    found = _assets(r.text)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in found.urls
    assert "/static/vendor/swagger-ui/swagger-ui.css" in found.urls
    assert "/openapi.json" in found.urls
    assert found.inline_scripts == 0  # the CSP allows scripts from this origin only
    for url in found.urls:
        assert url.startswith("/") and not url.startswith("//"), url
        assert client.get(url).status_code == 200, url
    assert "default-src 'self'" in r.headers["content-security-policy"]


def test_swagger_ui_is_started_without_outside_calls():
    script = (STATIC / "js" / "apidocs.js").read_text(encoding="utf-8")
    assert "validatorUrl: null" in script  # the default validator badge calls validator.swagger.io
    assert not re.search(r"https?://", script)
    css = (STATIC / "vendor" / "swagger-ui" / "swagger-ui.css").read_text(encoding="utf-8")
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css)  # no outside fonts or images
    for name in ("LICENSE", "NOTICE", "THIRD-PARTY-LICENSES.txt"):
        assert (STATIC / "vendor" / "swagger-ui" / name).is_file()
    assert "swagger-ui-dist" in (STATIC / "vendor" / "README.md").read_text(encoding="utf-8")


def _operations(spec: dict):
    for path, item in spec["paths"].items():
        for method, op in item.items():
            yield f"{method.upper()} {path}", op


def test_every_operation_has_a_summary_in_both_languages(client):
    spec = client.get("/openapi.json").json()
    ops = list(_operations(spec))
    assert len(ops) >= 13
    for name, op in ops:
        id_text, en_text = op.get("x-summary-id"), op.get("x-summary-en")
        assert id_text and en_text and id_text != en_text, name
        assert op["summary"] == f"{id_text} — {en_text}", name
    description = spec["info"]["description"]
    assert "Disdukcapil" in description and "\n\n" in description  # Indonesian, then English
    assert "Masuk dengan" in description and "Authenticate with" in description


def _texts(node, key=None):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _texts(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from _texts(v, key)
    elif isinstance(node, str) and key in ("summary", "description", "x-summary-id", "x-summary-en"):
        yield node


def test_no_literal_markdown_in_the_description(client):
    spec = client.get("/openapi.json").json()
    texts = list(_texts(spec))
    assert len(texts) > 50
    assert [t for t in texts if MARKDOWN.search(t)] == []


@pytest.mark.parametrize("lang, words", [("id", "Wilayah dalam satu versi wilayah"),
                                         ("en", "Regions of a hierarchy version")])
def test_api_page_reads_in_the_readers_language_without_markdown(tmp_path, lang, words):
    from web_support import csrf_of

    app = create_app(fresh_db(tmp_path), secret="docs-secret", warm=False)
    c = TestClient(app, follow_redirects=False)
    if lang == "en":
        token = csrf_of(c.get("/api").text)
        c.post("/bahasa", data={"lang": "en", "csrf_token": token, "next": "/api"})
    page = c.get("/api").text
    main = re.split(r"<main[^>]*>", page)[1].split("</main>")[0]
    text = re.sub(r"<[^>]+>", " ", main)
    assert words in text
    assert "`" not in text
    assert 'href="/api/docs"' in main
    rows = re.findall(r"<tr><td><code>(GET|POST)</code>", main)
    assert len(rows) == len(list(_operations(app.openapi())))
