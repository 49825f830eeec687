"""Region arguments of the command line: a code, a name or a province abbreviation, resolved by
`capaian.regions.lookup` and said back on stderr when the user did not type the code itself."""

from __future__ import annotations

import re

from capaian.cli.app import err_console, state
from capaian.present.i18n import tr
from capaian.regions import NATIONAL_CODE, get_hierarchy, normalize_code
from capaian.regions.lookup import EVALUATED_TIERS, describe, resolve

TIER_ALIASES = {
    "provinsi": "province", "kabkota": "regency", "kab/kota": "regency", "kabupaten": "regency",
    "kota": "regency", "kecamatan": "district", "desa": "village", "kelurahan": "village",
    "nasional": "national",
}


def region_code(text: str, tiers: tuple[str, ...] = EVALUATED_TIERS) -> str:
    """The code of the region `text` names; prints `Wilayah: Kabupaten Malinau (65.02)` unless
    `text` was already that code."""
    code = _as_code(text)
    if code is not None:  # a code is passed on as it is: the run (maybe of the 2020 hierarchy) judges it
        if code not in get_hierarchy() or str(text).strip().upper() == code:
            return code
    region = get_hierarchy().get(code) if code else resolve(text, tiers=tiers)
    if str(text).strip().upper() != region.code:
        err_console.print(tr(state.lang, "Region: %(region)s", region=describe(region)),
                          highlight=False, markup=False)
    return region.code


def _as_code(text: str) -> str | None:
    """The dotted code when `text` is written as one (`6502`, `65.02`, `ID`); `RegionCodeError`
    for digits that are no code (`651`); None for a name."""
    raw = str(text).strip()
    if raw.upper() == NATIONAL_CODE or re.fullmatch(r"[0-9][0-9.\s]*", raw):
        return normalize_code(raw)
    return None


def province_code(text: str | None) -> str | None:
    return None if text is None else region_code(text, tiers=("province",))


def tier_name(text: str) -> str:
    """`provinsi` -> `province`, `kabkota` -> `regency`; English names pass through."""
    key = text.strip().lower()
    return TIER_ALIASES.get(key, key)
