"""Aggregate submissions: whole-file validation, atomic import, supersession, templates."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from capaian.errors import CapaianError
from capaian.intake import (
    FACTS, MAX_COUNT, NumberProblem, SubmissionInvalid, import_submission, parse_number,
    validate_submission, write_template,
)
from capaian.store import open_store

DATA = Path(__file__).parent / "data"
EXAMPLE = Path(__file__).parent.parent / "examples" / "submission-65-2020-11-H1.csv"
HEADER = "kode_wilayah,nama_wilayah,cutoff,wajib_ktp,ktp_terekam,anak_lt17,kia_dimiliki"
TABLES = ("submissions", "fact_revisions", "facts", "audit_log", "evaluation_runs")


@pytest.fixture
def store(store_target):
    """An empty store on each backend (DuckDB, PostgreSQL)."""
    s = open_store(store_target)
    yield s
    s.close()


def write(tmp_path: Path, text: str, name: str = "kirim.csv", bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def csv_file(tmp_path, *rows, header=HEADER, name="kirim.csv") -> Path:
    return write(tmp_path, "\n".join([header, *rows]) + "\n", name)


def snapshot(store) -> dict:
    return {
        t: store.query_df(f"SELECT * FROM {t}").astype(str).sort_values(
            list(store.query_df(f"SELECT * FROM {t}").columns)).reset_index(drop=True)
        for t in TABLES
    }


def assert_same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for table in a:
        pd.testing.assert_frame_equal(a[table], b[table], obj=table)


def assert_refused_only(before: dict, after: dict) -> None:
    """Nothing changed but one `submission.rejected` audit entry."""
    assert_same({k: v for k, v in before.items() if k != "audit_log"},
                {k: v for k, v in after.items() if k != "audit_log"})
    old, new = before["audit_log"], after["audit_log"]
    added = new[~new["id"].isin(old["id"])]
    assert len(new) == len(old) + 1 and list(added["action"]) == ["submission.rejected"]


def only(report, rule):
    hits = [p for p in report.problems if p.rule == rule]
    assert hits, f"no {rule!r} in {[p.rule for p in report.problems]}"
    return hits


GOOD = "65.01,Kabupaten Bulungan,2020-11-H1,98652,101361,44077,20914"


# -- one file per rule -------------------------------------------------------------------------
def test_valid_file_passes(tmp_path):
    report = validate_submission(csv_file(tmp_path, GOOD, "65.02,Malinau,2020-11-H1,54144,54529,24191,9838"))
    assert report.ok, report.text()
    assert report.cutoff == "2020-11-H1"
    assert report.facts == ["wajib_ktp", "ktp_terekam", "anak_lt17", "kia_dimiliki"]
    assert [(r, c) for r, c, _ in report.rows] == [(2, "65.01"), (3, "65.02")]


def test_missing_required_column(tmp_path):
    path = csv_file(tmp_path, "65.01,Bulungan,98652", header="kode_wilayah,nama_wilayah,wajib_ktp")
    problem = only(validate_submission(path), "missing_column")[0]
    assert (problem.row, problem.column) == (1, "cutoff")
    assert "kirim.csv" in problem.text() and "baris 1" in problem.text()


def test_unknown_column(tmp_path):
    path = csv_file(tmp_path, "65.01,2020-11-H1,5,7", header="kode_wilayah,cutoff,pks,jumlah_kk")
    problem = only(validate_submission(path), "unknown_column")[0]
    assert (problem.row, problem.column, problem.value) == (1, "jumlah_kk", "jumlah_kk")


def test_no_fact_column(tmp_path):
    path = csv_file(tmp_path, "65.01,Bulungan,2020-11-H1", header="kode_wilayah,nama_wilayah,cutoff")
    assert only(validate_submission(path), "no_fact_columns")[0].row == 1


def test_malformed_and_unknown_region_codes(tmp_path):
    path = csv_file(
        tmp_path, GOOD, "6x.01,Salah,2020-11-H1,1,1,1,1", "65.99,Tidak ada,2020-11-H1,1,1,1,1",
        ",Kosong,2020-11-H1,1,1,1,1",
    )
    report = validate_submission(path)
    bad = only(report, "bad_code")[0]
    assert (bad.row, bad.column, bad.value) == (3, "kode_wilayah", "6x.01")
    unknown = only(report, "unknown_code")[0]
    assert (unknown.row, unknown.column, unknown.value) == (4, "kode_wilayah", "65.99")
    assert only(report, "missing_code")[0].row == 5


def test_region_tier_must_be_province_or_regency(tmp_path):
    path = csv_file(tmp_path, "65.01.01,Kecamatan,2020-11-H1,1,1,1,1")
    problem = only(validate_submission(path), "wrong_tier")[0]
    assert (problem.row, problem.column) == (2, "kode_wilayah")


def test_jurisdiction_of_province_and_regency(tmp_path):
    rows = [GOOD, "65,Kalimantan Utara,2020-11-H1,1,1,1,1", "64.01,Paser,2020-11-H1,1,1,1,1"]
    path = csv_file(tmp_path, *rows)
    province = validate_submission(path, operator_scope="65")
    problem = only(province, "out_of_scope")[0]
    assert (problem.row, problem.column, problem.value) == (4, "kode_wilayah", "64.01")
    assert len(province.problems) == 1  # itself and its regency are fine
    regency = validate_submission(path, operator_scope="65.01")
    assert [p.row for p in only(regency, "out_of_scope")] == [3, 4]
    assert validate_submission(path, operator_scope=None).ok


def test_mixed_and_malformed_cutoffs(tmp_path):
    path = csv_file(
        tmp_path, GOOD, "65.02,Malinau,2020-11-H1,1,1,1,1", "65.03,Nunukan,2020-11-H2,1,1,1,1",
        "65.04,Tana Tidung,2020-13-H1,1,1,1,1", "65.71,Tarakan,,1,1,1,1",
    )
    report = validate_submission(path)
    assert report.cutoff == "2020-11-H1"
    mixed = only(report, "mixed_cutoff")[0]
    assert (mixed.row, mixed.column, mixed.value) == (4, "cutoff", "2020-11-H2")
    bad = only(report, "bad_cutoff")[0]
    assert (bad.row, bad.column, bad.value) == (5, "cutoff", "2020-13-H1")
    assert only(report, "missing_cutoff")[0].row == 6


def test_negative_and_non_integer_counts(tmp_path):
    path = csv_file(
        tmp_path, "65.01,Bulungan,2020-11-H1,-5,100,50,10", "65.02,Malinau,2020-11-H1,100,101,93,50,10",
        header="kode_wilayah,nama_wilayah,cutoff,wajib_ktp,ktp_terekam,anak_lt17,kia_dimiliki",
    )
    report = validate_submission(path)
    negative = only(report, "negative")[0]
    assert (negative.row, negative.column, negative.value) == (2, "wajib_ktp", "-5")
    path = write(tmp_path, f"{HEADER.replace(',', ';')}\n65.02;Malinau;2020-11-H1;100;101,93;50;10\n")
    whole = only(validate_submission(path), "not_whole")[0]
    assert (whole.row, whole.column, whole.value) == (2, "ktp_terekam", "101,93")
    assert "bilangan bulat" in whole.text("id") and "whole number" in whole.text("en")


def test_ambiguous_count_is_refused(tmp_path):
    path = write(tmp_path, f'{HEADER}\n65.01,Bulungan,2020-11-H1,"1,234",1300,50,10\n')
    problem = only(validate_submission(path), "ambiguous")[0]
    assert (problem.row, problem.column, problem.value) == (2, "wajib_ktp", "1,234")
    assert "ambiguous" in problem.message_en and "bermakna ganda" in problem.message_id


def test_numerator_above_denominator(tmp_path):
    """Above 100 % is real for every coverage indicator (denominators fixed at the base); only
    more than MAX_NUMERATOR_RATIO x the denominator is refused, the same rule for each pair."""
    header = "kode_wilayah,cutoff,wajib_ktp,ktp_terekam,anak_lt17,kia_dimiliki,anak_lt18,akta_lahir_dimiliki,bpp_persen"
    path = csv_file(
        tmp_path,
        "65.01,2020-11-H1,100,103,50,51,60,61,80",    # KIA and akta above 100 %: accepted
        "65.02,2020-11-H1,100,103,50,50,60,60,120",   # KTP-el above 100 % and percent > 100: fine
        "65.03,2020-11-H1,100,201,50,101,60,121,80",  # each more than twice its denominator
        header=header,
    )
    report = validate_submission(path)
    implausible = only(report, "implausible_ratio")
    assert sorted((p.row, p.column) for p in implausible) == [
        (4, "akta_lahir_dimiliki"), (4, "kia_dimiliki"), (4, "ktp_terekam")]
    assert len(report.problems) == 3
    kia = next(p for p in implausible if p.column == "kia_dimiliki")
    assert "more than 2x anak_lt17" in kia.message_en


def test_duplicate_region(tmp_path):
    path = csv_file(tmp_path, GOOD, "65.02,Malinau,2020-11-H1,1,1,1,1", GOOD)
    report = validate_submission(path)
    problem = only(report, "duplicate_region")[0]
    assert (problem.row, problem.column) == (4, "kode_wilayah")
    assert "row 2" in problem.message_en


def test_empty_files(tmp_path):
    assert only(validate_submission(write(tmp_path, "")), "empty")[0].row is None
    assert only(validate_submission(write(tmp_path, "\ufeff\n\n", "b.csv")), "empty")
    header_only = validate_submission(write(tmp_path, HEADER + "\n", "c.csv"))
    assert only(header_only, "empty")[0].row == 2
    blank_values = validate_submission(csv_file(tmp_path, "65.01,Bulungan,2020-11-H1,,,,", name="d.csv"))
    assert only(blank_values, "no_values")


def test_unreadable_files(tmp_path):
    assert only(validate_submission(write(tmp_path, "x", "a.pdf")), "file_type")
    broken = tmp_path / "rusak.xlsx"
    broken.write_bytes(b"not a zip file")
    problem = only(validate_submission(broken), "unreadable")[0]
    assert problem.file == "rusak.xlsx"
    latin = tmp_path / "latin.csv"
    latin.write_bytes("kode_wilayah,cutoff,pks\n65.01,2020-11-H1,5 é\n".encode("latin-1"))
    assert "UTF-8" in only(validate_submission(latin), "unreadable")[0].message_en


def test_flag_values(tmp_path):
    path = csv_file(
        tmp_path, "65.01,2020-11-H1,1,ya", "65.02,2020-11-H1,2,0",
        header="kode_wilayah,cutoff,layanan_online,layanan_terintegrasi",
    )
    report = validate_submission(path)
    problem = only(report, "not_flag")[0]
    assert (problem.row, problem.column, problem.value) == (3, "layanan_online", "2")
    assert len(report.problems) == 1


def test_all_problems_reported_at_once(tmp_path):
    path = csv_file(
        tmp_path,
        "65.01,Bulungan,2020-11-H1,-1,1,1,1",
        "65.99,X,2020-11-H1,1,1,1,1",
        "65.02,Malinau,2020-11-H2,1,1,1,3",
        header=HEADER + ",warna",
    )
    rules = validate_submission(path).rules()
    assert {"unknown_column", "negative", "unknown_code", "mixed_cutoff", "implausible_ratio"} <= rules


# -- numbers -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text,kind,value",
    [("467.701", "count", 467701), ("1.234.567", "count", 1234567), ("467701", "count", 467701),
     (" 12 ", "count", 12), ("1.234,00", "count", 1234), ("101,93", "percent", 101.93),
     ("101.93", "percent", 101.93), ("75", "percent", 75), ("1.234,5", "percent", 1234.5),
     ("102,8 %", "percent", 102.8), ("ya", "flag", 1), ("0", "flag", 0)],
)
def test_numbers_accepted(text, kind, value):
    assert parse_number(text, kind) == value


@pytest.mark.parametrize(
    "text,kind,rule",
    [("1,234", "count", "ambiguous"), ("101,93", "count", "not_whole"), ("12.5", "count", "not_whole"),
     ("-3", "count", "negative"), ("abc", "count", "not_number"), ("1.234", "percent", "ambiguous"),
     ("1,234", "percent", "ambiguous"), ("2", "flag", "not_flag"), ("1.23.4", "count", "not_number")],
)
def test_numbers_refused(text, kind, rule):
    with pytest.raises(NumberProblem) as err:
        parse_number(text, kind)
    assert err.value.rule == rule


@given(st.integers(min_value=0, max_value=MAX_COUNT))
def test_indonesian_thousands_round_trip(n):
    assert parse_number(f"{n:,}".replace(",", "."), "count") == n
    assert parse_number(str(n), "count") == n


# -- formats -----------------------------------------------------------------------------------
def test_semicolon_bom_and_indonesian_numbers(tmp_path, store):
    text = (
        "Kode_Wilayah;Nama_Wilayah;Cutoff;wajib_ktp;ktp_terekam;bpp_persen\n"
        "65.01;Kabupaten Bulungan;2020-11-H1;98.652;101.361;101,93\n"
        '65.71;"Kota Tarakan; pusat";2020-11-H1;158.760;162.312;75\n'
    )
    path = write(tmp_path, text, bom=True)
    report = validate_submission(path)
    assert report.ok, report.text()
    import_submission(store, path, actor="tester")
    now = store.current_facts("2020-11-H1").set_index(["region_code", "fact"])["value"]
    assert now[("65.01", "wajib_ktp")] == 98652
    assert now[("65.71", "ktp_terekam")] == 162312
    assert now[("65.01", "bpp_persen")] == pytest.approx(101.93)


def test_xlsx_input(tmp_path, store):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["kode_wilayah", "nama_wilayah", "cutoff", "wajib_ktp", "anak_lt17", "kia_dimiliki"])
    sheet.append(["65.01", "Kabupaten Bulungan", "2020-11-H1", 98652, 44077.0, "20.914"])
    sheet.append(["65.02", "Kabupaten Malinau", "2020-11-H1", 54144, 24191, 9838])
    path = tmp_path / "kirim.xlsx"
    book.save(path)
    result = import_submission(store, path, actor="tester", operator_scope="65")
    assert result.status == "imported" and result.rows == 2
    now = store.current_facts("2020-11-H1").set_index(["region_code", "fact"])["value"]
    assert now[("65.01", "kia_dimiliki")] == 20914 and now[("65.02", "anak_lt17")] == 24191
    sheet.append(["65.03", "Kabupaten Nunukan", "2020-11-H1", 1.5, 10, 11])
    bad = tmp_path / "buruk.xlsx"
    book.save(bad)
    report = validate_submission(bad)
    assert [(p.rule, p.row, p.column, p.value) for p in report.problems] == [
        ("not_whole", 4, "wajib_ktp", "1.5")]
    sheet.append(["65.04", "Kabupaten Tana Tidung", "2020-11-H2", 10, 10, 21])
    book.save(bad)
    report = validate_submission(bad)
    assert [(p.rule, p.row, p.column) for p in report.problems] == [
        ("not_whole", 4, "wajib_ktp"), ("mixed_cutoff", 5, "cutoff"),
        ("implausible_ratio", 5, "kia_dimiliki")]


# -- import --------------------------------------------------------------------------------------
def test_invalid_file_writes_nothing(tmp_path, store):
    import_submission(store, EXAMPLE, actor="tester")
    before = snapshot(store)
    path = csv_file(tmp_path, GOOD, "65.99,X,2020-11-H1,1,1,1,1")
    with pytest.raises(SubmissionInvalid) as err:
        import_submission(store, path, actor="tester")
    assert isinstance(err.value, CapaianError)
    assert [p.rule for p in err.value.report.problems] == ["unknown_code"]
    assert "kirim.csv" in str(err.value)
    assert_refused_only(before, snapshot(store))


def test_interrupted_import_leaves_store_unchanged(tmp_path, store, monkeypatch):
    import_submission(store, EXAMPLE, actor="tester")
    before = snapshot(store)
    corrected = csv_file(tmp_path, "65.01,Kabupaten Bulungan,2020-11-H1,98700,101400,44077,20999")

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "audit", boom)  # the last step inside the transaction
    with pytest.raises(RuntimeError, match="disk full"):
        import_submission(store, corrected, actor="tester")
    monkeypatch.undo()
    assert_same(before, snapshot(store))
    # and the same file imports fine afterwards
    assert import_submission(store, corrected, actor="tester").status == "imported"


def test_reimport_same_content_is_a_no_op(store):
    first = import_submission(store, EXAMPLE, actor="tester")
    before = snapshot(store)
    again = import_submission(store, EXAMPLE, actor="someone-else")
    assert again.status == "duplicate" and again.submission_id == first.submission_id
    assert "sudah pernah diimpor" in again.summary("id") and "already imported" in again.summary("en")
    assert_same(before, snapshot(store))


def test_example_file_imports_with_seed_totals(store):
    result = import_submission(store, EXAMPLE, actor="tester", operator_scope="65")
    assert result.status == "imported" and result.rows == 5
    sums = store.current_facts("2020-11-H1").groupby("fact")["value"].sum()
    assert sums["ktp_terekam"] == 467_701 and sums["wajib_ktp"] == 458_845
    assert sums["kia_dimiliki"] == 91_763 and sums["anak_lt17"] == 205_011
    assert sums["akta_lahir_dimiliki"] == 218_142 and sums["anak_lt18"] == 226_735
    sub = store.get_submission(result.submission_id)
    assert sub["status"] == "current" and sub["scope_region"] == "65" and sub["rows"] == 5
    entry = store.list_audit(action="submission.import").iloc[0]
    assert entry["actor"] == "tester" and entry["object"] == f"submission:{result.submission_id}"
    assert entry["detail"]["regions"] == ["65.01", "65.02", "65.03", "65.04", "65.71"]


def test_corrected_submission_supersedes_with_audit_trail(tmp_path, store):
    first = import_submission(store, EXAMPLE, actor="kaltara-op", operator_scope="65")
    rev_first = store.fact_revision("2020-11-H1")
    corrected = csv_file(
        tmp_path, "65.01,Kabupaten Bulungan,2020-11-H1,98652,101500,44077,21000",
        name="koreksi.csv",
    )
    second = import_submission(store, corrected, actor="bulungan-op", operator_scope="65.01")
    assert second.status == "imported" and second.supersedes == [first.submission_id]
    assert sorted((c["region_code"], c["fact"], c["old"], c["new"]) for c in second.changes) == [
        ("65.01", "kia_dimiliki", 20914.0, 21000.0), ("65.01", "ktp_terekam", 101361.0, 101500.0)]
    entry = store.list_audit(action="submission.import").iloc[-1]
    assert entry["actor"] == "bulungan-op" and entry["at"] is not None
    assert {(c["fact"], c["old"], c["new"]) for c in entry["detail"]["changes"]} == {
        ("kia_dimiliki", 20914.0, 21000.0), ("ktp_terekam", 101361.0, 101500.0)}
    now = store.current_facts("2020-11-H1").set_index(["region_code", "fact"])
    assert now.loc[("65.01", "ktp_terekam"), "value"] == 101500
    assert now.loc[("65.01", "ktp_terekam"), "source"].endswith("koreksi.csv")
    assert now.loc[("65.01", "wajib_ktp"), "value"] == 98652  # unchanged value kept
    assert now.loc[("65.02", "ktp_terekam"), "value"] == 54529  # other regions untouched
    old = store.current_facts("2020-11-H1", revision=rev_first).set_index(["region_code", "fact"])
    assert old.loc[("65.01", "ktp_terekam"), "value"] == 101361
    assert store.fact_revision("2020-11-H1") > rev_first
    assert store.get_submission(first.submission_id)["status"] == "partly_superseded"
    assert store.get_submission(second.submission_id)["status"] == "current"
    assert list(store.get_submission(second.submission_id)["supersedes"]) == [first.submission_id]


def test_resubmission_without_changes_keeps_revision(tmp_path, store):
    import_submission(store, EXAMPLE, actor="tester")
    revision = store.fact_revision("2020-11-H1")
    same_values = write(tmp_path, EXAMPLE.read_text(encoding="utf-8").replace(",", ";"), "sama.csv")
    result = import_submission(store, same_values, actor="tester")
    assert result.status == "unchanged" and result.facts_written == 0
    assert store.fact_revision("2020-11-H1") == revision


def test_golden_kalimantan_timur_kia_2021_06_h1(store):
    path = DATA / "kaltim-kia-2021-06-H1.csv"
    report = validate_submission(path, operator_scope="64")
    assert report.ok, report.text()
    import_submission(store, path, actor="kaltim-op", operator_scope="64")
    facts = store.current_facts("2021-06-H1")
    assert len(facts) == 20 and set(facts["region_code"].str[:3]) == {"64."}
    sums = facts.groupby("fact")["value"].sum()
    assert sums["anak_lt17"] == 1_174_848
    assert sums["kia_dimiliki"] == 499_093
    paser = facts.set_index(["region_code", "fact"])["value"]
    assert paser[("64.01", "anak_lt17")] == 86_085 and paser[("64.01", "kia_dimiliki")] == 53_614


def test_a_named_denominator_base_is_accepted_when_known_and_counted_by_the_cutoff(tmp_path):
    """Bases are accepted, not enforced (issue 20): an older known base is kept per region; a base
    counted after the cut-off is refused, naming the base in force."""
    path = tmp_path / "base.csv"
    path.write_text("kode_wilayah,cutoff,basis_penyebut,wajib_ktp,ktp_terekam\n"
                    "65.01,2020-11-H1,dkb-2019-s2,100,99\n"
                    "65.02,2020-11-H1,dkb-2021-s1,100,99\n", encoding="utf-8")
    report = validate_submission(path)
    assert report.rules() == {"wrong_base"}
    problem = next(p for p in report.problems if p.rule == "wrong_base")
    assert (problem.row, problem.column, problem.value) == (3, "basis_penyebut", "dkb-2021-s1")
    assert "dkb-2020-s1" in problem.message_en and "1 September 2020" in problem.message_id
    assert report.bases == {"65.01": "dkb-2019-s2"}


# -- templates ---------------------------------------------------------------------------------
def test_csv_template_for_a_province(tmp_path):
    path = write_template(tmp_path / "t.csv", "2020-11-H1", "65")
    frame = pd.read_csv(path, dtype=str)
    assert frame["kode_wilayah"].tolist() == ["65.01", "65.02", "65.03", "65.04", "65.71"]
    assert frame["nama_wilayah"].iloc[4] == "Kota Tarakan"
    assert set(frame["cutoff"]) == {"2020-11-H1"}
    assert set(frame["basis_penyebut"]) == {"dkb-2020-s1"}  # the denominator base in force on 15 Nov 2020
    assert list(frame.columns[4:]) == list(FACTS)
    # unfilled it is refused, filled it passes
    assert "no_values" in validate_submission(path).rules()
    frame["pks"] = "15"
    frame.to_csv(path, index=False)
    assert validate_submission(path, operator_scope="65").ok


def test_xlsx_template_for_a_regency(tmp_path):
    path = write_template(tmp_path / "t.xlsx", "2021-06-H1", "64.72", facts=["anak_lt17", "kia_dimiliki"])
    sheet = openpyxl.load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("kode_wilayah", "nama_wilayah", "cutoff", "basis_penyebut", "anak_lt17", "kia_dimiliki")
    assert rows[1][:4] == ("64.72", "Kota Samarinda", "2021-06-H1", "dkb-2020-s2")
    assert len(rows) == 2
    with pytest.raises(CapaianError):
        write_template(tmp_path / "t.pdf", "2021-06-H1", "64")
    with pytest.raises(CapaianError):
        write_template(tmp_path / "u.csv", "2021-06-H1", "64", facts=["jumlah_kk"])
