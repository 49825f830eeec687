"""Flags computed once and kept (`capaian.quality.saved`): a saved answer is the computed one, it is
read instead of recomputed, and any change of what it depends on (the facts, k, the trend's runs)
gives another key; publishing saves the public's flags of the run, and a read never saves."""

from __future__ import annotations

import pytest

from capaian.quality import saved
from capaian.quality.flags import flags_for_cutoff
from capaian.runs import Catalog, choose, trend_run_ids
from capaian.service import get_run
from capaian.store import open_store
from cli_support import run_capaian


@pytest.fixture
def store(demo_db_copy):
    store = open_store(demo_db_copy, create=False)
    yield store
    store.close()


def _computed(store, choice, k=None):
    ids = trend_run_ids(Catalog.from_store(store), choice)
    return flags_for_cutoff([get_run(store, i) for i in ids], store.current_facts(choice.cutoff), k=k)


def _dicts(flags):
    return [f.to_dict() for f in flags]


def test_saved_flags_are_the_computed_ones_and_are_read_back_not_recomputed(store, monkeypatch):
    catalog = Catalog.from_store(store)
    choice = choose(catalog, cutoff="2022-06-H1")
    key, _ = saved.flags_key(store, catalog, choice)
    assert saved.saved_flags(store, key) is None
    read = saved.choice_flags(store, catalog, choice)  # a read computes them and keeps nothing
    assert saved.saved_flags(store, key) is None
    first = saved.choice_flags(store, catalog, choice, save=True)
    assert first and _dicts(first) == _dicts(_computed(store, choice)) == _dicts(read)
    assert saved.saved_flags(store, key) is not None

    def refuse(*a, **kw):
        raise AssertionError("computed again")

    monkeypatch.setattr(saved, "flags_for_cutoff", refuse)
    assert _dicts(saved.choice_flags(store, catalog, choice)) == _dicts(first)


def test_a_fact_revision_or_another_k_is_another_key(store):
    catalog = Catalog.from_store(store)
    choice = choose(catalog, cutoff="2022-06-H1")
    before = saved.choice_flags(store, catalog, choice, save=True)
    key, _ = saved.flags_key(store, catalog, choice)
    assert saved.flags_key(store, catalog, choice, k=3)[0] != key
    facts = store.current_facts(choice.cutoff)
    one = facts[(facts["fact"] == "ktp_terekam") & (facts["region_code"].str.count(r"\.") == 1)].iloc[[0]]
    code = one["region_code"].iloc[0]
    one = one.assign(fact="ktp_terekam_persen", value=12.3)  # a percentage sent that its counts contradict
    store.write_facts(one, source="correction", actor="test")
    new_key, _ = saved.flags_key(store, catalog, choice)
    assert new_key != key
    after = saved.choice_flags(store, catalog, choice, save=True)
    assert _dicts(after) == _dicts(_computed(store, choice))
    # the run's answer for the old facts is replaced, not kept beside the new one
    rows = store.query_df("SELECT key FROM saved_flags WHERE run_id = ?", [int(choice.run_id)])
    assert list(rows["key"]) == [new_key]
    mismatch = [(f.type, f.region_code) for f in after if f.type == "percent_mismatch"]
    assert ("percent_mismatch", code) in mismatch and ("percent_mismatch", code) not in [
        (f.type, f.region_code) for f in before]


def test_publishing_saves_the_flags_the_public_sees(store, demo_db_copy):
    catalog = Catalog.from_store(store)
    draft = max(int(r) for r in catalog.runs["id"] if not catalog.published(int(r)))
    store.close()
    run_capaian(demo_db_copy, "publish", str(draft))
    with open_store(demo_db_copy, create=False) as again:
        catalog = Catalog.from_store(again)
        choice = choose(catalog, user=None, cutoff=catalog.row(draft)["cutoff"])
        assert int(choice.run_id) == draft
        key, _ = saved.flags_key(again, catalog, choice)
        found = saved.saved_flags(again, key)
        assert found is not None and _dicts(found) == _dicts(_computed(again, choice))


def test_the_demo_saves_the_public_default_flags(demo_db):
    with open_store(demo_db, create=False) as store:
        catalog = Catalog.from_store(store)
        choice = choose(catalog, user=None, region="ID")
        key, _ = saved.flags_key(store, catalog, choice)
        assert saved.saved_flags(store, key) is not None


def test_a_report_and_the_cli_give_the_saved_answer(store):
    from capaian.quality.service import office_flags

    catalog = Catalog.from_store(store)
    choice = choose(catalog, cutoff="2020-11-H2")
    cli = saved.choice_flags(store, catalog, choice)
    assert cli and _dicts(office_flags(store, choice)) == _dicts(cli)
