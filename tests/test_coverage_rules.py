"""Coverage rules on real published shapes: figures above 100 % are accepted and flagged for every
coverage indicator (only an implausible ratio is refused), as Dukcapil publishes them.

Fixture `data/akta-provinsi-2018-03-H2.csv`: three provinces of the March 2018 akta ranking, with
their published percentages (Jambi 106,79 %, Kalimantan Timur 103,69 %, DKI Jakarta 101,29 %;
denominators from DKB Semester II 2017, numerators to March 2018). The counts are constructed to
give exactly those percentages: the ranking publishes percentages, not counts.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from capaian.evaluate import evaluate
from capaian.intake import SubmissionInvalid, import_submission
from capaian.quality.flags import over_100
from capaian.regions import get_hierarchy, version_for_year
from capaian.rubrics import load_rubric
from capaian.store import open_store

DATA = Path(__file__).parent / "data"
AKTA_2018 = DATA / "akta-provinsi-2018-03-H2.csv"


@pytest.fixture
def store():
    s = open_store(":memory:")
    yield s
    s.close()


def test_2018_akta_ranking_imports_whole_with_figures_above_100_flagged(store):
    result = import_submission(store, AKTA_2018, actor="nasional")
    assert (result.status, result.rows, result.facts_written) == ("imported", 3, 6)
    above = {a["region_code"]: 100 * a["numerator"] / a["denominator"] for a in result.above_100}
    assert above == pytest.approx({"15": 106.79, "64": 103.69, "31": 101.29})
    assert "15 akta_lahir_dimiliki 106,79 %" in result.summary("id")
    assert "(accepted, flagged)" in result.summary("en")

    # no 2018 rubric ships: the akta indicator of levelisasi-2020 (anak_lt18 / akta) reads the facts
    facts = store.current_facts("2018-03-H2")
    regions = get_hierarchy(version_for_year(2018)).region_frame()
    ev = evaluate(facts, regions, load_rubric("levelisasi-2020"))
    akta = ev.indicators[(ev.indicators["indicator"] == "akta_kelahiran") & (ev.indicators["tier"] == "province")
                         & ev.indicators["value"].notna()].set_index("region_code")
    assert akta["value"].round(2).to_dict() == {"15": 106.79, "31": 101.29, "64": 103.69}
    assert akta["over_100"].all()
    assert akta["rank_national"].to_dict() == {"15": 1, "31": 3, "64": 2}
    flags = {f.region_code: f.severity for f in over_100(akta.reset_index().to_dict("records"), {})}
    assert flags == {"15": "high", "64": "medium", "31": "medium"}


def test_an_implausible_akta_ratio_is_still_refused(store, tmp_path):
    slip = tmp_path / "salah-ketik.csv"
    slip.write_text("kode_wilayah;cutoff;anak_lt18;akta_lahir_dimiliki\n15;2018-03-H2;1.200.000;12.814.800\n",
                    encoding="utf-8")
    with pytest.raises(SubmissionInvalid) as err:
        import_submission(store, slip, actor="nasional")
    problem = err.value.report.problems[0]
    assert (problem.rule, problem.row, problem.column) == ("implausible_ratio", 2, "akta_lahir_dimiliki")
