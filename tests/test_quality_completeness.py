"""Reporting completeness and timeliness on a crafted store: on time, late (by the first submission,
not a later correction), register facts count as reported, part of the expected facts, nothing sent;
the deadline setting; notes on flags are stored and audited through migration 0003."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from typer.testing import CliRunner

from capaian.errors import CapaianError
from capaian.intake import import_submission
from capaian.quality import completeness, deadline_days
from capaian.rubrics import rubric_for_year
from capaian.store import open_store

CUTOFF = "2020-11-H1"  # as of 15 Nov 2020: deadline (5 days) 20 Nov 2020 end of day
FACTS = sorted(rubric_for_year(2020).facts)


def _csv(tmp_path, name, rows):
    path = tmp_path / name
    columns = list(dict.fromkeys(k for r in rows for k in r))
    lines = [",".join(columns)] + [",".join(str(r.get(c, "")) for c in columns) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _full(code):
    row = {"kode_wilayah": code, "cutoff": CUTOFF}
    for fact in FACTS:
        row[fact] = 1 if fact in ("layanan_online", "layanan_terintegrasi") else 100
    row.update({"wajib_ktp": 1000, "ktp_terekam": 900, "anak_lt17": 1000, "kia_dimiliki": 300,
                "anak_lt18": 1000, "akta_lahir_dimiliki": 900})
    return row


def _sent_at(store, submission_id, when):
    store.con.execute("UPDATE submissions SET submitted_at = ? WHERE id = ?", [when, submission_id])


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "c.duckdb")
    first = import_submission(s, _csv(tmp_path, "a.csv", [_full("65.01"), {"kode_wilayah": "65.02", "cutoff": CUTOFF,
                                                                          "wajib_ktp": 500, "ktp_terekam": 450}]),
                              actor="kaltara")
    _sent_at(s, first.submission_id, dt.datetime(2020, 11, 20, 23, 0))  # on the deadline day
    late = import_submission(s, _csv(tmp_path, "b.csv", [_full("65.03")]), actor="bulungan")
    _sent_at(s, late.submission_id, dt.datetime(2020, 11, 23, 9, 0))
    # a correction of 65.01 after the deadline: the office still reported on time
    fix = import_submission(s, _csv(tmp_path, "c.csv", [{**_full("65.01"), "ktp_terekam": 901}]), actor="kaltara")
    _sent_at(s, fix.submission_id, dt.datetime(2020, 12, 1, 9, 0))
    # Tarakan's figures come from the register: reported, no one had to send them
    s.write_facts(pd.DataFrame([{"region_code": "65.71.01.1001", "cutoff": CUTOFF, "fact": f, "value": 10.0}
                                for f in FACTS]), source="register", actor="register")
    yield s
    s.close()


def test_who_reported_when_and_what(store):
    found = completeness(store, CUTOFF)
    assert found.deadline == "2020-11-20" and found.deadline_days == 5
    by = {o.code: o for o in found.offices if o.province_code == "65"}
    assert by["65.01"].status == "on_time" and by["65.01"].complete and by["65.01"].submitter == "kaltara"
    assert len(by["65.01"].submission_ids) == 2
    assert by["65.02"].status == "on_time" and by["65.02"].partial
    assert by["65.02"].missing_facts == [f for f in FACTS if f not in ("ktp_terekam", "wajib_ktp")]
    assert by["65.03"].status == "late" and by["65.03"].days_late == 3
    assert by["65.71"].status == "register" and by["65.71"].complete and by["65.71"].reported
    assert by["65.04"].status == "missing" and not by["65.04"].reported and not by["65.04"].partial
    kaltara = found.only(lambda code: code.startswith("65."))
    assert kaltara.counts() == {"on_time": 2, "late": 1, "register": 1, "missing": 1, "partial": 1,
                                "offices": 5, "reported": 4}


def test_a_zero_over_zero_row_is_no_report(store, tmp_path):
    """Tana Tidung sends KTP-el as 0/0 and KIA as 0/0 only: no figure, so not reported (the evaluation
    names it missing from Kaltara's sum too); a 0/0 pair beside real figures is missing, the rest counts."""
    from capaian.service import evaluate_cutoff

    import_submission(store, _csv(tmp_path, "nol.csv", [
        {"kode_wilayah": "65.04", "cutoff": CUTOFF, "wajib_ktp": 0, "ktp_terekam": 0, "anak_lt17": 0, "kia_dimiliki": 0},
        {**_full("65.03"), "anak_lt18": 0, "akta_lahir_dimiliki": 0}]), actor="kaltara")
    by = {o.code: o for o in completeness(store, CUTOFF).offices}
    assert by["65.04"].status == "missing" and not by["65.04"].reported and by["65.04"].facts_present == 0
    assert {"wajib_ktp", "ktp_terekam", "anak_lt17", "kia_dimiliki"} <= set(by["65.04"].missing_facts)
    assert by["65.03"].reported and by["65.03"].partial
    assert set(by["65.03"].missing_facts) == {"anak_lt18", "akta_lahir_dimiliki"}
    view = evaluate_cutoff(store, CUTOFF, actor="test")
    rows = view.indicators[(view.indicators["region_code"] == "65")].set_index("indicator")
    assert "Tana Tidung" in rows.loc["ktp_el", "regencies_missing"]
    assert "Tana Tidung" in rows.loc["kia", "regencies_missing"]


def test_deadline_setting(store, monkeypatch):
    later = completeness(store, CUTOFF, deadline=10).only(lambda c: c == "65.03")
    assert later.offices[0].status == "on_time" and later.deadline == "2020-11-25"
    monkeypatch.setenv("CAPAIAN_DEADLINE_DAYS", "0")
    assert deadline_days() == 0
    assert completeness(store, CUTOFF).only(lambda c: c == "65.01").offices[0].status == "late"
    with pytest.raises(CapaianError):
        deadline_days("lima")


def test_cli_completeness(store, tmp_path):
    from capaian.cli.app import app
    from capaian.cli import commands  # noqa: F401

    path = store.path
    store.close()
    result = CliRunner().invoke(app, ["--db", str(path), "--lang", "en", "completeness", "--cutoff", CUTOFF,
                                      "--province", "65"])
    assert result.exit_code == 0, result.output
    assert "4 of 5 offices reported, 1 late, 1 partial, 1 sent nothing" in result.output
    assert "65.04" in result.output and "65.01" not in result.output
    csv = CliRunner().invoke(app, ["--db", str(path), "completeness", "--cutoff", CUTOFF, "--format", "csv"])
    assert csv.exit_code == 0 and "65.71,Kota Tarakan" in csv.output.replace('"', "")


def test_flag_notes_are_stored_and_audited(tmp_path):
    from capaian.quality.notes import explain_flag, notes

    s = open_store(tmp_path / "n.duckdb")
    assert s.schema_version() >= 3
    key = "jump|2020-11-H1|65.71|kia"
    explain_flag(s, key, "Jemput bola di sekolah", "nasional")
    assert notes(s)[key]["note"] == "Jemput bola di sekolah" and notes(s)[key]["actor"] == "nasional"
    audit = s.list_audit(action="flag_explained")
    assert list(audit["object"]) == [key] and audit.iloc[0]["detail"] == {"note": "Jemput bola di sekolah"}
    with pytest.raises(CapaianError):
        explain_flag(s, key, "  ", "nasional")
    with pytest.raises(CapaianError):
        explain_flag(s, "not-a-key", "x", "nasional")
    s.close()
