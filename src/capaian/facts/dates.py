"""Date arithmetic of the register facts, done in Python on the cut-off (a constant).

Age is counted in whole years and compared half-open through one threshold date, so the
expressions only compare `birth_date <= <date literal>`, which every backend runs the same way:

    age(as_of) >= A   <=>   birth_date <= born_by(as_of, A)

`born_by(as_of, A)` is `as_of` moved back A years, with 29 Feb becoming 28 Feb when the target
year is not a leap year. So a birthday falling on the cut-off day counts as reached, and someone
born on 29 Feb reaches their birthday on 1 Mar in non-leap years (on 28 Feb they are still one
year younger).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass


def born_by(as_of: dt.date, years: int) -> dt.date:
    """Latest birth date of someone aged at least `years` on `as_of` (see the module doc)."""
    year = as_of.year - years
    day = min(as_of.day, calendar.monthrange(year, as_of.month)[1])
    return dt.date(year, as_of.month, day)


def age_on(birth: dt.date, as_of: dt.date) -> int:
    """Whole years of age on `as_of` (reference implementation for tests)."""
    age = as_of.year - birth.year
    if (as_of.month, as_of.day) < (birth.month, birth.day):
        age -= 1
    return age


def period_start(as_of: dt.date) -> dt.date:
    """Exclusive start of the cut-off period ending on `as_of`: the previous cut-off's as-of date.

    For the 15th: the last day of the previous month; for any later day: the 15th of the month.
    The document facts look at the events of (period_start, as_of]: half a month.
    """
    if as_of.day <= 15:
        return as_of.replace(day=1) - dt.timedelta(days=1)
    return as_of.replace(day=15)


@dataclass(frozen=True)
class Ages:
    """Age bounds in whole years, half-open (the rubric's `age_bounds`)."""

    wajib_ktp_min_age: int = 17
    kia_max_age_exclusive: int = 17
    akta_max_age_exclusive: int = 18

    @classmethod
    def of(cls, bounds) -> "Ages":
        """From None (defaults), a mapping, or any object with the three attributes."""
        if bounds is None:
            return cls()
        if isinstance(bounds, Ages):
            return bounds
        names = ("wajib_ktp_min_age", "kia_max_age_exclusive", "akta_max_age_exclusive")
        if isinstance(bounds, dict):
            return cls(**{k: int(bounds[k]) for k in names if k in bounds})
        return cls(**{k: int(getattr(bounds, k)) for k in names if hasattr(bounds, k)})
