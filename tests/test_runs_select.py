"""The one run picker and the one trend (`capaian.runs`): rules on a hand-made catalog, then the
repros of issue 16 (unpublished values through "previous" fields; a stale copy after publishing
through the web) on the demo."""

from __future__ import annotations

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from capaian.accounts import OPERATOR, User
from capaian.runs import Catalog, NoRun, choose, trend_run_ids

PROVINCE = User(name="kaltara", role="province", region_code="65")
REGENCY = User(name="tarakan", role="regency", region_code="65.71")


def catalog(rows) -> Catalog:
    frame = pd.DataFrame(
        [{"id": i, "cutoff": c, "rubric": r, "target_set": t, "published_at": pd.Timestamp("2020-12-01") if p else None}
         for i, c, r, t, p in rows]
    )
    return Catalog(frame)


RUNS = catalog([
    (1, "2020-10-H2", "levelisasi-2020", "national", True),
    (2, "2020-11-H1", "levelisasi-2020", "national", True),
    (3, "2020-11-H1", "levelisasi-2020", "national", False),  # re-evaluated after a correction
    (4, "2020-11-H2", "levelisasi-2020", "national", False),
    (5, "2020-11-H1", "levelisasi-2020", "kaltim-2022", False),
    (6, "2020-11-H1", "levelisasi-2020", "kaltim-2022", True),
    (7, "2020-11-H1", "other-rubric", "national", True),
])


def test_published_only_by_default_for_everyone():
    for user in (None, PROVINCE, REGENCY, OPERATOR):
        choice = choose(RUNS, user=user)
        assert (choice.run_id, choice.cutoff, choice.published) == (2, "2020-11-H1", True)
        assert choice.cutoffs == ("2020-10-H2", "2020-11-H1")


def test_drafts_when_asked_for_by_someone_who_may_see_them():
    assert choose(RUNS, draft=True, user=OPERATOR).run_id == 4
    assert choose(RUNS, draft=True, user=PROVINCE, region="65").run_id == 4
    assert choose(RUNS, cutoff="2020-11-H1", draft=True, user=REGENCY, region="65.71").run_id == 3
    # the public, or an office outside its jurisdiction, asking for a draft gets the published run
    assert choose(RUNS, draft=True, user=None).run_id == 2
    assert choose(RUNS, draft=True, user=REGENCY, region="65").run_id == 2
    with pytest.raises(NoRun, match="--draft"):
        choose(RUNS, cutoff="2020-11-H2", user=OPERATOR)


def test_a_run_by_id_and_hidden_drafts():
    assert choose(RUNS, run_id=3, user=OPERATOR).run_id == 3
    with pytest.raises(NoRun):
        choose(RUNS, run_id=3, user=None)  # an unpublished run does not exist for the public
    with pytest.raises(NoRun):
        choose(RUNS, run_id=99, user=OPERATOR)
    assert choose(RUNS, run_id=2, user=None).published


def test_regional_target_sets_only_when_asked_for():
    assert choose(RUNS, cutoff="2020-11-H1", user=OPERATOR).target_set == "national"
    regional = choose(RUNS, cutoff="2020-11-H1", target_set="kaltim-2022", user=OPERATOR)
    assert (regional.run_id, regional.target_set) == (6, "kaltim-2022")
    assert choose(RUNS, cutoff="2020-11-H1", target_set="kaltim-2022", draft=True, user=OPERATOR).run_id == 6
    with pytest.raises(NoRun, match="kaltim-2022"):
        choose(RUNS, cutoff="2020-10-H2", target_set="kaltim-2022", user=OPERATOR)


def test_rubric_of_the_year_first_then_as_asked():
    assert choose(RUNS, cutoff="2020-11-H1", user=None).rubric == "levelisasi-2020"
    assert choose(RUNS, cutoff="2020-11-H1", rubric="other-rubric", user=None).run_id == 7


def test_previous_follows_the_same_rule():
    published = choose(RUNS, cutoff="2020-11-H2", draft=True, user=OPERATOR)
    assert published.previous_run_id == 3  # a draft's previous may be a draft
    assert choose(RUNS, cutoff="2020-11-H1", user=None).previous_run_id == 1
    jan = catalog([(1, "2020-12-H2", "levelisasi-2020", "national", True),
                   (2, "2021-01-H1", "levelisasi-2020", "national", True)])
    assert choose(jan, user=None).previous_run_id is None  # no "previous" across a year


def test_trend_is_the_year_up_to_the_chosen_cutoff():
    assert trend_run_ids(RUNS, choose(RUNS, cutoff="2020-10-H2", user=None)) == [1]
    assert trend_run_ids(RUNS, choose(RUNS, user=None)) == [1, 2]
    assert trend_run_ids(RUNS, choose(RUNS, draft=True, user=OPERATOR)) == [1, 3, 4]
    assert trend_run_ids(RUNS, choose(RUNS, run_id=3, user=OPERATOR)) == [1, 3]


# --- issue 16, items 1 and 2, on the demo ----------------------------------------------------


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory, demo_db):
    import shutil

    from capaian.accounts import add_user
    from capaian.store import open_store
    from capaian.web import create_app

    db = tmp_path_factory.mktemp("picker") / "demo.duckdb"
    shutil.copy(demo_db, db)
    store = open_store(db)
    add_user(store, "nasional", "rahasia-123", "national", actor="test")
    return create_app(store=store, secret="test-secret")


def test_previous_fields_never_come_from_an_unpublished_run(demo_app):
    """Repro: 2022-12-H1 unpublished, 2022-12-H2 published: the public's "previous" at 2022-12-H2 is
    the previous *published* run's, never the unpublished 2022-12-H1."""
    state = demo_app.state.web
    runs = state.catalog()
    h1 = runs.latest("2022-12-H1")
    h2 = runs.latest("2022-12-H2")
    assert not runs.published(h1) and not runs.published(h2)
    with state.db() as store:
        store.publish_run(h2, "test")
    state.invalidate()
    public = TestClient(demo_app).get("/nasional.json", params={"cutoff": "2022-12-H2"}).json()
    assert public["run"]["run_id"] == h2 and public["run"]["previous_run_id"] is None
    kaltara = next(r for r in public["regions"] if r["code"] == "65")
    assert kaltara["prev_level"] is None and kaltara["prev_rank_national"] is None
    assert all(c.get("prev_value") is None for c in kaltara["indicators"].values())
    # with the draft asked for by the national team, "previous" is the 2022-12-H1 draft
    national = TestClient(demo_app)
    national.post("/masuk", data={"name": "nasional", "password": "rahasia-123",
                                  "csrf_token": _csrf(national.get("/masuk").text)})
    draft = national.get("/nasional.json", params={"cutoff": "2022-12-H2", "draft": "1"}).json()
    assert draft["run"]["previous_run_id"] == h1
    seen = next(r for r in draft["regions"] if r["code"] == "65")
    assert seen["prev_level"] is not None


def test_publishing_through_the_web_refreshes_every_cached_copy(demo_app):
    state = demo_app.state.web
    run_id = state.catalog().latest("2022-12-H1")
    public = TestClient(demo_app)
    assert public.get("/api/results", params={"run_id": run_id}).status_code == 404
    national = TestClient(demo_app)
    national.post("/masuk", data={"name": "nasional", "password": "rahasia-123",
                                  "csrf_token": _csrf(national.get("/masuk").text)})
    assert national.get("/api/results", params={"run_id": run_id}).json()["run"]["published"] is False
    token = _csrf(national.get("/run").text)
    assert national.post(f"/run/{run_id}/terbitkan", data={"csrf_token": token}).status_code == 200
    after = public.get("/api/results", params={"run_id": run_id, "tier": "province"}).json()
    assert after["run"]["published"] is True and len(after["regions"]) == 38
    assert public.get("/api/explanations/65", params={"cutoff": "2022-12-H1"}).status_code == 200


def _csrf(html: str) -> str:
    import re

    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
