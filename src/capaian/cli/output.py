"""Shapes evaluation results for the terminal: the ranking table, and its JSON and CSV forms.

pandas is imported inside the functions, so that `capaian --help` does not load it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

MET_SYMBOL = {"met": "✓", "not_met": "✗", "no_data": "–"}


def _indicator_ids(view) -> list[str]:
    return [ind.id for ind in view.rubric.indicators]


def _cell(row: pd.Series, lang: str) -> str:
    from capaian import formatting as fmt

    if row["status"] == "no_data":
        return "tidak ada data" if lang == "id" else "no data"
    symbol = MET_SYMBOL.get(row["status"], "")
    if row["kind"] == "coverage":
        return f"{symbol} {fmt.format_pct(row['value'], lang=lang)}"
    return f"{symbol} {fmt.format_int(row['numerator'], lang=lang)}/{fmt.format_int(row['denominator'], lang=lang)}"


def _header(ind, lang: str) -> str:
    """Indicator column title with its target: `KTP-el ≥ 98 %`."""
    from capaian import formatting as fmt

    label = ind.label.id if lang == "id" else ind.label.en
    if ind.kind == "coverage":
        return f"{label} ≥ {fmt.format_target(ind.target.value, lang=lang)}"
    return label


def level_table_rows(regions: pd.DataFrame, indicators: pd.DataFrame, view, lang: str):
    """Header and body rows of the ranking table (strings, formatted for people)."""
    import pandas as pd

    ids = _indicator_ids(view)
    header = ["#", "kode" if lang == "id" else "code", "wilayah" if lang == "id" else "region", "level"]
    header += [_header(ind, lang) for ind in view.rubric.indicators]
    by_region = indicators.set_index(["region_code", "indicator"])
    body = []
    for reg in regions.itertuples(index=False):
        rank = "" if pd.isna(reg.rank_national) else str(int(reg.rank_national))
        level = "" if pd.isna(reg.level) else str(int(reg.level))
        cells = []
        for ind in ids:
            key = (reg.region_code, ind)
            cells.append(_cell(by_region.loc[key], lang) if key in by_region.index else "")
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
