"""Region codes (Kemendagri): parsing to the dotted form, tiers, kinds and the region errors.

Forms accepted by `normalize_code`: `PP`, `PP.KK`, `PP.KK.CC`, `PP.KK.CC.VVVV`, with or without
dots (`65`, `6501`, `650101`, `6501012001`), surrounding whitespace, and the national pseudo-code
`ID`. The result is always the dotted form.
"""

from __future__ import annotations

import re

from capaian.errors import CapaianError

NATIONAL_CODE = "ID"
TIERS = ("national", "province", "regency", "district", "village")
KINDS = ("negara", "provinsi", "kabupaten", "kota", "kecamatan", "kelurahan", "desa", "desa_adat")
EXPECTED_FORMS = "PP, PP.KK, PP.KK.CC, PP.KK.CC.VVVV"

_DOTTED = re.compile(r"[0-9]{2}(?:\.[0-9]{2}(?:\.[0-9]{2}(?:\.[0-9]{4})?)?)?", re.ASCII)
_PLAIN = re.compile(r"[0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{10}", re.ASCII)
_TIER_BY_PARTS = {1: "province", 2: "regency", 3: "district", 4: "village"}


class RegionCodeError(CapaianError, ValueError):
    """A malformed region code."""

    def __init__(self, code):
        self.code = code
        super().__init__(
            f"Kode wilayah {code!r} tidak valid; bentuk yang diharapkan: {EXPECTED_FORMS} "
            "(dengan atau tanpa titik) atau ID.",
            f"Malformed region code {code!r}; expected one of {EXPECTED_FORMS} "
            "(with or without dots) or ID.",
        )


class UnknownRegionError(CapaianError, LookupError):
    """A well-formed region code that is not in the hierarchy version asked."""

    def __init__(self, code: str, version: str):
        self.code = code
        self.version = version
        super().__init__(
            f"Kode wilayah {code} tidak ada dalam daftar wilayah versi {version}.",
            f"Region code {code} is not in the {version} region hierarchy.",
        )


class RegionTierError(CapaianError, ValueError):
    """An unknown tier name."""

    def __init__(self, tier):
        self.tier = tier
        super().__init__(
            f"Tingkat wilayah {tier!r} tidak dikenal; pilihan: {', '.join(TIERS)}.",
            f"Unknown region tier {tier!r}; expected one of {', '.join(TIERS)}.",
        )


def normalize_code(code) -> str:
    """The dotted form of a region code (`6501` -> `65.01`); `RegionCodeError` when malformed."""
    if isinstance(code, bool) or not isinstance(code, (str, int)):
        raise RegionCodeError(code)
    text = str(code).strip()
    if text.upper() == NATIONAL_CODE:
        return NATIONAL_CODE
    if _DOTTED.fullmatch(text):
        return text
    if _PLAIN.fullmatch(text):
        parts = [text[i:i + 2] for i in range(0, min(len(text), 6), 2)]
        if len(text) == 10:
            parts.append(text[6:])
        return ".".join(parts)
    raise RegionCodeError(code)


def check_tier(tier: str | None) -> str | None:
    """`tier` itself when it is None or a known tier; `RegionTierError` otherwise."""
    if tier is not None and tier not in TIERS:
        raise RegionTierError(tier)
    return tier


def tier_of(code: str) -> str:
    """Tier of a dotted code (no check that it exists); KeyError for what is no dotted code."""
    tier = shape_tier(code)
    if tier is None:
        raise KeyError(code)
    return tier


def shape_tier(code: str | None) -> str | None:
    """The tier a code's shape says (`ID` national, `65` province, `65.71` regency, ...), or None
    for anything that is no dotted code; no check that the region exists."""
    if not code:
        return None
    if code == NATIONAL_CODE:
        return "national"
    parts = code.split(".")
    if not all(p.isdigit() for p in parts):
        return None
    return _TIER_BY_PARTS.get(len(parts))


def parent_of(code: str) -> str | None:
    """Parent code of a dotted code: the province's parent is `ID`, the national one has none."""
    if code == NATIONAL_CODE:
        return None
    if "." not in code:
        return NATIONAL_CODE
    return code.rsplit(".", 1)[0]


def kind_of(code: str) -> str:
    """Kind of a dotted code: regency KK 01-69 kabupaten, 71-99 kota; village by first digit of
    VVVV: 1 kelurahan, 2 desa, 3 desa_adat (the data has no other first digit; any other is
    treated as desa)."""
    tier = tier_of(code)
    if tier == "national":
        return "negara"
    if tier == "province":
        return "provinsi"
    if tier == "regency":
        return "kota" if int(code[3:5]) >= 71 else "kabupaten"
    if tier == "district":
        return "kecamatan"
    first = code[9]
    return "kelurahan" if first == "1" else "desa_adat" if first == "3" else "desa"
