"""Cut-offs `YYYY-MM-H1` (as of the 15th) and `YYYY-MM-H2` (as of the last day of the month).

A `Cutoff` is a frozen, ordered dataclass `(year, month, half)`; sorting cut-offs sorts them in
time. Quarters (`2020-Q4`) and semesters (`2020-S2`) are those of the cut-off's month. A `Quarter`
(`Quarter.parse("2022-Q1")`) is a period of its own: its result is the final run of its last
cut-off (`last_cutoff`, 2022-03-H2); which run that is, is `capaian.runs.choose(period=...)`. Which
population base (DKB) a cut-off's denominators come from is `capaian.bases.base_for`.

A cut-off given by a user (a submission file, a template, an evaluation, register facts) must lie
between the first cut-off of the first rubric's year (`earliest_allowed`, 2020-01-H1) and the latest
one whose as-of date has come (`latest_allowed`): `check_cutoff` is that one rule for file, CLI and
web, refusing a cut-off before it with `EarlyCutoffError` and one after it with `FutureCutoffError`,
both naming the allowed range; `user_cutoff` parses a text and applies it. Tests replace `today`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from capaian.errors import CapaianError

EXPECTED = "YYYY-MM-H1|H2"
_PATTERN = re.compile(r"([0-9]{4})-([0-9]{2})-[Hh]([12])", re.ASCII)
H1_DAY = 15


class PeriodError(CapaianError, ValueError):
    """A cut-off text or value that is not `YYYY-MM-H1|H2`."""

    def __init__(self, text, detail_id: str = "", detail_en: str = ""):
        self.value = text
        super().__init__(
            f"Periode {text!r} tidak valid; bentuk yang diharapkan: {EXPECTED} (mis. 2020-11-H1){detail_id}.",
            f"Invalid cut-off {text!r}; expected {EXPECTED} (e.g. 2020-11-H1){detail_en}.",
        )


@dataclass(frozen=True, order=True)
class Cutoff:
    """A cut-off: `half` 1 is as of the 15th, `half` 2 as of the last day of the month."""

    year: int
    month: int
    half: int

    def __post_init__(self):
        for value in (self.year, self.month, self.half):
            if isinstance(value, bool) or not isinstance(value, int):
                raise PeriodError(f"{self.year}-{self.month}-H{self.half}")
        if not (1 <= self.year <= 9999 and 1 <= self.month <= 12 and self.half in (1, 2)):
            raise PeriodError(f"{self.year}-{self.month}-H{self.half}")

    @classmethod
    def parse(cls, text) -> Cutoff:
        """`Cutoff.parse("2020-11-H1")`; a `Cutoff` is returned as is. `PeriodError` otherwise."""
        if isinstance(text, Cutoff):
            return text
        match = _PATTERN.fullmatch(text.strip()) if isinstance(text, str) else None
        if not match:
            raise PeriodError(text)
        year, month, half = (int(g) for g in match.groups())
        if not (1 <= month <= 12) or year < 1:
            raise PeriodError(text, "; bulan 01-12", "; month 01-12")
        return cls(year, month, half)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}-H{self.half}"

    @property
    def as_of(self) -> dt.date:
        """The 15th for H1, the last day of the month for H2."""
        day = H1_DAY if self.half == 1 else calendar.monthrange(self.year, self.month)[1]
        return dt.date(self.year, self.month, day)

    def next(self) -> Cutoff:
        if self.half == 1:
            return Cutoff(self.year, self.month, 2)
        if self.month == 12:
            return Cutoff(self.year + 1, 1, 1)
        return Cutoff(self.year, self.month + 1, 1)

    def previous(self) -> Cutoff:
        if self.half == 2:
            return Cutoff(self.year, self.month, 1)
        if self.month == 1:
            return Cutoff(self.year - 1, 12, 2)
        return Cutoff(self.year, self.month - 1, 2)

    @property
    def quarter(self) -> str:
        return f"{self.year:04d}-Q{(self.month - 1) // 3 + 1}"

    @property
    def semester(self) -> str:
        return f"{self.year:04d}-S{1 if self.month <= 6 else 2}"

    @classmethod
    def latest_on_or_before(cls, day: dt.date) -> Cutoff:
        """The latest cut-off whose as-of date is on or before `day`."""
        if isinstance(day, dt.datetime):
            day = day.date()
        if day.day == calendar.monthrange(day.year, day.month)[1]:
            return cls(day.year, day.month, 2)
        if day.day >= H1_DAY:
            return cls(day.year, day.month, 1)
        return cls(day.year, day.month, 1).previous()


QUARTER_EXPECTED = "YYYY-Qn"
_QUARTER = re.compile(r"([0-9]{4})-[Qq]([1-4])", re.ASCII)


class QuarterError(CapaianError, ValueError):
    """A quarter text that is not `YYYY-Q1` .. `YYYY-Q4`."""

    def __init__(self, text):
        self.value = text
        super().__init__(
            f"Triwulan {text!r} tidak valid; bentuk yang diharapkan: {QUARTER_EXPECTED} (mis. 2022-Q1).",
            f"Invalid quarter {text!r}; expected {QUARTER_EXPECTED} (e.g. 2022-Q1).",
        )


@dataclass(frozen=True, order=True)
class Quarter:
    """A quarter of a year (`2022-Q1`): results are announced per quarter, and a quarter's result
    is the final evaluation of its last cut-off (`last_cutoff`, 2022-Q1 -> 2022-03-H2)."""

    year: int
    number: int

    def __post_init__(self):
        if not (1 <= self.year <= 9999 and self.number in (1, 2, 3, 4)):
            raise QuarterError(f"{self.year}-Q{self.number}")

    @classmethod
    def parse(cls, text) -> Quarter:
        """`Quarter.parse("2022-Q1")` (also `2022-q1`); a `Quarter` is returned as is."""
        if isinstance(text, Quarter):
            return text
        match = _QUARTER.fullmatch(text.strip()) if isinstance(text, str) else None
        if not match or int(match.group(1)) < 1:
            raise QuarterError(text)
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, cutoff) -> Quarter:
        """The quarter a cut-off falls in."""
        cut = Cutoff.parse(cutoff)
        return cls(cut.year, (cut.month - 1) // 3 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-Q{self.number}"

    @property
    def roman(self) -> str:
        """I, II, III or IV, as quarters are named ("Triwulan I 2022")."""
        return ("I", "II", "III", "IV")[self.number - 1]

    @property
    def cutoffs(self) -> list[Cutoff]:
        """The six cut-offs of the quarter, in order."""
        first = 3 * self.number - 2
        return [Cutoff(self.year, month, half) for month in range(first, first + 3) for half in (1, 2)]

    @property
    def last_cutoff(self) -> Cutoff:
        """The quarter's last cut-off (as of its last day): the one its result is."""
        return Cutoff(self.year, 3 * self.number, 2)


def is_quarter(text) -> bool:
    """Whether `text` is written as a quarter (`2022-Q1`), not as a cut-off."""
    return isinstance(text, Quarter) or (isinstance(text, str) and _QUARTER.fullmatch(text.strip()) is not None)


def cutoffs_of_year(year: int) -> list[Cutoff]:
    """The 24 cut-offs of a year, in order."""
    return [Cutoff(int(year), month, half) for month in range(1, 13) for half in (1, 2)]


def cutoffs_between(first, last) -> list[Cutoff]:
    """Cut-offs from `first` to `last`, both included (texts or `Cutoff`s); [] when first > last."""
    current, end = Cutoff.parse(first), Cutoff.parse(last)
    out = []
    while current <= end:
        out.append(current)
        current = current.next()
    return out


def semester_end_on_or_before(day: dt.date) -> dt.date:
    """The latest 30 June or 31 December on or before `day`."""
    if isinstance(day, dt.datetime):
        day = day.date()
    if day >= dt.date(day.year, 12, 31):
        return dt.date(day.year, 12, 31)
    if day >= dt.date(day.year, 6, 30):
        return dt.date(day.year, 6, 30)
    return dt.date(day.year - 1, 12, 31)


# Indonesia's easternmost time zone (WIT, no daylight saving): the first office to reach a day.
WIT = dt.timezone(dt.timedelta(hours=9), "WIT")


def today() -> dt.date:
    """Today's date in WIT: no office's current cut-off is refused because the server runs on UTC.
    The one clock of the "no future cut-off" rule; tests replace it."""
    return dt.datetime.now(WIT).date()


def latest_allowed(on: dt.date | None = None) -> Cutoff:
    """The latest cut-off whose as-of date is on or before `on` (default: `today()`)."""
    return Cutoff.latest_on_or_before(on or today())


class FutureCutoffError(CapaianError, ValueError):
    """A cut-off after today's: its data cannot exist yet."""

    def __init__(self, cutoff: Cutoff, latest: Cutoff):
        self.cutoff, self.latest = cutoff, latest
        earliest = earliest_allowed()
        super().__init__(
            f"Cut-off {cutoff} belum terjadi (per {cutoff.as_of.isoformat()}); "
            f"cut-off terakhir yang boleh: {latest} (yang boleh: {earliest} s.d. {latest}).",
            f"Cut-off {cutoff} is in the future (as of {cutoff.as_of.isoformat()}); "
            f"the latest allowed cut-off is {latest} (allowed: {earliest} to {latest}).",
        )


def first_year() -> int:
    """The year of the oldest rubric: no cut-off before it can be evaluated."""
    from capaian.rubrics import list_rubrics, load_rubric

    return load_rubric(list_rubrics()[0]).year


def earliest_allowed() -> Cutoff:
    """The first cut-off a user may give: the first half of January of the first rubric's year."""
    return Cutoff(first_year(), 1, 1)


class EarlyCutoffError(CapaianError, ValueError):
    """A cut-off before the first rubric's year: no rubric can evaluate it."""

    def __init__(self, cutoff: Cutoff, earliest: Cutoff, latest: Cutoff):
        self.cutoff, self.earliest, self.latest = cutoff, earliest, latest
        super().__init__(
            f"Cut-off {cutoff} terlalu awal: tidak ada rubrik sebelum tahun {earliest.year}; "
            f"cut-off yang boleh: {earliest} s.d. {latest}.",
            f"Cut-off {cutoff} is too early: there is no rubric before {earliest.year}; "
            f"the allowed cut-offs are {earliest} to {latest}.",
        )


def check_cutoff(cutoff, on: dt.date | None = None) -> Cutoff:
    """`cutoff` (text or Cutoff) as a Cutoff, when it lies from `earliest_allowed()` to
    `latest_allowed(on)`; EarlyCutoffError or FutureCutoffError (each naming the range) otherwise."""
    cut = Cutoff.parse(cutoff)
    latest = latest_allowed(on)
    if cut > latest:
        raise FutureCutoffError(cut, latest)
    earliest = earliest_allowed()
    if cut < earliest:
        raise EarlyCutoffError(cut, earliest, latest)
    return cut


check_not_future = check_cutoff  # its older name: the future was the first bound checked


def user_cutoff(text, on: dt.date | None = None) -> Cutoff:
    """A cut-off given by a user: parsed (PeriodError) and within the allowed range (`check_cutoff`)."""
    return check_cutoff(Cutoff.parse(text), on)
