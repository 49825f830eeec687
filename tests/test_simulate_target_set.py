"""A draft regional target set is simulated like a draft rubric (issue 20): `capaian rubric simulate
--target-set FILE` evaluates the rubric in force under the draft targets and names the offices that
change level, only below the set's scope, with the new threshold as the reason."""

from __future__ import annotations

import json

import pytest
import yaml

from capaian.evaluate.simulate import simulate_cutoff
from capaian.rubrics.loader import target_set_from_file
from capaian.store import open_store
from cli_support import run_capaian
from web_support import fresh_db

CUTOFF = "2020-11-H1"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return fresh_db(tmp_path_factory.mktemp("simulate-targets"))


@pytest.fixture(scope="module")
def draft(tmp_path_factory):
    path = tmp_path_factory.mktemp("draft") / "kaltim-2020-draf.yaml"
    path.write_text(yaml.safe_dump({
        "id": "kaltim-2020-draf", "scope": "64", "year": 2020,
        "targets": {"kia": {"value": 60, "source": "draf: target KIA daerah 60 %"}},
    }), encoding="utf-8")
    return path


def test_a_draft_target_set_moves_only_offices_below_its_scope(db, draft):
    with open_store(db, create=False) as store:
        sim = simulate_cutoff(store, CUTOFF, None, target_sets=(target_set_from_file(draft),))
    assert sim.draft.id == "levelisasi-2020+kaltim-2020-draf"
    changes = sim.changes.to_dict("records")
    assert changes, "KIA at 60 % for Kaltim's regencies should move someone in the small store"
    for row in changes:
        assert row["region_code"].startswith("64.") and row["tier"] == "regency"
        [reason] = row["reasons"]
        assert reason["indicator"] == "kia" and (reason["target_in_force"], reason["target_draft"]) == (20.0, 60.0)
        assert 20 <= reason["value"] < 60 and row["level_draft"] < row["level_in_force"]


def test_the_cli_takes_a_target_set_without_a_draft_rubric(db, draft):
    out = json.loads(run_capaian(db, "rubric", "simulate", "--cutoff", CUTOFF, "--target-set", str(draft),
                                 "--format", "json").stdout)
    assert out["draft"] == "levelisasi-2020+kaltim-2020-draf" and out["changes"]
    assert {c["region_code"][:3] for c in out["changes"]} == {"64."}
    missing = run_capaian(db, "rubric", "simulate", "--cutoff", CUTOFF, check=False)
    assert missing.returncode == 1 and "--target-set" in missing.stderr and "Traceback" not in missing.stderr
