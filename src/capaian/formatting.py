"""The one place where numbers and dates shown to people are formatted (Babel, `id_ID` by default).

Stored numbers stay raw; percentages are rounded half-up to two decimals for display only.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date as _babel_format_date
from babel.numbers import format_decimal as _babel_format_decimal

LOCALES = {"id": "id_ID", "en": "en_US"}
DEFAULT_LANG = "id"


def locale_for(lang: str | None) -> str:
    """Babel locale for a language code (`id` or `en`); unknown codes fall back to Indonesian."""
    return LOCALES.get((lang or DEFAULT_LANG).lower()[:2], LOCALES[DEFAULT_LANG])


def round_half_up(value: float, places: int = 2) -> Decimal:
    """Round for display, half-up (101.925 -> 101.93), working from the float's shortest repr."""
    quantum = Decimal(1).scaleb(-places)
    return Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)


def format_int(value: int | float | None, lang: str | None = None) -> str:
    """`467701` -> `467.701` (id) or `467,701` (en); None -> an em dash."""
    if value is None:
        return "—"
    return _babel_format_decimal(int(round(value)), format="#,##0", locale=locale_for(lang))


def format_number(value: float | None, places: int = 2, lang: str | None = None) -> str:
    """A decimal with a fixed number of places, half-up: `101,93` (id) / `101.93` (en)."""
    if value is None:
        return "—"
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return _babel_format_decimal(round_half_up(value, places), format=pattern, locale=locale_for(lang))


def format_pct(value: float | None, places: int = 2, lang: str | None = None) -> str:
    """A percentage value (already ×100): `101,93 %` (id) / `101.93 %` (en)."""
    if value is None:
        return "—"
    return f"{format_number(value, places, lang)} %"


def format_target(value: float | None, lang: str | None = None) -> str:
    """A target as published: no needless decimals (`98 %`, `99,3 %`)."""
    if value is None:
        return "—"
    d = round_half_up(value, 2).normalize()
    places = max(0, -d.as_tuple().exponent)
    return format_pct(float(d), places, lang)


DATE_PATTERN = "d MMMM y"  # `30 November 2022` in both languages (en_US's "long" is "November 30, 2022")


def format_date(value: dt.date, lang: str | None = None) -> str:
    """`15 November 2020` in both languages: day, month name in the language, year."""
    return _babel_format_date(value, format=DATE_PATTERN, locale=locale_for(lang))


def format_datetime(value: dt.datetime | None, lang: str | None = None, zone: str = "WIB",
                    seconds: bool = False) -> str:
    """A stored time (UTC) in the reader's zone: `30 November 2022 14:05 WITA` (`capaian.regions.zones`:
    WIB, WITA or WIT by the office's province, WIB nationally); None -> an em dash."""
    if value is None:
        return "—"
    from capaian.regions.zones import local

    shown = local(value, zone)
    clock = f"{shown:%H:%M:%S}" if seconds else f"{shown:%H:%M}"
    return f"{format_date(shown.date(), lang)} {clock} {zone}"
