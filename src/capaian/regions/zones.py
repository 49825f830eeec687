"""The time zone of an office: WIB, WITA or WIT by its province (`data/time_zones.yaml`, after
Keppres 41/1987), WIB for the nation and for anyone without a region. Times are kept in UTC in
the store (`capaian.store`); they are shown in the reader's zone (`capaian.formatting.format_datetime`)."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "time_zones.yaml"


@cache
def _table() -> tuple[dict[str, int], dict[str, str], str]:
    import yaml

    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    by_province = {str(code): zone for zone, codes in data["provinces"].items() for code in codes}
    return {str(k): int(v) for k, v in data["offsets"].items()}, by_province, str(data["national"])


def zone_of(code: str | None) -> str:
    """`WITA` for `65`, `65.71` or `65.71.01`; the national zone (WIB) for `ID`, None or a code of
    no listed province."""
    offsets, by_province, national = _table()
    if not code:
        return national
    return by_province.get(str(code)[:2], national)


def offset_hours(zone: str) -> int:
    """UTC+7 for WIB, +8 for WITA, +9 for WIT."""
    return _table()[0][zone]


def local(value: dt.datetime, zone: str) -> dt.datetime:
    """A stored time (naive UTC, or aware) as the wall-clock time of `zone` (naive)."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value + dt.timedelta(hours=offset_hours(zone))
