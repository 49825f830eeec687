"""The small map of the PDF's first page: the provinces as a tile grid (`web/static/tilegrid.json`,
the dashboard's own grid), each tile holding its short label and level, as an HTML table that
reads in black and white (the level is written in the tile, the fill only repeats it)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from capaian.reports.common import integer

GRID = Path(__file__).resolve().parents[1] / "web" / "static" / "tilegrid.json"


@cache
def _grid() -> dict:
    return json.loads(GRID.read_text(encoding="utf-8"))


def tile_rows(view, version: str | None) -> list[list[dict | None]]:
    """Rows of grid cells: None for sea, else `{code, label, level}` (level "" without one)."""
    grids = _grid()
    grid = grids.get(str(version)) or grids[max(k for k in grids if not k.startswith("_"))]
    provinces = view.regions[view.regions["tier"] == "province"]
    level = {code: integer(lv) for code, lv in zip(provinces["region_code"], provinces["level"])}
    cells: list[list[dict | None]] = [[None] * grid["cols"] for _ in range(grid["rows"])]
    for code, tile in grid["tiles"].items():
        lv = level.get(code)
        cells[tile["row"]][tile["col"]] = {"code": code, "label": tile["label"],
                                          "level": "" if lv is None else f"L{lv}",
                                          "css": "l0" if lv is None else f"l{lv}"}
    return cells
