"""Rubric impact simulator: a draft rubric applied to the stored facts of a cut-off, against the
rubric in force, with the one evaluation (`capaian.evaluate.evaluate`, pure); nothing is stored.

- `simulate(facts, regions, in_force, draft, base)`: which offices (provinces, regencies/cities)
  change level and why (each indicator whose met / not met differs, with its value and both
  thresholds), the number of offices per level under each rubric, and each indicator's pass rate.
- `sensitivity(facts, regions, rubric, indicator, thresholds, base)`: for one indicator's threshold
  swept over values (`kia=30:60:5`), how many offices reach each level.
- `simulate_facts(facts, cutoff, draft, ...)`: the same on a cut-off's facts, its region list (the
  hierarchy of its date) and its denominator base; `simulate_cutoff(store, ...)` reads them first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pandas as pd

from capaian.errors import CapaianError
from capaian.evaluate.engine import evaluate
from capaian.evaluate.frame import prepare_regions

OFFICE_TIERS = ("province", "regency")


@dataclass
class Simulation:
    """What a draft rubric changes at one cut-off (see the module docstring)."""

    cutoff: str
    in_force: object  # Rubric
    draft: object  # Rubric
    changes: pd.DataFrame  # region_code, region_name, tier, level_in_force, level_draft, reasons
    tallies: pd.DataFrame  # tier, level, in_force, draft (number of offices)
    pass_rates: pd.DataFrame  # tier, indicator, label, offices, met_in_force, met_draft, in_force, draft
    sweep: pd.DataFrame | None = field(default=None)  # sensitivity(), when asked for

    def to_dict(self) -> dict:
        def records(frame):
            return [] if frame is None else frame.astype(object).where(frame.notna(), None).to_dict("records")

        return {"cutoff": self.cutoff, "in_force": self.in_force.id, "draft": self.draft.id,
                "changes": records(self.changes), "tallies": records(self.tallies),
                "pass_rates": records(self.pass_rates), "sensitivity": records(self.sweep)}


def _offices(evaluation) -> tuple[pd.DataFrame, pd.DataFrame]:
    regions = evaluation.regions[evaluation.regions["tier"].isin(OFFICE_TIERS)]
    indicators = evaluation.indicators[evaluation.indicators["tier"].isin(OFFICE_TIERS)]
    return regions, indicators


def _reasons(code: str, before: pd.DataFrame, after: pd.DataFrame) -> list[dict]:
    """The indicators of region `code` whose status differs between the two evaluations."""
    old = before.get(code, {})
    new = after.get(code, {})
    out = []
    for indicator in list(old) + [i for i in new if i not in old]:
        a, b = old.get(indicator), new.get(indicator)
        status_a = a["status"] if a else None
        status_b = b["status"] if b else None
        if status_a == status_b:
            continue
        row = b or a
        out.append({"indicator": indicator, "kind": row["kind"], "value": row["value"],
                    "target_in_force": a["target"] if a else None, "target_draft": b["target"] if b else None,
                    "status_in_force": status_a, "status_draft": status_b})
    return out


def _by_region(indicators: pd.DataFrame) -> dict:
    out: dict = {}
    for row in indicators[["region_code", "indicator", "kind", "value", "target", "status"]].to_dict("records"):
        out.setdefault(row["region_code"], {})[row["indicator"]] = row
    return out


def _tallies(regions: pd.DataFrame, rubric) -> dict:
    levels = sorted((int(b.level) for b in rubric.bands.levels), reverse=True)
    out = {}
    for tier in OFFICE_TIERS:
        rows = regions[regions["tier"] == tier]
        out[tier] = {**{level: int((rows["level"] == level).sum()) for level in levels},
                     "none": int(rows["level"].isna().sum())}
    return out


def _pass_rates(indicators: pd.DataFrame) -> pd.DataFrame:
    rows = indicators[indicators["status"] != "no_data"]
    grouped = rows.groupby(["tier", "indicator"], sort=False)
    return pd.DataFrame({"offices": grouped.size(), "met": grouped["status"].apply(lambda s: int((s == "met").sum()))})


def simulate(facts: pd.DataFrame, regions, in_force, draft, base=None, draft_target_sets=()) -> Simulation:
    """The draft rubric (with `draft_target_sets`, regional targets under draft) against the one in
    force with the national targets, on the same facts (one cut-off)."""
    index = prepare_regions(regions) if isinstance(regions, pd.DataFrame) else regions
    before = evaluate(facts, index, in_force, base=base)
    after = evaluate(facts, index, draft, target_sets=tuple(draft_target_sets), base=base)
    regions_a, indicators_a = _offices(before)
    regions_b, indicators_b = _offices(after)
    levels = regions_a[["region_code", "region_name", "tier", "level", "indicators_met"]].merge(
        regions_b[["region_code", "level", "indicators_met"]], on="region_code", how="outer",
        suffixes=("_in_force", "_draft"))
    moved = levels[levels["level_in_force"].astype("Float64").fillna(-1)
                   != levels["level_draft"].astype("Float64").fillna(-1)].copy()
    by_a, by_b = _by_region(indicators_a), _by_region(indicators_b)
    moved["reasons"] = [_reasons(code, by_a, by_b) for code in moved["region_code"]]
    moved = moved.sort_values(["tier", "region_code"], key=lambda s: s.map(
        {t: i for i, t in enumerate(OFFICE_TIERS)}) if s.name == "tier" else s).reset_index(drop=True)
    tallies_a, tallies_b = _tallies(regions_a, in_force), _tallies(regions_b, draft)
    tallies = pd.DataFrame([
        {"tier": tier, "level": level, "in_force": tallies_a[tier].get(level, 0), "draft": tallies_b[tier].get(level, 0)}
        for tier in OFFICE_TIERS for level in dict.fromkeys([*tallies_a[tier], *tallies_b[tier]])
    ])
    rates = _pass_rates(indicators_a).add_suffix("_in_force").join(
        _pass_rates(indicators_b).add_suffix("_draft"), how="outer").reset_index()
    rates["in_force"] = rates["met_in_force"] / rates["offices_in_force"]
    rates["draft"] = rates["met_draft"] / rates["offices_draft"]
    order = {ind: i for i, ind in enumerate(dict.fromkeys([*in_force.indicator_ids, *draft.indicator_ids]))}
    rates = rates.sort_values(["tier", "indicator"], key=lambda s: s.map(
        order if s.name == "indicator" else {t: i for i, t in enumerate(OFFICE_TIERS)})).reset_index(drop=True)
    return Simulation(cutoff=str(facts["cutoff"].iloc[0]) if not facts.empty else "", in_force=in_force,
                      draft=draft, changes=moved, tallies=tallies, pass_rates=rates)


def with_threshold(rubric, indicator: str, value) -> object:
    """`rubric` with one indicator's threshold set to `value` (id and everything else unchanged)."""
    try:
        found = rubric.indicator(indicator)
    except KeyError:
        raise CapaianError(
            f"Indikator {indicator!r} tidak ada di rubrik {rubric.id} (ada: {', '.join(rubric.indicator_ids)}).",
            f"Indicator {indicator!r} is not in rubric {rubric.id} (known: {', '.join(rubric.indicator_ids)}).",
        ) from None
    threshold = found.threshold.model_copy(update={"value": Decimal(str(value))})
    changed = found.model_copy(update={"threshold": threshold})
    return rubric.model_copy(update={"indicators": tuple(changed if i.id == indicator else i for i in rubric.indicators)})


def parse_sweep(text: str) -> tuple[str, list[Decimal]]:
    """`kia=30:60:5` -> ("kia", [30, 35, ..., 60]): an indicator and its thresholds, FROM:TO:STEP
    (both ends included) or a comma list (`kia=30,40,60`)."""
    match = re.fullmatch(r"\s*([a-z][a-z0-9_]*)\s*=\s*([0-9.,:\s]+)", text or "")
    values: list[Decimal] = []
    try:
        if match and ":" in match.group(2):
            start, stop, step = (Decimal(p) for p in match.group(2).split(":"))
            if step <= 0 or stop < start or (stop - start) / step > 200:
                raise InvalidOperation
            current = start
            while current <= stop:
                values.append(current)
                current += step
        elif match:
            values = [Decimal(p) for p in match.group(2).split(",") if p.strip()]
    except (InvalidOperation, ValueError):
        values = []
    if not match or not values:
        raise CapaianError(
            f"--sensitivity {text!r} tidak valid; bentuk: INDIKATOR=DARI:SAMPAI:LANGKAH (mis. kia=30:60:5) "
            "atau INDIKATOR=A,B,C.",
            f"Invalid --sensitivity {text!r}; expected INDICATOR=FROM:TO:STEP (e.g. kia=30:60:5) or INDICATOR=A,B,C.",
        )
    return match.group(1), values


def sensitivity(facts: pd.DataFrame, regions, rubric, indicator: str, thresholds, base=None,
                target_sets=()) -> pd.DataFrame:
    """One row per (threshold, tier): how many offices reach each level of `rubric` when
    `indicator`'s threshold is that value; columns `threshold, indicator, tier, L4, L3, ..., none`."""
    index = prepare_regions(regions) if isinstance(regions, pd.DataFrame) else regions
    rows = []
    for value in thresholds:
        evaluation = evaluate(facts, index, with_threshold(rubric, indicator, value), target_sets=tuple(target_sets),
                              base=base)
        regions_, _ = _offices(evaluation)
        for tier, counts in _tallies(regions_, rubric).items():
            rows.append({"threshold": float(value), "indicator": indicator, "tier": tier,
                         **{f"L{k}" if k != "none" else "none": v for k, v in counts.items()}})
    return pd.DataFrame(rows)


def simulate_cutoff(store, cutoff, draft, rubric_id: str | None = None, sweep: str | None = None,
                    target_sets=()) -> Simulation:
    """`simulate_facts` on the stored facts of `cutoff`."""
    from capaian.periods import Cutoff

    cut = Cutoff.parse(cutoff)
    return simulate_facts(store.current_facts(str(cut)), cut, draft, rubric_id=rubric_id, sweep=sweep,
                          target_sets=target_sets)


def simulate_facts(facts: pd.DataFrame, cutoff, draft, rubric_id: str | None = None,
                   sweep: str | None = None, target_sets=()) -> Simulation:
    """`simulate` (and with `sweep`, `sensitivity` of the draft) on a cut-off's facts, its region list
    (the hierarchy of its date) and denominator base, against `rubric_id` (default: the rubric in
    force at the cut-off). `draft` None with `target_sets`: the rubric in force under draft regional
    targets (a draft target set is simulated like a draft rubric)."""
    from capaian.bases import base_for
    from capaian.regions import get_hierarchy, version_for_cutoff
    from capaian.service import resolve_rubric

    if facts.empty:
        raise CapaianError(f"Belum ada data (fakta) untuk cut-off {cutoff}.", f"No facts stored for cut-off {cutoff}.")
    in_force = resolve_rubric(cutoff, rubric_id)
    if draft is None:
        if not target_sets:
            raise CapaianError("Berikan rubrik draf atau target regional draf (--target-set).",
                               "Give a draft rubric or a draft regional target set (--target-set).")
        draft = in_force.model_copy(update={"id": "+".join([in_force.id, *(t.id for t in target_sets)])})
    index = prepare_regions(get_hierarchy(version_for_cutoff(cutoff)).region_frame())
    base = base_for(cutoff)
    result = simulate(facts, index, in_force, draft, base=base, draft_target_sets=target_sets)
    if sweep:
        indicator, values = parse_sweep(sweep)
        result.sweep = sensitivity(facts, index, draft, indicator, values, base=base, target_sets=target_sets)
    return result
