"""The command line as a user runs it: help, store creation, regions, one-line errors."""

from __future__ import annotations

from cli_support import run_capaian


def test_help_lists_the_commands(tmp_path):
    out = run_capaian(tmp_path / "x.duckdb", "--help").stdout
    for command in ("db", "regions", "evaluate", "explain", "import", "template", "demo", "publish"):
        assert command in out


def test_every_command_has_help(tmp_path):
    for args in (("db", "init"), ("regions", "show"), ("regions", "find"), ("evaluate",),
                 ("explain",), ("import", "submission"), ("template", "submission"), ("demo", "build")):
        out = run_capaian(tmp_path / "x.duckdb", *args, "--help").stdout
        assert "--help" in out and len(out.splitlines()) > 3


def test_db_init_creates_the_store_at_the_given_path(tmp_path):
    db = tmp_path / "sub" / "toko.duckdb"
    from capaian.store.migrate import known_migrations

    latest = known_migrations()[-1].version
    out = run_capaian(db, "db", "init").stdout
    assert db.is_file()
    assert f"schema {latest}" in out
    # idempotent: a second init applies nothing new and keeps the file
    assert f"schema {latest}" in run_capaian(db, "db", "init").stdout


def test_capaian_db_environment_variable(tmp_path):
    import os
    import subprocess
    import sys

    db = tmp_path / "env.duckdb"
    env = {**os.environ, "CAPAIAN_DB": str(db)}
    subprocess.run([sys.executable, "-m", "capaian", "db", "init"], env=env, check=True,
                   capture_output=True, cwd=tmp_path)
    assert db.is_file()


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
    proc = run_capaian(tmp_path / "x.duckdb", "regions", "show", "65.98", check=False)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "65.98" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_malformed_code_names_the_expected_forms(tmp_path):
    proc = run_capaian(tmp_path / "x.duckdb", "regions", "show", "651", check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "651" in proc.stderr and "PP.KK" in proc.stderr


def test_bad_cutoff_is_a_clear_error(tmp_path):
    proc = run_capaian(tmp_path / "x.duckdb", "evaluate", "--cutoff", "2020-13-H1", check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "2020-13-H1" in proc.stderr and "YYYY-MM-H1" in proc.stderr


def test_evaluating_an_empty_store_says_there_are_no_facts(tmp_path):
    proc = run_capaian(tmp_path / "x.duckdb", "evaluate", "--cutoff", "2020-11-H1", check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "2020-11-H1" in proc.stderr


def test_newer_schema_is_refused_without_touching_the_file(tmp_path):
    import duckdb

    db = tmp_path / "new.duckdb"
    run_capaian(db, "db", "init")
    con = duckdb.connect(str(db))
    con.execute("INSERT INTO schema_migrations VALUES (99, 'future', now())")
    con.close()
    before = db.read_bytes()
    proc = run_capaian(db, "db", "init", check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "99" in proc.stderr
    assert db.read_bytes() == before


def test_bad_option_value_is_a_usage_error_not_a_traceback(tmp_path):
    proc = run_capaian(tmp_path / "x.duckdb", "evaluate", "--cutoff", "2020-11-H1", "--format", "docx", check=False)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "docx" in proc.stderr


def test_writing_into_a_missing_folder_is_a_clear_error(tmp_path):
    missing = tmp_path / "tidak-ada" / "kirim.csv"
    proc = run_capaian(tmp_path / "x.duckdb", "template", "submission", "--cutoff", "2020-11-H1",
                       "--region", "65", "-o", str(missing), check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert str(missing) in proc.stderr
