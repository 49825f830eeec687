"""The command line at an 80-column terminal (issue 23), in-process with Typer's CliRunner on the
small web store (Kalimantan Utara and Kalimantan Timur): names stay readable, `explain` wraps at
word boundaries, `--help` summaries fit in the user's language, `report` takes the newest cut-off."""

from __future__ import annotations

import importlib
import re

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from capaian.cli import commands  # noqa: F401  (registers the sub-commands)
from capaian.cli.app import SUMMARY_MAX, app

app_module = importlib.import_module("capaian.cli.app")
WIDTH = 80


@pytest.fixture
def cli(small_store, monkeypatch):
    monkeypatch.setenv("COLUMNS", str(WIDTH))
    monkeypatch.setattr(app_module.console.real, "_width", WIDTH)
    monkeypatch.setattr(app_module.err_console.real, "_width", WIDTH)
    runner = CliRunner()
    db = str(small_store.path)

    def run(*args, lang="id"):
        return runner.invoke(app, ["--db", db, "--lang", lang, *args])

    return run


def widest(text: str) -> int:
    return max(cell_len(line) for line in text.splitlines())


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("args", [("--tier", "kabkota", "--province", "Kaltara"), ("--tier", "provinsi"),
                                  ("--tier", "KabKota",)])
def test_results_names_readable_at_80_columns(cli, lang, args):
    result = cli("results", *args, lang=lang)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert widest(out) <= WIDTH, out
    assert "…" not in out  # never "K…"
    words = set(re.findall(r"[A-Za-z.]+", out))
    if "Kaltara" in args:
        for name in ("Tarakan", "Malinau", "Bulungan", "Nunukan", "Tana", "Tidung"):
            assert name in words, out
    elif args[1] == "provinsi":
        assert ("Kalimantan" in words and "Utara" in words) or "Kaltara" in words, out


def test_narrow_table_uses_the_abbreviation_list(cli):
    out = cli("results", "--tier", "kabkota", "--province", "65").stdout  # Indonesian: wider headers
    assert "│ Kab. " in out and "Kabupaten" not in out, out  # the Indonesian short form, whole
    assert not re.search(r"\bKab(upat)?…", out)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_explain_wraps_at_word_boundaries(cli, lang):
    result = cli("explain", "Kaltara", "--cutoff", "2020-11-h1", lang=lang)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert widest(result.stdout) <= WIDTH, result.stdout
    for line, after in zip(lines, lines[1:]):
        # no number torn across lines ("9,/545") and no "98" separated from its "%"
        assert not (re.search(r"\d[.,]?$", line) and re.match(r"\s*[\d.,%]", after)), (line, after)
    numbers = re.findall(r"\d{1,3}(?:[.,]\d{3})+", result.stdout)
    joined = " ".join(result.stdout.split())
    for number in ("467.701", "458.845") if lang == "id" else ("467,701", "458,845"):
        assert number in numbers and number in joined
    continuation = [line for line in lines if line.startswith("    ") and not line.strip().startswith(("✓", "✗"))]
    assert continuation, "expected a wrapped line indented under its text"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_help_summaries_fit_in_one_language(cli, lang):
    out = cli("--help", lang=lang).stdout
    listed = out.split("Commands:")[1].splitlines()
    assert len([c for c in listed if c.strip()]) > 15
    for line in listed:
        assert cell_len(line) <= WIDTH and "..." not in line, line
        summary = line.strip().split(None, 1)[1] if len(line.split()) > 1 else ""
        assert len(summary) <= SUMMARY_MAX, line
        assert " / " not in summary, line  # one language only
    # in the user's language
    assert ("Evaluate a cut-off" in out) == (lang == "en")
    assert ("Evaluasi satu cut-off" in out) == (lang == "id")
    sub = cli("report", "--help", lang=lang).stdout
    assert widest(sub) <= WIDTH
    assert ("Output file" in sub) == (lang == "en") and ("Berkas keluaran" in sub) == (lang == "id")


def test_report_defaults_to_the_newest_cutoff_like_explain(cli):
    explained = cli("explain", "65").stdout
    newest = re.search(r"20\d\d-\d\d-H[12]", explained).group(0)
    result = cli("report", "--scope", "Kaltara", "--format", "txt")
    assert result.exit_code == 0, result.output
    assert f"Cut-off {newest}" in result.stdout
