"""One cut-off range for file, CLI and web (issue 25, defect 4): from the first rubric's year
(2020-01-H1) to the latest cut-off whose as-of date has come; years 0001 and 1999 are refused,
naming the range, instead of being stored where no rubric can ever evaluate them."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from fastapi.testclient import TestClient

from capaian import periods
from capaian.intake import validate_submission
from capaian.periods import EarlyCutoffError, check_cutoff, earliest_allowed, latest_allowed
from capaian.rubrics import list_rubrics, load_rubric
from cli_support import run_capaian

TODAY = dt.date(2026, 12, 7)
EARLY = ("0001-11-H1", "1999-12-H2")


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(periods, "today", lambda: TODAY)


def test_the_range_starts_with_the_first_rubrics_year():
    first = min(load_rubric(r).year for r in list_rubrics())
    assert first == 2020 and str(earliest_allowed()) == "2020-01-H1"
    assert check_cutoff("2020-01-H1") == earliest_allowed()
    assert str(check_cutoff(str(latest_allowed()))) == "2026-11-H2"
    for text in EARLY:
        with pytest.raises(EarlyCutoffError) as err:
            check_cutoff(text)
        assert "2020-01-H1 to 2026-11-H2" in err.value.en_message
        assert "2020-01-H1 s.d. 2026-11-H2" in err.value.id_message
    with pytest.raises(periods.FutureCutoffError) as err:
        check_cutoff("2026-12-H1")
    assert "2020-01-H1 to 2026-11-H2" in err.value.en_message


@pytest.mark.parametrize("cutoff", EARLY)
def test_a_file_with_an_early_cutoff_is_refused_naming_the_range(tmp_path, cutoff):
    path = tmp_path / "lama.csv"
    path.write_text(f"kode_wilayah,cutoff,pks\n65.01,{cutoff},3\n65.02,{cutoff},4\n", encoding="utf-8")
    report = validate_submission(path)
    [problem] = report.problems
    assert (problem.rule, problem.row, problem.column, problem.value) == ("early_cutoff", 2, "cutoff", cutoff)
    assert problem.expected_en == "2020-01-H1 to 2026-11-H2"
    assert "no rubric before 2020" in problem.message_en


@pytest.mark.parametrize("cutoff", EARLY)
def test_the_cli_refuses_early_cutoffs_in_one_line(tmp_path, cutoff):
    db = tmp_path / "c.duckdb"
    run_capaian(db, "db", "init")
    path = tmp_path / "lama.csv"
    path.write_text(f"kode_wilayah,cutoff,pks\n65.01,{cutoff},3\n", encoding="utf-8")
    for args in (["template", "submission", "--cutoff", cutoff, "--region", "65", "-o", str(tmp_path / "t.csv")],
                 ["evaluate", "--cutoff", cutoff], ["facts", "--cutoff", cutoff],
                 ["import", "submission", str(path)]):
        ran = run_capaian(db, "--lang", "en", *args, check=False)
        assert ran.returncode == 1, (args, ran.stdout, ran.stderr)
        assert "Traceback" not in ran.stderr and "2020-01-H1 to 2026-11-H2" in ran.stderr, (args, ran.stderr)


def _basic(name: str) -> dict:
    from web_support import PASSWORD

    return {"Authorization": "Basic " + base64.b64encode(f"{name}:{PASSWORD}".encode()).decode()}


@pytest.mark.parametrize("cutoff", EARLY)
def test_the_web_refuses_early_cutoffs_naming_the_range(app, cutoff):
    client = TestClient(app)
    body = f"kode_wilayah,cutoff,pks\n65.01,{cutoff},3\n".encode()
    r = client.post("/api/submissions", headers=_basic("kaltara"), files={"file": ("lama.csv", body, "text/csv")})
    assert r.status_code == 422
    [problem] = r.json()["problems"]
    assert problem["rule"] == "early_cutoff" and problem["expected_en"] == "2020-01-H1 to 2026-11-H2"
    # the API's cut-off pattern stops years before 2000 itself; 2019 reaches the range rule
    r = client.post("/api/evaluations", headers=_basic("nasional"), json={"cutoff": "2019-12-H2"})
    assert r.status_code == 422 and "2020-01-H1 to 2026-11-H2" in r.json()["message"]["en"]
