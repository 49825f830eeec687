"""The national regency/city scorecard: every regency and city of the run in one sortable table,
filterable by province and level, with trend arrows against the previous run (the run picker's
`previous_run_id`) and columns that can be hidden (the DHIS2 scorecard convention); .json/.csv twins.

Rows are the regencies the user may see (`allowed(user, "view", code, run)`): in a published run
every one (published runs are public down to the regency/city); in a draft, the user's jurisdiction."""

from __future__ import annotations

from fastapi import APIRouter, Request

from capaian.access import allowed
from capaian.web import data
from capaian.web.common import PageError, current_user, fast, render, web
from capaian.records import records as region_records
from capaian.records.render import Table, results_table
from capaian.web.select import pick_run
from capaian.web.twins import twin

router = APIRouter(include_in_schema=False)


def scorecard_records(view) -> list[dict]:
    """Every regency/city of the run, by national rank, with its province's name."""
    regs = view.regions[view.regions["tier"] == "regency"].sort_values(
        ["rank_national", "region_code"], na_position="last")
    names = dict(zip(view.regions["region_code"], view.regions["region_name"]))
    out = region_records(view, regs)
    for rec in out:
        rec["province_name"] = names.get(rec["province_code"])
    return out


def _model(request: Request, cutoff, rubric, provinsi, level):
    choice, view = pick_run(request, cutoff, rubric)
    user = current_user(request)
    if not allowed(user, "view", "ID", view):
        raise PageError(403, "forbidden")
    state = web(request)
    overview = state.model((*choice.key, "overview"), lambda: data.overview_model(view))
    records = state.model((*choice.key, "scorecard"), lambda: scorecard_records(view))
    visible = [r for r in records if allowed(user, "view", r["code"], view)]
    provinces = sorted({(r["province_code"], r["province_name"]) for r in visible})
    rows = [r for r in visible
            if (not provinsi or r["province_code"] == provinsi)
            and (not level or str(r["level"]) == str(level))]
    model = {k: overview[k] for k in ("run", "rubric", "bands", "indicators")}
    return model, rows, provinces, list(choice.cutoffs), len(visible)


@router.get("/nasional/kabkota")
@fast
def scorecard_page(request: Request, cutoff: str | None = None, rubric: str | None = None,
                   provinsi: str | None = None, level: str | None = None):
    model, rows, provinces, cutoffs, seen = _model(request, cutoff, rubric, provinsi, level)
    return render(request, "scorecard.html", {"m": model, "rows": rows, "provinces": provinces,
                                              "cutoffs": cutoffs, "provinsi": provinsi or "",
                                              "level": level or "", "seen": seen})


@twin(router, "/nasional/kabkota")
def scorecard_table(request: Request) -> Table:
    """Every regency/city the reader may see, as /api/results gives them (with the province's name)."""
    q = request.query_params
    model, rows, _, _, _ = _model(request, q.get("cutoff"), q.get("rubric"), q.get("provinsi"), q.get("level"))
    return results_table({"run": model["run"], "tier": "regency", "regions": rows},
                         [i["id"] for i in model["indicators"]], name=f"capaian-kabkota-{model['run']['cutoff']}")
