"""Cold pages (issue 15): the short reads behind a first view give what the whole runs give, one build
per key however many threads ask, and the public's default pages built before the port opens."""

from __future__ import annotations

import threading
import time

import pytest

from capaian.quality.flags import flags_for_cutoff
from capaian.quality.notes import attach, notes
from capaian.quality.service import flags_for_choice, older_runs
from capaian.runs import Catalog, choose, trend_run_ids
from capaian.service import get_run
from capaian.store import open_store
from capaian.web.state import WebState


@pytest.fixture(scope="module")
def demo_store(demo_db):
    store = open_store(demo_db, create=False)
    yield store
    store.close()


@pytest.mark.parametrize("cutoff", [None, "2022-06-H1", "2020-03-H1"])
def test_flags_from_the_older_runs_typed_columns_are_the_flags_of_the_whole_runs(demo_store, cutoff):
    catalog = Catalog.from_store(demo_store)
    choice = choose(catalog, cutoff=cutoff)
    ids = trend_run_ids(catalog, choice)
    assert len(ids) >= 4 or cutoff == "2020-03-H1"  # history enough for jumps (and a short year)
    facts = demo_store.current_facts(choice.cutoff)
    whole = flags_for_cutoff([get_run(demo_store, i) for i in ids], facts)
    slim = flags_for_cutoff(older_runs(demo_store, catalog, ids[:-2]) + [get_run(demo_store, i) for i in ids[-2:]],
                            facts)
    assert whole, "the demo has flags at every cut-off"
    assert [f.to_dict() for f in slim] == [f.to_dict() for f in whole]
    # the CLI's answer is the same one
    assert [f.to_dict() for f in flags_for_choice(demo_store, choice)] == \
        [f.to_dict() for f in attach(whole, notes(demo_store))]


def test_runs_of_a_region_are_the_region_rows_of_the_whole_runs(demo_store):
    catalog = Catalog.from_store(demo_store)
    ids = trend_run_ids(catalog, choose(catalog))
    for code in ("65", "65.01"):
        parts = demo_store.load_runs_of_region(ids, code)
        assert sorted(parts) == sorted(ids)
        for run_id in ids[:3] + ids[-2:]:
            _, indicators, regions = demo_store.load_run(run_id)
            _, ind, reg = parts[run_id]
            want_i = indicators[indicators["region_code"] == code].reset_index(drop=True)
            want_r = regions[regions["region_code"] == code].reset_index(drop=True)
            assert len(want_i) > 0
            assert ind.equals(want_i) and reg.equals(want_r)


def test_one_build_per_key_however_many_threads_ask(small_store):
    state = WebState(small_store, report_workers=0)
    calls = []
    started = threading.Event()

    def build():
        calls.append(1)
        started.set()
        time.sleep(0.3)
        return {"built": len(calls)}

    answers = []
    threads = [threading.Thread(target=lambda: answers.append(state.model(("k",), build))) for _ in range(4)]
    threads[0].start()
    started.wait(5)
    for t in threads[1:]:
        t.start()
    for t in threads:
        t.join(10)
    assert calls == [1]
    assert answers == [{"built": 1}] * 4
    assert state.model(("k",), build) == {"built": 1}  # and cached afterwards


def test_a_failed_build_fails_its_waiters_and_is_tried_again(small_store):
    state = WebState(small_store, report_workers=0)
    gate = threading.Event()
    tries = []

    def failing():
        tries.append(1)
        gate.wait(5)
        raise ValueError("no")

    errors = []

    def ask():
        try:
            state.model(("bad",), failing)
        except ValueError as exc:
            errors.append(str(exc))

    first = threading.Thread(target=ask)
    first.start()
    while not tries:
        time.sleep(0.01)
    second = threading.Thread(target=ask)
    second.start()
    time.sleep(0.1)
    gate.set()
    first.join(5)
    second.join(5)
    assert errors == ["no", "no"] and tries == [1]
    assert state.model(("bad",), lambda: "fine") == "fine"  # nothing left in flight


def test_a_build_asking_for_its_own_key_builds_instead_of_waiting_for_itself(small_store):
    state = WebState(small_store, report_workers=0)
    assert state.model(("outer",), lambda: state._once(("model", ("outer",)), lambda: 7)) == 7


def test_the_public_default_pages_are_built_by_the_time_the_app_reads_ready(demo_db_copy):
    import time

    from fastapi.testclient import TestClient

    from capaian.web import create_app

    app = create_app(demo_db_copy, secret="cold-secret")
    state = app.state.web
    with TestClient(app) as client:  # the port opens at once; the warm-up runs in the background
        for _ in range(1200):
            if client.get("/readyz").status_code == 200:
                break
            time.sleep(0.1)
        choice = choose(state.catalog())
        assert state._opened.get(("opened", *choice.key)) is not None
        assert state._models.get((*choice.key, "overview")) is not None
        flags = state._models.get((*choice.key, "flags"))
        assert flags
        page = client.get("/nasional")
        assert page.status_code == 200
        assert client.get("/nasional.json").json()["run"]["run_id"] == choice.run_id
    state.store.close()


def test_page_models_are_bounded_by_their_weight_not_only_their_number():
    from capaian.web.caching import LRU, _model_weight

    small, large = {"rows": list(range(10))}, {"rows": [{"code": str(i), "value": i / 3} for i in range(20_000)]}
    assert _model_weight(large) > 100 * _model_weight(small)
    cache = LRU(100, budget=2 * _model_weight(large) + 10 * _model_weight(small), weigh=_model_weight)
    for i in range(3):
        cache.put(("large", i), large)
    assert cache.get(("large", 0)) is None and cache.get(("large", 2)) is large  # the oldest went first
    for i in range(5):
        cache.put(("small", i), small)
    assert cache.weight <= cache.budget and cache.get(("small", 4)) is small
    cache.put(("large", 2), small)  # replaced: its weight is the new value's
    assert cache.weight <= 3 * _model_weight(large) and cache.get(("large", 2)) is small
    assert _model_weight({"unpicklable": lambda: None}) == 256 << 10
