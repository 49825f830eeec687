"""The region hierarchy of one version: look-ups, tree walks, name search and the region frame.

`get_hierarchy(version)` is cached: the first call builds ≈91.6k `Region`s (well under a second),
later calls return the same object. Codes are dotted; lexical order of dotted codes is a pre-order
walk of the tree, so the descendants of a region are one contiguous slice of the sorted codes.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache, cached_property

from capaian.regions.codes import (
    NATIONAL_CODE, TIERS, RegionTierError, UnknownRegionError, check_tier, kind_of, normalize_code, tier_of,
)
from capaian.regions.source import lokal_names
from capaian.regions.versions import check_version, recode_from_2025

NATIONAL_NAME = "Indonesia"
FRAME_COLUMNS = ["code", "name", "tier", "kind", "parent", "province", "regency", "district"]


@dataclass(frozen=True, slots=True)
class Region:
    """One region. `parent` is the parent's code (`ID` for provinces, None for `ID`)."""

    code: str
    name: str
    tier: str
    kind: str
    parent: str | None


_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u02bc": "'"})
_KIND_PREFIXES = ("kabupaten ", "kota ")


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a name (NFKD, combining marks dropped, casefolded,
    typographic apostrophes as `'`)."""
    text = text.translate(_QUOTES)
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return text.casefold().strip()


def _bare(folded: str) -> str:
    """A folded regency name without its `kabupaten `/`kota ` prefix (for ranking matches)."""
    for prefix in _KIND_PREFIXES:
        if folded.startswith(prefix):
            return folded[len(prefix):]
    return folded


class Hierarchy:
    """All regions of one version, with the national pseudo-region `ID` at the root."""

    def __init__(self, version: str, names: dict[str, str]):
        self.version = version
        self._codes = sorted(names)  # without ID
        regions = {NATIONAL_CODE: Region(NATIONAL_CODE, NATIONAL_NAME, "national", "negara", None)}
        children: dict[str, list[str]] = {NATIONAL_CODE: []}
        by_tier: dict[str, list[str]] = {t: [] for t in TIERS}
        by_tier["national"].append(NATIONAL_CODE)
        tiers = {2: "province", 5: "regency", 8: "district", 13: "village"}
        parents = {2: 0, 5: 2, 8: 5, 13: 8}
        village_kinds = {"1": "kelurahan", "2": "desa", "3": "desa_adat"}
        for code in self._codes:
            size = len(code)
            tier = tiers.get(size) or tier_of(code)  # tier_of raises on anything malformed
            parent = code[:parents[size]] or NATIONAL_CODE
            if size == 13:  # inlined kind_of for the 83k villages
                kind = village_kinds.get(code[9], "desa")
            else:
                kind = kind_of(code)
            regions[code] = Region(code, names[code], tier, kind, parent)
            children.setdefault(parent, []).append(code)
            by_tier[tier].append(code)
        self._regions = regions
        self._children = children
        self._by_tier = by_tier

    def __repr__(self) -> str:
        return f"<Hierarchy {self.version}: {len(self._codes)} regions>"

    def __len__(self) -> int:
        """Number of regions, the national row included."""
        return len(self._regions)

    def __iter__(self):
        """Regions in code order, `ID` first."""
        yield self._regions[NATIONAL_CODE]
        for code in self._codes:
            yield self._regions[code]

    def __contains__(self, code) -> bool:
        """True for a code (any accepted form) of this version; False when malformed or unknown."""
        try:
            return normalize_code(code) in self._regions
        except ValueError:
            return False

    def get(self, code) -> Region:
        """The region of `code` (any accepted form). `RegionCodeError` when malformed,
        `UnknownRegionError` when well-formed but not in this version."""
        normal = normalize_code(code)
        try:
            return self._regions[normal]
        except KeyError:
            raise UnknownRegionError(normal, self.version) from None

    def parent(self, code) -> Region | None:
        """The parent region (`ID` for a province), None for `ID`."""
        region = self.get(code)
        return self._regions[region.parent] if region.parent else None

    def children(self, code) -> list[Region]:
        """Direct children ordered by code (`children("ID")` gives the provinces)."""
        region = self.get(code)
        return [self._regions[c] for c in self._children.get(region.code, ())]

    def ancestors(self, code) -> list[Region]:
        """Ancestors nearest first, ending with `ID` (`65.01.01` -> [65.01, 65, ID]); [] for `ID`."""
        out = []
        parent = self.get(code).parent
        while parent is not None:
            region = self._regions[parent]
            out.append(region)
            parent = region.parent
        return out

    def descendants(self, code, tier: str | None = None) -> list[Region]:
        """All regions below `code` in code order (pre-order), optionally of one tier only."""
        check_tier(tier)
        root = self.get(code).code
        if root == NATIONAL_CODE:
            codes = self._by_tier[tier] if tier else self._codes
            return [self._regions[c] for c in codes if c != NATIONAL_CODE]
        lo = bisect_left(self._codes, root + ".")
        hi = bisect_left(self._codes, root + "/", lo)  # "/" sorts right after "."
        found = (self._regions[c] for c in self._codes[lo:hi])
        return [r for r in found if r.tier == tier] if tier else list(found)

    def by_tier(self, tier: str) -> list[Region]:
        """All regions of one tier, ordered by code."""
        if check_tier(tier) is None:
            raise RegionTierError(tier)
        return [self._regions[c] for c in self._by_tier[tier]]

    def provinces(self) -> list[Region]:
        return self.by_tier("province")

    def regencies(self) -> list[Region]:
        return self.by_tier("regency")

    def counts(self) -> dict[str, int]:
        """Number of regions per tier."""
        return {tier: len(codes) for tier, codes in self._by_tier.items()}

    @cached_property
    def _folded(self) -> list[tuple[str, str]]:
        return [(fold(r.name), r.code) for r in self]

    @staticmethod
    def _rank(name: str, query: str, pos: int) -> int:
        bare = _bare(name)
        if query in (name, bare):
            return 0
        if pos == 0 or bare.startswith(query):
            return 1
        return 2 if not name[pos - 1].isalnum() else 3

    def find(self, text: str, tier: str | None = None, limit: int = 20) -> list[Region]:
        """Regions whose name contains `text`, case- and accent-insensitively.

        A `text` that is a code of this version, or a common province abbreviation (`kaltara`,
        `Jatim`; `capaian.regions.abbreviations`), puts that region first. Then provinces and
        regencies, then districts, then villages; within each: exact name, name prefix, word
        prefix, other substring (a regency's name is also compared without its "Kabupaten"/"Kota"
        prefix); then by tier (higher first) and code."""
        check_tier(tier)
        query = fold(str(text))
        if not query or limit <= 0:
            return []
        from capaian.regions.abbreviations import province_abbreviations

        scored = []
        named = [self.get(text).code] if text in self else []
        abbreviated = province_abbreviations().get(query)
        if abbreviated in self._regions:
            named.append(abbreviated)
        for code in named:
            if tier is None or self._regions[code].tier == tier:
                scored.append((-1, 0, 0, 0, code))
        for name, code in self._folded:
            pos = name.find(query)
            if pos < 0:
                continue
            region = self._regions[code]
            if tier is not None and region.tier != tier:
                continue
            level = TIERS.index(region.tier)
            scored.append((0, max(level, 2), self._rank(name, query, pos), level, code))
        scored.sort()
        out, seen = [], set()
        for *_, code in scored:
            if code not in seen:
                seen.add(code)
                out.append(self._regions[code])
                if len(out) >= limit:
                    break
        return out

    @cached_property
    def _frame(self):
        import pandas as pd  # imported here: look-ups alone do not need pandas

        rows = list(self)
        codes = [r.code for r in rows]

        def prefix(width: int, min_dots: int):
            return [c[:width] if c != NATIONAL_CODE and c.count(".") >= min_dots else None for c in codes]

        return pd.DataFrame({
            "code": codes,
            "name": [r.name for r in rows],
            "tier": [r.tier for r in rows],
            "kind": [r.kind for r in rows],
            "parent": [r.parent for r in rows],
            "province": prefix(2, 0),
            "regency": prefix(5, 1),
            "district": prefix(8, 2),
        }, columns=FRAME_COLUMNS)

    def region_frame(self):
        """One row per region (`ID` first, then code order): `code, name, tier, kind, parent,
        province, regency, district`. Ancestor columns carry the region's own code at its own tier
        (a province row's `province` is its code) and are null above it. A copy of a cached frame."""
        return self._frame.copy()


def _names(version: str) -> dict[str, str]:
    names = lokal_names()
    if version == "2025":
        return names
    out = {}
    for code, name in names.items():
        new = recode_from_2025(code, version)
        if new == code or "." in code:  # provinces not yet created in `version` are dropped
            out[new] = name
    return out


@cache
def _build(version: str) -> Hierarchy:
    return Hierarchy(version, _names(version))


def get_hierarchy(version="2025") -> Hierarchy:
    """The (cached) hierarchy of `version`: `"2025"` (default, 38 provinces), `"2022"` (37) or
    `"2020"` (34); `version_for_cutoff` says which one a cut-off uses."""
    return _build(check_version(version))
