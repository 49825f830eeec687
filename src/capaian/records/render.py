"""One renderer per data format over a record set: JSON, CSV, Parquet.

    table = results_table(record_set, indicator_ids)   # or Table(payload, rows, columns)
    body, media_type = render(table, "csv")

JSON is the record set itself; CSV and Parquet are its flat table (one row per region, the
schema's run and region fields, then `<indicator>.<field>` per indicator: `capaian.records.schema`).
Full precision everywhere. CSV is written here only, and a text cell that a spreadsheet would
run as a formula (starting with = + - @, a tab or a carriage return) is prefixed with `'` (OWASP,
"CSV injection"); numbers are written as numbers.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Callable

from capaian.records.schema import SEPARATOR, columns as result_columns, fields

FORMATS = {"json": "application/json", "csv": "text/csv; charset=utf-8", "parquet": "application/vnd.apache.parquet"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Table:
    """What a data format renders: the JSON payload, and its flat rows with their columns."""

    payload: dict
    rows: list[dict] | Callable[[], list[dict]] = field(default_factory=list)  # or made when first rendered
    columns: list[str] = field(default_factory=list)
    name: str = "capaian"
    cache_key: tuple | None = None  # names everything the table shows (its bodies may be kept)

    def flat(self) -> list[dict]:
        return self.rows() if callable(self.rows) else self.rows


def flat_rows(record_set: dict, indicator_ids) -> list[dict]:
    """The record set's regions (its scope region first) as flat rows of the schema's columns."""
    run = record_set["run"]
    regions = ([record_set["region"]] if record_set.get("region") else []) + list(record_set.get("regions") or [])
    out = []
    for rec in regions:
        row = {name: run.get(name) for name in fields("run")}
        row.update({name: rec.get(name) for name in fields("region")})
        for ind in indicator_ids:
            cell = (rec.get("indicators") or {}).get(ind) or {}
            for name in fields("indicator"):
                if name != "indicator":
                    row[f"{ind}{SEPARATOR}{name}"] = cell.get(name)
        out.append(row)
    return out


def results_table(record_set: dict, indicator_ids, name: str = "capaian", cache_key: tuple | None = None) -> Table:
    """A record set of results (`capaian.records.build`) as a table of the schema's columns."""
    ids = list(indicator_ids)
    return Table(record_set, lambda: flat_rows(record_set, ids), result_columns(ids), name, cache_key)


def plain_table(payload: dict, rows: list[dict], name: str, columns: list[str] | None = None,
                cache_key: tuple | None = None) -> Table:
    """Any other page's data (runs, completeness, flags, outreach): its rows, columns in order of appearance."""
    if columns is None:
        columns = list(dict.fromkeys(k for r in rows for k in r))
    return Table(payload, rows, columns, name, cache_key)


def neutral(value):
    """A CSV cell: empty for None, JSON for lists and dicts, a text cell that would start a
    formula prefixed with `'`; numbers and booleans as they are."""
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_text(rows: list[dict], columns: list[str]) -> str:
    """The one CSV writer: a header of `columns`, then one line per row (RFC 4180: CRLF line ends,
    so that a cell holding a CR or LF is quoted)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([neutral(row.get(c)) for c in columns])
    return buf.getvalue()


def parquet_bytes(rows: list[dict], columns: list[str]) -> bytes:
    """The flat table as Parquet (lists and dicts as JSON text)."""
    import pandas as pd

    def plain(value):
        return json.dumps(value, ensure_ascii=False, default=str) if isinstance(value, (list, dict)) else value

    frame = pd.DataFrame([[plain(r.get(c)) for c in columns] for r in rows], columns=columns)
    for col in frame.columns:
        if frame[col].dtype == object and frame[col].map(lambda v: isinstance(v, bool)).any():
            frame[col] = frame[col].astype("boolean")
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    return buf.getvalue()


def json_bytes(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, allow_nan=False, separators=(",", ":"), default=str).encode()


def render(table: Table, fmt: str) -> tuple[bytes, str]:
    """(body, media type) of `table` in `fmt` (json, csv or parquet)."""
    if fmt == "json":
        return json_bytes(table.payload), FORMATS["json"]
    if fmt == "csv":
        return csv_text(table.flat(), table.columns).encode("utf-8"), FORMATS["csv"]
    if fmt == "parquet":
        return parquet_bytes(table.flat(), table.columns), FORMATS["parquet"]
    raise ValueError(f"unknown format {fmt!r}")
