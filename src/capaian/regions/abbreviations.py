"""Common province abbreviations (Kaltara, Jatim, DKI, NTB, ...), read from
`data/province_abbreviations.yaml` (the data names its source); never written in code."""

from __future__ import annotations

from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "province_abbreviations.yaml"


@cache
def province_abbreviations() -> dict[str, str]:
    """Folded abbreviation -> province code (`"kaltara"` -> `"65"`)."""
    import yaml

    from capaian.regions.hierarchy import fold

    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    for code, names in data["provinces"].items():
        for name in names:
            key = fold(str(name))
            if out.get(key, code) != code:
                raise ValueError(f"{DATA.name}: abbreviation {name!r} names two provinces")
            out[key] = str(code)
    return out
