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


def test_the_unit_parses_as_systemd_reads_it():
    """What `systemd-analyze verify` checks first, without systemd: sections, known keys, absolute
    paths, no key twice where systemd keeps only one."""
    import configparser

    parser = configparser.ConfigParser(interpolation=None, strict=True, delimiters=("=",),
                                       comment_prefixes=("#", ";"), inline_comment_prefixes=None)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string(unit_text())
    assert parser.sections() == ["Unit", "Service", "Install"]
    service = parser["Service"]
    program = service["ExecStart"].split()[0]
    assert program.startswith("/") and program.endswith("/capaian")
    assert service["EnvironmentFile"].startswith("/") and " " not in service["EnvironmentFile"]
    assert service["Restart"] in ("always", "on-failure") and service["StateDirectory"] == "capaian"
    assert "--workers" in service["ExecStart"] and "--db" not in service["ExecStart"]  # no URL in `ps`
    assert parser["Install"]["WantedBy"] == "multi-user.target"


def test_the_guide_covers_what_an_operator_needs():
    text = DOC.read_text(encoding="utf-8")
    for topic in ("max_connections", "CAPAIAN_PG_POOL_SIZE", "statement_timeout", "archive_command",
                  "recovery_target_time", "restore drill", "capaian secret rotate", "Rolling upgrade",
                  "logrotate", "SystemMaxUse", "GET /metrics", "CAPAIAN_METRICS_TOKEN", "/readyz"):
        assert topic in text, topic
    nginx = re.search(r"```nginx\n(.*?)```", text, flags=re.S).group(1)
    assert re.search(r"location = /metrics \{\s*(#[^\n]*)?\s*deny all;", nginx)  # never through the proxy
    assert "proxy_next_upstream" in nginx and "max_fails" in nginx
