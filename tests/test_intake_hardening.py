"""Bad input that used to slip through or crash (issue 16, items 4-9): bounds, future cut-offs,
reader crashes, silent loss in XLSX, values that can't be used, large files."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from capaian import periods
from capaian.errors import CapaianError
from capaian.intake import (
    MAX_COUNT, MAX_DATA_ROWS, max_file_bytes, MAX_LISTED_PROBLEMS, SubmissionInvalid,
    import_submission, validate_submission, write_template,
)
from capaian.periods import Cutoff, FutureCutoffError, check_not_future, latest_allowed, user_cutoff
from capaian.store import open_store
from cli_support import run_capaian

EXAMPLE = Path(__file__).parent.parent / "examples" / "submission-65-2020-11-H1.csv"
HEAD = "kode_wilayah,cutoff,wajib_ktp,ktp_terekam"
KALTARA = ("65.01", "65.02", "65.03", "65.04", "65.71")


@pytest.fixture
def store():
    s = open_store(":memory:")
    yield s
    s.close()


def write(tmp_path, text: str, name: str = "kirim.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def rules(report) -> set[str]:
    return set(report.counts)


# -- 4. bounds ---------------------------------------------------------------------------------
def test_counts_beyond_the_bound_are_refused_with_place_and_expected_form(tmp_path):
    path = write(tmp_path, f"{HEAD}\n65.01,2020-11-H1,{'1' * 25},1e308\n65.02,2020-11-H1,1000000001,5\n")
    report = validate_submission(path)
    found = {(p.row, p.column, p.value) for p in report.problems if p.rule == "too_large"}
    assert found == {(2, "wajib_ktp", "1" * 25), (2, "ktp_terekam", "1e308"), (3, "wajib_ktp", "1000000001")}
    problem = report.problems[0]
    assert "1.000.000.000" in problem.expected_id and "1,000,000,000" in problem.expected_en


def test_numerator_over_twice_its_denominator_is_refused(tmp_path, store):
    import_submission(store, EXAMPLE, actor="seed")
    in_row = write(tmp_path, f"{HEAD}\n65.01,2020-12-H1,98652,1013610\n", "baris.csv")
    with pytest.raises(SubmissionInvalid) as err:
        import_submission(store, in_row, actor="t")
    assert [(p.rule, p.row, p.column) for p in err.value.report.problems] == [
        ("implausible_ratio", 2, "ktp_terekam")]
    # against the stored denominator of the same region and cut-off (65.01 wajib_ktp 98,652)
    alone = write(tmp_path, "kode_wilayah,cutoff,ktp_terekam\n65.01,2020-11-H1,1013610\n", "sendiri.csv")
    with pytest.raises(SubmissionInvalid) as err:
        import_submission(store, alone, actor="t")
    problem = err.value.report.problems[0]
    assert (problem.rule, problem.column) == ("implausible_ratio", "ktp_terekam")
    assert "stored wajib_ktp" in problem.message_en
    # KIA above its stored anak_lt17 (44,077) is accepted like KTP-el, and named in the summary
    kia = write(tmp_path, "kode_wilayah,cutoff,kia_dimiliki\n65.01,2020-11-H1,45000\n", "kia.csv")
    result = import_submission(store, kia, actor="t")
    assert result.above_100 == [{"region_code": "65.01", "fact": "kia_dimiliki", "numerator": 45000.0,
                                 "denominator": 44077.0}]
    assert "1 angka di atas 100 % (diterima, ditandai): 65.01 kia_dimiliki 102,09 %" in result.summary("id")
    # more than twice it is implausible, the same rule as KTP-el, reported once
    kia = write(tmp_path, "kode_wilayah,cutoff,kia_dimiliki\n65.01,2020-11-H1,90000\n", "kia2.csv")
    with pytest.raises(SubmissionInvalid) as err:
        import_submission(store, kia, actor="t")
    assert [(p.rule, p.column) for p in err.value.report.problems] == [("implausible_ratio", "kia_dimiliki")]
    assert "stored anak_lt17" in err.value.report.problems[0].message_en
    in_row = write(tmp_path, "kode_wilayah,cutoff,anak_lt17,kia_dimiliki\n65.01,2020-12-H1,100,900\n", "k2.csv")
    assert validate_submission(in_row).counts == {"implausible_ratio": 1}
    # twice is still plausible (movers counted after the semester's population figure)
    ok = write(tmp_path, "kode_wilayah,cutoff,ktp_terekam\n65.01,2020-11-H1,197304\n", "dua.csv")
    assert import_submission(store, ok, actor="t").status == "imported"


def test_largest_accepted_values_explain_and_report_without_decimal_errors(tmp_path, store):
    from capaian.reports.build import build_report
    from capaian.service import evaluate_cutoff

    rows = "\n".join(f"{code},2020-11-H1,{MAX_COUNT // 2},{MAX_COUNT}" for code in KALTARA)
    import_submission(store, write(tmp_path, f"{HEAD}\n{rows}\n"), actor="t")
    view = evaluate_cutoff(store, "2020-11-H1")
    for code in ("65", "65.01"):
        lines = view.explain(code).lines("id")
        assert any("200" in line for line in lines), lines
    report = build_report(store, scope="65", cutoff="2020-11-H1", fmt="md", draft=True)
    assert "200" in report.text


# -- 5. future cut-offs ------------------------------------------------------------------------
@pytest.mark.parametrize("today,latest", [
    (dt.date(2026, 11, 14), "2026-10-H2"), (dt.date(2026, 11, 15), "2026-11-H1"),
    (dt.date(2026, 11, 29), "2026-11-H1"), (dt.date(2026, 11, 30), "2026-11-H2"),
    (dt.date(2024, 2, 29), "2024-02-H2"),
])
def test_latest_allowed_cutoff(today, latest):
    assert str(latest_allowed(today)) == latest
    assert check_not_future(latest, today) == Cutoff.parse(latest)
    with pytest.raises(FutureCutoffError) as err:
        user_cutoff(str(Cutoff.parse(latest).next()), today)
    assert latest in err.value.id_message and latest in err.value.en_message


def test_future_cutoff_refused_in_files_templates_and_evaluations(tmp_path, store, monkeypatch):
    monkeypatch.setattr(periods, "today", lambda: dt.date(2020, 11, 20))
    path = write(tmp_path, f"{HEAD}\n65.01,2020-11-H2,98652,101361\n")
    report = validate_submission(path)
    problem = report.problems[0]
    assert (problem.rule, problem.row, problem.column, problem.value) == ("future_cutoff", 2, "cutoff", "2020-11-H2")
    assert "2020-11-H1" in problem.message_en and "2020-11-H1" in problem.expected_id
    # the same file is fine once the day has come (injected "today")
    assert validate_submission(path, today=dt.date(2020, 11, 30)).ok
    with pytest.raises(FutureCutoffError):
        write_template(tmp_path / "t.csv", "2020-11-H2", "65")
    write_template(tmp_path / "t.csv", "2020-11-H1", "65")
    from capaian.service import evaluate_cutoff

    with pytest.raises(FutureCutoffError):
        evaluate_cutoff(store, "2099-01-H1")


def test_future_cutoff_refused_by_the_cli(tmp_path):
    db = tmp_path / "c.duckdb"
    run_capaian(db, "db", "init")  # readers never create a store: the cut-off is what is refused
    for args in (["template", "submission", "--cutoff", "2099-01-H1", "--region", "65", "-o", str(tmp_path / "t.csv")],
                 ["evaluate", "--cutoff", "2099-01-H1"], ["facts", "--cutoff", "2099-01-H1"]):
        proc = run_capaian(db, *args, check=False)
        assert proc.returncode == 1, (args, proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stderr
        assert "2099-01-H1" in proc.stderr and "latest allowed" in proc.stderr


# -- 6. reader crashes -------------------------------------------------------------------------
def good_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def truncate_member(path: Path, member: str) -> Path:
    data = zipfile.ZipFile(path)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        for info in data.infolist():
            body = data.read(info.filename)
            out.writestr(info.filename, body[: len(body) // 2] if info.filename == member else body)
    path.write_bytes(buf.getvalue())
    return path


def test_unreadable_files_are_refused_in_one_line_by_the_cli_and_audited(tmp_path):
    db = tmp_path / "c.duckdb"
    long_cell = write(tmp_path, f"{HEAD},nama_wilayah\n65.01,2020-11-H1,1,1,{'x' * 131_073}\n", "panjang.csv")
    sheet = tmp_path / "terpotong.xlsx"
    good_xlsx(sheet, {"s": [HEAD.split(","), ["65.01", "2020-11-H1", 1, 1]]})
    truncate_member(sheet, "xl/worksheets/sheet1.xml")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(f"{HEAD},nama_wilayah\n65.01,2020-11-H1,1,1,Bulungan é\n".encode("latin-1"))
    empty = tmp_path / "kosong.xlsx"
    empty.write_bytes(b"")
    files = (long_cell, sheet, latin, empty)
    for path in files:
        proc = run_capaian(db, "import", "submission", str(path), check=False)
        assert proc.returncode == 1, proc.stdout
        assert "Traceback" not in proc.stderr and 'File "' not in proc.stderr
        first = proc.stderr.strip().splitlines()[0]
        assert path.name in first and " / " in first, proc.stderr
    with open_store(db) as store:
        audit = store.list_audit(action="submission.rejected")
        assert set(audit["object"]) == {f"file:{p.name}" for p in files}
        assert store.scalar("SELECT count(*) FROM facts") == 0


def test_register_file_unreadable_midway_is_refused_and_audited(tmp_path):
    from capaian.register import RESIDENT_COLUMNS, import_register

    store = open_store(":memory:")
    path = tmp_path / "penduduk.csv"
    good = "3171011501900001,1990-01-15,L,false,65.01.01.2001" + "," * (len(RESIDENT_COLUMNS) - 5)
    broken = '"unterminated,1990-01-15'
    path.write_text(",".join(RESIDENT_COLUMNS) + "\n" + "\n".join([good] * 5000 + [broken]) + "\n")
    with pytest.raises(CapaianError) as err:
        import_register(store, path, actor="t")
    assert "\n" not in err.value.text() and "penduduk.csv" in err.value.text()
    assert list(store.list_audit(action="import.register.rejected")["object"]) == ["file:penduduk.csv"]
    assert store.scalar("SELECT count(*) FROM residents") == 0


# -- 7. silent loss in xlsx --------------------------------------------------------------------
def test_formula_cells_without_saved_values_are_named(tmp_path, store):
    rows = [HEAD.split(",")] + [[code, "2020-11-H1", 1000, f"=C{i + 2}*1"] for i, code in enumerate(KALTARA)]
    path = good_xlsx(tmp_path / "rumus.xlsx", {"pengiriman": rows})
    with pytest.raises(SubmissionInvalid) as err:
        import_submission(store, path, actor="t")
    problems = err.value.report.problems
    assert [(p.rule, p.row, p.column, p.value) for p in problems] == [
        ("formula", i + 2, "ktp_terekam", f"=C{i + 2}*1") for i in range(len(KALTARA))]
    assert "not a formula" in problems[0].expected_en
    assert store.scalar("SELECT count(*) FROM facts") == 0


def test_data_on_a_second_sheet_needs_a_sheet_name(tmp_path, store):
    head = HEAD.split(",")
    path = good_xlsx(tmp_path / "dua.xlsx", {
        "Kaltara": [head, ["65.01", "2020-11-H1", 98652, 101361]],
        "Tambahan": [head, ["65.02", "2020-11-H1", 54144, 54529]],
    })
    report = validate_submission(path)
    assert report.problems[0].rule == "several_sheets"
    assert "'Kaltara'" in report.problems[0].message_id and "'Tambahan'" in report.problems[0].message_en
    assert validate_submission(path, sheet="Nope").problems[0].rule == "unknown_sheet"
    result = import_submission(store, path, actor="t", sheet="Tambahan")
    assert result.facts_written == 2
    assert set(store.current_facts("2020-11-H1")["region_code"]) == {"65.02"}


def test_cli_sheet_option(tmp_path):
    head = HEAD.split(",")
    path = good_xlsx(tmp_path / "dua.xlsx", {
        "a": [head, ["65.01", "2020-11-H1", 98652, 101361]], "b": [head, ["65.02", "2020-11-H1", 54144, 54529]]})
    db = tmp_path / "c.duckdb"
    refused = run_capaian(db, "import", "submission", str(path), check=False)
    assert refused.returncode == 1 and "--sheet" in refused.stderr
    done = run_capaian(db, "import", "submission", str(path), "--sheet", "b")
    assert "2 nilai disimpan" in done.stdout


# -- 8. values that can't be used --------------------------------------------------------------
def test_numerator_without_denominator_is_named_in_the_summary(tmp_path, store):
    alone = write(tmp_path, "kode_wilayah,cutoff,ktp_terekam\n65.01,2020-11-H1,101361\n")
    result = import_submission(store, alone, actor="t")
    assert result.facts_written == 1
    assert result.unusable == [{"region_code": "65.01", "fact": "ktp_terekam", "missing": "wajib_ktp"}]
    assert "1 nilai belum dapat dipakai" in result.summary("id") and "tanpa wajib_ktp" in result.summary("id")
    assert "can't be used in the evaluation" in result.summary("en")
    audit = store.list_audit(action="submission.import")
    assert audit["detail"].iloc[-1]["unusable"] == result.unusable
    # the denominator arrives later: nothing is left unusable
    later = write(tmp_path, "kode_wilayah,cutoff,wajib_ktp\n65.01,2020-11-H1,98652\n", "penyebut.csv")
    result = import_submission(store, later, actor="t")
    assert result.unusable == [] and "belum dapat dipakai" not in result.summary("id")


# -- 9. large files ----------------------------------------------------------------------------
def _never_parsed(monkeypatch):
    from capaian.intake import reader

    def refuse(*args, **kwargs):
        raise AssertionError("an oversized file was parsed")

    monkeypatch.setattr(reader, "_read_csv", refuse)
    monkeypatch.setattr(reader, "_read_xlsx", refuse)


def test_oversized_file_refused_before_it_is_parsed(tmp_path, store, monkeypatch):
    path = tmp_path / "besar.csv"
    line = b"65.01,2020-11-H1,abc,def\n"
    with path.open("wb") as handle:
        handle.write(HEAD.encode() + b"\n")
        handle.write(line * (50 * 1024 * 1024 // len(line)))
    _never_parsed(monkeypatch)
    with pytest.raises(SubmissionInvalid) as err:
        import_submission(store, path, actor="t")
    report = err.value.report
    assert [p.rule for p in report.problems] == ["file_size"] and report.total == 1
    assert "20 MB" in report.problems[0].expected_en
    assert path.stat().st_size > max_file_bytes()


def test_the_import_limit_is_the_upload_setting(tmp_path, store, monkeypatch):
    """One size limit for the CLI import, the upload page and the API: CAPAIAN_UPLOAD_MAX_MB."""
    from capaian.web.upload import max_bytes

    monkeypatch.setenv("CAPAIAN_UPLOAD_MAX_MB", "1")
    assert max_file_bytes() == max_bytes() == 1024 * 1024
    path = tmp_path / "sedang.csv"
    path.write_bytes(HEAD.encode() + b"\n" + b"65.01,2020-11-H1,1,1\n" * 60_000)  # about 1.3 MB
    _never_parsed(monkeypatch)
    with pytest.raises(SubmissionInvalid) as err:
        import_submission(store, path, actor="t")
    problem = err.value.report.problems[0]
    assert problem.rule == "file_size" and problem.expected_id == "paling besar 1 MB"
    assert "the limit is 1 MB" in problem.message_en


def test_error_listing_is_bounded_with_counts_per_kind(tmp_path):
    rows = "\n".join(f"65.01,2020-11-H1,x{i},-{i + 1}" for i in range(MAX_DATA_ROWS))
    report = validate_submission(write(tmp_path, f"{HEAD}\n{rows}\n"))
    assert len(report.problems) == MAX_LISTED_PROBLEMS
    assert report.counts["not_number"] == MAX_DATA_ROWS and report.counts["negative"] == MAX_DATA_ROWS
    assert report.counts["duplicate_region"] == MAX_DATA_ROWS - 1
    assert report.unlisted == report.total - MAX_LISTED_PROBLEMS
    assert f"{report.unlisted} not listed" in report.counts_text("en")
    assert "not_number: 2000" in report.text("en").splitlines()[-1]


def test_cli_prints_bounded_problems_and_totals(tmp_path):
    rows = "\n".join(f"65.01,2020-11-H1,x{i},1" for i in range(600))
    proc = run_capaian(tmp_path / "c.duckdb", "import", "submission", str(write(tmp_path, f"{HEAD}\n{rows}\n")),
                       check=False)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) <= MAX_LISTED_PROBLEMS + 3
    assert "1199 masalah" in proc.stderr.replace("\n", " ") and "nothing stored" in proc.stderr
