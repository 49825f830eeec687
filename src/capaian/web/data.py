"""Page models: a page's record set (`capaian.records`) and what its HTML adds.

A page and its data twins (`capaian.web.twins`: .json, .csv, .parquet) read the same record set,
so they show the same numbers (the HTML formats them through `capaian.present.numbers`; the data
formats keep them at full precision). Models are language-independent and cached per run.
"""

from __future__ import annotations

from capaian.records.build import as_int, clean  # noqa: F401  (page modules' names)

KIA_FACT = "kia_dimiliki"
AKTA_FACT = "akta_lahir_dimiliki"
RECORD_KEYS = ("run", "region", "regions", "regions_hidden", "explanation", "completeness", "gap_shares")  # a page's record set


RUN_META_FIELDS = ("created_by", "published_by", "note")  # `view_run_meta` in capaian.access


def run_row(user, meta: dict, columns) -> dict:
    """A run's catalog row as this user may see it: the `columns`, with who made it and its note
    left empty (None) when the user may not see them (unpublished runs, outside the national team)."""
    from capaian.access import allowed

    row = {k: clean(meta.get(k)) for k in columns}
    if not allowed(user, "view_run_meta", run=meta):
        row.update({k: None for k in RUN_META_FIELDS if k in row})
    return row


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


def record_set(model: dict) -> dict:
    """The record set inside a page model (what its data twins and the API render)."""
    return {k: model[k] for k in RECORD_KEYS if k in model}


def _page(view, rs: dict) -> dict:
    """A page model: the record set, and what the HTML adds (rubric, bands, indicators)."""
    return {**rs, "rubric": {"id": view.rubric.id, "label": {"id": view.rubric.label.id, "en": view.rubric.label.en}},
            "bands": bands(view.rubric), "indicators": indicator_list(view.rubric)}


def overview_model(view) -> dict:
    """National overview: the nation's record set (the nation, provinces best first) and the count per level."""
    from capaian.records import region_set

    rs = region_set(view, "ID")
    counts = {str(level): 0 for level in sorted(bands(view.rubric))}
    counts["none"] = 0
    for rec in rs["regions"]:
        key = str(rec["level"]) if rec["level"] is not None else "none"
        counts[key] = counts.get(key, 0) + 1
    from capaian.records.watch import national_rule, watch_lists

    return {**_page(view, rs), "national": rs["region"], "level_counts": counts, "watch": watch_lists(view),
            "national_rule": national_rule(view.rubric)}


def region_model(view, code: str, below: bool = True) -> dict:
    """A province or regency page: its record set (the regencies of a province when the reader
    may see them), the way up, and a regency's outreach list (its districts and villages: only
    with `below`, for readers who answer for them)."""
    from capaian.records import region_set

    rs = region_set(view, code, below=below)
    tier = rs["region"]["tier"]
    parent = rs["region"]["province_code"] if tier != "province" else None
    return {**_page(view, rs), "parent": parent, "parent_name": _name_of(view, parent) if parent else None,
            "outreach": outreach_model(view, code) if tier == "regency" and below else None}


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


def chosen_flags(state, choice) -> list:
    """The flags of a chosen run, without notes (kept per choice; the server's warm-up reads the
    public's before the port opens): the store's saved ones (`capaian.quality.saved`), or computed
    from the last two runs of the trend, which the server holds whole (a read never saves them)."""

    def build():
        from capaian.quality.saved import choice_flags
        from capaian.runs import trend_run_ids

        catalog = state.catalog()
        whole = [state.view(run_id) for run_id in trend_run_ids(catalog, choice)[-2:]]
        with state.reader() as store:
            return choice_flags(store, catalog, choice, whole=lambda ids: whole)

    return state.model((*choice.key, "flags"), build)
