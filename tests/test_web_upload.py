"""Upload page and API: every validation problem listed, or the confirmation; jurisdiction; audit."""

import base64
import re

import pytest
from fastapi.testclient import TestClient

from capaian.web import create_app
from web_support import PASSWORD, csrf_of, fresh_db, login

CUTOFF = "2020-12-H1"
GOOD = (
    "kode_wilayah,cutoff,wajib_ktp,ktp_terekam,anak_lt17,kia_dimiliki,anak_lt18,akta_lahir_dimiliki\n"
    f"65.71,{CUTOFF},120000,121000,50000,26000,56000,54000\n"
    f"65.04,{CUTOFF},110000,108000,52000,22000,58000,55000\n"
)
BAD = (
    "kode_wilayah,cutoff,wajib_ktp,ktp_terekam,anak_lt17,kia_dimiliki\n"
    f"65.71,{CUTOFF},120000,abc,50000,20000\n"  # not a number
    f"65.04,{CUTOFF},1000,900,500,1200\n"  # KIA holders 2.4 x the children: a typing slip (above 100 % is real)
    f"99.99,{CUTOFF},1,1,1,1\n"  # unknown region
)


@pytest.fixture(scope="module", params=["duckdb", "postgresql"])
def app(request, tmp_path_factory):
    """The app over the web test store, on each backend (replaces conftest's DuckDB-only `app`)."""
    from pg_support import placed

    web = create_app(placed(request, fresh_db(tmp_path_factory.mktemp("upload"))), secret="test-secret")
    yield web
    web.state.web.store.close()


def logged_in(app, name):
    c = TestClient(app)
    assert login(c, name).status_code == 303
    return c


def upload(c, name, body, evaluate=True):
    token = csrf_of(c.get("/unggah").text)
    data = {"csrf_token": token}
    if evaluate:
        data["evaluate"] = "1"
    return c.post("/unggah", data=data, files={"file": (name, body.encode(), "text/csv")})


def audit(app, action):
    with app.state.web.db() as store:
        return store.list_audit(action=action)


def test_upload_page_needs_login(app):
    assert TestClient(app).get("/unggah").status_code == 403
    c = logged_in(app, "kaltara")
    page = c.get("/unggah").text
    assert 'id="upload-form"' in page and 'enctype="multipart/form-data"' in page
    assert "65 " in re.search(r'id="scope">([^<]+)<', page).group(1)


def test_every_problem_is_listed(app):
    c = logged_in(app, "kaltara")
    r = upload(c, "salah.csv", BAD)
    assert r.status_code == 422
    rows = re.findall(r'<tr data-rule="([^"]+)">(.*?)</tr>', r.text, flags=re.S)
    assert len(rows) >= 3
    text = " ".join(body for _, body in rows)
    assert "abc" in text and "99.99" in text and "1200" in text
    assert "salah.csv" in text
    rejected = audit(app, "submission.rejected")
    assert "file:salah.csv" in set(rejected["object"])


def test_good_upload_confirmed_evaluated_and_audited(app):
    c = logged_in(app, "kaltara")
    r = upload(c, "kaltara-desember.csv", GOOD)
    assert r.status_code == 200, r.text
    assert 'data-ok="true"' in r.text and "kaltara-desember.csv" in r.text
    imports = audit(app, "submission.import")
    assert "kaltara" in set(imports["actor"])
    # an office's upload does not make a national run; the national team evaluates
    assert not any(run["cutoff"] == CUTOFF for run in c.get("/run.json").json()["runs"])
    nasional = logged_in(app, "nasional")
    token = csrf_of(nasional.get("/nasional").text)
    made = nasional.post("/api/evaluations", json={"cutoff": CUTOFF}, headers={"X-CSRF-Token": token})
    assert made.status_code in (200, 201), made.text
    runs = c.get("/run.json").json()["runs"]
    assert any(run["cutoff"] == CUTOFF for run in runs)
    # the province office now sees its December figures
    own = c.get(f"/wilayah/65.71.json?cutoff={CUTOFF}&draft=1").json()
    assert own["region"]["indicators"]["ktp_el"]["numerator"] == 121000
    # uploading the same bytes again changes nothing
    again = upload(c, "kaltara-desember.csv", GOOD)
    assert again.status_code == 200 and 'data-ok="true"' in again.text


def test_outside_jurisdiction_is_refused(app):
    c = logged_in(app, "tarakan")
    r = upload(c, "tarakan.csv", GOOD)  # the file also holds Nunukan (65.04)
    assert r.status_code == 422
    assert "65.04" in r.text
    kaltim = logged_in(app, "kaltim")
    assert upload(kaltim, "kaltim.csv", GOOD).status_code == 422


def test_wrong_file_type(app):
    c = logged_in(app, "kaltara")
    r = upload(c, "data.exe", "MZ")
    assert r.status_code == 422 and 'data-rule="file_type"' in r.text


def test_api_upload_with_basic_auth(app):
    auth = {"Authorization": "Basic " + base64.b64encode(f"malinau:{PASSWORD}".encode()).decode()}
    client = TestClient(app)
    body = f"kode_wilayah,cutoff,layanan_online\n65.02,{CUTOFF},1\n"
    r = client.post("/api/submissions", files={"file": ("malinau.csv", body.encode())}, headers=auth)
    assert r.status_code == 201, r.text
    assert r.json()["ok"] and r.json()["result"]["rows"] == 1
    r = client.post("/api/submissions", files={"file": ("malinau2.csv", BAD.encode())}, headers=auth)
    assert r.status_code == 422 and len(r.json()["problems"]) >= 3
    assert client.post("/api/submissions", files={"file": ("x.csv", body.encode())}).status_code == 403


def test_template_download(app):
    c = logged_in(app, "kaltara")
    r = c.get("/unggah/templat.csv", params={"cutoff": CUTOFF})
    assert r.status_code == 200 and "65.71" in r.text and "kode_wilayah" in r.text
    assert c.get("/unggah/templat.csv", params={"cutoff": CUTOFF, "region": "64"}).status_code == 403
