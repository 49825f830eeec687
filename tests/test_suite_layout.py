"""The suite's own layout: the collection hook gives every test its xdist group (issue 24), so
`make test`'s `--dist loadgroup` keeps a file's tests, and their module fixtures, on one worker."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

# tests/conftest.py itself (a plain `import conftest` may give tests/browser/conftest.py)
_SPEC = importlib.util.spec_from_file_location("suite_conftest", Path(__file__).with_name("conftest.py"))
conftest = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(conftest)


def test_every_collected_test_carries_its_group(request):
    items = request.session.items
    groups = {item.nodeid: item.get_closest_marker("xdist_group") for item in items}
    assert items and all(groups.values()), [n for n, g in groups.items() if g is None][:5]
    for item in items:
        group = groups[item.nodeid].args[0] if groups[item.nodeid].args else groups[item.nodeid].kwargs["name"]
        assert group == conftest._group_of(item)
        path = item.nodeid.split("::")[0]
        assert group == "browser" if "/browser/" in path else group.removeprefix("demo:") == path


def test_only_one_collection_hook_is_defined():
    """A second `def pytest_collection_modifyitems` in conftest.py replaces the first (as it once did)."""
    source = open(conftest.__file__, encoding="utf-8").read()
    assert source.count("def pytest_collection_modifyitems") == 1


def test_open_store_refuses_what_is_not_a_path(tmp_path):
    from capaian.store import open_store

    store = open_store(tmp_path / "a.duckdb")
    try:
        assert open_store(store) is store  # an open store is taken as it is, never str()-ed into a file name
    finally:
        store.close()
    with pytest.raises(TypeError, match="not object"):
        open_store(object())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.duckdb"]
