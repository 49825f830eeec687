"""Golden: both public articles about Kalimantan Utara (Nov 2020) come out of the demo's real
computation (register -> facts -> evaluation), read through the CLI and through the API.

2020-11-H1 (the seed article): KTP-el 467.701 = 101,93 % (4th), KIA 91.763 = 44,76 % (7th),
akta 218.142 = 96,21 % (9th); 8 of 9 met (KIA meets the 20 % levelisasi threshold, below the
50 % program target), level 3; the only step to level 4 is white paper in Kabupaten Malinau and
Kabupaten Nunukan. 2020-11-H2 (the follow-up, after re-presenting on 16 Nov 2020): 9 of 9,
level 4. Its KTP-el 468.151 = 102,80 % and KIA 92.450 = 40,77 % fit no one base (40,77 % is
92.450 over the H1 count of children under 18), so they are Kaltara's own reported figures,
shown beside the recomputation on the base in force, DKB Semester I 2020 (102,03 %, 45,10 %),
and flagged "reported ≠ recomputed", as Bengkulu's own totals are.
"""

from __future__ import annotations

import json
import shutil

import pytest
from fastapi.testclient import TestClient

from capaian import formatting as fmt
from capaian.reports import build_report
from capaian.store import open_store
from cli_support import run_capaian

H1, H2 = "2020-11-H1", "2020-11-H2"


def _cli(db, cutoff, lang="id"):
    args = ("--lang", "en") if lang == "en" else ()
    return run_capaian(db, *args, "explain", "65", "--cutoff", cutoff, "--format", "json")


@pytest.fixture(scope="module")
def api(demo_db, tmp_path_factory):
    from capaian.web import create_app

    db = tmp_path_factory.mktemp("seed-api") / "demo.duckdb"  # the app keeps its own file open
    shutil.copy(demo_db, db)
    return TestClient(create_app(db, secret="test-secret"))


def _met(data, indicator):
    return next(s for s in data["met"] + data["not_met"] if s["indicator"] == indicator)


def _check_h1(data, lines):
    assert (data["level"], data["indicators_met"], data["indicators_total"]) == (3, 8, 9)
    assert [s["indicator"] for s in data["not_met"]] == ["kertas_putih"]
    ktp, kia, akta = (_met(data, i) for i in ("ktp_el", "kia", "akta_kelahiran"))
    assert (ktp["numerator"], fmt.format_pct(ktp["value"]), ktp["rank_national"]) == (467_701, "101,93 %", 4)
    assert (kia["numerator"], fmt.format_pct(kia["value"]), kia["rank_national"]) == (91_763, "44,76 %", 7)
    assert (akta["numerator"], fmt.format_pct(akta["value"]), akta["rank_national"]) == (218_142, "96,21 %", 9)
    assert kia["status"] == "met" and kia["target"] == 20 and kia["program_targets"] == [{"value": 50, "met": False}]
    assert [s["indicator"] for s in data["path"]] == ["kertas_putih"]
    assert [r["name"] for r in data["path"][0]["regions"]] == ["Kabupaten Malinau", "Kabupaten Nunukan"]
    assert data["base"]["id"] == "dkb-2020-s1"
    assert "  ✓ KIA: 44,76 % (91.763 dari 205.011) — ambang levelisasi 20 % tercapai; target program 50 % belum" in \
        "\n".join(lines)
    assert "  - Kertas putih: belum di Kabupaten Malinau, Kabupaten Nunukan" in lines


def _check_h2(data, lines):
    assert (data["level"], data["indicators_met"], data["next_level"]) == (4, 9, None)
    ktp, kia = _met(data, "ktp_el"), _met(data, "kia")
    # recomputed on the base in force, which decides ...
    assert (ktp["numerator"], ktp["denominator"], fmt.format_pct(ktp["value"])) == (468_151, 458_845, "102,03 %")
    assert (kia["numerator"], kia["denominator"], fmt.format_pct(kia["value"])) == (92_450, 205_011, "45,10 %")
    # ... and the article's figures beside, as Kaltara's own reported ones
    assert (ktp["own_numerator"], ktp["own_denominator"], fmt.format_pct(ktp["own_value"])) == (468_151, 455_400, "102,80 %")
    assert (kia["own_numerator"], kia["own_denominator"], fmt.format_pct(kia["own_value"])) == (92_450, 226_735, "40,77 %")
    shown = "\n".join(lines)
    assert "102,03 %" in shown and "102,80 %" in shown and "45,10 %" in shown and "40,77 %" in shown
    assert kia["status"] == "met" and kia["program_targets"] == [{"value": 50, "met": False}]
    assert data["base"]["id"] == "dkb-2020-s1" and data["base"]["in_force_from"] == "2020-09-01"
    assert data["closest_to_falling"] in ("ktp_el", "kia", "akta_kelahiran")
    assert any(line.startswith("Paling dekat ke bawah ambang:") for line in lines)


def test_both_articles_through_the_cli(demo_db):
    h1 = json.loads(_cli(demo_db, H1).stdout)["explanation"]  # the record set's explanation, as /api/explanations
    _check_h1(h1, h1["lines"]["id"])
    h2 = json.loads(_cli(demo_db, H2).stdout)["explanation"]
    _check_h2(h2, h2["lines"]["id"])
    text = run_capaian(demo_db, "explain", "65", "--cutoff", H2).stdout
    assert "level 4 (terbaik), 9 dari 9 indikator tercapai" in text
    assert "Basis penyebut: DKB Semester I 2020 (penduduk per 30 Juni 2020, berlaku sejak 1 September 2020)" in text
    assert "dilaporkan sendiri 102,80 % (468.151 dari 455.400), selisih -0,77 poin" in text
    assert "dilaporkan sendiri 40,77 % (92.450 dari 226.735), selisih 4,32 poin" in text
    assert "Dilaporkan ≠ dihitung ulang: jumlah kab/kota 102,03 %, laporan sendiri 102,80 %" in text  # flagged
    assert "Dilaporkan ≠ dihitung ulang: jumlah kab/kota 45,10 %, laporan sendiri 40,77 %" in text


def test_both_articles_through_the_api(api):
    for cutoff, check in ((H1, _check_h1), (H2, _check_h2)):
        answer = api.get("/api/explanations/65", params={"cutoff": cutoff})
        assert answer.status_code == 200
        body = answer.json()
        check(body["explanation"], body["lines"])
    english = api.get("/api/explanations/65", params={"cutoff": H1, "lang": "en"}).json()["lines"]
    assert any("levelisasi threshold 20 % reached; program target 50 % not yet" in line for line in english)


def test_result_rows_name_the_base_and_the_program_target(api):
    for cutoff, base in ((H1, "DKB Semester I 2020"), (H2, "DKB Semester I 2020")):
        body = api.get("/api/results", params={"cutoff": cutoff, "tier": "province"}).json()
        kaltara = next(r for r in body["regions"] if r["code"] == "65")
        kia = kaltara["indicators"]["kia"]
        assert (kia["denominator_base_label"], kia["met"], kia["target"]) == (base, True, 20)
        assert (kia["program_target"], kia["program_target_met"]) == (50, False)
        assert kia["margin"] > 0 and kia["complete"] is True and kia["value_basis"] == "children"


def test_a_province_is_evaluated_on_its_regencies_with_its_own_report_beside(api, demo_db):
    """Bengkulu (17) also submits its own KTP-el totals (higher, as in Nov 2020): the sum of its
    regencies is evaluated, and its own figure and the difference are shown beside."""
    body = api.get("/api/results", params={"cutoff": H1, "tier": "province"}).json()
    ktp = next(r for r in body["regions"] if r["code"] == "17")["indicators"]["ktp_el"]
    assert ktp["value_basis"] == "children" and ktp["own_denominator"] == ktp["denominator"]
    assert ktp["own_numerator"] > ktp["numerator"] and ktp["own_difference"] == pytest.approx(ktp["value"] - ktp["own_value"])
    lines = api.get("/api/explanations/17", params={"cutoff": H1}).json()["lines"]
    line = next(x for x in lines if "KTP-el" in x and x.lstrip().startswith(("✓", "✗")))
    assert f"dilaporkan sendiri {fmt.format_pct(ktp['own_value'])}" in line and "selisih -" in line
    store = open_store(demo_db)
    try:
        text = build_report(store, "17", H1, "md").text
    finally:
        store.close()
    assert f"Angka yang dilaporkan provinsi sendiri {fmt.format_pct(ktp['own_value'])[:-2]} persen" in text


def test_the_follow_up_figures_are_kaltaras_reported_ones_beside_the_recomputation(api, demo_db):
    """2020-11-H2: both the article's 102,80 % / 40,77 % (reported) and the recomputation on DKB
    Semester I 2020 (102,03 % / 45,10 %) on the API, the flags and the narrative; level 4."""
    body = api.get("/api/results", params={"cutoff": H2, "tier": "province"}).json()
    kaltara = next(r for r in body["regions"] if r["code"] == "65")
    ktp, kia = kaltara["indicators"]["ktp_el"], kaltara["indicators"]["kia"]
    assert (fmt.format_pct(ktp["value"]), fmt.format_pct(ktp["own_value"])) == ("102,03 %", "102,80 %")
    assert (fmt.format_pct(kia["value"]), fmt.format_pct(kia["own_value"])) == ("45,10 %", "40,77 %")
    assert ktp["value_basis"] == "children" and kia["met"] is True
    flags = api.get("/api/flags", params={"cutoff": H2, "type": "reported_vs_recomputed"}).json()
    assert {(f["region_code"], f["indicator"]) for f in flags["flags"]} >= {("65", "ktp_el"), ("65", "kia")}
    store = open_store(demo_db)
    try:
        text = build_report(store, "65", H2, "md").text
    finally:
        store.close()
    assert "468.151 penduduk atau 102,03 persen" in text and "Angka yang dilaporkan provinsi sendiri 102,80 persen" in text
    assert "92.450 anak atau 45,10 persen" in text and "Angka yang dilaporkan provinsi sendiri 40,77 persen" in text
