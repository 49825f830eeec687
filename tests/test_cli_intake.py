"""Importing through the command line: templates, refused files, quarantine."""

from __future__ import annotations

import openpyxl
import pandas as pd

from cli_support import ROOT, run_capaian

EXAMPLE = ROOT / "examples" / "submission-65-2020-11-H1.csv"


def test_template_is_prefilled_with_kaltara_regencies(tmp_path):
    out = tmp_path / "kirim.xlsx"
    run_capaian(tmp_path / "db.duckdb", "template", "submission", "--cutoff", "2020-11-H1",
                "--region", "65", "-o", str(out))
    sheet = openpyxl.load_workbook(out).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["kode_wilayah", "nama_wilayah", "cutoff"]
    codes = {r[0] for r in rows[1:] if r[0]}
    assert {"65.01", "65.02", "65.03", "65.04", "65.71"} <= codes
    assert all(r[2] == "2020-11-H1" for r in rows[1:] if r[0])


def test_import_refuses_a_bad_file_listing_every_problem(tmp_path):
    db = tmp_path / "db.duckdb"
    bad = tmp_path / "salah.csv"
    text = EXAMPLE.read_text().splitlines()
    text[2] = text[2].replace("65.02", "65.98")          # unknown regency, row 3
    text[4] = text[4].replace("7380", "-5")              # negative count, row 5
    bad.write_text("\n".join(text) + "\n")
    proc = run_capaian(db, "import", "submission", str(bad), check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "65.98" in proc.stderr and "-5" in proc.stderr
    assert "salah.csv" in proc.stderr
    assert "2 masalah" in proc.stderr
    # nothing was stored
    assert "2020-11-H1" not in run_capaian(db, "db", "status").stdout


def test_import_outside_jurisdiction_is_refused(tmp_path):
    proc = run_capaian(tmp_path / "db.duckdb", "import", "submission", str(EXAMPLE), "--as", "64", check=False)
    assert proc.returncode == 1 and "64" in proc.stderr


def test_import_lands_then_repeats_as_no_op(tmp_path):
    db = tmp_path / "db.duckdb"
    first = run_capaian(db, "import", "submission", str(EXAMPLE), "--as", "65").stdout
    again = run_capaian(db, "import", "submission", str(EXAMPLE), "--as", "65").stdout
    assert first != again
    assert "2020-11-H1" in run_capaian(db, "db", "status").stdout


def test_import_register_quarantines_bad_rows(tmp_path):
    db = tmp_path / "db.duckdb"
    residents = pd.DataFrame({
        "nik": ["6501015501050001", "12345"],
        "birth_date": ["2005-01-15", "2005-01-15"],
        "sex": ["P", "P"],
        "ever_married": [False, False],
        "village_code": ["65.01.01.2001", "65.01.01.2001"],
        "ktp_recorded_on": [None, None],
        "kia_issued_on": ["2010-01-01", None],
        "birth_cert_issued_on": ["2005-02-01", None],
        "died_on": [None, None],
        "moved_out_on": [None, None],
    })
    path = tmp_path / "penduduk.csv"
    residents.to_csv(path, index=False)
    proc = run_capaian(db, "import", "register", str(path), check=False)
    assert proc.returncode == 2, proc.stderr
    assert "1" in proc.stdout and "nik" in proc.stdout.lower()


def test_reimport_by_someone_outside_the_area_is_refused_not_a_duplicate(tmp_path):
    db = tmp_path / "db.duckdb"
    run_capaian(db, "import", "submission", str(EXAMPLE), "--as", "65")
    proc = run_capaian(db, "import", "submission", str(EXAMPLE), "--as", "64", check=False)
    assert proc.returncode == 1 and "64" in proc.stderr
