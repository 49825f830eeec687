"""The command line as a user runs it: help, store creation, regions, one-line errors.

In-process through Typer's CliRunner; the end-to-end tests at the bottom start `python -m capaian`.
"""

from __future__ import annotations

import subprocess
import sys

import duckdb
from typer.testing import CliRunner

from capaian.cli import app
from capaian.store.migrate import known_migrations
from cli_support import run_capaian, run_capaian_process

READERS = (
    ("db", "status"),
    ("evaluate", "--cutoff", "2020-11-H1"),
    ("explain", "65", "--cutoff", "2020-11-H1"),
    ("runs", "list"),
    ("results",),
    ("report", "--scope", "65", "--cutoff", "2020-11-H1"),
    ("publish", "1"),
    ("users", "list"),
    ("serve", "--port", "8999"),
)


def one_line_error(ran, code: int = 1) -> str:
    assert ran.returncode == code, (ran.stdout, ran.stderr)
    assert "Traceback" not in ran.stderr
    lines = ran.stderr.strip().splitlines()
    assert len(lines) == 1, ran.stderr
    return lines[0]


def test_help_lists_the_commands(tmp_path):
    out = run_capaian(tmp_path / "x.duckdb", "--help").stdout
    for command in ("db", "regions", "evaluate", "explain", "import", "template", "demo", "publish", "settings"):
        assert command in out
    assert not (tmp_path / "x.duckdb").exists()


def test_every_command_has_help(tmp_path):
    for args in (("db", "init"), ("regions", "show"), ("regions", "find"), ("evaluate",),
                 ("explain",), ("import", "submission"), ("template", "submission"), ("demo", "build"),
                 ("settings",), ("facts",), ("report",)):
        out = run_capaian(tmp_path / "x.duckdb", *args, "--help").stdout
        assert "--help" in out and len(out.splitlines()) > 3


def test_db_init_creates_the_store_at_the_given_path(tmp_path):
    db = tmp_path / "sub" / "toko.duckdb"
    latest = known_migrations()[-1].version
    out = run_capaian(db, "db", "init").stdout
    assert db.is_file()
    assert f"schema {latest}" in out
    # idempotent: a second init applies nothing new and keeps the file
    assert f"schema {latest}" in run_capaian(db, "db", "init").stdout


def test_capaian_db_environment_variable(tmp_path, monkeypatch):
    db = tmp_path / "env.duckdb"
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["db", "init"], env={"CAPAIAN_DB": str(db)}, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert db.is_file() and not (tmp_path / "capaian.duckdb").exists()


def test_commands_that_read_never_create_a_database(tmp_path):
    missing = tmp_path / "salah-ketik.duckdb"
    for args in READERS:
        line = one_line_error(run_capaian(missing, *args, check=False))
        assert str(missing) in line, args
        assert "capaian db init" in line and "capaian demo build" in line
        assert not missing.exists(), args
        assert not list(tmp_path.iterdir()), args  # no .wal either


def test_commands_that_write_create_the_database(tmp_path):
    from capaian.accounts import list_users
    from capaian.store import open_store

    db = tmp_path / "baru.duckdb"
    run_capaian(db, "users", "add", "pusat", "--role", "national", "--password-stdin", stdin="rahasia-123\n")
    store = open_store(db, create=False)
    try:
        assert [u.name for u in list_users(store)] == ["pusat"]
    finally:
        store.close()


def test_regions_show_kalimantan_utara(tmp_path):
    out = run_capaian(tmp_path / "x.duckdb", "regions", "show", "65").stdout
    assert "65  Kalimantan Utara" in out
    assert "65.71  Kota Tarakan" in out and "(kota)" in out
    assert out.count("(kabupaten)") == 4
    for name in ("Malinau", "Bulungan", "Tana Tidung", "Nunukan"):
        assert name in out


def test_regions_show_accepts_undotted_codes(tmp_path):
    out = run_capaian(tmp_path / "x.duckdb", "regions", "show", "6571", "--depth", "0").stdout
    assert "65.71  Kota Tarakan" in out


def test_regions_find_is_case_insensitive(tmp_path):
    out = run_capaian(tmp_path / "x.duckdb", "regions", "find", "tarakan").stdout
    assert "65.71" in out and "Kota Tarakan" in out and "Kalimantan Utara" in out


def test_unknown_code_is_a_one_line_error_without_traceback(tmp_path):
    assert "65.98" in one_line_error(run_capaian(tmp_path / "x.duckdb", "regions", "show", "65.98", check=False))


def test_malformed_code_names_the_expected_forms(tmp_path):
    line = one_line_error(run_capaian(tmp_path / "x.duckdb", "regions", "show", "651", check=False))
    assert "651" in line and "PP.KK" in line


def test_bad_cutoff_is_a_clear_error(tmp_path):
    db = tmp_path / "x.duckdb"
    run_capaian(db, "db", "init")
    line = one_line_error(run_capaian(db, "evaluate", "--cutoff", "2020-13-H1", check=False))
    assert "2020-13-H1" in line and "YYYY-MM-H1" in line


def test_evaluating_an_empty_store_says_there_are_no_facts(tmp_path):
    db = tmp_path / "x.duckdb"
    run_capaian(db, "db", "init")
    assert "2020-11-H1" in one_line_error(run_capaian(db, "evaluate", "--cutoff", "2020-11-H1", check=False))


def test_newer_schema_is_refused_without_touching_the_file(tmp_path):
    db = tmp_path / "new.duckdb"
    run_capaian(db, "db", "init")
    con = duckdb.connect(str(db))
    con.execute("INSERT INTO schema_migrations VALUES (99, 'future', now())")
    con.close()
    before = db.read_bytes()
    assert "99" in one_line_error(run_capaian(db, "db", "init", check=False))
    assert db.read_bytes() == before


def test_usage_errors_are_one_line_with_exit_code_2(tmp_path):
    db = tmp_path / "x.duckdb"
    line = one_line_error(run_capaian(db, "evaluate", "--cutoff", "2020-11-H1", "--format", "docx", check=False), 2)
    assert "docx" in line and "evaluate --help" in line
    line = one_line_error(run_capaian(db, "evaluat", check=False), 2)
    assert "evaluat" in line and "evaluate" in line
    line = one_line_error(run_capaian(db, "evaluate", check=False), 2)
    assert "--cutoff" in line


def test_writing_into_a_missing_folder_is_a_clear_error(tmp_path):
    missing = tmp_path / "tidak-ada" / "kirim.csv"
    line = one_line_error(run_capaian(tmp_path / "x.duckdb", "template", "submission", "--cutoff", "2020-11-H1",
                                      "--region", "65", "-o", str(missing), check=False))
    assert str(missing) in line


def test_bad_setting_value_is_a_one_line_error(tmp_path):
    db = tmp_path / "x.duckdb"
    run_capaian(db, "db", "init")
    line = one_line_error(run_capaian(db, "serve", env={"CAPAIAN_SESSION_MAX_AGE": "delapan jam"}, check=False))
    assert "CAPAIAN_SESSION_MAX_AGE" in line and "delapan jam" in line



def test_facts_over_cutoffs_of_two_rubrics_is_refused_before_touching_the_store(tmp_path):
    db = tmp_path / "fakta.duckdb"
    line = one_line_error(run_capaian(db, "facts", "--cutoff", "2020-11-H1", "--cutoff", "2022-06-H1", check=False))
    assert "levelisasi-2020" in line and "levelisasi-2022" in line
    assert not db.exists()
    line = one_line_error(run_capaian(db, "facts", "--cutoff", "2020-11-H1", "--events", "e.parquet", check=False), 2)
    assert "--register" in line


# -- end to end: a real process, as a user starts it -----------------------------------------------
def test_end_to_end_help_and_a_one_line_error(tmp_path):
    out = run_capaian_process(tmp_path / "x.duckdb", "--help").stdout
    assert "evaluate" in out and "report" in out
    proc = run_capaian_process(tmp_path / "x.duckdb", "explain", "65", "--cutoff", "2020-11-H1", check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and str(tmp_path / "x.duckdb") in proc.stderr
    assert not (tmp_path / "x.duckdb").exists()


def test_end_to_end_database_from_the_environment(tmp_path):
    db = tmp_path / "env.duckdb"
    run_capaian_process(None, "db", "init", env={"CAPAIAN_DB": str(db)}, cwd=tmp_path)
    assert db.is_file() and not (tmp_path / "capaian.duckdb").exists()


def test_a_database_held_by_another_process_names_it(tmp_path):
    """What `capaian explain` says while `capaian serve` (here: a process holding the file) runs."""
    db = tmp_path / "dipakai.duckdb"
    run_capaian(db, "db", "init")
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, sys; con = duckdb.connect({str(db)!r}); print('ok', flush=True); "
                               "sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        for args in (("explain", "65", "--cutoff", "2020-11-H1"), ("db", "init")):
            line = one_line_error(run_capaian(db, *args, check=False))
            assert str(db) in line and f"PID {holder.pid}" in line
            assert "capaian serve" in line  # what to stop
    finally:
        holder.stdin.close()
        holder.wait(30)
    latest = known_migrations()[-1].version
    assert f"schema {latest}" in run_capaian(db, "db", "status").stdout  # free again


def test_start_up_loads_no_heavy_library(tmp_path):
    """`capaian --help` (and argument errors) load neither pandas, DuckDB, Ibis, matplotlib,
    WeasyPrint nor Rich: the figures of bench/cli_start.py depend on it, this checks it without timing."""
    script = (
        "import sys\n"
        "from capaian.cli import main\n"
        "sys.argv = ['capaian', '--help']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = {'pandas', 'numpy', 'duckdb', 'ibis', 'matplotlib', 'weasyprint', 'rich', 'pyarrow', 'babel'}\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules} & heavy)), file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0 and "explain" in proc.stdout
    assert proc.stderr.strip() == "", f"loaded at start-up: {proc.stderr.strip()}"
