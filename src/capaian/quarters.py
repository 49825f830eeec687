"""Quarters: results are announced per quarter ("Triwulan I 2022, difinalisasi 31 Maret").

A quarter's result is the final run of its last cut-off (2022-Q1 -> 2022-03-H2): before the
national team closes the quarter it is whatever run the one picker chooses there (published only,
labelled "belum final"); `close_quarter` records the published run the picker chooses then as the
quarter's final result (stored, audited as `quarter.close`), and from then on `--period 2022-Q1`
/ `?period=2022-Q1` is that run, labelled "final", even when a later run of the cut-off is
published. Which run answers is decided only by `capaian.runs.choose(period=...)`.
"""

from __future__ import annotations

from dataclasses import dataclass

from capaian.errors import CapaianError
from capaian.periods import Quarter

TALLY_TIERS = ("province", "regency")


@dataclass(frozen=True)
class QuarterResult:
    """One quarter as the surfaces show it: its run, whether final, and its level tallies."""

    quarter: str
    cutoff: str
    run_id: int
    final: bool
    published: bool
    closed_at: object
    closed_by: str | None
    tallies: dict  # tier -> {level (int) or "none": count}
    peers: dict  # tier -> number of offices of the tier

    def to_dict(self) -> dict:
        return {
            "quarter": self.quarter, "cutoff": self.cutoff, "run_id": self.run_id, "final": self.final,
            "published": self.published,
            "closed_at": None if self.closed_at is None else str(self.closed_at),
            "closed_by": self.closed_by,
            "tallies": {tier: {str(k): v for k, v in counts.items()} for tier, counts in self.tallies.items()},
            "offices": self.peers,
        }


def level_tallies(view, tiers=TALLY_TIERS) -> dict:
    """Per tier, how many offices are at each level of the run's rubric (best first), and "none"
    for those without a level."""
    levels = sorted((int(b.level) for b in view.rubric.bands.levels), reverse=True)
    out = {}
    for tier in tiers:
        rows = view.regions[view.regions["tier"] == tier]
        counts = {level: int((rows["level"] == level).sum()) for level in levels}
        counts["none"] = int(rows["level"].isna().sum())
        out[tier] = counts
    return out


def quarter_result(store, quarter, user=None, draft: bool = False) -> QuarterResult:
    """The result of `quarter` (text or Quarter) by the one picker, with its tallies."""
    from capaian.accounts import OPERATOR
    from capaian.runs import pick

    quarter = Quarter.parse(quarter)
    view, choice = pick(store, user=user or OPERATOR, period=str(quarter), draft=draft)
    closure = store.quarter_closure(str(quarter)) if choice.final else None
    tallies = level_tallies(view)
    return QuarterResult(
        quarter=str(quarter), cutoff=choice.cutoff, run_id=int(choice.run_id), final=choice.final,
        published=choice.published, closed_at=None if closure is None else closure["closed_at"],
        closed_by=None if closure is None else closure["closed_by"], tallies=tallies,
        peers={tier: sum(counts.values()) for tier, counts in tallies.items()},
    )


def quarters_with_runs(store) -> list[str]:
    """Quarters whose last cut-off has a run, oldest first."""
    cutoffs = set(store.list_run_cutoffs())
    found = {str(Quarter.of(c)) for c in cutoffs}
    return sorted(q for q in found if str(Quarter.parse(q).last_cutoff) in cutoffs)


def close_quarter(store, quarter, actor: str, run_id: int | None = None, note: str | None = None) -> QuarterResult:
    """Close `quarter`: its final result is `run_id`, by default the published run the picker
    chooses for its last cut-off (national targets). Refused when there is none, or it is closed."""
    from capaian.runs import Catalog, NoRun, choose

    quarter = Quarter.parse(quarter)
    last = str(quarter.last_cutoff)
    if run_id is None:
        try:
            run_id = choose(Catalog.from_store(store), cutoff=last).run_id
        except NoRun:
            raise CapaianError(
                f"Triwulan {quarter} belum dapat ditutup: belum ada run terbit untuk cut-off terakhirnya "
                f"{last} (terbitkan dulu dengan `capaian publish RUN_ID`).",
                f"Quarter {quarter} can't be closed yet: there is no published run of its last cut-off "
                f"{last} (publish one first with `capaian publish RUN_ID`).",
            ) from None
    store.close_quarter(str(quarter), int(run_id), actor=actor, note=note)
    return quarter_result(store, quarter)
