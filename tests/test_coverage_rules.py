"""Coverage rules on real published shapes: figures above 100 % are accepted and flagged for every
coverage indicator (only an implausible ratio is refused), as Dukcapil publishes them; a province
is its regencies' sum only when all report (else its own total, else an undecided partial sum);
an office with no data is not assessed (no level, no rank) on every surface.

Fixture `data/akta-provinsi-2018-03-H2.csv`: three provinces of the March 2018 akta ranking, with
their published percentages (Jambi 106,79 %, Kalimantan Timur 103,69 %, DKI Jakarta 101,29 %;
denominators from DKB Semester II 2017, numerators to March 2018). The counts are constructed to
give exactly those percentages: the ranking publishes percentages, not counts. No 2018 rubric
ships (levelisasi began in 2020), and no cut-off comes before the first rubric's year: the national
team first adds one, drafted from levelisasi-2020 with every threshold marked as an assumption
(`capaian rubric new --from levelisasi-2020 --year 2018`, then `rubric import`).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd
import pytest

from capaian.evaluate import evaluate
from capaian.evaluate.frame import prepare_regions
from capaian.intake import SubmissionInvalid, import_submission
from capaian.quality.flags import over_100
from capaian.regions import get_hierarchy, version_for_year
from capaian.rubrics import load_rubric
from capaian.store import open_store

DATA = Path(__file__).parent / "data"
AKTA_2018 = DATA / "akta-provinsi-2018-03-H2.csv"
EXAMPLE = Path(__file__).parent.parent / "examples" / "submission-65-2020-11-H1.csv"


@pytest.fixture
def store():
    s = open_store(":memory:")
    yield s
    s.close()


@pytest.fixture
def store_2018(store, tmp_path):
    """The store with a 2018 rubric added, as the national team would add it."""
    from capaian.library import draft_rubric, import_rubric

    draft = tmp_path / "levelisasi-2018.yaml"
    draft.write_text(draft_rubric("levelisasi-2020", 2018), encoding="utf-8")
    import_rubric(store, draft, actor="nasional")
    return store


def test_a_2018_file_needs_a_2018_rubric_first(store):
    with pytest.raises(SubmissionInvalid) as err:
        import_submission(store, AKTA_2018, actor="nasional")
    assert err.value.report.problems[0].rule == "early_cutoff"


def test_2018_akta_ranking_imports_whole_with_figures_above_100_flagged(store_2018):
    store = store_2018
    result = import_submission(store, AKTA_2018, actor="nasional")
    assert (result.status, result.rows, result.facts_written) == ("imported", 3, 6)
    above = {a["region_code"]: 100 * a["numerator"] / a["denominator"] for a in result.above_100}
    assert above == pytest.approx({"15": 106.79, "64": 103.69, "31": 101.29})
    assert "15 akta_lahir_dimiliki 106,79 %" in result.summary("id")
    assert "(accepted, flagged)" in result.summary("en")

    # the added 2018 rubric (levelisasi-2020's indicators): its akta indicator reads the facts
    facts = store.current_facts("2018-03-H2")
    ev = evaluate(facts, _offices(2018), load_rubric("levelisasi-2018"))
    akta = ev.indicators[(ev.indicators["indicator"] == "akta_kelahiran") & (ev.indicators["tier"] == "province")
                         & ev.indicators["value"].notna()].set_index("region_code")
    assert akta["value"].round(2).to_dict() == {"15": 106.79, "31": 101.29, "64": 103.69}
    assert akta["over_100"].all()
    assert akta["rank_national"].to_dict() == {"15": 1, "31": 3, "64": 2}
    flags = {f.region_code: f.severity for f in over_100(akta.reset_index().to_dict("records"), {})}
    assert flags == {"15": "high", "64": "medium", "31": "medium"}


def test_an_implausible_akta_ratio_is_still_refused(store_2018, tmp_path):
    store = store_2018
    slip = tmp_path / "salah-ketik.csv"
    slip.write_text("kode_wilayah;cutoff;anak_lt18;akta_lahir_dimiliki\n15;2018-03-H2;1.200.000;12.814.800\n",
                    encoding="utf-8")
    with pytest.raises(SubmissionInvalid) as err:
        import_submission(store, slip, actor="nasional")
    problem = err.value.report.problems[0]
    assert (problem.rule, problem.row, problem.column) == ("implausible_ratio", 2, "akta_lahir_dimiliki")


@lru_cache(maxsize=None)
def _offices(year: int):
    """The year's provinces and regencies/cities (and the nation), prepared once: districts and
    villages play no part in these rules and are the slow part of an evaluation."""
    frame = get_hierarchy(version_for_year(year)).region_frame()
    return prepare_regions(frame[frame["tier"].isin(("national", "province", "regency"))].reset_index(drop=True))


def _kaltim(rows, cutoff="2022-04-H2"):
    frame = pd.DataFrame(rows, columns=["region_code", "fact", "value"])
    frame["cutoff"], frame["source"] = cutoff, "test"
    return evaluate(frame[["region_code", "cutoff", "fact", "value", "source"]], _offices(2022),
                    load_rubric("levelisasi-2022"))


KALTIM_OWN = [("64", "anak_lt17", 1_174_848), ("64", "kia_dimiliki", 324_845)]  # 27,65 %
BONTANG = [("64.74", "anak_lt17", 58_324), ("64.74", "kia_dimiliki", 34_994)]  # 60,00 %


def test_a_complete_own_total_stays_the_figure_when_one_regency_row_arrives():
    """Kaltim's own KIA total (27,65 %) decides, not 60,00 % over Bontang alone; the partial sum
    is kept beside, the missing regencies named, and the own figure is ranked."""
    before = _kaltim(KALTIM_OWN).value("64", "kia")
    after = _kaltim(KALTIM_OWN + BONTANG).value("64", "kia")
    for r in (before, after):
        assert (r["numerator"], r["denominator"], r["value_basis"], r["complete"]) == (324_845, 1_174_848, "own", True)
        assert round(r["value"], 2) == 27.65 and (r["status"], r["met"]) == ("not_met", False)
        assert r["rank_national"] == 1 and r["peers_national"] == 1
    assert (after["partial_numerator"], after["partial_denominator"]) == (34_994, 58_324)
    assert round(after["partial_value"], 2) == 60.00
    assert (after["regencies_reporting"], after["regencies_total"]) == (1, 10)
    assert "Kabupaten Paser" in after["regencies_missing"] and "Kota Bontang" not in after["regencies_missing"]
    line = next(x for x in _kaltim(KALTIM_OWN + BONTANG).explain("64").lines("id") if x.strip().startswith("✗ KIA"))
    assert "27,65 % (324.845 dari 1.174.848; target 40 %)" in line
    assert "jumlah kab/kota yang melapor 60,00 % (34.994 dari 58.324) tidak dipakai" in line
    assert "baru 1 dari 10 kab/kota melapor" in line


def test_a_partial_sum_without_own_total_is_kept_flagged_never_met_and_unranked():
    ev = _kaltim(BONTANG)
    r = ev.value("64", "kia")
    assert (r["value_basis"], r["complete"], r["status"], r["reason"], r["met"]) == (
        "partial", False, "no_data", "incomplete", False)
    assert round(r["value"], 2) == 60.00 and r["rank_national"] is None  # 60 % >= 40 %, yet not met
    assert round(ev.value("64.74", "kia")["value"], 2) == 60.00 and ev.value("64.74", "kia")["status"] == "met"
    lines = ev.explain("64").lines("en")
    assert any("KIA: not all regencies/cities report; sum of the regencies/cities that report 60.00 % "
               "(34,994 of 58,324), not counted as met; 1 of 10 regencies/cities report" in x for x in lines)
    # a 0/0 regency does not report: adding Paser 0/0 leaves the province partial, 1 of 10
    r = _kaltim(BONTANG + [("64.01", "anak_lt17", 0), ("64.01", "kia_dimiliki", 0)]).value("64", "kia")
    assert (r["regencies_reporting"], r["value_basis"]) == (1, "partial")
    assert "Kabupaten Paser" in r["regencies_missing"]


@pytest.fixture
def kaltara_without_tana_tidung(tmp_path):
    """The seed submission of Kaltara (2020-11-H1) without Kabupaten Tana Tidung's row, evaluated."""
    from capaian.service import evaluate_cutoff

    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "kaltara-tanpa-65.04.csv"
    path.write_text("\n".join(x for x in lines if not x.startswith("65.04,")) + "\n", encoding="utf-8")
    db = tmp_path / "capaian.duckdb"
    store = open_store(db)
    import_submission(store, path, actor="nasional")
    evaluate_cutoff(store, "2020-11-H1")
    yield store, db
    store.close()


def test_an_office_without_data_is_not_assessed_on_every_surface(kaltara_without_tana_tidung):
    from capaian.accounts import OPERATOR
    from capaian.cli.output import _level
    from capaian.reports import render_narrative, resolve_scope
    from capaian.runs import pick

    store, db = kaltara_without_tana_tidung
    view, _ = pick(store, cutoff="2020-11-H1", draft=True, user=OPERATOR)
    office = view.region_row("65.04")
    assert (office["level"], office["assessed"], office["rank_national"], office["rank_province"]) == (
        None, False, None, None)
    assert view.region_row("65.01")["assessed"] is True and view.region_row("65.01")["rank_province"] is not None
    province = view.region_row("65")
    assert province["level"] is not None and province["rank_national"] is None  # incomplete: no overall rank
    lines = view.explain("65.04").lines("id")
    assert lines[0].startswith("Kabupaten Tana Tidung (65.04), 2020-11-H1: belum dinilai, 0 dari")
    assert any(x.startswith("Belum dinilai: kantor ini belum punya data") for x in lines)
    assert "Not assessed" in " ".join(view.explain("65.04").lines("en"))
    narrative = render_narrative(view, resolve_scope(view, "65.04"))
    assert "belum dinilai dalam levelisasi kinerja Disdukcapil" in narrative and "level 1" not in narrative
    province_text = render_narrative(view, resolve_scope(view, "65"))
    assert ("Untuk KTP-el baru 4 dari 5 kab/kota yang melapor (belum: Kabupaten Tana Tidung): jumlahnya, "
            "102,01 persen, tidak dihitung tercapai dan tidak diperingkat.") in province_text
    rows = view.tier("regency")
    row = next(r for r in rows.itertuples(index=False) if r.region_code == "65.04")
    assert _level(row, "id") == "belum dinilai" and _level(row, "en") == "not assessed"


BENGKULU = ["17.01", "17.02", "17.03", "17.04", "17.05", "17.06", "17.07", "17.08", "17.09", "17.71"]
# ten regencies' recordings summing to the published 1.402.535 (the split is constructed)
RECORDED = [140_253] * 9 + [1_402_535 - 9 * 140_253]


def _bengkulu_file(tmp_path, province_row: str) -> Path:
    path = tmp_path / "bengkulu-2020-11-H1.csv"
    rows = [f"{code};2020-11-H1;{n};" for code, n in zip(BENGKULU, RECORDED)] + [province_row]
    path.write_text("kode_wilayah;cutoff;ktp_terekam;wajib_ktp\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_regency_numerators_over_the_province_denominator_form_the_province_figure(store, tmp_path):
    """Bengkulu, 14 Nov 2020: ten regencies' recordings (1.402.535) over the province's required
    residents (1.428.927) = 98,15 %, the published figure (was: "unpaired", no figure)."""
    path = _bengkulu_file(tmp_path, "17;2020-11-H1;;1.428.927")
    result = import_submission(store, path, actor="nasional")
    assert result.unusable == [] and "belum dapat dipakai" not in result.summary("id")
    ev = evaluate(store.current_facts("2020-11-H1"), _offices(2020), load_rubric("levelisasi-2020"))
    r = ev.value("17", "ktp_el")
    assert (r["numerator"], r["denominator"], r["value_basis"], r["complete"]) == (
        1_402_535, 1_428_927, "regency_numerators", True)
    assert round(r["value"], 2) == 98.15 and (r["status"], r["rank_national"]) == ("met", 1)
    assert (r["regencies_reporting"], r["regencies_total"]) == (10, 10) and r["regencies_missing"] is None
    line = next(x for x in ev.explain("17").lines("id") if "KTP-el" in x)
    assert "98,15 % (1.402.535 dari 1.428.927" in line
    assert "jumlah pembilang kab/kota atas penyebut provinsi sendiri" in line
    # the province's own count (1.408.525) is kept beside it: 98,57 %
    own = _bengkulu_file(tmp_path, "17;2020-11-H1;1.408.525;1.428.927")
    import_submission(store, own, actor="nasional")
    r = evaluate(store.current_facts("2020-11-H1"), _offices(2020), load_rubric("levelisasi-2020")).value("17", "ktp_el")
    assert round(r["value"], 2) == 98.15 and round(r["own_value"], 2) == 98.57 and r["own_difference"] < 0


def test_a_2023_file_without_ikd_does_not_call_ktp_terekam_unusable(store, tmp_path):
    """ktp_terekam is the KTP-el numerator; the missing IKD activations leave only IKD undecided."""
    path = tmp_path / "kaltara-2023.csv"
    path.write_text("kode_wilayah,cutoff,wajib_ktp,ktp_terekam\n65.01,2023-03-H1,98652,101361\n", encoding="utf-8")
    result = import_submission(store, path, actor="nasional")
    assert result.unusable == [] and "belum dapat dipakai" not in result.summary("id")
    alone = tmp_path / "ikd.csv"
    alone.write_text("kode_wilayah,cutoff,ikd_aktif\n65.02,2023-03-H1,1200\n", encoding="utf-8")
    assert import_submission(store, alone, actor="nasional").unusable == [
        {"region_code": "65.02", "fact": "ikd_aktif", "missing": "ktp_terekam"}]


def test_format_json_is_valid_json_without_nan(kaltara_without_tana_tidung):
    """`--format json` writes null where a figure is missing (a not-assessed office has no
    coverage ratio), never NaN."""
    import json

    from cli_support import run_capaian

    _, db = kaltara_without_tana_tidung

    def refuse(name):
        raise ValueError(f"{name} in --format json output")

    for args in (("evaluate", "--cutoff", "2020-11-H1", "--format", "json", "--tier", "regency"),
                 ("results", "--cutoff", "2020-11-H1", "--format", "json", "--draft", "--tier", "regency")):
        out = run_capaian(db, *args).stdout
        data = json.loads(out, parse_constant=refuse)
        office = next(r for r in data["regions"] if r["code"] == "65.04")
        assert (office["level"], office["assessed"], office["rank_national"]) == (None, False, None)
        assert all(cell["value"] is None for cell in office["indicators"].values())


def test_the_ikd_denominator_is_stated_on_the_rubric_and_shown():
    ikd = load_rubric("levelisasi-2023").indicator("ikd")
    assert (ikd.numerator, ikd.denominator) == ("ikd_aktif", "ktp_terekam")
    assert "asumsi" in ikd.denominator_note.id and "assumption" in ikd.denominator_note.en
    frame = pd.DataFrame([("65.01", "wajib_ktp", 98_652), ("65.01", "ktp_terekam", 101_361),
                          ("65.01", "ikd_aktif", 30_000)], columns=["region_code", "fact", "value"])
    frame["cutoff"], frame["source"] = "2023-03-H1", "test"
    ev = evaluate(frame[["region_code", "cutoff", "fact", "value", "source"]], _offices(2023), load_rubric("levelisasi-2023"))
    line = next(x for x in ev.explain("65.01").lines("id") if x.strip().startswith("✓ IKD"))
    assert "29,60 % (30.000 dari 101.361" in line
    assert "penyebut: penduduk yang sudah merekam KTP-el (asumsi; bukan wajib KTP)" in line
    assert "denominator: residents with KTP-el recorded" in " ".join(ev.explain("65.01").lines("en"))


def test_a_partial_sum_is_flagged():
    from capaian.quality.flags import partial_sums
    from capaian.quality.text import describe

    def offices(ev):  # the rows flags are made of (provinces and regencies)
        return ev.indicators[ev.indicators["tier"].isin(("province", "regency"))].to_dict("records")

    beside = partial_sums(offices(_kaltim(KALTIM_OWN + BONTANG)))
    assert [(f.region_code, f.indicator, f.severity) for f in beside] == [("64", "kia", "medium")]
    assert describe(beside[0], "id") == ("1 dari 10 kab/kota melapor: 60,00 % (34.994 dari 58.324); "
                                         "angka provinsi sendiri 27,65 % yang menentukan")
    alone = partial_sums(offices(_kaltim(BONTANG)))
    assert [(f.region_code, f.severity) for f in alone] == [("64", "high")]
    assert "not counted as met, not ranked" in describe(alone[0], "en")


def test_no_forecast_from_a_partial_sum():
    from capaian.quality.forecast import forecasts

    runs = [_kaltim([("64.74", "anak_lt17", 58_324), ("64.74", "kia_dimiliki", 30_000 + 1_000 * i)], cutoff=c)
            for i, c in enumerate(("2022-04-H1", "2022-04-H2", "2022-05-H1", "2022-05-H2"))]
    found = {(f.region_code, f.indicator) for f in forecasts(runs, ["64", "64.74"])}
    assert ("64.74", "kia") in found and ("64", "kia") not in found
