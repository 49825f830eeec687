"""The record set of a run and scope: the rows people read, with the names of `schema.yaml`.

    region_set(view, "65", below=True, flags=by_row(flags))   # {run, region, regions, explanation, completeness}
    results_set(view, regions_frame, "regency", flags=...)    # {run, tier, regions}

A region record holds the region fields of the schema and `indicators`: {indicator id: the
indicator fields}. Values keep full precision (whole counts as int). Above a regency, an
implementation indicator reads k of n regencies/cities (`numerator` of `denominator`); its
`value` is empty, never a regency's own count. Every surface (pages and their twins, /api/results,
the CLI's --format json|csv) renders these records, so they hold the same keys and values.
A regency's set adds `gap_shares`: its share of each coverage gap of its province (the one split,
`capaian.evaluate.shares.gap_split`).
"""

from __future__ import annotations

import math

import pandas as pd

from capaian.records.schema import fields

ABOVE_REGENCY = ("national", "province")
_INT_FIELDS = {"rank_national", "peers_national", "rank_province", "peers_province", "prev_rank_national",
               "margin", "regencies_total", "regencies_reporting"}
_BOOL_FIELDS = {"met", "over_100", "program_target_met", "complete", "target_assumption", "base_assumption"}


def clean(value):
    """A JSON-safe Python value: NaN/NA -> None, numpy scalars -> Python, whole floats -> int,
    timestamps -> ISO text."""
    if value is None:
        return None
    if hasattr(value, "model_dump"):
        return clean(value.model_dump(mode="json"))
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)) and getattr(value, "ndim", 0):
        return clean(value.tolist())
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        if value.is_integer() and abs(value) < 2**53:
            return int(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def as_int(value):
    value = clean(value)
    return None if value is None else int(value)


def run_record(view) -> dict:
    """The run of a record set: the schema's run fields and when and from what it was made."""
    from capaian.periods import Cutoff

    meta = view.meta
    return {
        "run_id": int(view.run_id),
        "cutoff": view.cutoff,
        "rubric": meta.get("rubric"),
        "target_set": meta.get("target_set"),
        "published": bool(view.published),
        "as_of": Cutoff.parse(view.cutoff).as_of.isoformat(),
        "year": int(view.cutoff[:4]),
        "draft": not bool(view.published),
        "hierarchy_version": meta.get("hierarchy_version"),
        "fact_revision": clean(meta.get("fact_revision")),
        "created_at": clean(meta.get("created_at")),
        "published_at": clean(meta.get("published_at")),
        "previous_run_id": clean(meta.get("previous_run_id")),
        "period": meta.get("period"),  # the quarter it answers (`2022-Q1`), asked by ?period= or closed
        "final": bool(meta.get("final")),  # the recorded final result of a closed quarter
    }


def indicator_cell(row: dict, tier: str, flags=None) -> dict:
    """One indicator of a region: the schema's indicator fields."""
    out = {}
    for name in fields("indicator"):
        if name == "flags":
            continue
        value = clean(row.get(name))
        if name in _INT_FIELDS:
            value = None if value is None else int(value)
        elif name in _BOOL_FIELDS:
            value = None if value is None else bool(value)
        out[name] = value
    if isinstance(out["regencies_missing"], str):  # stored as "A, B"
        out["regencies_missing"] = [name for name in out["regencies_missing"].split(", ") if name]
    if out["status"] == "no_data":
        out["met"] = None
    if out["kind"] == "implementation" and tier in ABOVE_REGENCY:
        # k of n regencies/cities comply: numerator of denominator; no single "value"
        out["value"] = out["prev_value"] = out["change_value"] = None
    out["flags"] = flag_items(flags or [])
    return out


def region_record(reg: dict, ind_rows: list[dict], flags: dict | None = None) -> dict:
    """A region and its indicators (`flags`: {(code, indicator): [Flag]}, shown beside the figures)."""
    rec = {"code": reg["region_code"], "name": reg["region_name"], "tier": reg["tier"],
           "province_code": clean(reg.get("province_code")), "regency_code": clean(reg.get("regency_code"))}
    for name in fields("region"):
        if name not in rec and name not in ("level_change", "rank_change", "assessed"):
            rec[name] = as_int(reg.get(name))
    assessed = clean(reg.get("assessed"))  # offices: False when "belum dinilai" (no data)
    rec["assessed"] = None if assessed is None else bool(assessed)
    rec["level_change"] = None if rec["level"] is None or rec["prev_level"] is None else rec["level"] - rec["prev_level"]
    rec["rank_change"] = (None if rec["rank_national"] is None or rec["prev_rank_national"] is None
                          else rec["prev_rank_national"] - rec["rank_national"])  # positive = moved up
    flags = flags or {}
    rec["indicators"] = {r["indicator"]: indicator_cell(r, rec["tier"], flags.get((rec["code"], r["indicator"])))
                         for r in ind_rows}
    return rec


def records(view, regions: pd.DataFrame, flags: dict | None = None) -> list[dict]:
    """Region records of the rows of `regions` (a slice of `view.regions`), in its order."""
    from capaian.records.assumptions import base_assumed, threshold_assumed

    codes = set(regions["region_code"])
    wanted = view.indicators[view.indicators["region_code"].isin(codes)]
    rubric_id = view.meta.get("rubric")
    by_code: dict[str, list[dict]] = {}
    for row in wanted.to_dict("records"):
        row["target_assumption"] = threshold_assumed(rubric_id, clean(row.get("target_set")), row["indicator"])
        row["base_assumption"] = base_assumed(clean(row.get("denominator_base")))
        by_code.setdefault(row["region_code"], []).append(row)
    return [region_record(reg, by_code.get(reg["region_code"], []), flags) for reg in regions.to_dict("records")]


def children_of(view, code: str) -> pd.DataFrame:
    """The regions one level below a scope, best first: provinces of the nation, regencies of a province."""
    regs = view.regions
    if code == "ID":
        return regs[regs["tier"] == "province"].sort_values(["rank_national", "region_code"], na_position="last")
    if "." not in code:
        below = regs[(regs["tier"] == "regency") & (regs["province_code"] == code)]
        return below.sort_values(["rank_province", "region_code"], na_position="last")
    return regs.iloc[0:0]


def completeness(record: dict) -> dict | None:
    """How many regencies/cities below a national or province scope report its coverage figures."""
    cells = [c for c in record["indicators"].values() if c["kind"] == "coverage" and c["regencies_total"]]
    if record["tier"] not in ABOVE_REGENCY or not cells:
        return None
    missing = sorted({name for c in cells for name in (c["regencies_missing"] or [])})
    return {"regencies_total": max(c["regencies_total"] for c in cells),
            "regencies_reporting": min(c["regencies_reporting"] or 0 for c in cells),
            "regencies_missing": missing, "complete": all(bool(c["complete"]) for c in cells)}


def explanation_of(view, code: str, below: bool) -> dict | None:
    """Why the region has its level and the fewest indicators that reach the next one (its
    `path`: steps, each saying exactly what it needs), as `Explanation.to_dict()` gives it.

    `below`: the reader may see the regencies' own figures (then each coverage step's people are
    spread over the regencies, `capaian.evaluate.shares`); otherwise the regencies not yet
    compliant are named (as in the directorate's press releases) without their values."""
    try:
        explanation = view.explain(code)
    except Exception:  # no explanation for this region (e.g. no level)
        return None
    detail = clean(explanation.to_dict())
    steps = detail.get("path") or []
    if below and "." not in code and code != "ID":
        from capaian.evaluate.shares import gap_split

        for step in steps:
            if step.get("kind") == "coverage" and step.get("needed"):
                split = gap_split(view, code, step["indicator"])  # the one split (its needed is the step's)
                if split is not None:
                    step["shares"] = clean(split["shares"])
                    step["shares_rule"] = split["rule"]
    if not below:
        steps = [{**{k: v for k, v in step.items() if k != "shares"},
                  "regions": [{"code": r.get("code"), "name": r.get("name")} for r in step.get("regions") or []]}
                 for step in steps]
    return {**detail, "path": steps}


def region_set(view, code: str, *, below: bool = True, flags: dict | None = None) -> dict:
    """The record set of one scope (`ID`, a province, a regency/city) in a run.

    `below`: include the regions one level down (provinces of the nation, regencies of a province)
    and the regencies' shares of the path; False for readers outside the region's jurisdiction."""
    regs = view.regions
    own = regs[regs["region_code"] == code]
    if own.empty:
        from capaian.errors import CapaianError

        raise CapaianError(f"Wilayah {code} tidak ada dalam hasil evaluasi {view.cutoff}.",
                           f"Region {code} is not in the evaluation results of {view.cutoff}.")
    region = records(view, own, flags)[0]
    children = records(view, children_of(view, code), flags) if below or code == "ID" else []
    from capaian.evaluate.shares import regency_gap_shares

    return {"run": run_record(view), "region": region, "regions": children,
            "regions_hidden": not below and code != "ID" and "." not in code,
            "explanation": explanation_of(view, code, below), "completeness": completeness(region),
            "gap_shares": clean(regency_gap_shares(view, code)) if region["tier"] == "regency" else []}


def results_set(view, regions: pd.DataFrame, tier: str, flags: dict | None = None) -> dict:
    """The record set of a list of regions (e.g. every regency the reader may see)."""
    return {"run": run_record(view), "tier": tier, "regions": records(view, regions, flags)}


# --- data-quality flags beside the figures -------------------------------------------------------

_LINES: dict = {}
_LINES_MAX = 20_000


def flag_items(flags) -> list[dict]:
    """Flags as record items: the flag's fields and its line in both languages (lines kept per
    flag, evidence and note: a province page shows them on every request)."""
    from capaian.quality.text import flag_line

    out = []
    for f in flags:
        key = (f.key, repr(f.evidence), repr(f.explained))
        line = _LINES.get(key)
        if line is None:
            if len(_LINES) >= _LINES_MAX:
                _LINES.clear()
            line = _LINES[key] = {"id": flag_line(f, "id"), "en": flag_line(f, "en")}
        out.append({**clean(f.to_dict()), "line": line})
    return out
