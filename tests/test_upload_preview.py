"""After an upload (issue 23): the office sees a draft preview of its figures computed from the new
facts (not stored as a run), and its status received -> evaluated -> published; a national user
evaluates the cut-off from the web; refusals scroll inside their own box."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from web_support import csrf_of, login

CUTOFF = "2020-12-H1"
TARAKAN = (
    "kode_wilayah,cutoff,wajib_ktp,ktp_terekam,anak_lt17,kia_dimiliki,anak_lt18,akta_lahir_dimiliki\n"
    f"65.71,{CUTOFF},120000,121000,50000,26000,56000,54000\n"
)


def _client(app, name):
    c = TestClient(app)
    assert login(c, name).status_code == 303
    return c


def _upload(c, name, body):
    token = csrf_of(c.get("/unggah").text)
    return c.post("/unggah", data={"csrf_token": token}, files={"file": (name, body.encode(), "text/csv")})


def test_preview_status_and_evaluation_from_the_web(app, small_store):
    office = _client(app, "tarakan")
    runs_before = len(app.state.web.store.list_runs()) if hasattr(app.state.web.store, "list_runs") else None
    page = _upload(office, "tarakan-desember.csv", TARAKAN)
    assert page.status_code == 200, page.text[-2000:]
    preview = re.search(r'<section id="draft-preview".*?</section>', page.text, flags=re.S).group(0)
    # the preview is computed from the new facts: KTP-el 121,000 of 120,000 is met
    ktp = re.search(r'<tr data-ind="ktp_el">.*?</tr>', preview, flags=re.S).group(0)
    assert "✓" in ktp and "100,83 %" in ktp
    level = re.search(r'id="preview-level"><span class="lvl lvl-(\d)" data-level="(\d)"', preview)
    assert level, preview[:600]
    from capaian.records.preview import draft_preview

    with app.state.web.db() as store:
        expected = draft_preview(store, CUTOFF, "65.71")
    assert int(level.group(1)) == expected["region"]["level"]
    assert re.search(r'<li class="done" aria-current="step" data-step="received">', page.text)
    assert 'data-step="evaluated"' in page.text and 'data-step="published"' in page.text
    if runs_before is not None:
        assert len(app.state.web.store.list_runs()) == runs_before  # the preview stores no run
    assert 'id="evaluate-form"' not in page.text  # offices do not evaluate

    national = _client(app, "nasional")
    form = national.get("/unggah").text
    assert 'id="evaluate-form"' in form and 'id="evaluate-progress"' in form
    answer = national.post("/unggah/evaluasi", data={"csrf_token": csrf_of(form), "cutoff": CUTOFF},
                           headers={"HX-Request": "true"})
    assert answer.status_code == 200 and 'id="evaluate-result" class="ok"' in answer.text
    assert national.post("/unggah/evaluasi", data={"csrf_token": "wrong", "cutoff": CUTOFF}).status_code == 403
    assert office.post("/unggah/evaluasi", data={"csrf_token": csrf_of(office.get("/unggah").text),
                                                 "cutoff": CUTOFF}).status_code == 403
    again = _upload(office, "tarakan-desember.csv", TARAKAN)  # the same bytes: already received
    assert re.search(r'<li class="done" aria-current="step" data-step="evaluated">', again.text)


def test_refusals_scroll_inside_their_own_box(app):
    office = _client(app, "tarakan")
    bad = TARAKAN.replace("121000", "abc")
    page = _upload(office, "salah.csv", bad)
    assert page.status_code == 422
    assert re.search(r'<div class="tablewrap problems-wrap" tabindex="0" role="region" aria-label="[^"]+">\s*'
                     r'<table class="problems" id="problems">', page.text)
