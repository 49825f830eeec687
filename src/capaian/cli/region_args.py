"""Region arguments of the command line: a code, a name or a province abbreviation, resolved by
`capaian.regions.lookup` and said back on stderr when the user did not type the code itself."""

from __future__ import annotations

from capaian.cli.app import err_console, state
from capaian.present.i18n import tr
from capaian.regions.lookup import EVALUATED_TIERS, describe, resolve

TIER_ALIASES = {
    "provinsi": "province", "kabkota": "regency", "kab/kota": "regency", "kabupaten": "regency",
    "kota": "regency", "kecamatan": "district", "desa": "village", "kelurahan": "village",
    "nasional": "national",
}


def region_code(text: str, tiers: tuple[str, ...] = EVALUATED_TIERS) -> str:
    """The code of the region `text` names; prints `Wilayah: Kabupaten Malinau (65.02)` unless
    `text` was already that code."""
    region = resolve(text, tiers=tiers)
    if str(text).strip().upper() != region.code:
        err_console.print(tr(state.lang, "Region: %(region)s", region=describe(region)),
                          highlight=False, markup=False)
    return region.code


def province_code(text: str | None) -> str | None:
    return None if text is None else region_code(text, tiers=("province",))


def tier_name(text: str) -> str:
    """`provinsi` -> `province`, `kabkota` -> `regency`; English names pass through."""
    key = text.strip().lower()
    return TIER_ALIASES.get(key, key)
