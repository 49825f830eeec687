"""Shapes evaluation results for the terminal: the ranking table (the JSON and CSV forms are the
record set's renderers, `capaian.records`).

The table fits the terminal (100 columns and up): by default one symbol per indicator, numbered,
with a legend; `wide=True` shows every value. Missing values print as empty cells, never `nan`.
pandas, Babel and the catalogues are imported inside the functions, so that `capaian --help` does not load them.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def _indicator_ids(view) -> list[str]:
    return [ind.id for ind in view.rubric.indicators]


def _cell(row: pd.Series, lang: str, places: int | None = None, national: bool = False) -> str:
    from capaian.present import numbers

    places = numbers.PLACES if places is None else places
    if row["status"] == "no_data":
        return numbers.status_text("no_data", lang)
    symbol = numbers.status_symbol(row["status"])
    if row["kind"] == "coverage":
        value = numbers.coverage(row["value"], lang, row["target"], met=row["status"] == "met", places=places)
        return f"{symbol} {value}" + (f" {numbers.OVER_100}" if bool(row.get("over_100")) else "")
    if numbers.missing(row["numerator"]):  # a regency: its own value; above it, complying regencies / all
        return f"{symbol} {numbers.amount(row['value'], lang)}"
    return f"{symbol} {numbers.complying(row['numerator'], row['denominator'], lang, share=national)}"


def _header(ind, lang: str) -> str:
    """Indicator column title with its target: `KTP-el ≥ 98 %`."""
    from capaian.present import numbers

    label = ind.label.get(lang)
    if ind.kind == "coverage":
        return f"{label} {numbers.requirement(ind.kind, ind.target.value, lang, ind.comparison)}"
    return label


def level_table_rows(regions: pd.DataFrame, indicators: pd.DataFrame, view, lang: str, wide: bool = True):
    """Header and body rows of the ranking table (strings, formatted for people).

    `wide=False`: the indicators met (`6/9`) and one status symbol per indicator, headed by its
    number (see `indicator_legend`), so that the table fits 100 columns."""
    import pandas as pd

    from capaian.present import numbers
    from capaian.present.i18n import tr

    ids = _indicator_ids(view)
    header = ["#", tr(lang, "code"), tr(lang, "region"), tr(lang, "level")]
    if not wide:
        return header + [tr(lang, "met")] + [str(i) for i in range(1, len(ids) + 1)], _compact_rows(
            regions, indicators, ids, lang)
    header += [_header(ind, lang) for ind in view.rubric.indicators]
    by_region = indicators.set_index(["region_code", "indicator"])
    shown = indicators[indicators["region_code"].isin(regions["region_code"])]
    places = {ind: numbers.distinct_places(shown.loc[shown["indicator"] == ind, "value"]) for ind in ids}
    body = []
    for reg in regions.itertuples(index=False):
        rank = "" if pd.isna(reg.rank_national) else str(int(reg.rank_national))
        level = _level(reg, lang)
        cells = []
        for ind in ids:
            key = (reg.region_code, ind)
            cells.append(_cell(by_region.loc[key], lang, places[ind], reg.region_code == "ID")
                         if key in by_region.index else "")
        body.append([rank, reg.region_code, reg.region_name, level, *cells])
    return header, body


def _level(reg, lang: str) -> str:
    """The level column: `3`, `belum dinilai` for an office with no data, empty for other tiers."""
    from capaian.present import numbers

    if numbers.not_assessed(getattr(reg, "assessed", None)):
        return numbers.level_text(None, lang, assessed=False)
    return "" if numbers.missing(reg.level) else str(int(reg.level))


def _compact_rows(regions: pd.DataFrame, indicators: pd.DataFrame, ids: list[str], lang: str) -> list[list[str]]:
    from capaian.present import numbers

    status = {(r, i): s for r, i, s in zip(indicators["region_code"], indicators["indicator"], indicators["status"])}
    body = []
    for reg in regions.itertuples(index=False):
        met = "" if numbers.missing(reg.indicators_met) else f"{int(reg.indicators_met)}/{int(reg.indicators_total)}"
        body.append([
            "" if numbers.missing(reg.rank_national) else str(int(reg.rank_national)), reg.region_code,
            reg.region_name, _level(reg, lang), met,
            *[numbers.status_symbol(status[(reg.region_code, i)]) if (reg.region_code, i) in status else ""
              for i in ids],
        ])
    return body


NAME, LEVEL = 2, 3  # the region and level columns of the ranking table


def fit_names(header: list[str], body: list[list[str]], width: int, lang: str = "id") -> list[list[str]]:
    """The ranking table's rows with region names that fit `width` columns whole: when a word of a
    name would not fit the room the other columns leave, an office not assessed shows "–" as its
    level (the legend's "no data"), then names are written short
    (`capaian.regions.abbreviations.short_name`: `Kab. Tana Tidung`, `Kaltara`); the table then
    wraps a name between words, never cutting it to "K…"."""
    from capaian.present import numbers
    from capaian.regions.abbreviations import short_name

    if _fits(header, body, width):
        return body
    unassessed = numbers.level_text(None, lang, assessed=False)
    body = [[*r[:LEVEL], numbers.status_symbol("no_data") if r[LEVEL] == unassessed else r[LEVEL], *r[LEVEL + 1:]] for r in body]
    if _fits(header, body, width):
        return body
    return [[*r[:NAME], short_name(r[1], r[NAME]), *r[NAME + 1:]] for r in body]


def _fits(header: list[str], body: list[list[str]], width: int) -> bool:
    """Whether every word of every name fits the room the other columns leave at `width`."""
    from rich.cells import cell_len

    others = sum(max(cell_len(str(r[i])) for r in [header, *body]) for i in range(len(header)) if i != NAME)
    room = width - others - 3 * len(header) - 1  # each column: a border and one space either side
    words = [w for r in [header, *body] for w in str(r[NAME]).split()]
    return max((cell_len(w) for w in words), default=0) <= room


def indicator_legend(view, lang: str, width: int = 100) -> str:
    """`1 = KTP-el ≥ 98 % · 2 = ...` then `✓ met · ✗ not met · – no data` under the compact table,
    broken between items (never inside one) to fit `width`."""
    from capaian.present import numbers

    items = [f"{i} = {_header(ind, lang)}" for i, ind in enumerate(view.rubric.indicators, start=1)]
    lines = [""]
    for item in items:
        joined = f"{lines[-1]} · {item}" if lines[-1] else item
        if len(joined) > width and lines[-1]:
            lines.append(item)
        else:
            lines[-1] = joined
    lines.append(" · ".join(numbers.status_text(s, lang) for s in ("met", "not_met", "no_data")))
    return "\n".join(lines)


NBSP = "\u00a0"


def wrap_lines(lines: list[str], width: int) -> list[str]:
    """Text lines broken at spaces to fit `width` (never inside a word or a number such as
    `9.545`), each continuation indented under its line's text (`  ✓ KIA: ...` goes on under `KIA`)."""
    import re
    import textwrap

    out = []
    for line in lines:
        if len(line) <= width:
            out.append(line)
            continue
        lead = re.match(r"\s*(?:[✓✗–\-•†] )?", line).group(0)
        kept = re.sub(r" (?=%)|(?<=[≥≤<>=]) ", NBSP, line)  # `98 %`, `≥ 18` stay on one line
        out.extend(w.replace(NBSP, " ") for w in textwrap.wrap(
            kept, width=width, subsequent_indent=" " * len(lead), break_long_words=False,
            break_on_hyphens=False) or [line])
    return out


def cell_text(value, lang: str) -> str:
    """A table cell of any type: empty when missing (never `nan`/`NaT`), dates and times readable."""
    import pandas as pd

    from capaian.present import numbers
    from capaian.present.i18n import tr

    if value is None or value is pd.NaT:
        return ""
    if isinstance(value, pd.Timestamp) or hasattr(value, "strftime"):
        if pd.isna(value):
            return ""
        if getattr(value, "hour", 0) or getattr(value, "minute", 0):  # a stored time (UTC): in WIB
            from capaian.formatting import format_datetime

            return format_datetime(value.to_pydatetime() if isinstance(value, pd.Timestamp) else value, lang)
        return numbers.date(value, lang)
    if isinstance(value, bool):
        return tr(lang, "yes") if value else tr(lang, "no")
    if isinstance(value, float):
        return "" if numbers.missing(value) else numbers.amount(value, lang)
    if isinstance(value, int):
        return str(value)
    return "" if numbers.missing(value) and not isinstance(value, str) else str(value)


def frame_csv(frame: pd.DataFrame) -> str:
    """A frame through the one CSV writer (`capaian.records.render.csv_text`)."""
    from capaian.records import clean, csv_text

    return csv_text([{k: clean(v) for k, v in row.items()} for row in frame.to_dict("records")], list(frame.columns))


def echo_json(text: str) -> None:
    """JSON on stdout, indented and plain (Rich's highlighter takes seconds on a national payload);
    never `NaN` (null instead)."""
    import typer

    # NaN / Infinity are not JSON: any that slipped into `text` are written as null
    data = json.loads(text, parse_constant=lambda name: None)
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False))
