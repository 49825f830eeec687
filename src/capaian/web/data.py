"""Page models: plain dicts built from a stored run, shared by each page and its .json/.csv twins.

A page, its JSON twin and its CSV twin are all rendered from the same model, so they show the
same numbers (the HTML formats them through `capaian.formatting`; JSON and CSV keep them raw).
Models are language-independent and cached per run.
"""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pandas as pd

CELL_FIELDS = (
    "numerator", "denominator", "value", "target", "target_source", "target_set", "status", "met",
    "over_100", "rank_national", "peers_national", "rank_province", "peers_province", "prev_value",
    "prev_rank_national", "change_value",
    # how the figure was formed (capaian.evaluate.formed) and its denominator base
    "program_target", "program_target_met", "margin", "denominator_base", "denominator_base_label",
    "regencies_total", "regencies_reporting", "regencies_missing", "complete", "value_basis",
    "own_numerator", "own_denominator", "own_value", "own_difference",
)
REGION_FIELDS = (
    "level", "prev_level", "indicators_met", "indicators_total", "no_data", "rank_national",
    "peers_national", "rank_province", "peers_province", "prev_rank_national",
)
KIA_FACT = "kia_dimiliki"
AKTA_FACT = "akta_lahir_dimiliki"


def clean(value):
    """A JSON-safe Python value: NaN/NA -> None, numpy scalars -> Python, timestamps -> ISO text."""
    if value is None:
        return None
    if hasattr(value, "model_dump"):
        return clean(value.model_dump(mode="json"))
    if isinstance(value, (list, tuple, np.ndarray)):  # a stored array comes back as numpy's
        return [clean(v) for v in value]
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return value
    return value


def as_int(value):
    value = clean(value)
    return None if value is None else int(value)


RUN_META_FIELDS = ("created_by", "published_by", "note")  # `view_run_meta` in capaian.access


def run_row(user, meta: dict, columns) -> dict:
    """A run's catalog row as this user may see it: the `columns`, with who made it and its note
    left empty (None) when the user may not see them (unpublished runs, outside the national team)."""
    from capaian.access import allowed

    row = {k: clean(meta.get(k)) for k in columns}
    if not allowed(user, "view_run_meta", run=meta):
        row.update({k: None for k in RUN_META_FIELDS if k in row})
    return row


def run_info(view) -> dict:
    meta = view.meta
    from capaian.periods import Cutoff

    cutoff = Cutoff.parse(view.cutoff)
    return {
        "run_id": int(view.run_id),
        "cutoff": view.cutoff,
        "as_of": cutoff.as_of.isoformat() if hasattr(cutoff, "as_of") else None,
        "year": int(view.cutoff[:4]),
        "rubric": meta.get("rubric"),
        "target_set": meta.get("target_set"),
        "hierarchy_version": meta.get("hierarchy_version"),
        "fact_revision": clean(meta.get("fact_revision")),
        "created_at": clean(meta.get("created_at")),
        "published": bool(view.published),
        "draft": not bool(view.published),
        "published_at": clean(meta.get("published_at")),
        "previous_run_id": clean(meta.get("previous_run_id")),
    }


def indicator_list(rubric) -> list[dict]:
    out = []
    for ind in rubric.indicators:
        out.append(
            {
                "id": ind.id,
                "label": {"id": ind.label.id, "en": ind.label.en},
                "description": (
                    {"id": ind.description.id, "en": ind.description.en} if ind.description else None
                ),
                "kind": ind.kind,
                "numerator": ind.numerator,
                "denominator": ind.denominator,
                "fact": ind.fact,
                "target": float(ind.target.value),
                "target_source": ind.target.source,
            }
        )
    return out


def bands(rubric) -> dict:
    return {
        int(b.level): {"id": b.label.id, "en": b.label.en, "met_from": b.met_from, "met_below": b.met_below}
        for b in rubric.bands.levels
    }


def _cell(row: dict) -> dict:
    out = {k: clean(row.get(k)) for k in CELL_FIELDS}
    for k in ("rank_national", "peers_national", "rank_province", "peers_province", "prev_rank_national"):
        out[k] = as_int(out[k])
    for k in ("met", "over_100", "program_target_met", "complete"):
        out[k] = None if out[k] is None else bool(out[k])
    for k in ("margin", "regencies_total", "regencies_reporting"):
        out[k] = as_int(out[k])
    out["kind"] = clean(row.get("kind"))
    out["indicator"] = row.get("indicator")
    return out


def region_record(reg: dict, ind_rows: list[dict]) -> dict:
    rec = {
        "code": reg["region_code"],
        "name": reg["region_name"],
        "tier": reg["tier"],
        "province_code": clean(reg.get("province_code")),
        "regency_code": clean(reg.get("regency_code")),
    }
    for k in REGION_FIELDS:
        rec[k] = as_int(reg.get(k))
    rec["level_change"] = (
        None if rec["level"] is None or rec["prev_level"] is None else rec["level"] - rec["prev_level"]
    )
    # positive = moved up the table
    rec["rank_change"] = (
        None
        if rec["rank_national"] is None or rec["prev_rank_national"] is None
        else rec["prev_rank_national"] - rec["rank_national"]
    )
    rec["indicators"] = {r["indicator"]: _cell(r) for r in ind_rows}
    return rec


def _records(view, regions: pd.DataFrame) -> list[dict]:
    codes = list(regions["region_code"])
    wanted = view.indicators[view.indicators["region_code"].isin(codes)]
    by_code: dict[str, list[dict]] = {}
    for row in wanted.to_dict("records"):
        by_code.setdefault(row["region_code"], []).append(row)
    return [region_record(reg, by_code.get(reg["region_code"], [])) for reg in regions.to_dict("records")]


def overview_model(view) -> dict:
    """National overview: the nation's row, provinces (best first) and the count per level."""
    provinces = view.tier("province")
    records = _records(view, provinces)
    counts = {str(level): 0 for level in sorted(bands(view.rubric))}
    counts["none"] = 0
    for rec in records:
        key = str(rec["level"]) if rec["level"] is not None else "none"
        counts[key] = counts.get(key, 0) + 1
    national = view.tier("national")
    return {
        "run": run_info(view),
        "rubric": {"id": view.rubric.id, "label": {"id": view.rubric.label.id, "en": view.rubric.label.en}},
        "bands": bands(view.rubric),
        "indicators": indicator_list(view.rubric),
        "national": _records(view, national)[0] if not national.empty else None,
        "level_counts": counts,
        "regions": records,
    }


def explanation_model(view, code: str) -> dict | None:
    try:
        explanation = view.explain(code)
    except Exception:  # no explanation for this region (e.g. no level)
        return None
    return {
        "lines": {"id": list(explanation.lines("id")), "en": list(explanation.lines("en"))},
        "detail": clean(explanation.to_dict()),
    }


def without_child_values(model: dict | None) -> dict | None:
    """The explanation as shown outside the region's jurisdiction: the regencies not yet compliant
    are named (as in the directorate's press releases) but their own values are left out."""
    if model is None:
        return None
    detail = dict(model["detail"])
    detail["path"] = [
        {**step, "regions": [{"code": r.get("code"), "name": r.get("name")} for r in step.get("regions") or []]}
        for step in detail.get("path") or []
    ]
    for step in detail["path"]:
        step.pop("shares", None)  # regency figures are for the jurisdiction only
    return {**model, "detail": detail}


def region_model(view, code: str) -> dict:
    """A province or regency page: the region, its explanation, its children, its outreach list."""
    reg = view.region_row(code)
    record = _records(view, view.regions[view.regions["region_code"] == code])[0]
    children = []
    if record["tier"] == "province":
        regs = view.regions[(view.regions["tier"] == "regency") & (view.regions["province_code"] == code)]
        regs = regs.sort_values(["rank_province", "region_code"], na_position="last")
        children = _records(view, regs)
    return {
        "run": run_info(view),
        "rubric": {"id": view.rubric.id, "label": {"id": view.rubric.label.id, "en": view.rubric.label.en}},
        "bands": bands(view.rubric),
        "indicators": indicator_list(view.rubric),
        "region": record,
        "parent": clean(reg.get("province_code")) if record["tier"] != "province" else None,
        "parent_name": _name_of(view, reg.get("province_code")) if record["tier"] != "province" else None,
        "explanation": _with_shares(view, code, record["tier"], explanation_model(view, code)),
        "children": children,
        "outreach": outreach_model(view, code) if record["tier"] == "regency" else None,
    }


def _with_shares(view, code: str, tier: str, model: dict | None) -> dict | None:
    """On a province page, each coverage step's people spread over its regencies (`capaian.evaluate.shares`)."""
    if model is None or tier != "province":
        return model
    from capaian.evaluate.shares import step_shares

    for step in model["detail"].get("path") or []:
        if step.get("kind") == "coverage" and step.get("needed"):
            step["shares"] = step_shares(view.indicators, code, step["indicator"], step["needed"])
    return model


def _name_of(view, code) -> str | None:
    rows = view.regions[view.regions["region_code"] == code]
    return None if rows.empty else rows.iloc[0]["region_name"]


def outreach_model(view, code: str, top: int = 10) -> dict:
    """Districts and villages of a regency with the most children lacking a KIA or a birth certificate."""
    ind_for = {ind.numerator: ind.id for ind in view.rubric.indicators if ind.kind == "coverage"}
    kia, akta = ind_for.get(KIA_FACT), ind_for.get(AKTA_FACT)
    rows = view.indicators
    below = rows[
        rows["tier"].isin(["district", "village"])
        & (rows["regency_code"] == code)
        & rows["indicator"].isin([i for i in (kia, akta) if i])
    ]
    out = {"indicators": {"kia": kia, "akta": akta}, "district": [], "village": []}
    if below.empty:
        return out
    below = below.assign(without=(below["denominator"] - below["numerator"]).clip(lower=0))
    wide = below.pivot_table(
        index=["region_code", "region_name", "tier"], columns="indicator", values="without", aggfunc="sum"
    ).reset_index()
    for col in (kia, akta):
        if col and col not in wide.columns:
            wide[col] = float("nan")
    wide["total"] = wide[[c for c in (kia, akta) if c]].sum(axis=1, min_count=1)
    for tier in ("district", "village"):
        part = wide[wide["tier"] == tier].sort_values(["total", "region_code"], ascending=[False, True])
        out[tier] = [
            {
                "code": r["region_code"],
                "name": r["region_name"],
                "tier": tier,
                "without_kia": as_int(r[kia]) if kia else None,
                "without_akta": as_int(r[akta]) if akta else None,
                "total": as_int(r["total"]),
            }
            for r in part.head(top if tier == "district" else top * 2).to_dict("records")
        ]
    return out


def outreach_all(view, code: str) -> list[dict]:
    """Every district and village of the outreach list (for the download)."""
    model = outreach_model(view, code, top=10**9)
    return model["district"] + model["village"]


def trend_model(views: list, code: str) -> dict:
    """Values and levels of one region over the trend's runs (`capaian.runs.trend`), for the chart."""
    from capaian.present import numbers
    from capaian.runs import trend_frame

    frame = trend_frame(views, code)
    cutoffs = list(dict.fromkeys(frame["cutoff"]))
    levels = [as_int(frame.loc[frame["cutoff"] == c, "level"].iloc[0]) for c in cutoffs]
    series = {}
    rubric = views[-1].rubric if views else None
    for ind in (rubric.indicators if rubric is not None else []):
        if ind.kind != "coverage":
            continue
        rows = frame[frame["indicator"] == ind.id]
        if rows.empty:
            continue
        by_cutoff = dict(zip(rows["cutoff"], rows["value"]))
        series[ind.id] = {"label": {"id": ind.label.id, "en": ind.label.en},
                          "values": [clean(by_cutoff.get(c)) for c in cutoffs],
                          "threshold": float(ind.target.value),
                          "goal": {lang: numbers.requirement(ind.kind, ind.target.value, lang, ind.comparison)
                                   for lang in ("id", "en")}}
    return {"cutoffs": cutoffs, "levels": levels, "series": series, "order": list(series),
            "events": base_events(cutoffs)}


def base_events(cutoffs: list[str]) -> list[dict]:
    """The cut-offs where a new denominator base takes over (`capaian.bases.base_changes`), for the chart."""
    from capaian.bases import base_changes

    try:
        changes = base_changes(cutoffs)
    except Exception:  # an unknown cut-off form: no events rather than no chart
        return []
    return [{"cutoff": c, "base": base.id, "label": {"id": base.label.id, "en": base.label.en}}
            for c, base in changes]


# --- CSV twins ---------------------------------------------------------------------------------


def _csv(header: list[str], rows: list[list]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buf.getvalue()


def table_csv(records: list[dict], indicators: list[dict], run: dict) -> str:
    """One row per region: level, ranks, changes, then value/target/status/numerator/denominator per indicator."""
    header = [
        "run_id", "cutoff", "rubric", "published", "code", "name", "tier", "level", "prev_level",
        "indicators_met", "indicators_total", "rank_national", "peers_national", "prev_rank_national",
        "rank_change", "rank_province", "peers_province",
    ]
    ids = [i["id"] for i in indicators]
    for ind in ids:
        header += [f"{ind}_value", f"{ind}_target", f"{ind}_status", f"{ind}_numerator", f"{ind}_denominator",
                   f"{ind}_rank_national"]
    rows = []
    for rec in records:
        row = [
            run["run_id"], run["cutoff"], run["rubric"], run["published"], rec["code"], rec["name"],
            rec["tier"], rec["level"], rec["prev_level"], rec["indicators_met"], rec["indicators_total"],
            rec["rank_national"], rec["peers_national"], rec["prev_rank_national"], rec["rank_change"],
            rec["rank_province"], rec["peers_province"],
        ]
        for ind in ids:
            c = rec["indicators"].get(ind) or {}
            row += [c.get("value"), c.get("target"), c.get("status"), c.get("numerator"), c.get("denominator"),
                    c.get("rank_national")]
        rows.append(row)
    return _csv(header, rows)


def outreach_csv(rows: list[dict], run: dict, regency: str) -> str:
    header = ["run_id", "cutoff", "regency_code", "tier", "code", "name", "without_kia", "without_akta", "total"]
    return _csv(
        header,
        [[run["run_id"], run["cutoff"], regency, r["tier"], r["code"], r["name"], r["without_kia"],
          r["without_akta"], r["total"]] for r in rows],
    )
