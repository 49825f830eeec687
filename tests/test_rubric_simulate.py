"""Rubric impact simulator (issue 20): a draft rubric applied to a cut-off's stored facts, against the
rubric in force: level changes with their reason, offices per level, indicator pass rates and a
sensitivity table for one threshold. Checked against the stored run of the same cut-off."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml

from capaian.errors import CapaianError
from capaian.evaluate.simulate import parse_sweep, simulate_cutoff, with_threshold
from capaian.rubrics import load_rubric
from capaian.rubrics.loader import RUBRIC_DIR, rubric_from_file
from capaian.store import open_store
from cli_support import run_capaian

CUTOFF = "2020-11-H1"


@pytest.fixture(scope="module")
def draft_file(tmp_path_factory):
    """levelisasi-2020 with the KIA threshold raised from 20 % to the program target 50 %."""
    data = yaml.safe_load((RUBRIC_DIR / "levelisasi-2020.yaml").read_text(encoding="utf-8"))
    data["id"] = "draf-kia-50"
    kia = next(i for i in data["indicators"] if i["id"] == "kia")
    kia["threshold"] = {"value": 50, "source": "draft: KIA threshold at the program target"}
    path = tmp_path_factory.mktemp("draft") / "draf-kia-50.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def sim_db(tmp_path_factory, demo_db):
    db = tmp_path_factory.mktemp("simulate") / "demo.duckdb"
    shutil.copy(demo_db, db)
    return db


@pytest.fixture(scope="module")
def simulation(sim_db, draft_file):
    with open_store(sim_db, create=False) as store:
        return simulate_cutoff(store, CUTOFF, rubric_from_file(draft_file), sweep="kia=20:60:10")


@pytest.fixture(scope="module")
def stored(sim_db):
    """The published run of the cut-off, as every surface shows it."""
    payload = json.loads(run_capaian(sim_db, "results", "--cutoff", CUTOFF, "--tier", "regency", "--format", "json").stdout)
    provinces = json.loads(run_capaian(sim_db, "results", "--cutoff", CUTOFF, "--format", "json").stdout)
    return provinces["regions"] + payload["regions"]


def test_level_changes_of_a_kia_threshold_change(simulation, stored):
    changes = simulation.changes
    assert simulation.in_force.id == "levelisasi-2020" and simulation.draft.id == "draf-kia-50"
    assert len(changes) > 0 and set(changes["tier"]) == {"province", "regency"}
    kia = {r["code"]: r["indicators"]["kia"] for r in stored}
    level = {r["code"]: r["level"] for r in stored}
    for row in changes.to_dict("records"):
        # the only reason is KIA, met at 20 % and not at 50 %, with the stored value; one level down
        [reason] = row["reasons"]
        assert reason["indicator"] == "kia" and (reason["status_in_force"], reason["status_draft"]) == ("met", "not_met")
        assert (reason["target_in_force"], reason["target_draft"]) == (20.0, 50.0)
        assert reason["value"] == pytest.approx(kia[row["region_code"]]["value"])
        assert 20 <= reason["value"] < 50
        assert row["level_in_force"] == level[row["region_code"]] and row["level_draft"] == row["level_in_force"] - 1
    # every office whose KIA lies in [20, 50) loses one indicator; it changes level exactly when that
    # crosses a band edge of the rubric (Kalimantan Utara, 8 -> 7 of 9 met, stays at level 3)
    edges = {b.met_from for b in simulation.in_force.bands.levels}
    expected = {code for code, ind in kia.items()
                if ind["value"] is not None and 20 <= ind["value"] < 50
                and next(r for r in stored if r["code"] == code)["indicators_met"] in edges}
    assert set(changes["region_code"]) == expected
    assert "65" not in expected and level["65"] == 3


def test_tallies_and_pass_rates(simulation, stored):
    tallies = simulation.tallies
    for tier, offices in (("province", 34), ("regency", 514)):
        rows = tallies[tallies["tier"] == tier]
        assert rows["in_force"].sum() == rows["draft"].sum() == offices
        in_force = {r["level"]: r["in_force"] for r in rows.to_dict("records")}
        shown = [r["level"] for r in stored if r["tier"] == tier]
        assert {lv: shown.count(lv) for lv in (4, 3, 2, 1)} == {lv: in_force[lv] for lv in (4, 3, 2, 1)}
    rates = simulation.pass_rates.set_index(["tier", "indicator"])
    regencies = [r for r in stored if r["tier"] == "regency"]
    kia = [r["indicators"]["kia"] for r in regencies]
    assert rates.loc[("regency", "kia"), "met_in_force"] == sum(i["status"] == "met" for i in kia)
    assert rates.loc[("regency", "kia"), "met_draft"] == sum(i["value"] >= 50 for i in kia)
    assert rates.loc[("regency", "ktp_el"), "in_force"] == rates.loc[("regency", "ktp_el"), "draft"]


def test_sensitivity_table(simulation):
    sweep = simulation.sweep
    assert sorted(set(sweep["threshold"])) == [20.0, 30.0, 40.0, 50.0, 60.0]
    tallies = simulation.tallies
    for tier in ("province", "regency"):
        rows = sweep[sweep["tier"] == tier].sort_values("threshold")
        assert (rows[["L4", "L3", "L2", "L1", "none"]].sum(axis=1) == (34 if tier == "province" else 514)).all()
        assert list(rows["L4"]) == sorted(rows["L4"], reverse=True)  # a higher threshold never adds a level 4
        t = tallies[tallies["tier"] == tier].set_index("level")
        at = {v: rows[rows["threshold"] == v].iloc[0] for v in (20.0, 50.0)}
        assert all(at[20.0][f"L{lv}"] == t.loc[lv, "in_force"] for lv in (4, 3, 2, 1))  # 20 % is the rule in force
        assert all(at[50.0][f"L{lv}"] == t.loc[lv, "draft"] for lv in (4, 3, 2, 1))  # 50 % is the draft


def test_cli_shows_the_changes_with_reasons(sim_db, draft_file, simulation):
    out = run_capaian(sim_db, "rubric", "simulate", str(draft_file), "--cutoff", CUTOFF,
                      "--sensitivity", "kia=30:60:10").stdout
    lines = out.splitlines()
    assert lines[0] == "Simulasi rubrik: draf-kia-50 terhadap levelisasi-2020 pada cut-off 2020-11-H1 (tidak ada yang disimpan)"
    counts = simulation.changes["tier"].value_counts()
    assert lines[1] == (f"Kantor yang berubah level: {counts['province']} provinsi, {counts['regency']} kab/kota")
    first = simulation.changes.iloc[0]
    assert lines[2].startswith(f"  {first['region_name']} ({first['region_code']}): L{first['level_in_force']} → "
                               f"L{first['level_draft']} — KIA ")
    assert "ambang 20 % → 50 %, tercapai → belum tercapai" in lines[2]
    assert "Sensitivitas KIA (rubrik draf)" in out and "    60 %  Provinsi: L4 " in out
    en = json.loads(run_capaian(sim_db, "--lang", "en", "rubric", "simulate", str(draft_file), "--cutoff", CUTOFF,
                                "--format", "json").stdout)
    assert len(en["changes"]) == len(simulation.changes) and en["sensitivity"] == []


def test_bad_sweeps_and_indicators_are_named():
    assert parse_sweep("kia=30:60:5") == ("kia", [30, 35, 40, 45, 50, 55, 60])
    assert parse_sweep("kia=30,45") == ("kia", [30, 45])
    for bad in ("kia", "kia=60:30:5", "kia=30:60:0", "=30:60:5", "kia=a:b:c"):
        with pytest.raises(CapaianError, match="INDICATOR=FROM:TO:STEP"):
            parse_sweep(bad)
    with pytest.raises(CapaianError, match="ikd"):
        with_threshold(load_rubric("levelisasi-2020"), "ikd", 25)
    assert with_threshold(load_rubric("levelisasi-2020"), "kia", 35).indicator("kia").threshold.value == 35
    assert load_rubric("levelisasi-2020").indicator("kia").threshold.value == 20  # the shipped one is untouched


def test_a_bad_draft_or_cutoff_is_one_line(sim_db, tmp_path):
    broken = tmp_path / "rusak.yaml"
    broken.write_text("id: rusak\nyear: 2021\nindicators: []\n", encoding="utf-8")
    proc = run_capaian(sim_db, "rubric", "simulate", str(broken), "--cutoff", CUTOFF, check=False)
    assert proc.returncode == 1 and "rusak.yaml" in proc.stderr and "Traceback" not in proc.stderr
    missing = run_capaian(sim_db, "rubric", "simulate", str(tmp_path / "tidak-ada.yaml"), "--cutoff", CUTOFF,
                          check=False)
    assert missing.returncode == 1 and "tidak-ada.yaml" in missing.stderr
    empty = run_capaian(sim_db, "rubric", "simulate", str(RUBRIC_DIR / "levelisasi-2020.yaml"), "--cutoff",
                        "2021-05-H1", check=False)
    assert empty.returncode == 1 and "2021-05-H1" in empty.stderr
    bad_sweep = run_capaian(sim_db, "rubric", "simulate", str(RUBRIC_DIR / "levelisasi-2020.yaml"), "--cutoff",
                            CUTOFF, "--sensitivity", "ikd=10:30:10", check=False)
    assert bad_sweep.returncode == 1 and "ikd" in bad_sweep.stderr
