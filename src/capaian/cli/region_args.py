"""Region arguments of the command line: a code, a name or a province abbreviation, resolved by
`capaian.regions.lookup` and said back on stderr when the user did not type the code itself."""

from __future__ import annotations

import re

from capaian.cli.app import err_console, open_db, state
from capaian.errors import CapaianError
from capaian.present.i18n import tr
from capaian.regions import NATIONAL_CODE, get_hierarchy, normalize_code
from capaian.regions.hierarchy import Hierarchy  # noqa: F401  (the type returned below)
from capaian.regions.lookup import EVALUATED_TIERS, RegionNotFoundError, describe, resolve

LOOKUP_VERSION = "2025"  # names and abbreviations are looked up in the current hierarchy



def region_code(text: str, tiers: tuple[str, ...] = EVALUATED_TIERS) -> str:
    """The code of the region `text` names; prints `Wilayah: Kabupaten Malinau (65.02)` unless
    `text` was already that code."""
    code = _as_code(text)
    if code is not None and str(text).strip().upper() == code:
        return code  # a code is passed on as it is: the run (maybe of the 2020 hierarchy) judges it
    hierarchy = _lookup_hierarchy(tiers)
    if code is not None and code not in hierarchy:
        return code
    region = hierarchy.get(code) if code else resolve(text, tiers=tiers, hierarchy=hierarchy)
    if str(text).strip().upper() != region.code:
        err_console.print(tr(state.lang, "Region: %(region)s", region=describe(region)),
                          highlight=False, markup=False)
    return region.code


def _lookup_hierarchy(tiers: tuple[str, ...]) -> Hierarchy:
    """The regions a name is looked for in: the store's copy of the evaluated tiers (a few hundred
    rows) when the store has one, else the whole hierarchy from the region package."""
    if set(tiers) <= set(EVALUATED_TIERS):
        from capaian.regions.search import stored_hierarchy

        try:
            store = open_db()
        except CapaianError:  # no store yet (e.g. `template` on a fresh machine)
            store = None
        try:
            return stored_hierarchy(store, tuple(tiers), LOOKUP_VERSION)
        finally:
            if store is not None:
                store.close()
    return get_hierarchy(LOOKUP_VERSION)


def _as_code(text: str) -> str | None:
    """The dotted code when `text` is written as one (`6502`, `65.02`, `ID`); `RegionCodeError`
    for digits that are no code (`651`); None for a name."""
    raw = str(text).strip()
    if raw.upper() == NATIONAL_CODE or re.fullmatch(r"[0-9][0-9.\s]*", raw):
        return normalize_code(raw)
    return None


def province_code(text: str | None) -> str | None:
    """The code of the province `text` names (code, name or abbreviation); None for None. A code
    of no province is an error, never a filter that silently keeps nothing."""
    if text is None:
        return None
    code = region_code(text, tiers=("province",))
    if code not in _lookup_hierarchy(("province",)):
        raise RegionNotFoundError(str(text))
    return code


def tier_name(text: str) -> str:
    """`provinsi` -> `province`, `kabkota` -> `regency`, any case (`capaian.spellings`, the one
    reading of the CLI, the pages and the API); English names pass through."""
    from capaian.spellings import TIER_ALIASES

    key = text.strip().lower()
    return TIER_ALIASES.get(key, key)
