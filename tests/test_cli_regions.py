"""One region type on the command line (issue 24): every command that takes a region or
`--province` reads a code, a name or an abbreviation alike, and an unknown one is an error,
never an empty success."""

from __future__ import annotations

import pytest

from cli_support import run_capaian
from web_support import SEED_CUTOFF, fresh_db

SPELLINGS = ("65", "Kaltara", "Kalimantan Utara")
COMMANDS = {
    "explain": lambda r: ["explain", r, "--cutoff", SEED_CUTOFF],
    "results": lambda r: ["results", "--cutoff", SEED_CUTOFF, "--tier", "kabkota", "--province", r],
    "completeness": lambda r: ["completeness", "--cutoff", SEED_CUTOFF, "--province", r],
    "quality": lambda r: ["quality", "--cutoff", SEED_CUTOFF, "--province", r],
    "forecast": lambda r: ["forecast", r, "--cutoff", SEED_CUTOFF],
    "report": lambda r: ["report", "--scope", r, "--cutoff", SEED_CUTOFF, "--format", "md", "--output", "-"],
}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return fresh_db(tmp_path_factory.mktemp("cli-regions"))


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_code_name_and_abbreviation_give_the_same_answer(db, command):
    outputs = {spelling: run_capaian(db, *COMMANDS[command](spelling)).stdout for spelling in SPELLINGS}
    assert outputs["65"].strip(), f"{command} printed nothing for 65"
    assert outputs["Kaltara"] == outputs["65"] == outputs["Kalimantan Utara"]
    if command != "forecast":  # a forecast lists indicators only
        assert "Tarakan" in outputs["65"] or "Kalimantan Utara" in outputs["65"] or "65" in outputs["65"]


@pytest.mark.parametrize("command", ["results", "completeness", "quality"])
@pytest.mark.parametrize("unknown", ["99", "Atlantis"])
def test_an_unknown_province_is_an_error_not_an_empty_success(db, command, unknown):
    ran = run_capaian(db, *COMMANDS[command](unknown), check=False)
    assert ran.returncode != 0
    assert unknown in ran.stderr + ran.stdout and "Traceback" not in ran.stderr + ran.stdout


def test_the_region_said_back_when_not_typed_as_its_code(db):
    assert "Kota Tarakan (65.71)" in run_capaian(db, "explain", "Tarakan", "--cutoff", SEED_CUTOFF).stderr
    assert "Wilayah" not in run_capaian(db, "explain", "65.71", "--cutoff", SEED_CUTOFF).stderr
