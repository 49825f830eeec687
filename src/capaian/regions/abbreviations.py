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


def short_name(code: str, name: str) -> str:
    """A region's name for a narrow table: a province by its abbreviation (`Kaltara`; its name when
    none is listed: Aceh, Bali), a regency as written in Indonesian tables (`Kab. Tana Tidung`;
    `Kota Tarakan` stays)."""
    code = str(code)
    if "." not in code:
        listed = _first_listed().get(code)
        return listed or name
    if name.startswith("Kabupaten "):
        return "Kab. " + name[len("Kabupaten "):]
    if name.startswith("Kepulauan "):
        return "Kep. " + name[len("Kepulauan "):]
    return name


@cache
def _first_listed() -> dict[str, str]:
    """Province code -> its first-listed abbreviation, as the data spells it (`65` -> `Kaltara`)."""
    import yaml

    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return {str(code): str(names[0]) for code, names in data["provinces"].items() if names}
