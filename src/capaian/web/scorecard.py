"""The national regency/city scorecard: every regency and city of the run in one sortable table,
filterable by province and level, with trend arrows against the previous run (the run picker's
`previous_run_id`) and columns that can be hidden (the DHIS2 scorecard convention); .json/.csv twins.

Rows are the regencies the user may see below a province (`allowed(user, "view_below", code)`):
all for the national team, a province's own for its office, none for the public."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from capaian.access import allowed
from capaian.web import data
from capaian.web.common import PageError, current_user, fast, render, web
from capaian.web.select import pick_run

router = APIRouter(include_in_schema=False)


def scorecard_records(view) -> list[dict]:
    """Every regency/city of the run, by national rank, with its province's name."""
    regs = view.regions[view.regions["tier"] == "regency"].sort_values(
        ["rank_national", "region_code"], na_position="last")
    names = dict(zip(view.regions["region_code"], view.regions["region_name"]))
    records = data._records(view, regs)
    for rec in records:
        rec["province_name"] = names.get(rec["province_code"])
    return records


def _model(request: Request, cutoff, rubric, provinsi, level):
    choice, view = pick_run(request, cutoff, rubric)
    user = current_user(request)
    if not allowed(user, "view", "ID", view):
        raise PageError(403, "forbidden")
    state = web(request)
    overview = state.model((*choice.key, "overview"), lambda: data.overview_model(view))
    records = state.model((*choice.key, "scorecard"), lambda: scorecard_records(view))
    visible = [r for r in records if allowed(user, "view_below", r["code"])]
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


@router.get("/nasional/kabkota.json")
@fast
def scorecard_json(request: Request, cutoff: str | None = None, rubric: str | None = None,
                   provinsi: str | None = None, level: str | None = None):
    model, rows, _, _, _ = _model(request, cutoff, rubric, provinsi, level)
    return JSONResponse({**model, "regions": rows})


@router.get("/nasional/kabkota.csv")
@fast
def scorecard_csv(request: Request, cutoff: str | None = None, rubric: str | None = None,
                  provinsi: str | None = None, level: str | None = None):
    model, rows, _, _, _ = _model(request, cutoff, rubric, provinsi, level)
    body = data.table_csv(rows, model["indicators"], model["run"])
    name = f"capaian-kabkota-{model['run']['cutoff']}.csv"
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
