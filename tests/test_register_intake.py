"""Register and service-events import: schema, every row rule, quarantine, transactions."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from capaian.errors import CapaianError
from capaian.register import (
    designated_documents,
    document_code,
    document_list,
    import_events,
    import_register,
    nik_problem,
    reason_text,
)
from capaian.register import validate as v
from capaian.store import open_store

TODAY = dt.date(2021, 1, 10)


class SmallHierarchy:
    """Two regencies, three villages: enough for the rules, independent of the real hierarchy."""

    def region_frame(self) -> pd.DataFrame:
        rows = [
            ("65", "province"),
            ("65.01", "regency"),
            ("65.01.01", "district"),
            ("65.01.01.2001", "village"),
            ("65.01.01.2002", "village"),
            ("65.02", "regency"),
            ("65.02.01", "district"),
            ("65.02.01.2001", "village"),
        ]
        return pd.DataFrame(rows, columns=["code", "tier"])


H = SmallHierarchy()


def person(**over) -> dict:
    row = {
        "nik": "6501011508030001",
        "birth_date": "2003-08-15",
        "sex": "L",
        "ever_married": "false",
        "village_code": "65.01.01.2001",
        "ktp_recorded_on": "2020-09-01",
        "kia_issued_on": "",
        "birth_cert_issued_on": "2004-01-01",
        "died_on": "",
        "moved_out_on": "",
    }
    row.update(over)
    return row


def event(**over) -> dict:
    row = {
        "nik": "6501011508030001",
        "document_type": "kartu_keluarga",
        "issued_on": "2020-11-03",
        "issuing_regency": "65.01",
        "paper": "putih",
        "signed_electronically": "true",
        "channel": "kantor",
    }
    row.update(over)
    return row


def write_csv(tmp_path, rows, name="residents.csv") -> str:
    path = tmp_path / name
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


@pytest.fixture
def store():
    s = open_store(":memory:")
    yield s
    s.close()


def run(store, tmp_path, rows, **kw):
    return import_register(store, write_csv(tmp_path, rows), actor="test", hierarchy=H, today=TODAY, **kw)


def quarantine(store) -> pd.DataFrame:
    return store.con.execute("SELECT * FROM quarantine ORDER BY import_id, row_number").df()


# -- residents: accepted rows ---------------------------------------------------------------
def test_valid_rows_are_stored_normalised(store, tmp_path):
    rows = [
        person(),
        person(nik="6501-01-550803-0002", sex="p", village_code="6501012002", ever_married="ya"),
    ]
    summary = run(store, tmp_path, rows)
    assert (summary.read, summary.accepted, summary.quarantined) == (2, 2, 0)
    got = store.con.execute(
        "SELECT nik, sex, ever_married, village_code, birth_date, kia_issued_on FROM residents ORDER BY nik"
    ).fetchall()
    assert got == [
        ("6501011508030001", "L", False, "65.01.01.2001", dt.date(2003, 8, 15), None),
        ("6501015508030002", "P", True, "65.01.01.2002", dt.date(2003, 8, 15), None),
    ]
    imports = store.con.execute(
        "SELECT kind, rows_total, rows_accepted, rows_quarantined, actor FROM register_imports"
    ).fetchall()
    assert imports == [("register", 2, 2, 0, "test")]
    assert "2 diterima" in summary.text("id") and "2 accepted" in summary.text("en")
    audit = store.list_audit(action="import.register")
    assert len(audit) == 1 and audit.iloc[0]["detail"]["accepted"] == 2


# -- residents: one rule at a time ------------------------------------------------------------
RULES = [
    ("nik_missing", {"nik": ""}),
    ("nik_format", {"nik": "650101150803001"}),  # 15 digits
    ("nik_format", {"nik": "65010115O8030001"}),  # a letter O
    ("nik_region", {"nik": "9901011508030001"}),  # no province 99
    ("nik_date", {"nik": "6501018108030001"}),  # day 81 - 40 = 41
    ("nik_date", {"nik": "6501013002030001"}),  # 30 Feb
    ("nik_date", {"nik": "6501012902030001"}),  # 29 Feb 03 (never a leap year)
    ("nik_date", {"nik": "6501011513030001"}),  # month 13
    ("birth_date_missing", {"birth_date": ""}),
    ("birth_date_invalid", {"birth_date": "2003-02-30"}),
    ("birth_date_future", {"birth_date": "2021-02-01", "ktp_recorded_on": "", "birth_cert_issued_on": ""}),
    ("sex_invalid", {"sex": "X"}),
    ("ever_married_invalid", {"ever_married": "maybe"}),
    ("village_missing", {"village_code": ""}),
    ("village_unknown", {"village_code": "65.01.01.2999"}),
    ("ktp_recorded_on_before_birth", {"ktp_recorded_on": "2003-08-14"}),
    ("kia_issued_on_before_birth", {"kia_issued_on": "2001-01-01"}),
    ("birth_cert_issued_on_before_birth", {"birth_cert_issued_on": "2003-08-01"}),
    ("died_on_before_birth", {"died_on": "2002-12-31"}),
    ("moved_out_on_before_birth", {"moved_out_on": "2003-08-14"}),
    ("ktp_recorded_on_invalid", {"ktp_recorded_on": "kemarin"}),
    ("ktp_recorded_on_future", {"ktp_recorded_on": "2021-01-11"}),
    ("died_on_future", {"died_on": "2022-01-01"}),
]


@pytest.mark.parametrize("reason,change", RULES, ids=[f"{r}-{i}" for i, (r, _) in enumerate(RULES)])
def test_each_rule_quarantines_its_row(store, tmp_path, reason, change):
    rows = [person(nik="6501011508030009"), person(**change)]
    summary = run(store, tmp_path, rows)
    assert (summary.read, summary.accepted, summary.quarantined) == (2, 1, 1)
    assert summary.reasons == {reason: 1}
    q = quarantine(store)
    assert q["row_number"].tolist() == [2]
    assert q["reason"].tolist() == [reason]
    raw = json.loads(q["raw"].iloc[0])
    assert set(raw) >= {"nik", "birth_date", "village_code"}
    assert store.scalar("SELECT count(*) FROM residents") == 1
    assert reason_text(reason, "id") != reason_text(reason, "en")


def test_a_row_keeps_every_reason(store, tmp_path):
    summary = run(store, tmp_path, [person(nik="123", sex="?", village_code="65.09.01.2001")])
    assert summary.quarantined == 1
    assert quarantine(store)["reason"].iloc[0] == "nik_format, sex_invalid, village_unknown"
    assert summary.reasons == {"nik_format": 1, "sex_invalid": 1, "village_unknown": 1}


def test_duplicate_nik_keeps_the_first_row(store, tmp_path):
    rows = [person(), person(nik="6501011508030002"), person(village_code="65.01.01.2002")]
    summary = run(store, tmp_path, rows)
    assert (summary.accepted, summary.quarantined) == (2, 1)
    q = quarantine(store)
    assert q["row_number"].tolist() == [3] and q["reason"].tolist() == ["duplicate_nik"]
    assert store.scalar("SELECT village_code FROM residents WHERE nik = '6501011508030001'") == "65.01.01.2001"


def test_kia_after_17th_birthday_is_kept_with_a_warning(store, tmp_path):
    rows = [person(kia_issued_on="2020-08-15"), person(nik="6501011508030002", kia_issued_on="2020-08-14")]
    summary = run(store, tmp_path, rows)
    assert (summary.accepted, summary.quarantined) == (2, 0)
    assert summary.warnings == {"kia_after_17": 1}


def test_women_nik_day_plus_40_and_leap_day(store, tmp_path):
    rows = [
        person(nik="6501016902040001", sex="P", birth_date="2004-02-29", birth_cert_issued_on="2004-03-01"),
        person(nik="6501017108030001", sex="P"),  # 31 + 40 in August
        person(nik="6501010101000001", birth_date="2000-01-01", ktp_recorded_on="2018-01-01",
               birth_cert_issued_on=""),
    ]
    summary = run(store, tmp_path, rows)
    assert summary.quarantined == 0


# -- whole-file behaviour --------------------------------------------------------------------
def test_missing_columns_refuse_the_whole_file(store, tmp_path):
    frame = pd.DataFrame([person()]).drop(columns=["village_code", "died_on"])
    path = tmp_path / "short.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(CapaianError) as info:
        import_register(store, path, actor="t", hierarchy=H, today=TODAY)
    message = str(info.value)
    assert "short.csv" in message and "village_code" in message and "died_on" in message
    assert "ditolak" in message and "refused" in message
    for table in ("residents", "quarantine", "register_imports"):
        assert store.scalar(f"SELECT count(*) FROM {table}") == 0


def test_unsupported_format_is_refused(store, tmp_path):
    path = tmp_path / "residents.xlsx"
    path.write_bytes(b"not really")
    with pytest.raises(CapaianError, match="residents.xlsx"):
        import_register(store, path, actor="t", hierarchy=H, today=TODAY)


def test_parquet_and_csv_give_the_same_result(tmp_path):
    rows = [person(), person(nik="6501011508030002", sex="Q"), person(nik="6501015508030003", sex="P")]
    frame = pd.DataFrame(rows)
    csv_path = tmp_path / "r.csv"
    frame.to_csv(csv_path, index=False)
    typed = frame.copy()
    for col in ("birth_date", "ktp_recorded_on", "kia_issued_on", "birth_cert_issued_on", "died_on", "moved_out_on"):
        typed[col] = pd.to_datetime(typed[col].replace("", None)).dt.date
    typed["ever_married"] = typed["ever_married"] == "true"
    parquet_path = tmp_path / "r.parquet"
    typed.to_parquet(parquet_path, index=False)
    results = []
    for path in (csv_path, parquet_path):
        s = open_store(":memory:")
        summary = import_register(s, path, actor="t", hierarchy=H, today=TODAY)
        stored = s.con.execute("SELECT * EXCLUDE (import_id) FROM residents ORDER BY nik").fetchall()
        q = s.con.execute("SELECT row_number, reason FROM quarantine").fetchall()
        results.append((summary.accepted, summary.quarantined, stored, q))
        s.close()
    assert results[0] == results[1]
    assert results[0][3] == [(2, "sex_invalid")]


def test_a_failure_leaves_every_table_unchanged(store, tmp_path, monkeypatch):
    run(store, tmp_path, [person()])
    before = {t: store.con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
              for t in ("residents", "quarantine", "register_imports")}

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "audit", boom)
    rows = [person(nik="6501011508030002"), person(nik="6501011508030003"), person(nik="bad")]
    with pytest.raises(RuntimeError, match="disk full"):
        import_register(store, write_csv(tmp_path, rows, "second.csv"), actor="t", hierarchy=H, today=TODAY)
    after = {t: store.con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in before}
    assert after == before


def test_plain_duckdb_connection_works_too(tmp_path):
    con = duckdb.connect()
    summary = import_register(con, write_csv(tmp_path, [person(), person(sex="")]), hierarchy=H, today=TODAY)
    assert (summary.accepted, summary.quarantined) == (1, 1)
    assert con.execute("SELECT count(*) FROM register_imports").fetchone()[0] == 1


def test_reimport_replaces_the_regencies_it_covers(store, tmp_path):
    first = [person(), person(nik="6502011508030001", village_code="65.02.01.2001")]
    run(store, tmp_path, first)
    summary = run(store, tmp_path, [person(ever_married="true")])
    assert summary.replaced == 1
    rows = store.con.execute("SELECT nik, ever_married FROM residents ORDER BY nik").fetchall()
    assert rows == [("6501011508030001", True), ("6502011508030001", False)]
    # the same NIK arriving for another regency while still stored there, with no move date
    # between them: quarantined, and the stored row with it (the order of imports decides nothing)
    summary = run(store, tmp_path, [person(nik="6502011508030001")])
    assert summary.reasons == {"nik_in_other_regency": 1} and summary.withdrawn == 1
    assert store.con.execute("SELECT count(*) FROM residents WHERE nik = '6502011508030001'").fetchone()[0] == 0


# -- service events ---------------------------------------------------------------------------
def run_events(store, tmp_path, rows):
    return import_events(store, write_csv(tmp_path, rows, "events.csv"), actor="test", hierarchy=H, today=TODAY)


EVENT_RULES = [
    ("document_type_unknown", {"document_type": "ktp_el"}),
    ("issued_on_missing", {"issued_on": ""}),
    ("issued_on_invalid", {"issued_on": "2020-13-01"}),
    ("issued_on_future", {"issued_on": "2021-02-01"}),
    ("regency_unknown", {"issuing_regency": "65.09"}),
    ("paper_invalid", {"paper": "kuning"}),
    ("signed_electronically_invalid", {"signed_electronically": "kadang"}),
    ("channel_invalid", {"channel": "pos"}),
    ("nik_format", {"nik": "12345"}),
    ("issued_before_birth", {"issued_on": "2003-08-14"}),
]


@pytest.mark.parametrize("reason,change", EVENT_RULES, ids=[r for r, _ in EVENT_RULES])
def test_each_event_rule(store, tmp_path, reason, change):
    run(store, tmp_path, [person()])
    summary = run_events(store, tmp_path, [event(), event(**change)])
    assert (summary.read, summary.accepted, summary.quarantined) == (2, 1, 1)
    assert set(summary.reasons) >= {reason}
    assert quarantine(store).query("reason.str.contains(@reason)")["row_number"].tolist() == [2]


def test_events_accept_names_empty_nik_and_plain_codes(store, tmp_path):
    rows = [
        event(document_type="Akta Kelahiran", nik=""),
        event(document_type="Surat Keterangan Datang dari Luar Negeri", issuing_regency="6502",
              paper="Security", signed_electronically="0", channel="ONLINE"),
    ]
    summary = run_events(store, tmp_path, rows)
    assert summary.quarantined == 0
    got = store.con.execute(
        "SELECT nik, document_type, issuing_regency, paper, signed_electronically, channel "
        "FROM service_events ORDER BY document_type"
    ).fetchall()
    assert got == [
        (None, "akta_kelahiran", "65.01", "putih", True, "kantor"),
        ("6501011508030001", "surat_keterangan_datang_dari_luar_negeri", "65.02", "security", False, "online"),
    ]


def test_events_missing_column_refused(store, tmp_path):
    path = tmp_path / "ev.csv"
    pd.DataFrame([event()]).drop(columns=["channel"]).to_csv(path, index=False)
    with pytest.raises(CapaianError, match="channel"):
        import_events(store, path, actor="t", hierarchy=H, today=TODAY)


# -- documents -------------------------------------------------------------------------------
def test_designated_documents_2020_to_2022():
    for year in (2020, 2021, 2022):
        docs = designated_documents(year)
        assert len(docs) == 18 and len(set(docs)) == 18
        assert "kartu_keluarga" in docs and "akta_kelahiran" in docs
    assert document_list(2020).status == "assumption"
    assert designated_documents(2025) == designated_documents(2022)  # latest earlier list
    assert designated_documents(2019) == designated_documents(2020)  # earliest list
    assert document_code("Surat Keterangan Pindah Luar Negeri ") == "surat_keterangan_pindah_luar_negeri"


# -- NIK: the single check and the bulk SQL agree -------------------------------------------
_CON = None


def _sql_problems(values: list[str | None]) -> list[str | None]:
    global _CON
    if _CON is None:
        _CON = duckdb.connect()
        prefixes = pd.DataFrame({"prefix": sorted(v.nik_provinces())})
        _CON.register("_p", prefixes)
        _CON.execute("CREATE TEMP TABLE _nik_prefix AS SELECT prefix FROM _p")
    _CON.register("t", pd.DataFrame({"i": range(len(values)), "nik": pd.Series(values, dtype="object")}))
    sql = f"SELECT i, {v.nik_problem_sql('c')} FROM (SELECT i, {v.compact_nik_sql('nik')} AS c FROM t) ORDER BY i"
    return [row[1] for row in _CON.execute(sql).fetchall()]


SAMPLE = [
    "6501011508030001", "6501015508030001", "6501019508030001", "6501010002030001",
    "6501012902000001", "6501016902010001", "6501013104030001", "6501013112990001",
    "3171011708450001", "9971011708450001", "6405010101600001", "65.0101-1508030001",
    "650101150803000", "65010115080300011", "", None, "abcdefghijklmnop",
]
nik_text = st.one_of(
    st.text(alphabet="0123456789", min_size=16, max_size=16),
    st.builds(
        lambda prefix, d, m, y, s: f"{prefix}{d:02d}{m:02d}{y:02d}{s:04d}",
        st.sampled_from(["650101", "650201", "317101", "640701", "990101", "737101", "000000", "960101"]),
        st.integers(0, 99), st.integers(0, 14), st.integers(0, 99), st.integers(0, 9999),
    ),
)


def test_nik_single_and_bulk_agree_on_a_sample():
    from capaian.nik import NikError, parse_nik

    assert [nik_problem(x) for x in SAMPLE] == _sql_problems(SAMPLE)
    for text in SAMPLE:  # nik_problem is parse_nik with reason codes
        try:
            parse_nik(text if text is not None else "")
            valid = True
        except NikError:
            valid = False
        assert valid == (nik_problem(text) is None)


@settings(max_examples=60, deadline=None)
@given(st.lists(nik_text, min_size=1, max_size=40))
def test_nik_single_and_bulk_agree_property(values):
    assert [nik_problem(x) for x in values] == _sql_problems(values)
