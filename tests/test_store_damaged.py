"""A damaged embedded store (issue 25, defect 8): a read-only file, a file truncated by one byte,
or a file that is not a DuckDB store each give one line naming the file and what to do, never a
traceback, for every command; `serve` refuses a read-only store unless `--read-only`, which serves
the public pages of an analyst's copy and answers 503 to anything that would write."""

from __future__ import annotations

import os
import subprocess

import httpx
import pytest

from cli_support import run_capaian
from serve_support import serving
from web_support import SEED_CUTOFF, fresh_db

COMMANDS = (
    ["runs", "list"], ["explain", "65", "--cutoff", SEED_CUTOFF], ["results", "--cutoff", SEED_CUTOFF],
    ["db", "check"], ["db", "status"], ["users", "list"], ["submission", "list"], ["serve", "--port", "1"],
    ["evaluate", "--cutoff", SEED_CUTOFF],
)


def _one_line(ran, path) -> str:
    assert ran.returncode == 1, (ran.stdout, ran.stderr)
    lines = [line for line in ran.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in ran.stderr, ran.stderr
    assert str(path) in lines[0]
    return lines[0]


@pytest.mark.parametrize("content", [b"bukan basis data\n", os.urandom(70_000)], ids=["text", "noise"])
def test_not_a_duckdb_file(tmp_path, content):
    path = tmp_path / "capaian.duckdb"
    path.write_bytes(content)
    for args in COMMANDS:
        line = _one_line(run_capaian(path, *args, check=False), path)
        assert "not a DuckDB file" in line and "restore it from a backup" in line, (args, line)
    assert path.read_bytes() == content  # nothing was written over it


def test_truncated_by_one_byte(tmp_path):
    path = fresh_db(tmp_path)
    os.truncate(path, path.stat().st_size - 1)
    for args in COMMANDS:
        if args[0] == "serve" or args == ["db", "check"]:
            continue  # serve: the blocks it needs to start are whole; db check: below
        ran = run_capaian(path, "--lang", "en", *args, check=False)
        assert "Traceback" not in ran.stderr
        if ran.returncode:
            _one_line(ran, path)
    checked = run_capaian(path, "--lang", "en", "db", "check", check=False)
    assert checked.returncode == 1 and "cut short; restore it from a backup" in checked.stdout


def test_truncated_where_the_data_is_read(tmp_path):
    path = fresh_db(tmp_path)
    os.truncate(path, path.stat().st_size // 2)  # blocks every evaluation and every check reads
    lines = [_one_line(run_capaian(path, "--lang", "en", *args, check=False), path)
             for args in (["explain", "65", "--cutoff", SEED_CUTOFF], ["db", "check"])]
    assert all("damaged" in line and "restore it from a backup" in line for line in lines), lines


@pytest.fixture
def read_only_store(tmp_path):
    """A store file this user can't write: chmod for a normal user, the immutable flag for root."""
    path = fresh_db(tmp_path)
    if os.geteuid() != 0:
        path.chmod(0o444)
        tmp_path.chmod(0o555)
        yield path
        tmp_path.chmod(0o755)
        return
    if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
        pytest.skip("root, and the file system has no immutable flag: no way to make a read-only file")
    try:
        yield path
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_read_only_store(read_only_store):
    path = read_only_store
    for args in COMMANDS + (["import", "submission", "x.csv"], ["db", "backup", str(path) + ".bak"]):
        line = _one_line(run_capaian(path, *args, check=False), path)
        assert "can't be written" in line and "--read-only" in line, (args, line)


def test_serve_read_only(read_only_store, tmp_path):
    log = tmp_path / "serve.log"
    with serving(read_only_store, "--read-only", log=log) as (_, base):
        assert httpx.get(f"{base}/nasional", timeout=60).status_code == 200
        assert httpx.get(f"{base}/wilayah/65.json", params={"cutoff": SEED_CUTOFF}, timeout=60).status_code == 200
        assert httpx.get(f"{base}/kualitas", timeout=60).status_code == 200  # flags computed, not saved
        assert httpx.get(f"{base}/nasional/laporan.xlsx", timeout=120).status_code == 200  # not audited
        login = httpx.post(f"{base}/masuk", data={"name": "kaltara", "password": "x"}, timeout=30)
        assert login.status_code == 503 and login.json()["error"] == "read_only"
        basic = httpx.get(f"{base}/api/submissions", auth=("kaltara", "x"), timeout=30)
        assert basic.status_code == 503
    out = log.read_text()
    assert "Traceback" not in out, out
