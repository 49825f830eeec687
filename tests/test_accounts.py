"""Accounts: argon2 hashes, roles tied to regions, jurisdiction rules."""

import pytest

from capaian.accounts import (
    User,
    add_user,
    get_user,
    list_users,
    remove_user,
    set_lang,
    set_password,
    verify_login,
)
from capaian.access import allowed, covers
from capaian.errors import CapaianError
from capaian.store import open_store


@pytest.fixture
def store(store_target):
    """An empty store on each backend (DuckDB, PostgreSQL)."""
    s = open_store(store_target)
    yield s
    s.close()


def test_add_and_verify(store):
    user = add_user(store, "kaltara", "rahasia-123", "province", "65")
    assert user == User("kaltara", "province", "65", "id")
    stored = store.con.execute("SELECT password_hash FROM users WHERE name = 'kaltara'").fetchone()[0]
    assert stored.startswith("$argon2id$") and "rahasia" not in stored
    assert verify_login(store, "kaltara", "rahasia-123") == user
    assert verify_login(store, "kaltara", "wrong-password") is None
    assert verify_login(store, "nobody", "rahasia-123") is None
    audit = store.list_audit(action="user_add")
    assert list(audit["object"]) == ["kaltara"]


def test_region_codes_are_normalised_and_checked(store):
    assert add_user(store, "tarakan", "rahasia-123", "regency", "6571").region_code == "65.71"
    with pytest.raises(CapaianError, match="province"):
        add_user(store, "x1", "rahasia-123", "province", "65.71")
    with pytest.raises(CapaianError, match="regency"):
        add_user(store, "x2", "rahasia-123", "regency", "65")
    with pytest.raises(CapaianError):
        add_user(store, "x3", "rahasia-123", "province", "99")
    with pytest.raises(CapaianError):
        add_user(store, "x4", "rahasia-123", "province", None)
    with pytest.raises(CapaianError):
        add_user(store, "x5", "rahasia-123", "national", "65")
    with pytest.raises(CapaianError):
        add_user(store, "x6", "rahasia-123", "admin")


def test_refusals(store):
    add_user(store, "pusat", "rahasia-123", "national")
    with pytest.raises(CapaianError, match="sudah ada"):
        add_user(store, "pusat", "rahasia-123", "national")
    with pytest.raises(CapaianError, match="8"):
        add_user(store, "pendek", "short", "national")
    with pytest.raises(CapaianError):
        add_user(store, "bad name!", "rahasia-123", "national")


def test_password_lang_remove(store):
    add_user(store, "pusat", "rahasia-123", "national")
    set_password(store, "pusat", "baru-sekali-456")
    assert verify_login(store, "pusat", "rahasia-123") is None
    assert verify_login(store, "pusat", "baru-sekali-456") is not None
    set_lang(store, "pusat", "en")
    assert get_user(store, "pusat").lang == "en"
    set_lang(store, "pusat", "fr")  # ignored
    assert get_user(store, "pusat").lang == "en"
    remove_user(store, "pusat")
    assert list_users(store) == []


NATIONAL = User("n", "national", None)
PROVINCE = User("p", "province", "65")
REGENCY = User("r", "regency", "65.71")


@pytest.mark.parametrize(
    "user, code, expected",
    [
        (NATIONAL, "31", True), (NATIONAL, "65.71.01", True),
        (PROVINCE, "65", True), (PROVINCE, "65.71", True), (PROVINCE, "65.01.01.2001", True),
        (PROVINCE, "64", False), (PROVINCE, "64.71", False), (PROVINCE, "ID", False),
        (PROVINCE, "6", False),  # a prefix of the code is not the region
        (REGENCY, "65.71", True), (REGENCY, "65.71.01", True), (REGENCY, "65", False),
        (REGENCY, "65.01", False), (REGENCY, "65.7", False),
        (None, "65", False),
    ],
)
def test_jurisdiction(user, code, expected):
    assert allowed(user, "view", code) is expected  # any run, published or not: jurisdiction only
    assert allowed(user, "view_below", code) is expected


def test_covers_is_a_whole_segment_prefix():
    assert covers("ID", "65.71") and covers("65", "65") and covers("65", "65.71.01")
    assert not covers("6", "65") and not covers("65.7", "65.71") and not covers(None, "65")


def test_published_runs_are_public_down_to_the_regency():
    assert allowed(None, "view", "ID", run=True)
    assert allowed(None, "view", "65", run={"published_at": "2020-11-16"})
    assert not allowed(None, "view", "65", run={"published_at": None})
    assert allowed(None, "view", "65.71", run=True)  # regency figures and levels are published
    assert not allowed(None, "view", "65.71", run=False)
    assert not allowed(None, "view", "65.71.01", run=True) and not allowed(None, "view", "65.71.01.2001", run=True)
    assert not allowed(None, "view", "65", run=False)
    assert allowed(REGENCY, "view", "64", run=True)
    assert not allowed(REGENCY, "view", "64", run=False)
    assert allowed(PROVINCE, "view", "64.71", run=True) and not allowed(PROVINCE, "view", "64.71", run=False)
    assert allowed(PROVINCE, "view", "65.71", run=False)
    # a published province's regencies: everyone; a regency's villages (outreach): jurisdiction only
    assert allowed(PROVINCE, "view_below", "64", run=True) and allowed(None, "view_below", "65", run=True)
    assert allowed(None, "view_below", "ID", run=True) and not allowed(None, "view_below", "65", run=False)
    assert not allowed(None, "view_below", "65.71", run=True) and not allowed(PROVINCE, "view_below", "64.71", run=True)
    assert allowed(REGENCY, "view_below", "65.71", run=False)


def test_reports():
    assert allowed(None, "report", "ID", run=True) and not allowed(None, "report", "ID", run=False)
    assert allowed(PROVINCE, "report", "ID", run=True) and not allowed(PROVINCE, "report", "ID", run=False)
    assert allowed(None, "report", "65", run=True) and allowed(PROVINCE, "report", "64", run=True)
    assert not allowed(None, "report", "65", run=False) and not allowed(PROVINCE, "report", "64", run=False)
    assert not allowed(None, "report", "65.71", run=True)  # a regency's report holds its villages
    assert allowed(PROVINCE, "report", "65.71", run=False) and allowed(REGENCY, "report", "65", run=True)
    assert not allowed(REGENCY, "report", "65", run=False)


def test_run_metadata():
    for user in (None, NATIONAL, PROVINCE, REGENCY):
        assert allowed(user, "view_run", run=True) and allowed(user, "view_run_meta", run=True)
    assert not allowed(None, "view_run", run=False)
    assert allowed(PROVINCE, "view_run", run=False) and allowed(REGENCY, "view_run", run=False)
    assert allowed(NATIONAL, "view_run_meta", run=False)
    assert not allowed(PROVINCE, "view_run_meta", run=False) and not allowed(REGENCY, "view_run_meta", run=False)


def test_upload_and_publish_rights():
    assert not allowed(None, "upload")
    assert allowed(PROVINCE, "upload", "65.04") and not allowed(PROVINCE, "upload", "64.04")
    assert allowed(REGENCY, "upload", "65.71") and not allowed(REGENCY, "upload", "65.04")
    for action in ("publish", "evaluate"):
        assert allowed(NATIONAL, action) and not allowed(PROVINCE, action) and not allowed(None, action)
    assert allowed(NATIONAL, "view_submission", None) and not allowed(PROVINCE, "view_submission", None)
    assert allowed(PROVINCE, "view_submission", "65") and not allowed(REGENCY, "view_submission", "65")
    with pytest.raises(ValueError):
        allowed(NATIONAL, "delete_everything")
