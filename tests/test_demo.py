"""`capaian demo build` then the CLI: Kalimantan Utara comes out as the seed article says."""

from __future__ import annotations

import csv
import io
import json

from cli_support import run_capaian


def _kaltara(db, cutoff):
    out = run_capaian(db, "evaluate", "--cutoff", cutoff, "--format", "json").stdout
    payload = json.loads(out)
    return payload, next(r for r in payload["regions"] if r["code"] == "65")


def test_seed_scenario_at_2020_11_h1(demo_db):
    payload, kaltara = _kaltara(demo_db, "2020-11-H1")
    assert payload["run"]["rubric"] == "levelisasi-2020"
    assert len(payload["regions"]) == 34  # the 2020 hierarchy
    assert kaltara["level"] == 3 and kaltara["indicators_met"] == 8
    ind = kaltara["indicators"]
    assert (ind["ktp_el"]["numerator"], ind["ktp_el"]["rank_national"]) == (467_701, 4)
    assert (ind["kia"]["numerator"], ind["kia"]["rank_national"]) == (91_763, 7)
    assert (ind["akta_kelahiran"]["numerator"], ind["akta_kelahiran"]["rank_national"]) == (218_142, 9)
    assert {i["peers_national"] for i in ind.values() if i["kind"] == "coverage"} == {34}
    assert ind["ktp_el"]["over_100"] is True
    # KIA meets the 20 % levelisasi threshold; the seed's 50 % is a program target, not reached
    assert ind["kia"]["met"] is True and ind["kia"]["program_target_met"] is False
    assert ind["kertas_putih"]["met"] is False
    assert {ind[i]["denominator_base"] for i in ("ktp_el", "kia", "akta_kelahiran")} == {"dkb-2020-s1"}


def test_table_shows_the_seed_figures(demo_db):
    out = run_capaian(demo_db, "evaluate", "--cutoff", "2020-11-H1", "--wide").stdout
    line = next(l for l in out.splitlines() if "Kalimantan Utara" in l)
    for text in ("101,93 %", "44,76 %", "96,21", "│ 3 "):  # a column shows the decimals its values need
        assert text in line


def test_explain_names_what_keeps_kaltara_from_level_4(demo_db):
    out = run_capaian(demo_db, "explain", "65", "--cutoff", "2020-11-H1").stdout
    assert "level 3" in out and "8 dari 9" in out
    assert "467.701" in out and "101,93 %" in out and "98 %" in out
    assert "Untuk naik ke level 4 (terbaik), penuhi 1 indikator lagi:" in out
    assert "KIA: 44,76 % (91.763 dari 205.011) — ambang levelisasi 20 % tercapai; target program 50 % belum" in out
    assert "  - Kertas putih: belum di Kabupaten Malinau, Kabupaten Nunukan" in out
    assert "Basis penyebut: DKB Semester I 2020" in out
    english = run_capaian(demo_db, "--lang", "en", "explain", "65", "--cutoff", "2020-11-H1").stdout
    assert "467,701" in english and "Kabupaten Malinau" in english


def test_level_4_at_2020_11_h2(demo_db):
    _, kaltara = _kaltara(demo_db, "2020-11-H2")
    assert kaltara["level"] == 4 and kaltara["indicators_met"] == 9
    assert kaltara["prev_level"] == 3
    ind = kaltara["indicators"]
    # recomputed on the base in force (DKB Semester I 2020), the article's own figures beside
    assert ind["ktp_el"]["numerator"] == 468_151 and round(ind["ktp_el"]["value"], 2) == 102.03
    assert ind["kia"]["numerator"] == 92_450 and round(ind["kia"]["value"], 2) == 45.10
    assert round(ind["ktp_el"]["own_value"], 2) == 102.80 and round(ind["kia"]["own_value"], 2) == 40.77
    assert ind["kia"]["met"] is True and ind["kia"]["program_target_met"] is False
    assert ind["kia"]["denominator_base"] == "dkb-2020-s1"


def test_explain_json_and_csv(demo_db):
    data = json.loads(run_capaian(demo_db, "explain", "65", "--cutoff", "2020-11-H1", "--format", "json").stdout)
    assert data["region"]["level"] == 3 and data["explanation"]["next_level"] == 4
    assert [s["indicator"] for s in data["explanation"]["path"]] == ["kertas_putih"]
    # the province reads k of n regencies/cities, never its weakest regency's count (14)
    white = data["region"]["indicators"]["kertas_putih"]
    assert (white["value"], white["numerator"], white["denominator"]) == (None, 3, 5)
    rows = list(csv.DictReader(io.StringIO(
        run_capaian(demo_db, "explain", "65", "--cutoff", "2020-11-H1", "--format", "csv").stdout)))
    assert [r["code"] for r in rows] == ["65", *(r["code"] for r in data["regions"])]
    # counts as whole numbers, percentages at full precision
    assert (rows[0]["kia.numerator"], rows[0]["kia.denominator"]) == ("91763", "205011")
    assert float(rows[0]["kia.value"]) == data["region"]["indicators"]["kia"]["value"] == 91_763 / 205_011 * 100
    assert rows[0]["kertas_putih.value"] == "" and rows[0]["kertas_putih.numerator"] == "3"


def test_demo_covers_every_regency_in_both_years(demo_db):
    # the region list of the cut-off's date: 34 provinces until 24 Jul 2022, 37 from 25 Jul 2022
    for cutoff, provinces in (("2020-01-H1", 34), ("2022-06-H2", 34), ("2022-09-H1", 37)):
        payload = json.loads(run_capaian(demo_db, "evaluate", "--cutoff", cutoff, "--tier", "regency",
                                         "--format", "json").stdout)
        assert len(payload["regions"]) == 514
        assert len({r["province_code"] for r in payload["regions"]}) == provinces
        assert all(r["no_data"] == 0 for r in payload["regions"])


def test_demo_runs_are_published_but_the_newest(demo_db):
    import csv as _csv

    runs = list(_csv.DictReader(io.StringIO(run_capaian(demo_db, "runs", "list", "--format", "csv").stdout)))
    assert len(runs) == 48
    unpublished = [r["cutoff"] for r in runs if not r["published_at"]]
    assert sorted(unpublished) == ["2022-12-H1", "2022-12-H2"]


def test_demo_build_twice_keeps_the_data(demo_db_copy):
    out = run_capaian(demo_db_copy, "demo", "build").stdout
    assert "sudah ada" in out
    proc = run_capaian(demo_db_copy, "demo", "build", "--strict", check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr


def test_regional_target_set_is_applied_and_stated(demo_db_copy):
    """Kalimantan Timur's own (example) KIA target of 35 % for its regencies in 2022."""
    payload = json.loads(run_capaian(demo_db_copy, "evaluate", "--cutoff", "2022-06-H2", "--tier", "regency",
                                     "--province", "64", "--target-set", "kaltim-2022",
                                     "--format", "json").stdout)
    assert payload["run"]["target_set"] == "kaltim-2022"
    kia = [r["indicators"]["kia"] for r in payload["regions"]]
    assert len(kia) == 10
    assert {i["target"] for i in kia} == {35.0}
    assert {i["target_set"] for i in kia} == {"kaltim-2022"}
    assert all(i["met"] == (i["value"] >= 35.0) for i in kia)
    # the national run of the same cut-off still uses the national 40 %
    national = json.loads(run_capaian(demo_db_copy, "evaluate", "--cutoff", "2022-06-H2", "--tier", "regency",
                                      "--province", "64", "--format", "json").stdout)
    assert {r["indicators"]["kia"]["target"] for r in national["regions"]} == {40.0}


def test_facts_command_recomputes_kaltara_identically_full_then_incremental(demo_db_copy):
    """The demo's register facts, recomputed by `capaian facts` for two cut-offs: nothing changes."""
    out = run_capaian(demo_db_copy, "--lang", "en", "facts", "--cutoff", "2020-11-H2", "--cutoff",
                      "2020-11-H1", "--scope", "65").stdout
    lines = [l for l in out.splitlines() if l.startswith("2020-11")]
    assert lines[0].startswith("2020-11-H1") and "(full)" in lines[0]
    assert lines[1].startswith("2020-11-H2") and "(incremental)" in lines[1]
    assert all("0 new or changed" in l and "nothing changed" in l for l in lines)


def test_offices_mostly_send_on_time_a_few_late_missing_or_partial(demo_db):
    """The demo's files are dated the day each office sent them: most within the deadline, a few
    late; towards the year's end a few offices send nothing or only part of the columns."""
    counts = {}
    for cutoff in ("2020-03-H1", "2020-11-H1", "2022-06-H2", "2022-11-H2"):
        data = json.loads(run_capaian(demo_db, "completeness", "--cutoff", cutoff, "--format", "json").stdout)
        counts[cutoff] = c = data["counts"]
        assert c["offices"] == 514
        assert c["on_time"] >= 0.9 * 514 and 1 <= c["late"] <= 0.08 * 514
        assert c["on_time"] + c["late"] + c["missing"] + c["register"] == 514
    for early in ("2020-03-H1", "2020-11-H1", "2022-06-H2"):  # gaps only at the year's end
        assert counts[early]["missing"] == 0 and counts[early]["partial"] == 0
    newest = counts["2022-11-H2"]
    assert 1 <= newest["missing"] <= 5 and 1 <= newest["partial"] <= 5


def test_the_generator_makes_no_flags_of_its_own(demo_db):
    """Cumulative counts never fall, denominators change only with a new base, implementation
    counts do not flip back and forth: no flag comes from how the demo draws its numbers."""
    for cutoff in ("2022-03-H1", "2022-09-H1", "2022-11-H2"):  # 03-H1 and 09-H1: a new base in force
        data = json.loads(run_capaian(demo_db, "quality", "--cutoff", cutoff, "--format", "json").stdout)
        assert data["counts"]["count_falls"] == 0
        assert data["counts"]["denominator_change"] == 0
        assert data["counts"]["implementation_flip"] == 0
        assert data["counts"]["jump"] <= 30  # of some 1 650 coverage series
        assert data["counts"]["reported_vs_recomputed"] == 1  # Bengkulu's own KTP-el total (seeded)


def test_newest_runs_leave_some_regencies_without_white_paper_tte_or_data_access(demo_db):
    """At the demo's newest cut-off a few provinces still have regencies without white paper, TTE or
    data access, so "k of 514" means something (issue 13: it read 514 of 514); Kaltara is not one."""
    data = json.loads(run_capaian(demo_db, "explain", "ID", "--cutoff", "2022-12-H2", "--draft",
                                  "--format", "json").stdout)
    states = data["region"]["indicators"]  # the nation reads k of 514 regencies/cities
    for ind in ("kertas_putih", "tte", "akses_data"):
        assert states[ind]["denominator"] == 514
        assert 440 <= states[ind]["numerator"] < 514, (ind, states[ind]["numerator"])
        assert states[ind]["status"] == "not_met"
    # every office that reported has its cooperation agreement; one that sent nothing counts as not complying
    reported = json.loads(run_capaian(demo_db, "completeness", "--cutoff", "2022-12-H2", "--format", "json").stdout)
    assert states["pks"]["numerator"] == reported["counts"]["reported"] < 514
    kaltara = json.loads(run_capaian(demo_db, "explain", "65", "--cutoff", "2022-12-H2", "--draft",
                                     "--format", "json").stdout)
    assert {s["indicator"] for s in kaltara["explanation"]["not_met"]}.isdisjoint({"kertas_putih", "tte", "akses_data"})
