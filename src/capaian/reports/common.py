"""Small pieces shared by the report formats: NA-safe values, the one formatter and vocabulary bound to
report use, the run's fixed timestamps, the one visible generation time and the DRAFT label."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from capaian.cells import integer, number, plain  # noqa: F401 - the report formats' names for them
from capaian.periods import Cutoff
from capaian.present import numbers
from capaian.present.i18n import N_, norm, tr

TIER_TEXT = {
    "national": N_("national"),
    "province": N_("province"),
    "regency": N_("regency/city"),
    "district": N_("district"),
    "village": N_("village"),
}
PEERS_TEXT = {  # rank among ... : "dari 34 provinsi" (catalogue messages)
    "province": N_("provinces"),
    "regency": N_("regencies/cities"),
}
SYMBOL = numbers.STATUS_SYMBOL


def is_en(lang: str | None) -> bool:
    return norm(lang) == "en"


def status_text(status: str | None, lang: str | None) -> str:
    """`✓ tercapai` / `✗ belum tercapai` / `– tidak ada data`."""
    return numbers.status_text(status, lang)


def draft_label(view, lang: str | None) -> str:
    """`DRAF` / `DRAFT` for a run that is not published, else an empty string."""
    return "" if getattr(view, "published", True) else tr(lang, "DRAFT")


def period_label(view, lang: str | None) -> str:
    """`Triwulan I 2022 · final` when the run answers a quarter (asked by `--period` / `?period=`, or
    the recorded final run of a closed quarter), else an empty string."""
    meta = getattr(view, "meta", None) or {}
    return numbers.period(meta.get("period"), bool(meta.get("final")), lang)


def f_int(value, lang: str | None) -> str:
    return numbers.integer(number(value), lang)


def f_pct(value, lang: str | None) -> str:
    return numbers.percent(number(value), lang)


def f_target(value, lang: str | None) -> str:
    return numbers.threshold(number(value), lang)


def f_value(value, kind: str, lang: str | None, target=None, status: str | None = None) -> str:
    """A coverage percentage (`101,93 %`, never equal to a threshold it misses) or an implementation value."""
    met = None if status not in ("met", "not_met") else status == "met"
    return numbers.indicator_value(kind, number(value), lang, number(target), met=met)


def f_change(value, kind: str, lang: str | None) -> str:
    """A signed change: `+0,55` (percentage points for coverage) or `+2`; `—` when unknown."""
    return numbers.change(number(value), kind, lang)


def f_target_of(value, kind: str, comparison: str, unit, lang: str | None) -> str:
    """`≥ 98 %` for coverage, `≥ 18 dokumen` for implementation."""
    word = unit.get(lang) if unit is not None else None
    return numbers.requirement(kind, number(value), lang, comparison, word)


def ordinal(n: int, lang: str | None) -> str:
    """`ke-4` (id) / `4th` (en)."""
    return numbers.ordinal(n, lang)


def cutoff_text(cutoff: str, lang: str | None) -> str:
    """`2020-11-H1 (per 15 November 2020)` / `2020-11-H1 (as of 15 November 2020)`."""
    c = Cutoff.parse(cutoff)
    return f"{c} ({tr(lang, 'as of')} {numbers.date(c.as_of, lang)})"


def as_of_text(cutoff: str, lang: str | None) -> str:
    return numbers.date(Cutoff.parse(cutoff).as_of, lang)


def level_label(rubric, level, lang: str | None, assessed=None) -> str:
    """The band's label (`baik`); `belum dinilai` / `not assessed` for an office with no data."""
    level = integer(level)
    if level is None:
        return numbers.level_text(None, lang, assessed) if numbers.not_assessed(assessed) else ""
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


def stamp_text(value: dt.datetime | None, lang: str | None = None, code: str | None = None) -> str:
    """`16 November 2020 16:30:00 WITA`: a stored time (UTC throughout the store) in the zone of the
    report's region `code` (WIB, WITA or WIT by province; WIB for the nation, `capaian.regions.zones`)."""
    from capaian.formatting import format_datetime
    from capaian.regions.zones import zone_of

    return format_datetime(value, lang, zone_of(code), seconds=True)


def run_status_text(view, lang: str | None, code: str | None = None) -> str:
    if view.published:
        return tr(lang, "published %(stamp)s", stamp=stamp_text(run_timestamp(view), lang, code))
    return tr(lang, "not published (provisional)")


def indicator_label(rubric, indicator_id: str, lang: str | None) -> str:
    try:
        return rubric.indicator(indicator_id).label.get(lang)
    except Exception:  # an indicator of another rubric version
        return indicator_id


def rank_text(rank, peers, what: str, lang: str) -> str:
    """`ke-4 dari 34 provinsi` (`what`: a catalogue message naming the peers, e.g. `PEERS_TEXT`)."""
    rank, peers = integer(rank), integer(peers)
    if rank is None:
        return "—"
    return tr(lang, "%(rank)s of %(peers)s %(what)s", rank=ordinal(rank, lang), peers=f_int(peers, lang),
              what=tr(lang, what))
