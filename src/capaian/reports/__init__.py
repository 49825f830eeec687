"""Reports people can hand on: Excel workbook, PDF report and a narrative (Markdown / text).

Each renderer takes a stored run (`capaian.service.RunView`) and a `Scope`; `build_report` is the
one call the CLI and the web use: it picks the run, the scope and the data around it.
"""

from capaian.reports.scope import Scope, resolve_scope
from capaian.reports.xlsx import render_xlsx

__all__ = ["Scope", "resolve_scope", "render_xlsx"]
