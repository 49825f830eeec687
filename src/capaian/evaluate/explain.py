"""Explanations: why a region has its level, and the cheapest path to the next level.

The path holds the fewest indicators to fix: the next band says how many more must be met
(`met_from` of the next band − indicators met), and the cheapest not-met indicators are picked.
Cost is a relative effort, lower first, ties in rubric order:
- coverage: people still needed / denominator (e.g. 10,743 / 205,011);
- implementation at a regency: shortfall / required value (a missing flag costs 1);
- implementation at a province / the nation: share of child regencies not yet compliant;
- no data: infinite (data must be submitted before anything can be met), so chosen last.
Each `Step` says exactly what it needs: coverage `needed` = ceil(target × denominator / 100) −
numerator, in exact fractions; implementation at a province names the child regencies not yet
compliant (code + name), at a regency the value against the required value.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from fractions import Fraction

import pandas as pd

from capaian.cells import number
from capaian.errors import CapaianError
from capaian.evaluate.explain_text import explanation_lines, step_text
from capaian.present.i18n import LANGS, tr
from capaian.rubrics.model import Text

INF = float("inf")


def exact(value) -> Fraction | None:
    """A float from the result frames as the exact decimal it stands for (99.3 -> 993/10)."""
    if value is None or pd.isna(value):
        return None
    return Fraction(Decimal(repr(float(value))))


def holds(value: Fraction, target: Fraction, op: str) -> bool:
    return {">=": value >= target, ">": value > target, "<=": value <= target, "<": value < target}[op]


def coverage_goal(target_pct: Fraction, denominator: int, op: str) -> int:
    """The numerator that meets `op target_pct %` of `denominator` (exact, whole people)."""
    share = target_pct * denominator / 100
    if op == ">=":
        return math.ceil(share)
    if op == ">":
        return math.floor(share) + 1
    if op == "<=":
        return math.floor(share)
    return math.ceil(share) - 1


def _num(value):
    """A cell as a number, whole numbers as int (they read "467701", not "467701.0")."""
    value = number(value)
    return int(value) if value is not None and value.is_integer() else value


@dataclass
class IndicatorState:
    indicator: str
    label: Text
    kind: str
    status: str
    numerator: float | None
    denominator: float | None
    value: float | None
    target: float | None
    target_set: str | None
    reason: str | None
    over_100: bool
    comparison: str
    target_assumption: bool = False  # no source states the threshold: shown "(asumsi)"
    unit: Text | None = None
    denominator_note: Text | None = None  # the rubric's statement of the denominator (IKD)
    program_targets: list[dict] = field(default_factory=list)  # {value, met}: shown, decide nothing
    margin: int | None = None  # met coverage: people that could be lost before falling below
    regencies_total: int | None = None
    regencies_reporting: int | None = None
    regencies_missing: list[str] = field(default_factory=list)
    complete: bool = True
    value_basis: str | None = None  # children | own | partial
    own_numerator: float | None = None
    own_denominator: float | None = None
    own_value: float | None = None
    own_difference: float | None = None
    partial_numerator: float | None = None  # the sum over the regencies that report, when not all do
    partial_denominator: float | None = None
    partial_value: float | None = None
    rank_national: int | None = None
    peers_national: int | None = None


@dataclass
class Step:
    indicator: str
    label: Text
    kind: str
    status: str
    reason: str | None
    cost: float
    numerator: float | None = None
    denominator: float | None = None
    value: float | None = None
    target: float | None = None
    comparison: str = ">="
    needed: int | None = None  # coverage: more people (ceil)
    goal: int | None = None  # coverage: the numerator that meets the target
    regions: list[dict] = field(default_factory=list)  # province: child regencies not compliant
    unit: Text | None = None
    gap: Text | None = None

    def text(self, lang: str = "id") -> str:
        return step_text(self, lang)


@dataclass
class Explanation:
    region_code: str
    region_name: str
    tier: str
    cutoff: str | None
    rubric: str
    level: int | None
    level_label: Text | None
    indicators_met: int
    indicators_total: int
    next_level: int | None
    next_level_label: Text | None
    more_needed: int
    met: list[IndicatorState]
    not_met: list[IndicatorState]
    path: list[Step]
    message: Text | None = None
    base: dict | None = None  # the denominator base: id, label, population_as_of, in_force_from
    closest_to_falling: str | None = None  # met coverage indicator with the least margin (share)
    assessed: bool | None = None  # offices: False when the office has no data ("belum dinilai")

    def lines(self, lang: str = "id") -> list[str]:
        return explanation_lines(self, lang)

    def to_dict(self) -> dict:
        """JSON-able: texts as {id, en}, infinite costs and NaN as None, step texts in both languages."""
        out = _jsonable(asdict(self))
        for step, src in zip(out["path"], self.path):
            step["text"] = {"id": src.text("id"), "en": src.text("en")}
        out["lines"] = {"id": self.lines("id"), "en": self.lines("en")}
        return out


def _jsonable(obj):
    if isinstance(obj, Text):
        return obj.model_dump()
    if isinstance(obj, dict):
        return {k: _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, float) and (math.isnan(obj) or math.isinf(obj)):
        return None
    if hasattr(obj, "item"):
        return obj.item()
    return obj


def _int(value):
    return None if value is None or pd.isna(value) else int(value)


def _program_targets(row: dict, ind) -> list[dict]:
    """Every program target of the indicator and whether the value reaches it (exactly)."""
    if ind.kind != "coverage" or row["status"] == "no_data":
        return [{"value": _num(float(p.value)), "met": None} for p in ind.program_targets]
    value = Fraction(int(row["numerator"]) * 100, int(row["denominator"])) if row["denominator"] else None
    out = []
    for p in ind.program_targets:
        met = None if value is None else holds(value, Fraction(p.value), ind.comparison)
        out.append({"value": _num(float(p.value)), "met": met})
    return out


def _state(row: dict, ind, rubric_id: str | None = None) -> IndicatorState:
    from capaian.records.assumptions import threshold_assumed

    missing = row.get("regencies_missing")
    return IndicatorState(
        indicator=row["indicator"], label=ind.label, kind=row["kind"], status=row["status"],
        numerator=_num(row["numerator"]), denominator=_num(row["denominator"]), value=row["value"],
        target=_num(row["target"]), target_set=row["target_set"], reason=row.get("reason"),
        target_assumption=bool(threshold_assumed(rubric_id, row.get("target_set"), row["indicator"])),
        over_100=bool(row["over_100"]), comparison=ind.comparison, unit=ind.unit,
        denominator_note=ind.denominator_note,
        program_targets=_program_targets(row, ind), margin=_int(row.get("margin")),
        regencies_total=_int(row.get("regencies_total")), regencies_reporting=_int(row.get("regencies_reporting")),
        regencies_missing=[m for m in (missing.split(", ") if isinstance(missing, str) and missing else [])],
        complete=row.get("complete") is not False, value_basis=row.get("value_basis"),
        own_numerator=_num(row.get("own_numerator")), own_denominator=_num(row.get("own_denominator")),
        own_value=row.get("own_value"), own_difference=row.get("own_difference"),
        partial_numerator=_num(row.get("partial_numerator")), partial_denominator=_num(row.get("partial_denominator")),
        partial_value=number(row.get("partial_value")),
        rank_national=_int(row.get("rank_national")), peers_national=_int(row.get("peers_national")),
    )


def _base(rows: list[dict], rubric=None) -> dict | None:
    """The denominator base named on the region's coverage rows."""
    ids = [r["denominator_base"] for r in rows if r.get("denominator_base") is not None]
    if not ids:
        return None
    from capaian.bases import get_base

    try:
        base = get_base(str(ids[0]))
    except CapaianError:
        return {"id": str(ids[0]), "label": None, "population_as_of": None, "in_force_from": None,
                "text": {"id": str(ids[0]), "en": str(ids[0])}}
    from capaian.present.i18n import tr

    # an assumed base (its dates are not published) says so beside it: "(asumsi)"
    text = {lang: base.describe(lang) + (f" ({tr(lang, 'assumption')})" if base.assumption else "")
            for lang in ("id", "en")}
    out = {"id": base.id, "label": base.label.model_dump(), "population_as_of": base.population_as_of.isoformat(),
           "in_force_from": base.in_force_from.isoformat(), "assumption": base.assumption, "text": text}
    return _with_base_in_force(out, rows, rubric)


def _with_base_in_force(out: dict, rows: list[dict], rubric=None) -> dict:
    """A region whose figures are on a base other than the one in force (`capaian.library`): the one
    in force, and the values over its denominators where its release holds the region."""
    from capaian.bases import get_base
    from capaian.present import numbers
    from capaian.present.i18n import tr

    in_force = next((r["base_in_force"] for r in rows if isinstance(r.get("base_in_force"), str)), None)
    if in_force is None:
        return out
    try:
        label = {lang: get_base(in_force).label.get(lang) for lang in ("id", "en")}
    except CapaianError:
        label = {"id": in_force, "en": in_force}
    out["in_force"] = in_force
    out["values_on_base_in_force"] = {r["indicator"]: r["value_on_base_in_force"] for r in rows
                                      if _num(r.get("value_on_base_in_force")) is not None}
    for lang in ("id", "en"):
        out["text"][lang] = tr(lang, "%(base)s, named by the office; the base in force is %(in_force)s",
                               base=out["text"][lang], in_force=label[lang])
        name = (lambda i: rubric.indicator(i).label.get(lang)) if rubric is not None else str  # noqa: E731
        shown = [f"{name(r['indicator'])} {numbers.percent(r['value_on_base_in_force'], lang)}" for r in rows
                 if _num(r.get("value_on_base_in_force")) is not None]
        if shown:
            out["text"][lang] += " (" + tr(lang, "on it: %(values)s", values=", ".join(shown)) + ")"
    return out


def _closest_to_falling(met: list[IndicatorState]) -> str | None:
    """The met coverage indicator with the smallest margin as a share of its denominator."""
    scored = [(s.margin / s.denominator, i, s.indicator) for i, s in enumerate(met)
              if s.kind == "coverage" and s.margin is not None and s.denominator]
    return min(scored)[2] if scored else None


def _coverage_step(row: dict, ind) -> Step:
    step = Step(row["indicator"], ind.label, "coverage", row["status"], row.get("reason"), INF,
                numerator=_num(row["numerator"]), denominator=_num(row["denominator"]), value=row["value"],
                target=_num(row["target"]), comparison=ind.comparison, unit=ind.unit, gap=ind.gap)
    if row["status"] == "no_data":
        return step
    num, den = exact(row["numerator"]), exact(row["denominator"])
    goal = coverage_goal(exact(row["target"]), int(den), ind.comparison)
    needed = goal - num if ind.higher_is_better else num - goal
    step.goal, step.needed = goal, int(math.ceil(needed))
    step.cost = float(Fraction(step.needed) / den)
    return step


def _implementation_step(evaluation, row: dict, ind) -> Step:
    step = Step(row["indicator"], ind.label, "implementation", row["status"], row.get("reason"), INF,
                numerator=_num(row["numerator"]), denominator=_num(row["denominator"]), value=_num(row["value"]),
                target=_num(row["target"]), comparison=ind.comparison, unit=ind.unit)
    target = exact(row["target"])
    if row["tier"] == "regency":
        value = exact(row["value"])
        if value is not None:
            shortfall = abs(target - value)
            step.cost = float(shortfall / target) if target else 1.0
        return step
    parent = row["province_code"] if row["tier"] == "province" else None
    children = evaluation.child_regencies(parent, row["indicator"])
    for code, name, child_value in children:
        value = exact(child_value)
        if value is None or not holds(value, target, ind.comparison):
            step.regions.append({"code": code, "name": name, "value": _num(child_value), "no_data": value is None})
    if len(children) and row["status"] != "no_data":
        step.cost = len(step.regions) / len(children)
    return step


def explain(evaluation, code: str) -> Explanation:
    """The explanation of region `code` in `evaluation`."""
    return explain_many(evaluation, [code])[0]


def explain_many(evaluation, codes) -> list[Explanation]:
    """The explanations of regions `codes` in `evaluation`, their rows read at once."""
    codes = list(codes)
    regions = evaluation.region_records(codes)
    return [_explain(evaluation, code, region, rows)
            for code, region, rows in zip(codes, regions, evaluation.indicator_records(codes))]


def _explain(evaluation, code: str, region: dict, rows: list[dict]) -> Explanation:
    rubric = evaluation.rubric
    if not rows:
        raise CapaianError(
            f"Tidak ada baris indikator untuk wilayah {code}.", f"No indicator rows for region {code}."
        )
    met, not_met, candidates = [], [], []
    for order, row in enumerate(rows):
        ind = rubric.indicator(row["indicator"])
        state = _state(row, ind, rubric.id)
        (met if row["status"] == "met" else not_met).append(state)
        if row["status"] != "met":
            step = _coverage_step(row, ind) if ind.kind == "coverage" else _implementation_step(evaluation, row, ind)
            candidates.append((step.cost, order, step))
    level = None if region["level"] is None else int(region["level"])  # stored frames may hold floats
    band = rubric.band_of_level(level) if level is not None else None
    nxt = rubric.next_band(level) if level is not None else None
    path: list[Step] = []
    more = 0
    message = None
    assessed = region.get("assessed")
    assessed = None if assessed is None or pd.isna(assessed) else bool(assessed)
    if assessed is False:
        message = Text(**{lang: tr(lang, "Not assessed: the office has no data for this cut-off, so it has no "
                                         "level and no rank.") for lang in LANGS})
    elif level is None:
        message = Text(**{lang: tr(lang, "Levels are given to provinces and regencies/cities only.") for lang in LANGS})
    elif nxt is None:
        message = Text(**{lang: tr(lang, "Already at the top level (%(level)s); nothing to fix to move up.", level=level)
                          for lang in LANGS})
    else:
        more = nxt.met_from - int(region["indicators_met"])
        path = [step for _, _, step in sorted(candidates, key=lambda c: (c[0], c[1]))[:more]]
    return Explanation(
        region_code=code, region_name=region["region_name"], tier=region["tier"], cutoff=region["cutoff"],
        rubric=rubric.id, level=level, level_label=band.label if band else None,
        indicators_met=int(region["indicators_met"]), indicators_total=int(region["indicators_total"]),
        next_level=nxt.level if nxt else None, next_level_label=nxt.label if nxt else None,
        more_needed=more, met=met, not_met=not_met, path=path, message=message,
        base=_base(rows, rubric), closest_to_falling=_closest_to_falling(met), assessed=assessed,
    )
