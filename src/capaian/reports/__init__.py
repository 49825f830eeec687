"""Reports people can hand on: Excel workbook, PDF report and a narrative (Markdown / text).

- `build_report(store, scope, cutoff, fmt, lang, ...) -> Report` (content, media type, file name,
  run id): the one call used by `capaian report` and the dashboard's download buttons;
- `render(view, scope, fmt, lang, generated_at, store=None)`: one format of a given run;
- the renderers themselves: `render_xlsx`, `render_pdf` (+ `charts.trend_png`), `render_narrative`;
- `infer_format(fmt, output)`: the format asked for, else the output file's suffix, else md;
- `resolve_scope(view, "65")` -> `Scope` (national `ID` / `nasional`, a province, a regency).

Reports name the run they come from; a report of a published run is the same byte for byte apart
from the generation time, which appears once (workbook: metadata sheet; PDF: cover).
"""

from capaian.reports.build import FORMATS, Report, build_report, data_sources, infer_format, render
from capaian.reports.narrative import narrative_blocks, render_narrative
from capaian.reports.pdf import render_html, render_pdf
from capaian.reports.scope import Scope, resolve_scope
from capaian.reports.xlsx import render_xlsx

__all__ = [
    "FORMATS", "Report", "Scope", "build_report", "data_sources", "infer_format", "narrative_blocks", "render",
    "render_html", "render_narrative", "render_pdf", "render_xlsx", "resolve_scope",
]
