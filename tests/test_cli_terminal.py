"""The command line at a 100-column terminal, in-process (Typer's CliRunner): tables fit, nothing
reads `nan`/`NaT`, region arguments by name or abbreviation, ranks in `explain`, Indonesian tiers."""

from __future__ import annotations

import re

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from capaian.cli import commands  # noqa: F401  (registers the sub-commands)
import importlib
from capaian.cli.app import app

app_module = importlib.import_module("capaian.cli.app")

CUT = "2020-11-H1"
WIDTH = 100


@pytest.fixture
def cli(demo_db, monkeypatch):
    monkeypatch.setenv("COLUMNS", str(WIDTH))
    # the consoles are lazy (cli.app.LazyConsole): set the width on the Rich console itself. Its
    # `_width` (None: follow $COLUMNS), not the `width` property, whose undo would pin the width
    # for every later test of this process
    monkeypatch.setattr(app_module.console.real, "_width", WIDTH)
    monkeypatch.setattr(app_module.err_console.real, "_width", WIDTH)
    runner = CliRunner()

    def run(*args, lang="id"):
        return runner.invoke(app, ["--db", str(demo_db), "--lang", lang, *args])

    return run


def widest(text: str) -> int:
    return max(cell_len(line) for line in text.splitlines())


def no_missing_words(text: str) -> None:
    assert not re.search(r"\b(nan|NaN|NaT|None|<NA>)\b", text), text


@pytest.mark.parametrize("args", [
    ("results", "--cutoff", CUT),
    ("results", "--cutoff", CUT, "--tier", "kabkota"),
    ("results", "--cutoff", CUT, "--tier", "regency", "--province", "kaltara"),
    ("results", "--cutoff", CUT, "--tier", "provinsi"),
    ("runs", "list"),
])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_tables_fit_100_columns_without_nan(cli, args, lang):
    result = cli(*args, lang=lang)
    assert result.exit_code == 0, result.output
    assert widest(result.stdout) <= WIDTH, result.stdout
    no_missing_words(result.stdout)
    assert "…" not in result.stdout  # no name cut to "Kali… Teng…"


def test_regency_names_whole_and_one_symbol_per_indicator(cli):
    out = cli("results", "--cutoff", CUT, "--tier", "kabkota", "--province", "Kaltara").stdout
    for name in ("Kabupaten Bulungan", "Kabupaten Malinau", "Kabupaten Nunukan", "Kabupaten Tana Tidung",
                 "Kota Tarakan"):
        assert name in out
    assert "1 = KTP-el ≥ 98 %" in out and "✓ tercapai · ✗ belum tercapai" in out


def test_wide_shows_every_value_and_implementation_as_regencies(cli):
    out = cli("results", "--cutoff", CUT, "--province", "65", "--wide").stdout
    assert widest(out) > WIDTH
    assert re.search(r"[✓✗] \d dari 5 kab/kota", out), out
    assert "KTP-el ≥ 98 %" in out and re.search(r"\d+,\d\d %", out)
    national = cli("results", "--cutoff", CUT, "--tier", "nasional", "--wide", lang="en").stdout
    assert re.search(r"\d{3} of 514 \(\d+\.\d %\)", national), national
    no_missing_words(national)


def test_runs_list_readable_dates_and_wide_columns(cli):
    out = cli("runs", "list").stdout
    # times as people read them, in WIB (issue 23): "30 November 2022 14:05 WIB"; a narrow table may wrap them
    flat = " ".join(out.replace("│", " ").split())
    assert re.search(r"\d{1,2} [A-Z][a-z]+ \d{4}", flat) and "WIB" in flat and "levelisasi-2020" in out
    assert "terbit" in out.splitlines()[1]
    wide = cli("runs", "list", "--wide").stdout
    assert "published_by" in wide and "region_rows" in wide
    no_missing_words(wide)


@pytest.mark.parametrize("text, meant", [
    ("Malinau", "Kabupaten Malinau (65.02)"), ("kaltara", "Kalimantan Utara (65)"),
    ("Kota Tarakan", "Kota Tarakan (65.71)"), ("6502", "Kabupaten Malinau (65.02)"),
])
def test_explain_by_name_says_which_region_and_shows_ranks(cli, text, meant):
    result = cli("explain", text, "--cutoff", CUT)
    assert result.exit_code == 0, result.output
    assert f"Wilayah: {meant}" in result.stderr
    assert meant in result.stdout
    assert re.search(r"Peringkat nasional: ke-\d+ dari (34 provinsi|514 kabupaten/kota)", result.stdout)
    if "." in meant:
        assert re.search(r"Peringkat di provinsi: ke-\d dari 5 ", result.stdout)


def test_explain_by_code_says_nothing_extra_and_ranks_in_english(cli):
    result = cli("explain", "65.02", "--cutoff", CUT, lang="en")
    assert result.exit_code == 0 and result.stderr == ""
    assert re.search(r"National rank: \d+\w\w of 514 regencies/cities", result.stdout)
    assert re.search(r"Rank in province: \d\w\w of 5 ", result.stdout)


def test_ambiguous_region_lists_the_candidates(cli):
    result = cli("explain", "Bandung", "--cutoff", CUT)
    # the app reports its errors itself (cli.app.CapaianGroup): one line on stderr, exit 1
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.stderr
    assert "32.04 Kabupaten Bandung" in result.stderr
    assert "32.73 Kota Bandung" in result.stderr


def test_regions_find_kaltara_and_malinau(cli):
    out = cli("regions", "find", "kaltara").stdout
    assert "Kalimantan Utara" in out
    rows = [line for line in cli("regions", "find", "malinau", "--limit", "8").stdout.splitlines()
            if re.search(r"\d\d\.\d\d", line)]
    assert "65.02 " in rows[0]
    assert all("63.06.10.2004" not in row for row in rows[:7])
