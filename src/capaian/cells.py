"""Frame cells as plain Python values: the one NA-safe conversion every layer uses.

None, NaN, pandas NA and NaT become None; numpy scalars become Python numbers; text stays text.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd


def plain(value):
    """A frame cell as a Python value; NA / NaN -> None, numpy scalars -> Python numbers."""
    if value is None:
        return None
    if not isinstance(value, str):
        try:
            if pd.isna(value):
                return None
        except (TypeError, ValueError):  # a list or array: not one missing value
            pass
    return value.item() if hasattr(value, "item") else value


def number(value) -> float | None:
    """A cell as a float, or None when it is missing."""
    if type(value) is float:  # the common case, without pandas (flags call this for every row of a year)
        return None if value != value else value
    value = plain(value)
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def integer(value) -> int | None:
    """A cell rounded to an int, or None when it is missing."""
    value = number(value)
    return None if value is None else int(round(value))


def plain_list(series: pd.Series) -> list:
    """A column as a list of plain values (what `plain` gives for each cell), column-wise: numpy
    integer and boolean columns have no missing values, float ones only NaN."""
    values = series.tolist()
    kind = series.dtype.kind if isinstance(series.dtype, np.dtype) else None
    if kind in ("i", "u", "b"):
        return values
    if kind == "f":
        return [None if v != v else v for v in values]
    return [plain(v) for v in values]


def rows(frame: pd.DataFrame) -> list[dict]:
    """The rows of a frame as dicts of plain values (`frame.to_dict("records")` with `plain` on
    every cell, made column by column: several times faster on thousands of rows)."""
    columns = list(frame.columns)
    return [dict(zip(columns, row)) for row in zip(*(plain_list(frame[c]) for c in columns))]
