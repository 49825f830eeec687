"""The Excel workbook of a run for one scope (XlsxWriter).

Sheets: a summary (scope region's level and explanation, counts per level), the levels of every
region in scope, one sheet per indicator, the explanations (path to the next level), data quality
and forecast (`reports.quality`) and the metadata (rubric, target set, run id, data sources, generation time).

Cells hold real numbers (`#,##0` for counts, `0.00` for percentages; the reader's locale shows
`467.701` and `101,93` in Indonesian Excel), booleans for "met", and blanks for no data. Headers
are frozen, every table has an autofilter, met / not met are coloured by conditional formats and
also spelled out with ✓ / ✗ (readable without colour).

Deterministic: the document properties carry the run's own time, so a report of a published run
is byte-for-byte the same apart from the one cell holding the generation time (metadata sheet).
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pandas as pd
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from capaian.present import numbers
from capaian.present.i18n import N_, tr
from capaian.reports.common import (
    TIER_TEXT,
    draft_label,
    period_label,
    f_target_of,
    is_en,
    level_label,
    plain,
    run_status_text,
    run_timestamp,
    stamp_text,
    status_text,
)
from capaian.records import records
from capaian.reports.scope import Scope

COUNT = "#,##0"
PCT = "0.00"
CHANGE_PCT = "+0.00;-0.00;0.00"
CHANGE_INT = "+#,##0;-#,##0;0"
GREEN, RED, GREY = "#C6EFCE", "#FFC7CE", "#EDEDED"
SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
PLURAL_TIER = {"province": N_("Provinces"), "regency": N_("Regencies/cities")}


class _Sheets:
    """Formats and small writers shared by the sheets of one workbook."""

    def __init__(self, wb: xlsxwriter.Workbook, draft: str = "", lang: str = "id"):
        self.wb = wb
        self.draft = draft
        self.lang = lang
        self.header_rows: dict[str, int] = {}
        self.print_rows: dict[str, tuple[int, int]] = {}  # sheet -> (last printed row, last column)
        base = {"font_name": "Calibri", "font_size": 10}
        self.text = wb.add_format(base)
        self.wrap = wb.add_format({**base, "text_wrap": True, "valign": "top"})
        self.bold = wb.add_format({**base, "bold": True})
        self.title = wb.add_format({**base, "bold": True, "font_size": 13})
        self.head = wb.add_format(
            {**base, "bold": True, "text_wrap": True, "valign": "top", "bottom": 1, "bg_color": "#D9D9D9"}
        )
        self.count = wb.add_format({**base, "num_format": COUNT})
        self.pct = wb.add_format({**base, "num_format": PCT})
        self._pct = {2: self.pct}
        self.change_pct = wb.add_format({**base, "num_format": CHANGE_PCT})
        self.change_int = wb.add_format({**base, "num_format": CHANGE_INT})
        self.green = wb.add_format({"bg_color": GREEN, "font_color": "#006100"})
        self.red = wb.add_format({"bg_color": RED, "font_color": "#9C0006"})
        self.grey = wb.add_format({"bg_color": GREY})
        self.bold_level = wb.add_format({"bold": True})
        from capaian.present.palette import LEVELS  # the one level palette (web, PDF, charts)

        self.levels = {level: wb.add_format({**base, "bold": True, "bg_color": sw.fill, "font_color": sw.ink})
                       for level, sw in LEVELS.items()}
        self.draft_format = wb.add_format({**base, "bold": True, "font_size": 12, "font_color": "#9C0006",
                                           "bg_color": RED})

    def pct_with(self, places: int):
        """A percentage format with `places` decimals (`0.00`, `0.000`, ...), made once per workbook."""
        if places not in self._pct:
            self._pct[places] = self.wb.add_format({"font_name": "Calibri", "font_size": 10,
                                                    "num_format": "0." + "0" * places})
        return self._pct[places]

    def banner(self, ws) -> int:
        """The DRAFT line of an unpublished run, on the first row and the printed header of a sheet.

        Returns the row the sheet's own content starts at (1 under a banner, else 0).
        """
        if not self.draft:
            return 0
        text = f"{self.draft} — " + tr(self.lang, "unpublished run, provisional figures")
        ws.write_string(0, 0, text, self.draft_format)
        ws.set_header(f"&C&\"-,Bold\"{text}")
        return 1

    def heading_rows(self, ws, last: int) -> None:
        """Rows 0..`last` (banner and column titles) repeat on every printed page of `ws`."""
        self.header_rows[ws.name] = last

    def print_only_above_regencies(self, ws, tiers: list[str], first: int, last_col: int) -> None:
        """Print a sheet's national and province rows only when it also holds regencies/cities: a
        national workbook's every regency on paper came to about 100 pages (issue 23); they stay
        in the sheet, and the page footer says so. `tiers`: the tier of each row from `first`."""
        upper = [t in ("national", "province") for t in tiers]
        if all(upper) or not any(upper):
            return
        count = upper.index(False)  # rows come national, provinces, then regencies (scope.regions)
        if any(upper[count:]):
            return
        self.print_rows[ws.name] = (first + count - 1, last_col)

    def print_setup(self, ws) -> None:
        """A4 landscape, fitted to the page width (as many pages down as needed), titles repeated
        on every page; a sheet with regencies/cities below its provinces prints down to the last
        province (`print_only_above_regencies`)."""
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        if ws.name in self.header_rows:
            ws.repeat_rows(0, self.header_rows[ws.name])
        if ws.name in self.print_rows:
            last_row, last_col = self.print_rows[ws.name]
            ws.print_area(0, 0, last_row, last_col)
            note = tr(self.lang, "Printed: the nation and the provinces; every regency/city is in the sheet.")
            ws.set_footer(f"&L{note}&R&P / &N")
        else:
            ws.set_footer("&R&P / &N")

    @staticmethod
    def put(ws, row: int, col: int, value, cell_format=None) -> None:
        """Write one cell by type: None / NaN -> blank, bool, number, text."""
        value = plain(value)
        if value is None:
            ws.write_blank(row, col, None, cell_format)
        elif isinstance(value, bool):
            ws.write_boolean(row, col, value, cell_format)
        elif isinstance(value, (int, float)):
            ws.write_number(row, col, value, cell_format)
        else:
            ws.write_string(row, col, str(value), cell_format)

    def header(self, ws, row: int, headers: list[str], widths: list[float]) -> None:
        for col, (text, width) in enumerate(zip(headers, widths)):
            ws.write_string(row, col, text, self.head)
            ws.set_column(col, col, width)
        ws.set_row(row, 30)


def _sheet_name(label: str, used: set[str]) -> str:
    name = SHEET_BAD.sub("-", label).strip("'")[:31] or "Sheet"
    base, i = name, 2
    while name.lower() in used:
        suffix = f" ({i})"
        name = base[: 31 - len(suffix)] + suffix
        i += 1
    used.add(name.lower())
    return name


def _tier_text(row, lang: str) -> str:
    return tr(lang, TIER_TEXT[row["tier"]]) if row["tier"] in TIER_TEXT else row["tier"]


# ---------------------------------------------------------------------------------------------
def _summary(s: _Sheets, ws, view, scope: Scope, regions: pd.DataFrame, lang: str) -> None:
    rubric = view.rubric
    ws.set_column(0, 0, 34)
    ws.set_column(1, 3, 16)
    top = s.banner(ws)
    ws.write_string(top, 0, tr(lang, "Performance levels of Disdukcapil offices")
                    + f" — {scope.title(lang)}", s.title)
    rows = [
        (tr(lang, "Scope"), f"{scope.title(lang)} ({scope.code})"),
        (tr(lang, "Cut-off"), view.cutoff),
        (tr(lang, "Rubric"), f"{rubric.id} — {rubric.label.get(lang)}"),
        (tr(lang, "Evaluation run"), int(view.run_id)),
        (tr(lang, "Run status"), run_status_text(view, lang, scope.code)),
    ]
    r = top + 2
    for key, value in rows:
        ws.write_string(r, 0, key, s.bold)
        s.put(ws, r, 1, value)
        r += 1
    region = regions[regions["region_code"] == scope.code].iloc[0]
    level = plain(region["level"])
    r += 1
    ws.write_string(r, 0, tr(lang, "Level"), s.bold)
    if level is not None:
        ws.write_number(r, 1, int(level), s.levels.get(int(level), s.bold_level))
        ws.write_string(r, 2, level_label(rubric, level, lang))
    elif level_label(rubric, level, lang, region.get("assessed")):  # an office with no data
        ws.write_string(r, 1, level_label(rubric, level, lang, region.get("assessed")))
    else:
        ws.write_string(r, 1, tr(lang, "(levels are for provinces and regencies/cities only)"))
    r += 1
    ws.write_string(r, 0, tr(lang, "Indicators met"), s.bold)
    s.put(ws, r, 1, plain(region["indicators_met"]))
    ws.write_string(r, 2, tr(lang, "of"))
    s.put(ws, r, 3, plain(region["indicators_total"]))
    r += 1
    if plain(region["rank_national"]) is not None:
        ws.write_string(r, 0, tr(lang, "National rank"), s.bold)
        s.put(ws, r, 1, plain(region["rank_national"]))
        ws.write_string(r, 2, tr(lang, "of"))
        s.put(ws, r, 3, plain(region["peers_national"]))
        r += 1
    if plain(region["rank_province"]) is not None:
        ws.write_string(r, 0, tr(lang, "Rank in province"), s.bold)
        s.put(ws, r, 1, plain(region["rank_province"]))
        ws.write_string(r, 2, tr(lang, "of"))
        s.put(ws, r, 3, plain(region["peers_province"]))
        r += 1
    r += 1
    ws.write_string(r, 0, tr(lang, "Explanation"), s.bold)
    r += 1
    for line in view.explain(scope.code).lines(lang):
        ws.write_string(r, 0, line)
        r += 1

    # counts per level, per tier below the scope
    r += 1
    tiers = [tier for tier in ("province", "regency") if (regions["tier"] == tier).any()]
    tiers = [tier for tier in tiers if not (tier == scope.tier)] or tiers
    ws.write_string(r, 0, tr(lang, "Regions per level"), s.bold)
    r += 1
    headers = [tr(lang, "Level"), tr(lang, "Label")] + [tr(lang, PLURAL_TIER[x]) for x in tiers]
    for col, text in enumerate(headers):
        ws.write_string(r, col, text, s.head)
    first = r
    r += 1
    for band in sorted(rubric.bands.levels, key=lambda b: -b.level):
        ws.write_number(r, 0, band.level)
        ws.write_string(r, 1, band.label.get(lang))
        for col, tier in enumerate(tiers, start=2):
            sub = regions[regions["tier"] == tier]
            ws.write_number(r, col, int((sub["level"] == band.level).sum()), s.count)
        r += 1
    ws.write_string(r, 1, tr(lang, "Total"), s.bold)
    for col, tier in enumerate(tiers, start=2):
        ws.write_number(r, col, int((regions["tier"] == tier).sum()), s.count)
    ws.autofilter(first, 0, r - 1, len(headers) - 1)


def _levels(s: _Sheets, ws, view, recs: list[dict], lang: str) -> None:
    """One row per region record (`capaian.records`), the schema's region fields."""
    rubric = view.rubric
    headers = [
        tr(lang, "Code"), tr(lang, "Region"), tr(lang, "Tier"),
        tr(lang, "Province code"), tr(lang, "Level"), tr(lang, "Label"),
        tr(lang, "Indicators met"), tr(lang, "Number of indicators"),
        tr(lang, "No data"), tr(lang, "National rank"),
        tr(lang, "Of (national)"), tr(lang, "Rank in province"),
        tr(lang, "Of (province)"), tr(lang, "Previous level"),
        tr(lang, "Level change"), tr(lang, "Previous national rank"),
    ]
    widths = [11, 32, 11, 9, 7, 10, 11, 10, 8, 11, 9, 11, 9, 10, 10, 12]
    top = s.banner(ws)
    s.header(ws, top, headers, widths)
    r = top
    for r, row in enumerate(recs, start=top + 1):
        level = row["level"]
        values = [
            row["code"], row["name"], _tier_text(row, lang), row["province_code"],
            level, level_label(rubric, level, lang, row["assessed"]) or None, row["indicators_met"], row["indicators_total"],
            row["no_data"], row["rank_national"], row["peers_national"], row["rank_province"],
            row["peers_province"], row["prev_level"], row["level_change"], row["prev_rank_national"],
        ]
        for col, value in enumerate(values):
            s.put(ws, r, col, value, s.change_int if col == 14 else None)
    ws.freeze_panes(top + 1, 2)
    s.heading_rows(ws, top)
    s.print_only_above_regencies(ws, [rec["tier"] for rec in recs], top + 1, len(headers) - 1)
    ws.autofilter(top, 0, max(r, top + 1), len(headers) - 1)
    if r > top:
        for level, fmt in s.levels.items():  # the level palette (capaian.present.palette)
            ws.conditional_format(top + 1, 4, r, 4, {"type": "cell", "criteria": "==", "value": level, "format": fmt})


INDICATOR_COLUMNS = (  # key, header, width, number format name
    ("code", N_("Code"), 11, None),
    ("name", N_("Region"), 30, None),
    ("tier", N_("Tier"), 10, None),
    ("numerator", N_("Numerator"), 13, "count"),
    ("denominator", N_("Denominator"), 13, "count"),
    ("value", N_("Coverage (%)"), 11, "current"),
    ("target", N_("Target"), 8, "value"),
    ("met", N_("Met"), 9, None),
    ("status", N_("Status"), 16, None),
    ("rank_national", N_("National rank"), 10, None),
    ("peers_national", N_("Of (national)"), 9, None),
    ("rank_province", N_("Rank in province"), 10, None),
    ("peers_province", N_("Of (province)"), 9, None),
    ("prev_value", N_("Previous value"), 11, "value"),
    ("change_value", N_("Change"), 10, "change"),
    ("prev_rank_national", N_("Previous national rank"), 12, None),
    ("over_100", N_("Above 100 %"), 9, None),
    ("target_set", N_("Target set"), 10, None),
)
IMPLEMENTATION_HEADERS = {
    "numerator": N_("Regencies/cities complying"),
    "denominator": N_("Number of regencies/cities"),
    "value": N_("Value"),
}


def _indicator_sheet(s: _Sheets, ws, view, ind, records: list[dict], lang: str) -> None:
    """One row per region: its code, name and tier, then the record's cell of the indicator (the
    schema's names; above a regency an implementation indicator is k of n regencies/cities, the
    numerator and denominator, with no value of its own)."""
    coverage = ind.kind == "coverage"
    value_format = s.pct if coverage else s.count
    formats = {"count": s.count, "value": value_format, "current": value_format,
               "change": s.change_pct if coverage else s.change_int}
    target = f_target_of(ind.target.value, ind.kind, ind.comparison, ind.unit, lang)
    title = f"{ind.label.get(lang)} — target {target}"
    if ind.description is not None:
        title += f" — {ind.description.get(lang)}"
    top = s.banner(ws)
    ws.write_string(top, 0, f"{title} — cut-off {view.cutoff} — run {view.run_id}", s.title)
    headers = []
    for key, header, _, _ in INDICATOR_COLUMNS:
        if not coverage and key in IMPLEMENTATION_HEADERS:
            header = IMPLEMENTATION_HEADERS[key]
        headers.append(tr(lang, header))
    s.header(ws, top + 1, headers, [c[2] for c in INDICATOR_COLUMNS])
    r = top + 1
    # Coverage shows the decimals needed: different values never read alike, a miss never reads as the target.
    column_places = numbers.distinct_places([row["value"] for row in records]) if coverage else 2
    for r, row in enumerate(records, start=top + 2):
        if coverage:
            met = None if row["status"] == "no_data" else row["status"] == "met"
            formats["current"] = s.pct_with(max(column_places, numbers.places_for(row["value"], row["target"], met=met)))
        for col, (key, _, _, kind) in enumerate(INDICATOR_COLUMNS):
            if key == "tier":
                value = _tier_text(row, lang)
            elif key == "status":
                value = status_text(row["status"], lang)
            elif key == "met":
                value = row["met"]
            else:
                value = row[key]
            s.put(ws, r, col, value, formats.get(kind))
    first = top + 2  # the first data row (0-based)
    ws.freeze_panes(first, 2)
    s.heading_rows(ws, first - 1)
    s.print_only_above_regencies(ws, [row["tier"] for row in records], first, len(headers) - 1)
    ws.autofilter(first - 1, 0, max(r, first), len(headers) - 1)
    if r >= first:
        met_col = xl_col_to_name([c[0] for c in INDICATOR_COLUMNS].index("met"))
        status = [c[0] for c in INDICATOR_COLUMNS].index("status")
        value = [c[0] for c in INDICATOR_COLUMNS].index("value")
        for col in (value, status):
            for truth, colour in (("TRUE", s.green), ("FALSE", s.red)):
                ws.conditional_format(first, col, r, col, {"type": "formula", "criteria": f"=${met_col}{first + 1}={truth}",
                                                           "format": colour})
        ws.conditional_format(first, status, r, status, {"type": "blanks", "format": s.grey})


def _explanations(s: _Sheets, ws, view, regions: pd.DataFrame, lang: str) -> None:
    headers = [
        tr(lang, "Code"), tr(lang, "Region"), tr(lang, "Tier"), tr(lang, "Level"),
        tr(lang, "Indicators met"), tr(lang, "Number of indicators"),
        tr(lang, "Next level"), tr(lang, "More indicators"),
        tr(lang, "Step"), tr(lang, "Indicator"),
        tr(lang, "Needed (people)"), tr(lang, "Regencies/cities not yet"),
        tr(lang, "Description"),
    ]
    widths = [11, 30, 10, 7, 10, 10, 9, 9, 7, 18, 12, 34, 70]
    top = s.banner(ws)
    s.header(ws, top, headers, widths)
    r = top
    offices = regions[regions["tier"].isin(("national", "province", "regency"))]
    rows = offices.to_dict("records")
    tiers = []  # the tier of each written row (an office takes one row per step of its path)
    for row, e in zip(rows, view.explain_many([row["region_code"] for row in rows])):
        head = [row["region_code"], row["region_name"], _tier_text(row, lang), e.level,
                e.indicators_met, e.indicators_total, e.next_level, e.more_needed if e.path else None]
        steps = e.path or [None]
        for i, step in enumerate(steps, start=1):
            r += 1
            tiers.append(row["tier"])
            for col, value in enumerate(head):
                s.put(ws, r, col, value)
            if step is None:
                text = e.message.get(lang) if e.message is not None else ""
                s.put(ws, r, 12, text)
                continue
            s.put(ws, r, 8, i)
            s.put(ws, r, 9, step.label.get(lang))
            s.put(ws, r, 10, step.needed, s.count)
            s.put(ws, r, 11, ", ".join(x["name"] for x in step.regions) or None)
            s.put(ws, r, 12, step.text(lang))
    ws.freeze_panes(top + 1, 2)
    s.heading_rows(ws, top)
    s.print_only_above_regencies(ws, tiers, top + 1, len(headers) - 1)
    ws.autofilter(top, 0, max(r, top + 1), len(headers) - 1)


def _quality(s: _Sheets, ws, section, lang: str) -> None:
    """Data quality and forecast (`capaian.reports.quality`): the forecasts (an office), the reporting
    completeness and the flag counts (the nation), then the flags, one table under the other with
    numbers in cells. Flags never change a figure."""
    top = s.banner(ws)
    ws.write_string(top, 0, tr(lang, "Data quality and forecast"), s.title)
    widths = [26, 16, 12, 12, 14, 14, 14, 20, 14, 70, 40]
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    r = top + 2

    def table(title: str, headers: list[str], rows: list[list]) -> None:
        nonlocal r
        ws.write_string(r, 0, title, s.bold)
        r += 1
        for col, text in enumerate(headers):
            ws.write_string(r, col, text, s.head)
        ws.set_row(r, 30)
        for values in rows:
            r += 1
            for col, (value, cell_format) in enumerate(values):
                s.put(ws, r, col, value, cell_format)
        r += 2

    if section.forecasts:
        end = section.forecasts[0]["year_end"]
        table(tr(lang, "Forecast to target") + f" ({section.note})", [
            tr(lang, "Region"), tr(lang, "Indicator"), tr(lang, "Now (%)"), tr(lang, "Threshold (%)"),
            tr(lang, "Pace (pp per half-month)"), tr(lang, "Projected at %(cutoff)s (%%)", cutoff=end),
            tr(lang, "Threshold reached at"), tr(lang, "Status"), tr(lang, "People per half-month needed"),
            tr(lang, "Mean backtest error (pp)")],
            [[(f["region"], None), (f["indicator"], None), (f["value"], s.pct), (f["threshold"], s.pct),
              (f["pace"], s.change_pct), (f["projected"], s.pct),
              (f["reached_at"] or f["reached_text"], None), (f["status"], None), (f["people"], s.count),
              (section.mae_pp, s.pct)] for f in section.forecasts])
    if section.allocations:
        table(tr(lang, "Province rollup"), [tr(lang, "Region"), tr(lang, "Indicator"), tr(lang, "Description")],
              [[(a[0], None), (a[1], None), (a[2], None)] for a in section.allocations])
    if section.completeness:
        table(tr(lang, "Reporting completeness") + f" ({tr(lang, 'deadline')} {section.deadline})",
              [tr(lang, "Status"), tr(lang, "Offices")],
              [[(label, None), (n, s.count)] for label, n in section.completeness])
    if section.flag_counts:
        table(tr(lang, "Flags per type and severity"),
              [tr(lang, "Type"), *section.severities, tr(lang, "Total")],
              [[(row[0], None), *[(n, s.count) for n in row[1:]]] for row in section.flag_counts])
    title = tr(lang, "Data-quality flags")
    if section.tier == "national":
        title += " — " + tr(lang, "the %(shown)s most severe of %(total)s", shown=len(section.flags),
                            total=section.flags_total)
    table(title, [tr(lang, "Code"), tr(lang, "Region"), tr(lang, "Indicator"), tr(lang, "Type"), tr(lang, "Severity"),
                  tr(lang, "Figure"), tr(lang, "Evidence"), tr(lang, "Explained")],
          [[(f["code"], None), (f["region"], None), (f["indicator"], None), (f["type"], None), (f["severity"], None),
            (f["value"], s.pct if "%" in f["figure"] else s.count), (f["evidence"], None),
            (f["explained"] or None, None)] for f in section.flags])


def _metadata(s: _Sheets, ws, view, scope: Scope, lang: str, generated_at: dt.datetime,
              sources: tuple[str, ...], synthetic: bool) -> None:
    from capaian import __version__ as version

    rubric = view.rubric
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 90)
    top = s.banner(ws)
    for col, text in enumerate((tr(lang, "Item"), tr(lang, "Detail"))):
        ws.write_string(top, col, text, s.head)
    meta = view.meta
    rows = [
        (tr(lang, "Evaluation run"), int(view.run_id)),
        (tr(lang, "Cut-off"), view.cutoff),
        *([(tr(lang, "Quarter"), period_label(view, lang))] if period_label(view, lang) else []),
        (tr(lang, "Scope"), f"{scope.title(lang)} ({scope.code})"),
        (tr(lang, "Rubric"), rubric.id),
        (tr(lang, "Rubric name"), rubric.label.get(lang)),
        (tr(lang, "Target set"), plain(meta.get("target_set")) or "national"),
        (tr(lang, "Fact revision"), plain(meta.get("fact_revision"))),
        (tr(lang, "Region hierarchy version"), plain(meta.get("hierarchy_version"))),
        (tr(lang, "Run created"), stamp_text(_dt(meta.get("created_at")), lang, scope.code)),
        (tr(lang, "Run status"), run_status_text(view, lang, scope.code)),
    ]
    for ind in rubric.indicators:
        target = f_target_of(ind.target.value, ind.kind, ind.comparison, ind.unit, lang)
        rows.append((f"Target {ind.label.get(lang)}", f"{target} — {ind.target.source}"))
    for assumption in rubric.assumptions:
        rows.append((tr(lang, "Rubric assumption"), assumption))
    rows.append((tr(lang, "Data sources"), "\n".join(sources) if sources else "—"))
    if synthetic:
        rows.append((tr(lang, "Note"), tr(lang, "SYNTHETIC DATA (demo), not official figures.")))
    rows.append((tr(lang, "Language"), "Indonesia" if not is_en(lang) else "English"))
    rows.append(("capaian", version))
    rows.append((tr(lang, "Generated at"), stamp_text(generated_at, lang, scope.code)))
    for r, (key, value) in enumerate(rows, start=top + 1):
        ws.write_string(r, 0, key, s.bold)
        s.put(ws, r, 1, value, s.wrap)
    ws.freeze_panes(top + 1, 0)
    s.heading_rows(ws, top)


def _dt(value):
    value = plain(value)
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0, tzinfo=None)
    return None


def render_xlsx(
    view,
    scope: Scope,
    lang: str = "id",
    generated_at: dt.datetime | None = None,
    sources: tuple[str, ...] = (),
    synthetic: bool = False,
    quality=None,
) -> bytes:
    """The workbook of `view` for `scope`, as bytes; `quality`: the data-quality and forecast section
    of its sheet (`capaian.reports.quality.quality_section`)."""
    from capaian.reports.common import now_utc

    generated_at = generated_at or now_utc()
    regions = scope.regions(view)
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False,
                                      "strings_to_formulas": False, "strings_to_urls": False})
    stamp = run_timestamp(view)
    wb.set_properties({
        "title": f"{tr(lang, 'Disdukcapil performance levels')} — "
                 f"{scope.title(lang)} — {view.cutoff}",
        "subject": f"run {view.run_id}",
        "author": "capaian",
        "company": "capaian",
        "keywords": f"{view.rubric.id}, {view.cutoff}, run {view.run_id}",
        "comments": f"run {view.run_id}",
        "created": stamp,
    })
    wb.set_custom_property("capaian_run_id", str(view.run_id))
    s = _Sheets(wb, draft_label(view, lang), lang)
    used: set[str] = set()
    _summary(s, wb.add_worksheet(_sheet_name(tr(lang, "Summary"), used)), view, scope, regions, lang)
    recs = records(view, regions)  # the record set's rows: the figures every other surface shows
    _levels(s, wb.add_worksheet(_sheet_name(tr(lang, "Region levels"), used)), view, recs, lang)
    for ind in view.rubric.indicators:
        rows = [{"code": rec["code"], "name": rec["name"], "tier": rec["tier"], **rec["indicators"][ind.id]}
                for rec in recs if ind.id in rec["indicators"]]
        ws = wb.add_worksheet(_sheet_name(ind.label.get(lang), used))
        _indicator_sheet(s, ws, view, ind, rows, lang)
    _explanations(s, wb.add_worksheet(_sheet_name(tr(lang, "Explanations"), used)), view, regions, lang)
    if quality is not None and not quality.empty:
        _quality(s, wb.add_worksheet(_sheet_name(tr(lang, "Quality and forecast"), used)), quality, lang)
    _metadata(s, wb.add_worksheet(_sheet_name("Metadata", used)), view, scope, lang, generated_at,
              tuple(sources), synthetic)
    for ws in wb.worksheets():
        s.print_setup(ws)
    wb.close()
    return buffer.getvalue()
