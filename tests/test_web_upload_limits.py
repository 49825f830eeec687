"""Upload bodies: the user, the CSRF token and the size are checked before the multipart body is
read (issue 16, item 14); unreadable files give a 422 page, never a 500, and are audited (item 6)."""

from __future__ import annotations

import io
import tempfile
import zipfile

import httpx
import openpyxl
import pytest
import starlette.formparsers
from fastapi.testclient import TestClient

from capaian.intake import max_file_bytes
from capaian.web import create_app
from web_support import PASSWORD, csrf_of, fresh_db, login, run_async

BOUNDARY = "capaianbatas"
BIG = 30 * 1024 * 1024


class CountingApp:
    """ASGI wrapper counting the request-body bytes the app actually pulled from `receive`."""

    def __init__(self, app):
        self.app = app
        self.received = 0

    async def __call__(self, scope, receive, send):
        async def counted():
            message = await receive()
            if message.get("type") == "http.request":
                self.received += len(message.get("body", b""))
            return message

        await self.app(scope, counted, send)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return create_app(fresh_db(tmp_path_factory.mktemp("limits")), secret="test-secret")


@pytest.fixture
def spooled(monkeypatch, tmp_path):
    """Temporary files the multipart parser creates, in a private temporary folder."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    made = []
    original = starlette.formparsers.SpooledTemporaryFile

    def tracking(*args, **kwargs):
        handle = original(*args, **kwargs)
        made.append(handle)
        return handle

    monkeypatch.setattr(starlette.formparsers, "SpooledTemporaryFile", tracking)
    return folder, made


def multipart(name: str, content: bytes, fields: dict | None = None) -> bytes:
    out = io.BytesIO()
    for key, value in (fields or {}).items():
        out.write(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
    out.write(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
              f"Content-Type: text/csv\r\n\r\n".encode())
    out.write(content)
    out.write(f"\r\n--{BOUNDARY}--\r\n".encode())
    return out.getvalue()


HEADERS = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}


def folder_bytes(folder) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize("url", ["/unggah", "/api/submissions"])
def test_anonymous_large_body_is_refused_unread(app, spooled, url):
    folder, made = spooled
    counting = CountingApp(app)
    client = TestClient(counting)
    r = client.post(url, content=multipart("besar.csv", b"x" * BIG), headers=HEADERS)
    assert r.status_code == 403
    assert counting.received == 0  # not one byte of the body was read
    assert made == [] and folder_bytes(folder) == 0


def logged_in(app, name="kaltara"):
    client = TestClient(app)
    assert login(client, name).status_code == 303
    return client


def test_declared_size_over_the_limit_is_refused_unread(app, spooled):
    folder, made = spooled
    counting = CountingApp(app)
    client = TestClient(counting)
    assert login(client, "kaltara").status_code == 303
    token = csrf_of(client.get("/unggah").text)
    counting.received = 0
    r = client.post(f"/unggah?csrf_token={token}", content=multipart("besar.csv", b"x" * BIG), headers=HEADERS)
    assert r.status_code == 413 and "20 MB" in r.text
    assert counting.received == 0 and made == []
    api = client.post("/api/submissions", content=multipart("besar.csv", b"x" * BIG),
                      headers={**HEADERS, "x-csrf-token": token, "accept": "application/json"})
    assert api.status_code == 413 and "20 MB" in api.json()["message"]["en"]
    assert counting.received == 0 and made == []


def test_wrong_csrf_token_is_refused_unread(app, spooled):
    _, made = spooled
    counting = CountingApp(app)
    client = TestClient(counting)
    assert login(client, "kaltara").status_code == 303
    counting.received = 0
    r = client.post("/unggah?csrf_token=salah", content=multipart("a.csv", b"x" * 1000), headers=HEADERS)
    assert r.status_code == 403 and counting.received == 0 and made == []


def test_body_without_length_is_cut_at_the_limit(app, spooled):
    """A chunked body (no Content-Length) stops being read once it passes the limit."""
    folder, _ = spooled

    async def run():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            page = await client.get("/masuk")
            await client.post("/masuk", data={"name": "kaltara", "password": PASSWORD,
                                              "csrf_token": csrf_of(page.text), "next": "/unggah"})
            token = csrf_of((await client.get("/unggah")).text)
            sent = 0

            async def body():
                nonlocal sent
                head = multipart("besar.csv", b"")
                yield head[: head.index(b"\r\n--" + BOUNDARY.encode() + b"--")]
                for _ in range(BIG // (1024 * 1024)):
                    sent += 1024 * 1024
                    yield b"1" * (1024 * 1024)

            r = await client.post(f"/unggah?csrf_token={token}", content=body(), headers=HEADERS)
            return r, sent

    response, sent = run_async(run)
    assert response.status_code == 413
    assert sent <= max_file_bytes() + 2 * 1024 * 1024 < BIG
    assert folder_bytes(folder) == 0


def test_page_form_posts_the_token_in_its_action(app):
    client = logged_in(app)
    page = client.get("/unggah").text
    token = csrf_of(page)
    assert f'action="/unggah?csrf_token={token}"' in page


def truncated_xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["kode_wilayah", "cutoff", "wajib_ktp"])
    book.active.append(["65.01", "2020-11-H1", 1])
    raw = io.BytesIO()
    book.save(raw)
    source = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as broken:
        for info in source.infolist():
            data = source.read(info.filename)
            broken.writestr(info.filename, data[: len(data) // 2] if info.filename.endswith("sheet1.xml") else data)
    return out.getvalue()


@pytest.mark.parametrize("name,content", [
    ("terpotong.xlsx", truncated_xlsx()),
    ("panjang.csv", b"kode_wilayah,cutoff,wajib_ktp,nama_wilayah\n65.01,2020-11-H1,1," + b"x" * 140_000 + b"\n"),
    ("latin.csv", "kode_wilayah,cutoff,wajib_ktp,nama_wilayah\n65.01,2020-11-H1,1,é\n".encode("latin-1")),
    ("kosong.xlsx", b""),
    ("zip.xlsx", b"PK\x05\x06" + b"\x00" * 18),
])
def test_unreadable_upload_is_a_422_page_and_audited(app, name, content):
    client = logged_in(app)
    token = csrf_of(client.get("/unggah").text)
    r = client.post(f"/unggah?csrf_token={token}", content=multipart(name, content), headers=HEADERS)
    assert r.status_code == 422, r.text[:500]
    assert 'data-ok="false"' in r.text and name in r.text
    api = client.post("/api/submissions", files={"file": (name, content, "application/octet-stream")},
                      headers={"x-csrf-token": token})
    assert api.status_code == 422 and api.json()["problems"][0]["file"] == name
    with app.state.web.db() as store:
        rejected = store.list_audit(action="submission.rejected")
    assert (rejected["object"] == f"file:{name}").sum() >= 2


def two_sheets() -> bytes:
    book = openpyxl.Workbook()
    book.active.title = "a"
    for sheet, code in ((book.active, "65.01"), (book.create_sheet("b"), "65.02")):
        sheet.append(["kode_wilayah", "cutoff", "pks"])
        sheet.append([code, "2020-10-H1", 3])
    raw = io.BytesIO()
    book.save(raw)
    return raw.getvalue()


def test_sheet_field_picks_one_of_several_sheets(app):
    client = logged_in(app)
    page = client.get("/unggah").text
    assert 'name="sheet"' in page
    token = csrf_of(page)
    refused = client.post(f"/unggah?csrf_token={token}", content=multipart("dua.xlsx", two_sheets()), headers=HEADERS)
    assert refused.status_code == 422 and 'data-rule="several_sheets"' in refused.text
    accepted = client.post(f"/unggah?csrf_token={token}",
                           content=multipart("dua.xlsx", two_sheets(), {"sheet": "b"}), headers=HEADERS)
    assert accepted.status_code == 200, accepted.text[-800:]
    assert 'data-ok="true"' in accepted.text
