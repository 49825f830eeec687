"""The PostgreSQL backend of the store: a psycopg 3 connection that speaks like a DuckDB one.

The store's SQL is written once, with `?` placeholders, and runs on both backends. This module
gives a PostgreSQL connection the few methods the store uses on a DuckDB connection:

- `execute(sql, params)` -> a cursor with `fetchone()`, `fetchall()`, `df()` and `description`
  (`?` becomes `%s`, a literal `%` is doubled; `df()` gives the pandas dtypes DuckDB gives);
- `register(name, frame)` / `unregister(name)` -> a temporary table filled with COPY;
- `copy_frame(table, frame)` -> COPY a frame into a table, values coerced to its column types.

The connection is in autocommit mode; `Store.transaction()` issues BEGIN/COMMIT/ROLLBACK.
"""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from capaian.errors import CapaianError

SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(target) -> bool:
    return isinstance(target, str) and target.startswith(SCHEMES)


def safe_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    from capaian.settings import masked

    return masked(url)


@lru_cache(maxsize=512)
def translate(sql: str, has_params: bool) -> str:
    """`?` placeholders -> `%s` (outside quotes); with parameters, a literal `%` -> `%%`."""
    if not has_params:
        return sql
    out, quote = [], None
    for ch in sql:
        if quote:
            if ch == quote:
                quote = None
            out.append("%%" if ch == "%" else ch)
            continue
        if ch in ("'", '"'):
            quote = ch
            out.append(ch)
        elif ch == "?":
            out.append("%s")
        elif ch == "%":
            out.append("%%")
        else:
            out.append(ch)
    return "".join(out)


# PostgreSQL type OIDs -> how DuckDB's `.df()` would type the column.
_FLOAT = {700, 701, 1700}
_INT = {20, 21, 23}
_BOOL = {16}
_TIMESTAMP = {1114, 1184}
_TEXT = {25, 1043, 1042, 19}


def _column(values: list, oid: int | None) -> pd.Series:
    has_null = any(v is None for v in values)
    if oid in _FLOAT:
        return pd.Series([np.nan if v is None else float(v) for v in values], dtype="float64")
    if oid in _INT:
        return pd.Series(values, dtype="Int64" if has_null else "int64")
    if oid in _BOOL:
        return pd.Series(values, dtype="boolean" if has_null else "bool")
    if oid in _TIMESTAMP:
        return pd.Series(pd.to_datetime(pd.Series(values, dtype="object")), dtype="datetime64[us]")
    if oid in _TEXT:
        return pd.Series(values, dtype="str")
    return pd.Series(values, dtype="object")


class PgCursor:
    """The result of one statement, read the way the store reads a DuckDB result."""

    def __init__(self, cursor):
        self._cursor = cursor
        self.description = cursor.description

    def fetchone(self):
        return self._cursor.fetchone() if self.description else None

    def fetchall(self) -> list:
        return self._cursor.fetchall() if self.description else []

    def df(self) -> pd.DataFrame:
        if not self.description:
            return pd.DataFrame()
        rows = self._cursor.fetchall()
        names = [d.name for d in self.description]
        data = {}
        for i, d in enumerate(self.description):
            data[names[i]] = _column([r[i] for r in rows], d.type_code)
        return pd.DataFrame(data, columns=names)


class PgConnection:
    """A psycopg connection with the DuckDB-connection methods the store uses."""

    backend = "postgresql"

    def __init__(self, url: str):
        import psycopg

        self.url = url
        try:
            self.raw = psycopg.connect(url, autocommit=True)
        except psycopg.Error as exc:
            detail = " ".join(str(exc).split())[:300]
            raise CapaianError(
                f"Tidak dapat terhubung ke PostgreSQL {safe_url(url)}: {detail}",
                f"Cannot connect to PostgreSQL {safe_url(url)}: {detail}",
            ) from None
        self._types: dict[str, dict[str, str]] = {}

    @classmethod
    def over(cls, raw, url: str, types: dict | None = None) -> "PgConnection":
        """A PgConnection over an open psycopg connection (one of a pool, `capaian.store.pool`);
        `types`: a column-type cache shared by the connections of one pool."""
        con = cls.__new__(cls)
        con.url, con.raw = url, raw
        con._types = {} if types is None else types
        return con

    def execute(self, sql: str, params=None) -> PgCursor:
        params = list(params) if params else None
        cursor = self.raw.cursor()
        cursor.execute(translate(sql, params is not None), [_plain(p) for p in params] if params else None)
        return PgCursor(cursor)

    def in_failed_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return self.raw.info.transaction_status == TransactionStatus.INERROR

    # -- frames -------------------------------------------------------------------------------
    def register(self, name: str, frame: pd.DataFrame) -> None:
        """A temporary table `name` holding `frame` (types taken from its columns)."""
        cols = ", ".join(f'"{c}" {_sql_type(frame[c])}' for c in frame.columns)
        self.raw.execute(f'DROP TABLE IF EXISTS "{name}"')
        self.raw.execute(f'CREATE TEMP TABLE "{name}" ({cols})')
        self.copy_frame(name, frame)

    def unregister(self, name: str) -> None:
        if self.in_failed_transaction():  # the ROLLBACK to come removes it
            return
        self.raw.execute(f'DROP TABLE IF EXISTS "{name}"')

    def column_types(self, table: str) -> dict[str, str]:
        found = self._types.get(table)
        if found is None:
            rows = self.raw.execute(
                "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
                "WHERE a.attrelid = to_regclass(%s) AND a.attnum > 0 AND NOT a.attisdropped",
                [f'"{table}"'],
            ).fetchall()
            found = {r[0]: r[1] for r in rows}
            if not table.startswith("_"):
                self._types[table] = found
        return found

    def forget_types(self) -> None:
        self._types.clear()

    def copy_frame(self, table: str, frame: pd.DataFrame) -> int:
        """COPY the rows of `frame` into `table` (columns by name, as CSV); returns the row count.

        Each column is first put in the form its PostgreSQL column reads (an integral float into
        a BIGINT column as an integer, a list into an array), so COPY converts what DuckDB's
        INSERT ... SELECT would cast."""
        if frame.empty:
            return 0
        types = self.column_types(table)
        ready = pd.DataFrame(
            {c: _for_copy(frame[c], types.get(c, "text")) for c in frame.columns}, index=frame.index
        )
        cols = ", ".join(f'"{c}"' for c in frame.columns)
        sql = f'COPY "{table}" ({cols}) FROM STDIN (FORMAT csv, NULL \'\\N\')'
        with tempfile.TemporaryDirectory(prefix="capaian-copy-") as folder:
            path = Path(folder) / "rows.csv"
            _write_csv(ready, path)  # DuckDB writes CSV several times faster than pandas
            with self.raw.cursor() as cursor, cursor.copy(sql) as copy, open(path, "rb") as rows:
                for block in iter(lambda: rows.read(1 << 20), b""):
                    copy.write(block)
        return len(frame)

    def close(self) -> None:
        self.raw.close()


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    import duckdb

    con = duckdb.connect()
    try:
        con.register("_rows", frame)
        con.execute(f"COPY _rows TO '{path}' (FORMAT csv, HEADER false, NULLSTR '\\N')")
    finally:
        con.close()


def _missing(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _plain(value):
    """numpy scalars and pandas missing values as plain Python values."""
    if isinstance(value, np.generic):
        value = value.item()
    if _missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def _for_copy(series: pd.Series, pg_type: str) -> pd.Series:
    """`series` as values PostgreSQL's CSV COPY reads into a column of `pg_type` (None = NULL)."""
    pg_type = pg_type.lower()
    kind = series.dtype.kind
    if pg_type in ("bigint", "integer", "smallint"):
        if kind in "iu":
            return series
        numbers = pd.to_numeric(series.astype(object).where(series.notna(), None), errors="coerce")
        return numbers.round().astype("Int64") if numbers.dtype.kind == "f" else numbers.astype("Int64")
    if pg_type.startswith("double") or pg_type in ("real", "numeric"):
        if kind == "f":
            return series
        return pd.to_numeric(series.astype(object).where(series.notna(), None), errors="coerce").astype("float64")
    if pg_type == "boolean":
        return series.astype(object).map({True: "t", False: "f", np.True_: "t", np.False_: "f"})
    if pg_type.endswith("[]"):
        return pd.Series([_array_text(v) for v in series], index=series.index, dtype="object")
    if pg_type.startswith(("character", "text")):
        if str(series.dtype) in ("str", "string") or pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty"):
            return series
        if kind in "OUT":
            return pd.Series([None if _missing_any(v) else (v if isinstance(v, str) else str(_plain(v)))
                              for v in series], index=series.index, dtype="object")
        return series.astype(object).where(series.notna(), None).map(lambda v: None if v is None else str(v))
    return series


def _missing_any(value) -> bool:
    if isinstance(value, (list, tuple, np.ndarray)):
        return False
    return _missing(value)


def _array_text(value):
    if value is None or _missing_any(value):
        return None
    return "{" + ",".join("NULL" if _missing_any(x) else str(_plain(x)) for x in value) + "}"


def _sql_type(series: pd.Series) -> str:
    kind = series.dtype.kind
    if kind == "f":
        return "DOUBLE PRECISION"
    if kind in "iu":
        return "BIGINT"
    if kind == "b" or str(series.dtype) == "boolean":
        return "BOOLEAN"
    if kind == "M":
        return "TIMESTAMP"
    for value in series:
        if _missing(value) if not isinstance(value, (list, tuple, np.ndarray)) else False:
            continue
        if isinstance(value, (bool, np.bool_)):
            return "BOOLEAN"
        if isinstance(value, (int, np.integer)):
            return "BIGINT"
        if isinstance(value, (float, np.floating)):
            return "DOUBLE PRECISION"
        if isinstance(value, dt.datetime):
            return "TIMESTAMP"
        if isinstance(value, dt.date):
            return "DATE"
        if isinstance(value, (list, tuple, np.ndarray)):
            return "BIGINT[]"
        return "TEXT"
    return "TEXT"
