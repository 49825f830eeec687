"""What a person may type for a tier, a cut-off or a region, read the same way by the CLI, the web
pages and the API: the one parser of those spellings.

- tier: `province`, `regency`, ... or their Indonesian names (`provinsi`, `kabkota`, `kab/kota`,
  `kecamatan`, `desa`, `nasional`), any case;
- cut-off: `2020-11-H1` in any case (`2020-11-h1`) -> `2020-11-H1`;
- region: a code (`65`, `65.71`, `6571`), a name (`Kota Tarakan`, `tarakan`) or a province
  abbreviation (`Kaltara`), by `capaian.regions.lookup.resolve`.

An unreadable value raises `SpellingError`, which names the parameter, what was given and what is
expected (the API answers it with a 422 carrying those three; the CLI prints its text).
"""

from __future__ import annotations

from capaian.errors import CapaianError
from capaian.regions.codes import TIERS

TIER_ALIASES = {
    "provinsi": "province", "prov": "province", "kabkota": "regency", "kab/kota": "regency",
    "kabupaten": "regency", "kota": "regency", "kabupaten/kota": "regency", "kecamatan": "district",
    "desa": "village", "kelurahan": "village", "nasional": "national",
}
TIER_EXPECTED = "national|province|regency|district|village (nasional, provinsi, kabkota, kecamatan, desa)"
CUTOFF_EXPECTED = "YYYY-MM-H1 or YYYY-MM-H2 (e.g. 2020-11-H1)"
REGION_EXPECTED = "a code (65, 65.71), a name (Kota Tarakan) or a province abbreviation (Kaltara)"
EXPECTED = {"tier": TIER_EXPECTED, "cutoff": CUTOFF_EXPECTED, "region": REGION_EXPECTED,
            "province": REGION_EXPECTED, "code": REGION_EXPECTED}  # what each parameter takes
_IN_INDONESIAN = {  # the expected forms above, as the Indonesian message says them
    CUTOFF_EXPECTED: "YYYY-MM-H1 atau YYYY-MM-H2 (mis. 2020-11-H1)",
    REGION_EXPECTED: "kode (65, 65.71), nama (Kota Tarakan) atau singkatan provinsi (Kaltara)",
}


class SpellingError(CapaianError, ValueError):
    """A value of `parameter` that none of its spellings reads."""

    def __init__(self, parameter: str, given, expected: str, id_message: str | None = None,
                 en_message: str | None = None):
        self.parameter = parameter
        self.given = str(given)[:80]
        self.expected = expected
        super().__init__(
            id_message or f"{parameter}={self.given!r} tidak dikenal; yang diharapkan: {_indonesian(expected)}.",
            en_message or f"{parameter}={self.given!r} is not understood; expected {expected}.",
        )


def _indonesian(expected: str) -> str:
    for en, id_ in _IN_INDONESIAN.items():
        expected = expected.replace(en, id_)
    return expected.replace(" or ", " atau ").replace("; tier ", "; tingkat ")


def tier(text: str, allowed: tuple[str, ...] = TIERS, parameter: str = "tier") -> str:
    """`kabkota` / `KabKota` / `regency` -> `regency`; SpellingError for anything else (or a tier
    outside `allowed`)."""
    key = str(text).strip().lower()
    found = TIER_ALIASES.get(key, key)
    if found not in allowed:
        expected = TIER_EXPECTED if allowed == TIERS else "|".join(allowed)
        raise SpellingError(parameter, text, expected)
    return found


def cutoff(text: str, parameter: str = "cutoff") -> str:
    """`2020-11-h1` -> `2020-11-H1` (years 2000-2099, as the API declares); SpellingError otherwise."""
    import re

    from capaian.periods import Cutoff

    try:
        written = str(Cutoff.parse(str(text)))
    except CapaianError:
        written = ""
    if not re.fullmatch(r"20[0-9]{2}-(0[1-9]|1[0-2])-H[12]", written):
        raise SpellingError(parameter, text, CUTOFF_EXPECTED)
    return written


def region(text: str, hierarchy=None, tiers: tuple[str, ...] = ("national", "province", "regency"),
           parameter: str = "region") -> str:
    """The code of the region `text` names (code, name or province abbreviation) among `tiers` of
    `hierarchy` (default: the current hierarchy); SpellingError naming the parameter otherwise
    (an ambiguous name lists its candidates)."""
    import re

    from capaian.regions.codes import NATIONAL_CODE, normalize_code, shape_tier
    from capaian.regions.lookup import AmbiguousRegionError, resolve

    raw = str(text).strip()
    if raw.upper() == NATIONAL_CODE or re.fullmatch(r"[0-9][0-9.\s]*", raw):
        try:  # a code is passed on as it is: the run (maybe of the 2020 hierarchy) judges it
            code = normalize_code(raw)
        except CapaianError:
            raise SpellingError(parameter, text, REGION_EXPECTED) from None
        if shape_tier(code) not in tiers:  # e.g. a regency's code where a province is asked
            raise SpellingError(parameter, text, f"{REGION_EXPECTED}; tier {'/'.join(tiers)}")
        return code
    try:
        return resolve(raw, tiers=tiers, hierarchy=hierarchy).code
    except AmbiguousRegionError as exc:
        raise SpellingError(parameter, text, REGION_EXPECTED, exc.id_message, exc.en_message) from None
    except (CapaianError, LookupError, ValueError):
        raise SpellingError(parameter, text, REGION_EXPECTED) from None
