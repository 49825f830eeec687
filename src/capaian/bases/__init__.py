"""Denominator bases (DKB releases): which population count a cut-off's denominators come from.

    base = base_for("2020-11-H2")      # the latest base in force on the cut-off's as-of date
    base.id, base.label.id, base.population_as_of, base.in_force_from

Bases are data: `dkb.yaml` in this package (the built-in ones) and those the national team adds to
the store (`capaian base add` / `base import`, kept by `capaian.library`). A cut-off uses the latest base whose `in_force_from`
is on or before its as-of date; denominators are counted as of the base's `population_as_of`,
numerators as of the cut-off. None when no base is in force yet.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from capaian.errors import CapaianError
from capaian.rubrics.model import Source, Text

BASES_FILE = Path(__file__).resolve().parent / "dkb.yaml"


class DenominatorBase(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    label: Text
    population_as_of: dt.date
    in_force_from: dt.date
    assumption: bool = False
    source: str = Field(min_length=1)
    sources: tuple[Source, ...] = ()  # publisher, date, address, quote

    @model_validator(mode="after")
    def _order(self):
        if self.in_force_from <= self.population_as_of:
            raise ValueError(f"base {self.id}: in_force_from must be after population_as_of")
        return self

    def describe(self, lang: str = "id") -> str:
        """e.g. `DKB Semester I 2020 (penduduk per 30 Juni 2020, berlaku sejak 1 September 2020)`."""
        from capaian.present import numbers
        from capaian.present.i18n import tr

        return tr(lang, "%(label)s (population as of %(date)s, in force from %(since)s)", label=self.label.get(lang),
                  date=numbers.date(self.population_as_of, lang), since=numbers.date(self.in_force_from, lang))


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")
    bases: tuple[DenominatorBase, ...]


def list_bases() -> tuple[DenominatorBase, ...]:
    """Every known base (shipped, and added to the open store), oldest in force first."""
    from capaian.library import stored

    added = stored().bases
    if not added:
        return shipped_bases()
    ids = {b.id for b in added}
    return tuple(sorted((*(b for b in shipped_bases() if b.id not in ids), *added),
                        key=lambda b: (b.in_force_from, b.id)))


@lru_cache(maxsize=None)
def shipped_bases() -> tuple[DenominatorBase, ...]:
    """The bases shipped in `dkb.yaml`, oldest in force first."""
    try:
        data = _File.model_validate(yaml.safe_load(BASES_FILE.read_text(encoding="utf-8")))
    except ValidationError as exc:
        raise CapaianError(f"{BASES_FILE.name}: basis penyebut tidak valid: {exc}",
                           f"{BASES_FILE.name}: invalid denominator bases: {exc}") from None
    ids = [b.id for b in data.bases]
    if len(set(ids)) != len(ids):
        raise CapaianError(f"{BASES_FILE.name}: id basis ganda.", f"{BASES_FILE.name}: duplicate base ids.")
    return tuple(sorted(data.bases, key=lambda b: b.in_force_from))


def get_base(base_id: str) -> DenominatorBase:
    for base in list_bases():
        if base.id == base_id:
            return base
    known = ", ".join(b.id for b in list_bases())
    raise CapaianError(f"Basis penyebut '{base_id}' tidak dikenal (tersedia: {known}).",
                       f"Unknown denominator base '{base_id}' (available: {known}).")


def base_for(cutoff) -> DenominatorBase | None:
    """The latest base in force on the as-of date of `cutoff` (a Cutoff, its text, or a date)."""
    from capaian.periods import Cutoff

    day = cutoff if isinstance(cutoff, dt.date) else Cutoff.parse(cutoff).as_of
    usable = [b for b in list_bases() if b.in_force_from <= day]
    return usable[-1] if usable else None


def base_changes(cutoffs) -> list[tuple[str, DenominatorBase]]:
    """(cut-off, base) for each cut-off of `cutoffs` (in time order) whose base differs from the
    previous cut-off's: the events a trend or a data-quality view marks (denominators jump there)."""
    out, previous = [], None
    for cutoff in cutoffs:
        base = base_for(cutoff)
        if previous is not None and base is not None and base.id != previous:
            out.append((str(cutoff), base))
        previous = base.id if base is not None else previous
    return out


__all__ = ["DenominatorBase", "base_changes", "base_for", "get_base", "list_bases", "shipped_bases"]
