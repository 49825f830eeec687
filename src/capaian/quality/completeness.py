"""Reporting completeness and timeliness of one cut-off: which regency/city offices sent their
figures, when, on time or late, which sent nothing and which sent only part of the expected facts.

- The offices are the regencies/cities of the cut-off's hierarchy version (they report; a province's
  figure is the sum of its regencies).
- Expected facts: every fact the cut-off's rubric reads.
- A coverage pair whose denominator is 0 (a 0/0 row) is not a report of either fact: the evaluation
  names that office as missing from its province's sum, and so does this page.
- A fact counts as reported whatever its source: facts computed from the register (source other
  than `submission`) count as reported, on time (they need no one to send them).
- When: the first submission that brought a fact of the office for the cut-off (a later correction
  does not make an on-time report late). On time: submitted on or before the deadline, the
  cut-off's as-of date plus N days (setting `deadline_days`, $CAPAIAN_DEADLINE_DAYS, default 5),
  to the end of that day (UTC).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

import pandas as pd

from capaian import settings
from capaian.errors import CapaianError
from capaian.periods import Cutoff

DEFAULT_DEADLINE_DAYS = 5
DEADLINE_ENV = "CAPAIAN_DEADLINE_DAYS"
STATUSES = ("on_time", "late", "register", "missing")


def deadline_days(value=None) -> int:
    """The deadline setting: `value`, else $CAPAIAN_DEADLINE_DAYS, else 5 (days after the as-of date)."""
    raw = value if value is not None else settings.raw(DEADLINE_ENV)
    if raw is None or raw == "":
        return DEFAULT_DEADLINE_DAYS
    try:
        days = int(raw)
    except (TypeError, ValueError):
        days = -1
    if not 0 <= days <= 366:
        raise CapaianError(
            f"Batas waktu laporan {raw!r} tidak sah: berikan jumlah hari 0 sampai 366 setelah tanggal cut-off.",
            f"Reporting deadline {raw!r} is not valid: give a number of days from 0 to 366 after the as-of date.",
        )
    return days


@dataclass
class OfficeReport:
    """One office's report for a cut-off."""

    code: str
    name: str
    province_code: str
    province_name: str
    status: str                     # on_time | late | register | missing
    complete: bool                  # every expected fact present
    facts_present: int
    facts_expected: int
    missing_facts: list[str] = field(default_factory=list)
    submitted_at: str | None = None  # ISO time of the first submission (None: none)
    submitter: str | None = None
    submission_ids: list[int] = field(default_factory=list)
    days_late: int | None = None

    @property
    def reported(self) -> bool:
        return self.status != "missing"

    @property
    def partial(self) -> bool:
        return self.reported and not self.complete

    def to_dict(self) -> dict:
        return {**asdict(self), "reported": self.reported, "partial": self.partial}


@dataclass
class Completeness:
    cutoff: str
    deadline: str          # ISO date
    deadline_days: int
    expected_facts: list[str]
    offices: list[OfficeReport]

    def counts(self) -> dict:
        out = {s: 0 for s in STATUSES}
        for o in self.offices:
            out[o.status] += 1
        out["partial"] = sum(1 for o in self.offices if o.partial)
        out["offices"] = len(self.offices)
        out["reported"] = sum(1 for o in self.offices if o.reported)
        return out

    def only(self, keep) -> "Completeness":
        """The same answer restricted to the offices `keep(code)` accepts (access, a province)."""
        return Completeness(self.cutoff, self.deadline, self.deadline_days, self.expected_facts,
                            [o for o in self.offices if keep(o.code)])

    def to_dict(self) -> dict:
        return {"cutoff": self.cutoff, "deadline": self.deadline, "deadline_days": self.deadline_days,
                "expected_facts": self.expected_facts, "counts": self.counts(),
                "offices": [o.to_dict() for o in self.offices]}

    def frame(self) -> pd.DataFrame:
        rows = [o.to_dict() for o in self.offices]
        frame = pd.DataFrame(rows)
        if not frame.empty:
            frame["missing_facts"] = frame["missing_facts"].map(lambda v: " ".join(v))
            frame["submission_ids"] = frame["submission_ids"].map(lambda v: " ".join(str(i) for i in v))
        return frame


def _regency_of(code: str) -> str:
    return ".".join(code.split(".")[:2])


def _fact_rows(store, cutoff: str) -> pd.DataFrame:
    """Every stored fact row of the cut-off (superseded ones too: they tell when a report first came),
    with its submission's time and submitter."""
    return store.query_df(
        "SELECT f.region_code, f.fact, f.value, f.source, f.submission_id, f.superseded_by, "
        "s.submitted_at, s.submitter FROM facts f LEFT JOIN submissions s ON s.id = f.submission_id "
        "WHERE f.cutoff = ?", [str(cutoff)])


def _zero_pairs(current: pd.DataFrame, rubric) -> set[str]:
    """The facts of the coverage pairs whose denominator sums to 0 over the office's rows (0/0: no figure)."""
    totals = current.groupby("fact")["value"].sum(min_count=1)
    out: set[str] = set()
    for ind in rubric.indicators:
        if ind.numerator and ind.denominator and totals.get(ind.denominator) == 0:
            out |= {ind.numerator, ind.denominator}
    return out


def completeness(store, cutoff, deadline: int | None = None, rubric_id: str | None = None) -> Completeness:
    """Who reported for `cutoff`, when, and what (see the module docstring)."""
    from capaian.regions import get_hierarchy, version_for_cutoff
    from capaian.rubrics import load_rubric, rubric_for_year

    cut = Cutoff.parse(cutoff)
    days = deadline_days(deadline)
    due = cut.as_of + dt.timedelta(days=days)
    due_end = dt.datetime.combine(due, dt.time.max)
    rubric = load_rubric(rubric_id) if rubric_id else rubric_for_year(cut.year)
    expected = sorted(rubric.facts)
    hierarchy = get_hierarchy(version_for_cutoff(cut))
    rows = _fact_rows(store, str(cut))
    groups: dict = {}
    if not rows.empty:
        rows["office"] = rows["region_code"].map(_regency_of)
        groups = dict(tuple(rows.groupby("office", sort=False)))
    offices = []
    for regency in hierarchy.regencies():
        province = hierarchy.parent(regency.code)
        mine = groups.get(regency.code, rows.iloc[0:0])
        current = mine[mine["superseded_by"].isna()] if not mine.empty else mine
        zero = _zero_pairs(current, rubric) if not current.empty else set()
        present = sorted((set(current["fact"]) - zero) & set(expected)) if not current.empty else []
        report = OfficeReport(
            code=regency.code, name=regency.name, province_code=province.code if province else "",
            province_name=province.name if province else "", status="missing",
            complete=len(present) == len(expected), facts_present=len(present),
            facts_expected=len(expected), missing_facts=[f for f in expected if f not in present])
        if not mine.empty and not set(current["fact"]) <= zero:  # only 0/0 pairs: nothing reported
            sent = mine[mine["submission_id"].notna()]
            if sent.empty:
                report.status = "register"
            else:
                first = sent.sort_values("submitted_at").iloc[0]
                when = pd.Timestamp(first["submitted_at"]).to_pydatetime()
                report.submitted_at = when.isoformat(timespec="seconds")
                report.submitter = first["submitter"]
                report.submission_ids = sorted({int(i) for i in sent["submission_id"]})
                if when <= due_end:
                    report.status = "on_time"
                else:
                    report.status = "late"
                    report.days_late = (when.date() - due).days
        offices.append(report)
    return Completeness(str(cut), due.isoformat(), days, expected, offices)
