"""Settings in one place: declared once, documented, listed by `capaian settings`, read nowhere else."""

from __future__ import annotations

import re

import pytest

from capaian import settings
from capaian.errors import CapaianError
from cli_support import ROOT, run_capaian

SOURCE = ROOT / "src" / "capaian"
ENV_READ = re.compile(r"os\.environ\.get\(|os\.getenv\(|os\.environ\[|environ\.get\(|getenv\(")


def test_every_setting_is_documented_in_docs_settings_md():
    doc = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    assert doc == settings.markdown(), "regenerate: capaian settings --markdown > docs/settings.md"
    for spec in settings.SETTINGS:
        assert f"`{spec.env}`" in doc
        assert spec.help_id and spec.help_en and spec.help_id != spec.help_en


def test_readme_links_the_settings():
    assert "docs/settings.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_no_environment_read_bypasses_the_registry():
    offenders = []
    for path in SOURCE.rglob("*.py"):
        if path == SOURCE / "settings.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if ENV_READ.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "read settings through capaian.settings.value():\n" + "\n".join(offenders)


def test_every_capaian_variable_named_in_the_code_is_declared():
    named = set()
    for path in SOURCE.rglob("*.py"):
        named |= set(re.findall(r"\bCAPAIAN_[A-Z_]+\b", path.read_text(encoding="utf-8")))
    assert named <= set(settings.BY_ENV), named - set(settings.BY_ENV)


def test_values_come_from_the_environment_converted_and_checked(monkeypatch):
    assert settings.value("CAPAIAN_UPLOAD_MAX_MB") == 20
    monkeypatch.setenv("CAPAIAN_UPLOAD_MAX_MB", "5")
    assert settings.value("CAPAIAN_UPLOAD_MAX_MB") == 5
    monkeypatch.setenv("CAPAIAN_LOGIN_WINDOW", "1.5")
    assert settings.value("CAPAIAN_LOGIN_WINDOW") == 1.5
    monkeypatch.setenv("CAPAIAN_LOGIN_LIMIT", "lima")
    with pytest.raises(CapaianError, match="CAPAIAN_LOGIN_LIMIT"):
        settings.value("CAPAIAN_LOGIN_LIMIT")
    monkeypatch.setenv("CAPAIAN_CACHE_RUNS", "-1")
    with pytest.raises(CapaianError, match="negatif"):
        settings.value("CAPAIAN_CACHE_RUNS")
    with pytest.raises(KeyError):
        settings.value("CAPAIAN_NOT_DECLARED")


def test_the_web_state_uses_the_settings(monkeypatch, tmp_path):
    from capaian.store import open_store
    from capaian.web.state import WebState

    monkeypatch.setenv("CAPAIAN_LOGIN_LIMIT", "2")
    monkeypatch.setenv("CAPAIAN_CACHE_RUNS", "3")
    monkeypatch.setenv("CAPAIAN_SESSION_IDLE_MINUTES", "45")
    monkeypatch.setenv("CAPAIAN_SESSION_MAX_AGE", "7200")
    store = open_store(tmp_path / "throttle.duckdb")  # the throttle is kept in the store
    try:
        state = WebState(store)
        assert state.limiter.limit == 2 and state.max_views == 3
        assert state.session_idle == 45 * 60 and state.session_lifetime == 7200
        state.limiter.failed("kaltara", "10.0.0.1")
        assert not state.limiter.blocked("kaltara", "10.0.0.1")
        state.limiter.failed("kaltara", "10.0.0.1")
        assert state.limiter.blocked("kaltara", "10.0.0.1")
    finally:
        store.close()


def test_session_idle_minutes_out_of_range_is_refused(monkeypatch):
    from capaian.web.state import session_idle_seconds

    monkeypatch.setenv("CAPAIAN_SESSION_IDLE_MINUTES", "2000")
    with pytest.raises(CapaianError, match="1440"):
        session_idle_seconds()


def test_capaian_settings_lists_every_setting_with_its_value(tmp_path):
    out = run_capaian(tmp_path / "x.duckdb", "--lang", "en", "settings",
                      env={"CAPAIAN_UPLOAD_MAX_MB": "7", "CAPAIAN_SECRET": "sangat-rahasia", "COLUMNS": "250"}).stdout
    for spec in settings.SETTINGS:
        assert spec.env in out
    row = next(line for line in out.splitlines() if "CAPAIAN_UPLOAD_MAX_MB" in line)
    assert "7 (env)" in row and "20" in row
    assert "sangat-rahasia" not in out  # secrets are never shown
    assert not (tmp_path / "x.duckdb").exists()
    markdown = run_capaian(tmp_path / "x.duckdb", "settings", "--markdown").stdout
    assert markdown == settings.markdown()


def test_the_login_throttle_is_per_account_and_address(tmp_path):
    from capaian.sessions import BACKOFF, SPREAD, LoginThrottle
    from capaian.store import open_store

    throttle = LoginThrottle(limit=2, window=300)
    with open_store(tmp_path / "throttle.duckdb") as store:
        for _ in range(2):
            throttle.failed(store, "kaltara", "10.0.0.1")
        assert throttle.blocked(store, "kaltara", "10.0.0.1")
        assert not throttle.blocked(store, "tarakan", "10.0.0.1")  # a colleague behind the same NAT
        assert not throttle.blocked(store, "kaltara", "10.9.9.9")  # the owner from elsewhere
        for n in range(SPREAD * 2 - 2):  # names sprayed from one address
            throttle.failed(store, f"nama{n}", "10.0.0.2")
        assert not throttle.blocked(store, "tarakan", "10.0.0.2")
        throttle.failed(store, "lain", "10.0.0.2")
        throttle.failed(store, "lain2", "10.0.0.2")
        assert throttle.blocked(store, "tarakan", "10.0.0.2")
        for n in range(SPREAD * 2):  # one account guessed at from many addresses: a backoff only
            throttle.failed(store, "pusat", f"10.1.0.{n}")
        assert throttle.blocked(store, "pusat", "10.2.0.1")
        store.con.execute('UPDATE login_failures SET "at" = "at" - ?::INTERVAL WHERE user_name = ?',
                          [f"{int(BACKOFF) + 1} seconds", "pusat"])
        assert not throttle.blocked(store, "pusat", "10.2.0.1")
