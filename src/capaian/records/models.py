"""OpenAPI response models derived from `schema.yaml` (pydantic), so that /openapi.json
describes the record sets the data endpoints return."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from capaian.records.schema import schema

_TYPES = {"integer": int, "number": float, "string": str, "boolean": bool, "array": list[Any]}


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


def _model(name: str, group: str, **extra):
    specs = {}
    for f in schema()["fields"]:
        if f["group"] == group:
            specs[f["name"]] = (_TYPES[f["type"]] | None, Field(None, description=f.get("description")))
    return create_model(name, __base__=_Open, **specs, **extra)


@lru_cache(maxsize=1)
def models() -> dict:
    """{name: model}: Run, Indicator, Region, RegionSet, Results, Explanation."""
    run = _model("Run", "run")
    indicator = _model("Indicator", "indicator")
    region = _model("Region", "region", indicators=(dict[str, indicator], Field(
        default_factory=dict, description="Indicator id -> the indicator's fields.")))
    region_set = create_model(
        "RegionSet", __base__=_Open, run=(run, ...), region=(region, ...),
        regions=(list[region], Field(default_factory=list, description="The regions one level below.")),
        regions_hidden=(bool, False),
        explanation=(dict[str, Any] | None, Field(
            None, description="Why this level, and its path: the fewest indicators that reach the next level.")),
        completeness=(dict[str, Any] | None, None),
        gap_shares=(list[dict[str, Any]], Field(default_factory=list, description=(
            "A regency/city: its share of each coverage gap of its province (the one split: people still "
            "needed, in proportion to people not yet covered, largest remainder)."))))
    results = create_model("Results", __base__=_Open, run=(run, ...), tier=(str, ...),
                           regions=(list[region], ...))
    explanation = create_model("Explanation", __base__=region_set, lines=(list[str], Field(
        default_factory=list, description="The explanation in the language asked for.")))
    return {"Run": run, "Indicator": indicator, "Region": region, "RegionSet": region_set, "Results": results,
            "Explanation": explanation}
