"""Golden: both public articles about Kalimantan Utara (Nov 2020) come out of the demo's real
computation (register -> facts -> evaluation), read through the CLI and through the API.

2020-11-H1 (the seed article): KTP-el 467.701 = 101,93 % (4th), KIA 91.763 = 44,76 % (7th),
akta 218.142 = 96,21 % (9th); 8 of 9 met (KIA meets the 20 % levelisasi threshold, below the
50 % program target), level 3; the only step to level 4 is white paper in Kabupaten Malinau and
Kabupaten Nunukan. 2020-11-H2 (the follow-up, after the new denominator base in force from
16 Nov 2020): KTP-el 468.151 = 102,80 %, KIA 92.450 = 40,77 %, 9 of 9, level 4.
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
    assert (ktp["numerator"], fmt.format_pct(ktp["value"])) == (468_151, "102,80 %")
    assert (kia["numerator"], fmt.format_pct(kia["value"])) == (92_450, "40,77 %")
    assert kia["status"] == "met" and kia["program_targets"] == [{"value": 50, "met": False}]
    assert data["base"]["id"] == "dkb-2020-10" and data["base"]["in_force_from"] == "2020-11-16"
    assert data["closest_to_falling"] in ("ktp_el", "kia", "akta_kelahiran")
    assert any(line.startswith("Paling dekat ke bawah ambang:") for line in lines)


def test_both_articles_through_the_cli(demo_db):
    h1 = json.loads(_cli(demo_db, H1).stdout)["explanation"]  # the record set's explanation, as /api/explanations
    _check_h1(h1, h1["lines"]["id"])
    h2 = json.loads(_cli(demo_db, H2).stdout)["explanation"]
    _check_h2(h2, h2["lines"]["id"])
    text = run_capaian(demo_db, "explain", "65", "--cutoff", H2).stdout
    assert "level 4 (terbaik), 9 dari 9 indikator tercapai" in text
    assert "Basis penyebut: DKB konsolidasi Oktober 2020 (penduduk per 31 Oktober 2020, berlaku sejak 16 November 2020)" in text


def test_both_articles_through_the_api(api):
    for cutoff, check in ((H1, _check_h1), (H2, _check_h2)):
        answer = api.get("/api/explanations/65", params={"cutoff": cutoff})
        assert answer.status_code == 200
        body = answer.json()
        check(body["explanation"], body["lines"])
    english = api.get("/api/explanations/65", params={"cutoff": H1, "lang": "en"}).json()["lines"]
    assert any("levelisasi threshold 20 % reached; program target 50 % not yet" in line for line in english)


def test_result_rows_name_the_base_and_the_program_target(api):
    for cutoff, base in ((H1, "DKB Semester I 2020"), (H2, "DKB konsolidasi Oktober 2020")):
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
