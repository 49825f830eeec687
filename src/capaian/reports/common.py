"""Small pieces shared by the report formats: texts in two languages, NA-safe number formatting,
the run's fixed timestamps and the one visible generation time."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from capaian import formatting as fmt
from capaian.periods import Cutoff

TIER_TEXT = {
    "national": ("nasional", "national"),
    "province": ("provinsi", "province"),
    "regency": ("kab/kota", "regency/city"),
    "district": ("kecamatan", "district"),
    "village": ("desa/kelurahan", "village"),
}
PEERS_TEXT = {  # rank among ... : "dari 34 provinsi"
    "province": ("provinsi", "provinces"),
    "regency": ("kabupaten/kota", "regencies/cities"),
}
STATUS_TEXT = {
    "met": ("✓ memenuhi", "✓ met"),
    "not_met": ("✗ belum memenuhi", "✗ not met"),
    "no_data": ("– tidak ada data", "– no data"),
}
SYMBOL = {"met": "✓", "not_met": "✗", "no_data": "–"}


def is_en(lang: str | None) -> bool:
    return (lang or "id").lower().startswith("en")


def t(lang: str | None, id_text: str, en_text: str) -> str:
    return en_text if is_en(lang) else id_text


def pick(pair: tuple[str, str], lang: str | None) -> str:
    return pair[1] if is_en(lang) else pair[0]


def plain(value):
    """A frame cell as a Python value; NA / NaN -> None, numpy scalars -> Python numbers."""
    if value is None:
        return None
    if not isinstance(value, str):
        try:
            if pd.isna(value):
                return None
        except (TypeError, ValueError):
            pass
    return value.item() if hasattr(value, "item") else value


def number(value) -> float | None:
    value = plain(value)
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def integer(value) -> int | None:
    value = number(value)
    return None if value is None else int(round(value))


def f_int(value, lang: str | None) -> str:
    return fmt.format_int(number(value), lang=lang)


def f_pct(value, lang: str | None) -> str:
    return fmt.format_pct(number(value), lang=lang)


def f_target(value, lang: str | None) -> str:
    return fmt.format_target(number(value), lang=lang)


def f_value(value, kind: str, lang: str | None) -> str:
    """A coverage percentage (`101,93 %`) or an implementation value (`18`)."""
    value = number(value)
    if value is None:
        return "—"
    if kind == "coverage":
        return fmt.format_pct(value, lang=lang)
    if float(value).is_integer():
        return fmt.format_int(value, lang=lang)
    return fmt.format_number(value, 2, lang=lang)


def f_change(value, kind: str, lang: str | None) -> str:
    """A signed change: `+0,55` (percentage points for coverage) or `+2`; `—` when unknown."""
    value = number(value)
    if value is None:
        return "—"
    if value == 0:
        return "0"
    sign = "+" if value > 0 else "−"
    if kind == "coverage":
        return sign + fmt.format_number(abs(value), 2, lang=lang)
    if float(value).is_integer():
        return sign + fmt.format_int(abs(value), lang=lang)
    return sign + fmt.format_number(abs(value), 2, lang=lang)


def f_target_of(value, kind: str, comparison: str, unit, lang: str | None) -> str:
    """`≥ 98 %` for coverage, `≥ 18 dokumen` for implementation."""
    sym = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}.get(comparison, "≥")
    if kind == "coverage":
        return f"{sym} {f_target(value, lang)}"
    text = f_value(value, kind, lang)
    word = unit.get(lang) if unit is not None else ""
    return f"{sym} {text}{' ' + word if word else ''}"


def ordinal(n: int, lang: str | None) -> str:
    """`ke-4` (id) / `4th` (en)."""
    if is_en(lang):
        n = int(n)
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{fmt.format_int(n, lang=lang)}{suffix}"
    return f"ke-{fmt.format_int(n, lang=lang)}"


def cutoff_text(cutoff: str, lang: str | None) -> str:
    """`2020-11-H1 (per 15 November 2020)` / `2020-11-H1 (as of 15 November 2020)`."""
    c = Cutoff.parse(cutoff)
    return f"{c} ({t(lang, 'per', 'as of')} {fmt.format_date(c.as_of, lang=lang)})"


def as_of_text(cutoff: str, lang: str | None) -> str:
    return fmt.format_date(Cutoff.parse(cutoff).as_of, lang=lang)


def level_label(rubric, level, lang: str | None) -> str:
    level = integer(level)
    if level is None:
        return ""
    band = rubric.band_of_level(level)
    return band.label.get(lang) if band is not None else ""


def run_timestamp(view) -> dt.datetime:
    """The fixed time of a run (published, else created): document dates come from it."""
    for key in ("published_at", "created_at"):
        value = plain(view.meta.get(key))
        if value is not None:
            if isinstance(value, str):
                value = dt.datetime.fromisoformat(value)
            if isinstance(value, pd.Timestamp):
                value = value.to_pydatetime()
            if isinstance(value, dt.datetime):
                return value.replace(tzinfo=None, microsecond=0)
    return dt.datetime(2000, 1, 1)


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def stamp_text(value: dt.datetime | None) -> str:
    """`2020-11-16 08:30:00 UTC` (times are UTC throughout the store)."""
    if value is None:
        return "—"
    return f"{value:%Y-%m-%d %H:%M:%S} UTC"


def run_status_text(view, lang: str | None) -> str:
    if view.published:
        return t(lang, "diterbitkan", "published") + f" {stamp_text(run_timestamp(view))}"
    return t(lang, "belum diterbitkan (sementara)", "not published (provisional)")


def indicator_label(rubric, indicator_id: str, lang: str | None) -> str:
    try:
        return rubric.indicator(indicator_id).label.get(lang)
    except Exception:  # an indicator of another rubric version
        return indicator_id
