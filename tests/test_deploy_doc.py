"""docs/deploy.md as a new operator follows it: its systemd unit is valid as printed."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[1] / "docs" / "deploy.md"


def unit_text() -> str:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## 4. A systemd unit", 1)[1]
    return re.search(r"```ini\n(.*?)```", section, flags=re.S).group(1)


def test_no_setting_line_carries_a_comment():
    """systemd keeps a trailing `# ...` as part of the value (the EnvironmentFile= path, say)."""
    for line in unit_text().splitlines():
        if "=" in line and not line.lstrip().startswith(("#", ";")):
            assert " #" not in line and "\t#" not in line, line
    assert "EnvironmentFile=/etc/capaian/env\n" in unit_text()


def test_systemd_analyze_accepts_the_unit(tmp_path):
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed (the line check above still ran)")
    unit = unit_text()
    # the unit's program and environment file exist on a server; here, stand-ins in a scratch folder
    program = tmp_path / "capaian"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    unit = unit.replace("/opt/capaian/.venv/bin/capaian", str(program))
    path = tmp_path / "capaian.service"
    path.write_text(unit)
    done = subprocess.run([tool, "verify", str(path)], capture_output=True, text=True, timeout=60)
    problems = [line for line in (done.stdout + done.stderr).splitlines()
                if "capaian.service" in line and "postgresql.service" not in line]
    assert done.returncode == 0 or not problems, done.stdout + done.stderr
