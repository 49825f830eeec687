"""The one formatter of values, thresholds, ranks, changes and symbols shown to people (web, reports, CLI).

Built on `capaian.formatting` (Babel number and date patterns, half-up rounding). Everything here
takes a language code and is tolerant of missing values (None, NaN, pandas NA -> "—").

One meaning per symbol, everywhere:
  ✓ met · ✗ not met · – no data · † over 100 % (numerators grow daily, denominators per semester)
  ▲ / ▼ / = a rank that went up / down / stayed · "L2 → L3" a level change, "tetap"/"unchanged" when equal.
Levels are written as numbers ("L3", "level 3"), never with arrows.

A value is never shown equal to a threshold it does not meet: `coverage()` adds decimals until the
shown figure is on the same side of the threshold as the real one ("97,996 %" against 98 %, never
"98,00 %"), up to `MAX_PLACES`, where it truncates towards the true side instead of rounding.
`distinct_places()` does the same for a ranked list: regions with different values never read alike.
"""

from __future__ import annotations

import math
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from capaian import formatting as fmt
from capaian.present.i18n import N_, norm, tr

DASH = "—"
MET, NOT_MET, NO_DATA, OVER_100 = "✓", "✗", "–", "†"
RANK_UP, RANK_DOWN, RANK_SAME = "▲", "▼", "="
STATUS_SYMBOL = {"met": MET, "not_met": NOT_MET, "no_data": NO_DATA}
STATUS_WORD = {"met": N_("met"), "not_met": N_("not met"), "no_data": N_("no data")}
COMPARISON_SYMBOL = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}
PLACES, MAX_PLACES = 2, 6


def missing(value) -> bool:
    """None, NaN or pandas NA."""
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def _num(value) -> float | None:
    return None if missing(value) else float(value)


# ---------------------------------------------------------------- plain numbers
def integer(value, lang: str | None) -> str:
    """`467.701` (id) / `467,701` (en)."""
    return DASH if missing(value) else fmt.format_int(float(value), lang=lang)


def decimal(value, lang: str | None, places: int = PLACES) -> str:
    return DASH if missing(value) else fmt.format_number(float(value), places, lang=lang)


def amount(value, lang: str | None) -> str:
    """A count or an implementation value: whole numbers without decimals, others with two."""
    value = _num(value)
    if value is None:
        return DASH
    return integer(value, lang) if value.is_integer() else decimal(value, lang)


def percent(value, lang: str | None, places: int = PLACES) -> str:
    """`101,93 %` (a value already ×100)."""
    return DASH if missing(value) else fmt.format_pct(float(value), places, lang=lang)


def threshold(value, lang: str | None) -> str:
    """A threshold or target as published, without needless decimals: `98 %`, `99,3 %`."""
    return DASH if missing(value) else fmt.format_target(float(value), lang=lang)


def date(value, lang: str | None) -> str:
    if value is None or (not hasattr(value, "year") and missing(value)):
        return DASH
    if hasattr(value, "date") and callable(value.date):
        value = value.date()
    return fmt.format_date(value, lang=lang)


# ---------------------------------------------------------------- values against a threshold
def _holds(value: Decimal | float, target: float, comparison: str) -> bool:
    return {">=": value >= target, ">": value > target, "<=": value <= target, "<": value < target}[comparison]


def places_for(value, target=None, comparison: str = ">=", met: bool | None = None, places: int = PLACES) -> int:
    """Decimals needed so that the shown value is on the same side of `target` as the real one."""
    value, target = _num(value), _num(target)
    if value is None or target is None:
        return places
    truth = _holds(value, target, comparison) if met is None else bool(met)
    for p in range(places, MAX_PLACES + 1):
        if _holds(fmt.round_half_up(value, p), Decimal(repr(target)), comparison) == truth:
            return p
    return MAX_PLACES


def _truncated(value: float, target: float, comparison: str, met: bool) -> Decimal:
    """The value at MAX_PLACES, cut towards its true side of the target."""
    below = (not met) if comparison in (">=", ">") else met
    rounding = ROUND_FLOOR if below else ROUND_CEILING
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-MAX_PLACES), rounding=rounding)


def coverage(value, lang: str | None, target=None, comparison: str = ">=", met: bool | None = None,
             places: int = PLACES) -> str:
    """A percentage that never reads as meeting a threshold it misses (or the reverse)."""
    v, tg = _num(value), _num(target)
    if v is None:
        return DASH
    p = places_for(v, tg, comparison, met, places)
    if tg is not None:
        truth = _holds(v, tg, comparison) if met is None else bool(met)
        if _holds(fmt.round_half_up(v, p), Decimal(repr(tg)), comparison) != truth:
            d = _truncated(v, tg, comparison, truth)
            return fmt.format_number(float(d), MAX_PLACES, lang=lang) + " %"
    return fmt.format_pct(v, p, lang=lang)


def indicator_value(kind: str, value, lang: str | None, target=None, comparison: str = ">=",
                    met: bool | None = None) -> str:
    """A coverage percentage (honest against its threshold) or an implementation amount."""
    if kind == "coverage":
        return coverage(value, lang, target, comparison, met)
    return amount(value, lang)


def requirement(kind: str, target, lang: str | None, comparison: str = ">=", unit: str | None = None) -> str:
    """`≥ 98 %` for coverage, `≥ 18 dokumen` for implementation (`unit` already in `lang`)."""
    if missing(target):
        return DASH
    sym = COMPARISON_SYMBOL.get(comparison, "≥")
    if kind == "coverage":
        return f"{sym} {threshold(target, lang)}"
    text = amount(target, lang)
    return f"{sym} {text} {unit}" if unit and unit != "%" else (f"{sym} {text} %" if unit == "%" else f"{sym} {text}")


def distinct_places(values, places: int = PLACES) -> int:
    """Decimals needed so that different values of a list (e.g. a ranking) never read alike."""
    vals = sorted({float(v) for v in values if not missing(v)})
    for p in range(places, MAX_PLACES + 1):
        shown = [fmt.round_half_up(v, p) for v in vals]
        if len(set(shown)) == len(shown):
            return p
    return MAX_PLACES


# ---------------------------------------------------------------- statuses
def status_symbol(status: str | None) -> str:
    return STATUS_SYMBOL.get(status or "no_data", NO_DATA)


def status_word(status: str | None, lang: str | None) -> str:
    """`tercapai` / `met` — the one word per language (catalogue)."""
    return tr(lang, STATUS_WORD.get(status or "no_data", STATUS_WORD["no_data"]))


def status_text(status: str | None, lang: str | None) -> str:
    """`✓ tercapai` / `✗ belum tercapai` / `– tidak ada data`."""
    return f"{status_symbol(status)} {status_word(status, lang)}"


# ---------------------------------------------------------------- changes and ranks
def change(value, kind: str, lang: str | None) -> str:
    """A signed change: `+0,55` (percentage points for coverage), `+2`, `0`; `—` when unknown."""
    value = _num(value)
    if value is None:
        return DASH
    if value == 0:
        return "0"
    sign = "+" if value > 0 else "−"
    if kind != "coverage" and value.is_integer():
        return sign + integer(abs(value), lang)
    return sign + decimal(abs(value), lang)


def ordinal(n, lang: str | None) -> str:
    """`ke-4` (id) / `4th` (en)."""
    if missing(n):
        return DASH
    n = int(n)
    if norm(lang) == "en":
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{integer(n, lang)}{suffix}"
    return f"ke-{integer(n, lang)}"


def quarter(value, lang: str | None) -> str:
    """`Triwulan I 2022` / `Quarter I 2022` for `2022-Q1` (text or `capaian.periods.Quarter`)."""
    from capaian.periods import Quarter

    found = Quarter.parse(value)
    return tr(lang, "Quarter %(number)s %(year)s", number=found.roman, year=str(found.year))


def period(value, final: bool, lang: str | None) -> str:
    """`Triwulan I 2022 · final`, or `Triwulan I 2022 · belum final` before the quarter is closed;
    an empty string without a quarter."""
    if not value:
        return ""
    state = tr(lang, "final") if final else tr(lang, "not final yet")
    return quarter(value, lang) + " · " + state


def rank(rank_, peers, lang: str | None) -> str:
    """`4/34`."""
    if missing(rank_):
        return DASH
    return f"{integer(rank_, lang)}/{integer(peers, lang)}"


def rank_change(delta) -> str:
    """`▲ 2` (up two places), `▼ 1`, `= 0`, `–` (no earlier rank)."""
    if missing(delta):
        return NO_DATA
    delta = int(delta)
    if delta > 0:
        return f"{RANK_UP} {delta}"
    if delta < 0:
        return f"{RANK_DOWN} {-delta}"
    return f"{RANK_SAME} 0"


def not_assessed(assessed) -> bool:
    """An office with no data at all (`assessed` False): no level, no rank, never level 1."""
    return assessed is not None and not missing(assessed) and not bool(assessed)


def level_text(level, lang: str | None, assessed=None) -> str:
    """`L3`; `belum dinilai` / `not assessed` for an office with no data; `—` for no level."""
    if not_assessed(assessed):
        return tr(lang, "not assessed")
    return DASH if missing(level) else f"L{int(level)}"


def level_change(previous, level, lang: str | None) -> str:
    """`L2 → L3`; `tetap` / `unchanged` when equal; `—` when either is unknown."""
    if missing(previous) or missing(level):
        return DASH
    if int(previous) == int(level):
        return tr(lang, "unchanged")
    return f"L{int(previous)} → L{int(level)}"


# ---------------------------------------------------------------- implementation indicators above a regency
def complying(numerator, denominator, lang: str | None, share: bool = False) -> str:
    """How many regencies/cities comply: `3 dari 5 kab/kota`; with `share` (the nation):
    `476 dari 514 (92,6 %)`."""
    if missing(numerator) or missing(denominator):
        return DASH
    n, total = integer(numerator, lang), integer(denominator, lang)
    if share and float(denominator) > 0:
        return tr(lang, "%(n)s of %(total)s (%(share)s)", n=n, total=total,
                  share=percent(100.0 * float(numerator) / float(denominator), lang, places=1))
    return tr(lang, "%(n)s of %(total)s regencies/cities", n=n, total=total)
