"""Pydantic models of a rubric (levelisasi scheme) and of a target set, validated on load.

A rubric is data: indicators (coverage or implementation), their facts, roll-up rule, the tiers
they apply to, the national target with its source, and the level bands. Bands are half-open
ranges over the number of indicators met: `met_from` inclusive, `met_below` exclusive.

Conventions:
- coverage: `numerator` / `denominator` facts, value = 100 × numerator / denominator, `target.value`
  is a percentage; roll-up `sum` (numerators and denominators are summed, never percentages).
- implementation: one `fact` compared (`comparison`, default `>=`) with `target.value`, the
  required value; roll-up `all_children` (a province or the nation meets it only when every
  regency/city below it has data and meets it).
- `direction` says which way is better; it must agree with `comparison`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

TIERS = ("national", "province", "regency", "district", "village")
Tier = Literal["national", "province", "regency", "district", "village"]
NATIONAL_SET = "national"

# The facts of docs/architecture.md; a rubric may only refer to these.
KNOWN_FACTS = frozenset(
    {
        "wajib_ktp", "ktp_terekam", "anak_lt17", "kia_dimiliki", "anak_lt18",
        "akta_lahir_dimiliki", "ikd_aktif", "dokumen_kertas_putih", "dokumen_tte",
        "layanan_online", "layanan_terintegrasi", "pks", "akses_data", "bpp", "bpp_persen",
        "inovasi",
    }
)

ROLLUPS = {"coverage": ("sum",), "implementation": ("all_children",)}
HIGHER = (">=", ">")
LOWER = ("<=", "<")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Text(_Frozen):
    """A text in Indonesian (`id`) and English (`en`)."""

    id: str
    en: str

    def get(self, lang: str | None) -> str:
        return self.en if (lang or "id").lower().startswith("en") else self.id


class Source(_Frozen):
    """Where a figure comes from: publisher, date, address and a short quote."""

    publisher: str = Field(min_length=1)
    date: str = Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")  # YYYY, YYYY-MM or YYYY-MM-DD
    url: str | None = None
    quote: str | None = None
    assumption: bool = False  # the figure is assumed from this source, not stated by it


class Target(_Frozen):
    """A target value (percent for coverage, required value for implementation) and its source.

    `source` is the one-line summary kept on result rows; `sources` the publications behind it.
    """

    value: Decimal
    source: str = Field(min_length=1)
    sources: tuple[Source, ...] = ()
    assumption: bool = False  # no source states this value: it is assumed ("asumsi")

    @field_validator("value", mode="before")
    @classmethod
    def _exact(cls, v):
        # 99.3 in YAML is a float; go through its shortest repr so the target is exactly 99.3.
        if isinstance(v, float):
            return Decimal(repr(v))
        return v

    @property
    def fraction(self) -> Fraction:
        return Fraction(self.value)


class Indicator(_Frozen):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: Text
    description: Text | None = None
    kind: Literal["coverage", "implementation"]
    numerator: str | None = None
    denominator: str | None = None
    fact: str | None = None
    comparison: Literal[">=", ">", "<=", "<"] = ">="
    rollup: Literal["sum", "all_children"]
    applies_to: tuple[Tier, ...]
    threshold: Target  # decides met / not met
    program_targets: tuple[Target, ...] = ()  # shown beside the value, decide nothing
    direction: Literal["higher_is_better", "lower_is_better"] = "higher_is_better"
    unit: Text | None = None
    gap: Text | None = None  # coverage: "{n} more children with KIA"
    notes: str | None = None
    # coverage: which population the denominator is when a source leaves it open (IKD: residents
    # with KTP-el recorded, not all required to hold one), shown beside the figure
    denominator_note: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _target_is_threshold(cls, data):
        # Older rubric files call the threshold `target`.
        if isinstance(data, dict) and "target" in data and "threshold" not in data:
            data = {**data, "threshold": data["target"]}
            del data["target"]
        return data

    @property
    def target(self) -> Target:
        """The threshold (the name used before program targets existed)."""
        return self.threshold

    @model_validator(mode="after")
    def _consistent(self):
        if self.program_targets and self.kind != "coverage":
            raise ValueError("field 'program_targets': only for coverage indicators")
        if self.kind == "coverage":
            for name in ("numerator", "denominator"):
                if not getattr(self, name):
                    raise ValueError(f"field '{name}': required for a coverage indicator")
            if self.fact:
                raise ValueError("field 'fact': only for implementation indicators")
        else:
            if not self.fact:
                raise ValueError("field 'fact': required for an implementation indicator")
            if self.numerator or self.denominator:
                raise ValueError("field 'numerator'/'denominator': only for coverage indicators")
        for name in ("numerator", "denominator", "fact"):
            value = getattr(self, name)
            if value and value not in KNOWN_FACTS:
                raise ValueError(
                    f"field '{name}': unknown fact '{value}' (known: {', '.join(sorted(KNOWN_FACTS))})"
                )
        if self.rollup not in ROLLUPS[self.kind]:
            raise ValueError(
                f"field 'rollup': '{self.rollup}' is not valid for {self.kind} "
                f"(use {' or '.join(ROLLUPS[self.kind])})"
            )
        wanted = HIGHER if self.direction == "higher_is_better" else LOWER
        if self.comparison not in wanted:
            raise ValueError(f"field 'comparison': '{self.comparison}' contradicts direction '{self.direction}'")
        if not self.applies_to:
            raise ValueError("field 'applies_to': give at least one tier")
        if self.kind == "coverage" and self.gap and "{n}" not in self.gap.id + self.gap.en:
            raise ValueError("field 'gap': must contain '{n}' in both languages")
        return self

    @property
    def facts(self) -> tuple[str, ...]:
        return tuple(f for f in (self.numerator, self.denominator, self.fact) if f)

    @property
    def higher_is_better(self) -> bool:
        return self.direction == "higher_is_better"


class Band(_Frozen):
    level: int = Field(ge=1)
    met_from: int = Field(ge=0)
    met_below: int = Field(ge=1)
    label: Text

    def contains(self, met: int) -> bool:
        return self.met_from <= met < self.met_below


class Bands(_Frozen):
    assumption: bool = False
    source: str
    levels: tuple[Band, ...]


class AgeBounds(_Frozen):
    """Age bounds in whole years, half-open: required for KTP-el at age >= 17, KIA below 17, akta below 18."""

    wajib_ktp_min_age: int = 17
    kia_max_age_exclusive: int = 17
    akta_max_age_exclusive: int = 18


class Rubric(_Frozen):
    """A levelisasi scheme. It is in force from `effective_from` to `effective_to` (both inclusive;
    by default the whole of `year`), so a mid-year change is a second rubric starting later."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    year: int = Field(ge=2000, le=2099)
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    label: Text
    notes: str = ""
    assumptions: tuple[str, ...] = ()
    age_bounds: AgeBounds = AgeBounds()
    level_tiers: tuple[Tier, ...] = ("province", "regency")
    bands: Bands
    indicators: tuple[Indicator, ...]

    @property
    def in_force_from(self) -> dt.date:
        return self.effective_from or dt.date(self.year, 1, 1)

    @property
    def in_force_to(self) -> dt.date:
        return self.effective_to or dt.date(self.year, 12, 31)

    def in_force_on(self, day: dt.date) -> bool:
        return self.in_force_from <= day <= self.in_force_to

    @field_validator("effective_to")
    @classmethod
    def _ends_after_start(cls, value, info):
        # a field validator, so this is reported beside errors in the indicators
        start = info.data.get("effective_from") or (dt.date(info.data["year"], 1, 1) if "year" in info.data else None)
        if value is not None and start is not None and value < start:
            raise ValueError(f"{value} is before the start {start}")
        return value

    @model_validator(mode="after")
    def _consistent(self):
        ids = [i.id for i in self.indicators]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"field 'indicators': duplicate id(s) {', '.join(dupes)}")
        n = len(self.indicators)
        for tier in self.level_tiers:
            missing = [i.id for i in self.indicators if tier not in i.applies_to]
            if missing:
                raise ValueError(
                    f"field 'level_tiers': every indicator must apply to {tier} (not: {', '.join(missing)})"
                )
        bands = sorted(self.bands.levels, key=lambda b: b.met_from)
        edge = 0
        for band in bands:
            if band.met_from != edge or band.met_below <= band.met_from:
                raise ValueError(
                    f"field 'bands': level {band.level} covers [{band.met_from}, {band.met_below}); "
                    f"bands must cover 0 to {n} met without gaps or overlaps"
                )
            edge = band.met_below
        if edge != n + 1:
            raise ValueError(f"field 'bands': bands end at {edge - 1} met, expected {n} (the number of indicators)")
        levels = [b.level for b in bands]
        if levels != sorted(levels) or len(set(levels)) != len(levels):
            raise ValueError("field 'bands': levels must rise with the number of indicators met")
        return self

    # --- look-ups -------------------------------------------------------------------------
    def indicator(self, indicator_id: str) -> Indicator:
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(indicator_id)

    @property
    def indicator_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.indicators)

    @property
    def facts(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for ind in self.indicators:
            for f in ind.facts:
                seen[f] = None
        return tuple(seen)

    def band_for(self, met: int) -> Band:
        for band in self.bands.levels:
            if band.contains(met):
                return band
        raise ValueError(f"{met} indicators met is outside the bands of {self.id}")

    def band_of_level(self, level: int) -> Band | None:
        return next((b for b in self.bands.levels if b.level == level), None)

    def next_band(self, level: int) -> Band | None:
        higher = [b for b in self.bands.levels if b.level > level]
        return min(higher, key=lambda b: b.level) if higher else None

    @property
    def top_level(self) -> int:
        return max(b.level for b in self.bands.levels)


class TargetSet(_Frozen):
    """Targets set for a region (`scope`, a region code, usually a province) and its regions below it.

    The rubric's own targets are the `national` set. A regional set applies to every region whose
    code lies under `scope` (not to the scope region itself, which is measured by the national
    set), and only to the indicators it names.
    """

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    scope: str = Field(pattern=r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
    year: int
    label: Text | None = None
    notes: str = ""
    targets: dict[str, Target]

    @field_validator("targets", mode="before")
    @classmethod
    def _pairs(cls, v):
        if isinstance(v, dict):
            return {
                k: {"value": t[0], "source": t[1]} if isinstance(t, (tuple, list)) else t
                for k, t in v.items()
            }
        return v

    @model_validator(mode="after")
    def _not_national(self):
        if self.id == NATIONAL_SET:
            raise ValueError("field 'id': 'national' is the rubric's own target set")
        if not self.targets:
            raise ValueError("field 'targets': give at least one indicator target")
        return self

    def covers(self, code: str) -> bool:
        return code.startswith(self.scope + ".")
