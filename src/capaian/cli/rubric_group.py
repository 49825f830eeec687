"""The `capaian rubric ...` command group (its commands live in their own modules, e.g.
`simulate_cmd`); imported by each of them, so the group exists once."""

from __future__ import annotations

from capaian.cli.app import app, sub_app

rubric_app = sub_app("Rubrik levelisasi sebagai data / rubrics as data (new, check, import, list, show, simulate).")
app.add_typer(rubric_app, name="rubric")
