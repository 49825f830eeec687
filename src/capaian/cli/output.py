"""Shapes evaluation results for the terminal: the ranking table, and its JSON and CSV forms.

pandas, Babel and the catalogues are imported inside the functions, so that `capaian --help` does not load them.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def _indicator_ids(view) -> list[str]:
    return [ind.id for ind in view.rubric.indicators]


def _cell(row: pd.Series, lang: str, places: int | None = None) -> str:
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
    return f"{symbol} {numbers.integer(row['numerator'], lang)}/{numbers.integer(row['denominator'], lang)}"


def _header(ind, lang: str) -> str:
    """Indicator column title with its target: `KTP-el ≥ 98 %`."""
    from capaian.present import numbers

    label = ind.label.get(lang)
    if ind.kind == "coverage":
        return f"{label} {numbers.requirement(ind.kind, ind.target.value, lang, ind.comparison)}"
    return label


def level_table_rows(regions: pd.DataFrame, indicators: pd.DataFrame, view, lang: str):
    """Header and body rows of the ranking table (strings, formatted for people)."""
    import pandas as pd

    from capaian.present import numbers
    from capaian.present.i18n import tr

    ids = _indicator_ids(view)
    header = ["#", tr(lang, "code"), tr(lang, "region"), tr(lang, "level")]
    header += [_header(ind, lang) for ind in view.rubric.indicators]
    by_region = indicators.set_index(["region_code", "indicator"])
    shown = indicators[indicators["region_code"].isin(regions["region_code"])]
    places = {ind: numbers.distinct_places(shown.loc[shown["indicator"] == ind, "value"]) for ind in ids}
    body = []
    for reg in regions.itertuples(index=False):
        rank = "" if pd.isna(reg.rank_national) else str(int(reg.rank_national))
        level = "" if pd.isna(reg.level) else str(int(reg.level))
        cells = []
        for ind in ids:
            key = (reg.region_code, ind)
            cells.append(_cell(by_region.loc[key], lang, places[ind]) if key in by_region.index else "")
        body.append([rank, reg.region_code, reg.region_name, level, *cells])
    return header, body


def _records(regions: pd.DataFrame, indicators: pd.DataFrame) -> list[dict]:
    wanted = indicators[indicators["region_code"].isin(regions["region_code"])]
    grouped = {code: g for code, g in wanted.groupby("region_code", sort=False)}
    out = []
    for reg in regions.to_dict(orient="records"):
        rows = grouped.get(reg["region_code"])
        reg["indicators"] = [] if rows is None else json.loads(rows.to_json(orient="records"))
        out.append(reg)
    return out


def frame_to_json(regions: pd.DataFrame, indicators: pd.DataFrame, view) -> str:
    payload = {"run": view.run_id, "meta": view.meta, "regions": _records(regions, indicators)}
    return json.dumps(payload, default=_jsonable)


def _jsonable(value):
    import pandas as pd

    if pd.isna(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def frame_to_csv(regions: pd.DataFrame, indicators: pd.DataFrame, view) -> str:
    """One row per region and indicator, with the region's level and rank."""
    wanted = indicators[indicators["region_code"].isin(regions["region_code"])]
    level = regions[["region_code", "level", "indicators_met", "rank_national"]].rename(
        columns={"rank_national": "region_rank_national"}
    )
    return wanted.merge(level, on="region_code", how="left").to_csv(index=False)


def echo_json(text: str) -> None:
    """JSON on stdout, indented and plain (Rich's highlighter takes seconds on a national payload)."""
    import typer

    typer.echo(json.dumps(json.loads(text), indent=2, ensure_ascii=False))
