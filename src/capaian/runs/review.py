"""Publish review: what publishing a run changes against the last published run of its rubric and target set.

    baseline(catalog, 48)          # 46: the published run it is compared with (None: nothing to compare)
    review(catalog, 48, load)      # Review: levels that change, indicators that flip, per province and regency

The baseline is the newest published run, other than the run itself, of the same rubric and target
set whose cut-off is at or before the run's (at the same cut-off: the published run it replaces).
Cut-offs in between that have only drafts are skipped: publishing run 48 (2022-12-H2) after the
draft 47 (2022-12-H1) compares with the published 46 (2022-11-H2). Regions are matched by code, so
a region list that changed (a new province) shows the new regions as having no level before.
The web confirmation page and `capaian publish --dry-run` both render a `Review`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from capaian.periods import Cutoff
from capaian.records.build import as_int, clean

TIERS = ("province", "regency")


@dataclass(frozen=True)
class LevelChange:
    code: str
    name: str
    tier: str
    before: int | None
    after: int | None


@dataclass(frozen=True)
class Flip:
    """An indicator of a region whose status changed (met, not_met, no_data)."""

    code: str
    name: str
    tier: str
    indicator: str
    before: str | None
    after: str | None


@dataclass
class Review:
    run_id: int
    cutoff: str
    rubric: str
    target_set: str
    baseline: int | None = None
    baseline_cutoff: str | None = None
    levels: list[LevelChange] = field(default_factory=list)
    flips: list[Flip] = field(default_factory=list)

    def level_changes(self, tier: str) -> list[LevelChange]:
        return [c for c in self.levels if c.tier == tier]

    def flips_of(self, tier: str) -> list[Flip]:
        return [f for f in self.flips if f.tier == tier]

    def to_dict(self) -> dict:
        from dataclasses import asdict

        return {"run_id": self.run_id, "cutoff": self.cutoff, "rubric": self.rubric, "target_set": self.target_set,
                "baseline": self.baseline, "baseline_cutoff": self.baseline_cutoff,
                "levels": [asdict(c) for c in self.levels], "flips": [asdict(f) for f in self.flips]}


def baseline(catalog, run_id: int) -> int | None:
    """The published run `run_id` is compared with: the newest published run of the same rubric
    and target set at or before its cut-off (not the run itself), or None."""
    row = catalog.row(run_id)
    if row is None:
        return None
    as_of = Cutoff.parse(row["cutoff"]).as_of
    candidates = [r for r in catalog.select(True, row["rubric"], None, row["target_set"])
                  if r["id"] != row["id"] and Cutoff.parse(r["cutoff"]).as_of <= as_of]
    if not candidates:
        return None
    best = max(candidates, key=lambda r: (Cutoff.parse(r["cutoff"]).as_of, r["id"]))
    return int(best["id"])


def _levels(view) -> dict:
    regs = view.regions[view.regions["tier"].isin(TIERS)]
    out = {}
    for code, name, tier, level in regs[["region_code", "region_name", "tier", "level"]].itertuples(index=False):
        out[code] = (name, tier, as_int(level))
    return out


def _statuses(view) -> dict:
    ind = view.indicators
    tiers = dict(zip(view.regions["region_code"], view.regions["tier"]))
    wanted = ind[ind["region_code"].map(tiers).isin(TIERS)]
    return {(code, indicator): clean(status) for code, indicator, status
            in wanted[["region_code", "indicator", "status"]].itertuples(index=False)}


def review(catalog, run_id: int, load) -> Review:
    """The review of publishing `run_id` (`load(run_id) -> RunView`, e.g. `service.get_run`)."""
    row = catalog.row(run_id)
    if row is None:
        from capaian.runs.select import NoRun

        raise NoRun(f"Run {run_id} tidak ada.", f"There is no run {run_id}.")
    out = Review(int(run_id), row["cutoff"], row["rubric"], row["target_set"])
    base = baseline(catalog, run_id)
    if base is None:
        return out
    out.baseline, out.baseline_cutoff = base, catalog.row(base)["cutoff"]
    new, old = load(run_id), load(base)
    after, before = _levels(new), _levels(old)
    order = {"province": 0, "regency": 1}
    for code, (name, tier, level) in sorted(after.items(), key=lambda kv: (order[kv[1][1]], kv[0])):
        was = before.get(code, (None, None, None))[2]
        if was != level:
            out.levels.append(LevelChange(code, name, tier, was, level))
    now, then = _statuses(new), _statuses(old)
    for (code, indicator), status in sorted(now.items(), key=lambda kv: (order[after[kv[0][0]][1]], kv[0])):
        was = then.get((code, indicator))
        if was != status:
            name, tier, _ = after[code]
            out.flips.append(Flip(code, name, tier, indicator, was, status))
    return out
