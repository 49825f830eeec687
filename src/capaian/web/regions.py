"""Province and regency/city pages (with .json/.csv twins) and the regency outreach list."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from capaian.access import allowed
from capaian.web import data
from capaian.web.common import fast, PageError, current_user, render, render_fragment, web
from capaian.web.select import normalise, pick_run, tier_of, trend_views

router = APIRouter(include_in_schema=False)


def page_model(request: Request, code: str, cutoff: str | None, rubric: str | None) -> dict:
    """The model of a region page as this user may see it; PageError 403/404 otherwise."""
    code = normalise(code)
    tier = tier_of(code)
    if tier not in ("province", "regency"):
        raise PageError(404, "not_found")
    user = current_user(request)
    if not allowed(user, "view", code, run=True):
        raise PageError(403, "forbidden")
    full = allowed(user, "view_below", code)
    choice, view = pick_run(request, cutoff, rubric, region=code)
    if not allowed(user, "view", code, view):  # e.g. another office's draft asked for by run id
        raise PageError(403, "forbidden")
    state = web(request)
    if code not in state.model((choice.run_id, "codes"), lambda: frozenset(view.regions["region_code"])):
        raise PageError(404, "not_found")
    model = state.model((*choice.key, "region", code), lambda: data.region_model(view, code))
    trend = state.model(
        (*choice.key, "trend", code),
        lambda: data.trend_model(trend_views(request, choice, code), code),
    )
    from capaian.web.quality import flags_of_region, forecast_model

    out = {**model, "trend": trend, "cutoffs": list(choice.cutoffs),
           "flags": flags_of_region(request, choice, view, code),
           "forecast": forecast_model(request, choice, view, code)}
    # flags beside the figures, as in /api/results (the same cells on both surfaces)
    from capaian.web.quality import attach_flags

    out["region"] = attach_flags(request, choice, view, [out["region"]])[0]
    if out.get("children"):
        out["children"] = attach_flags(request, choice, view, out["children"])
    request.state.choice_key = choice.key  # names the cached twin (with what the user may see)
    if not full:
        # the public (and other offices) see a province's summary, not its regencies' numbers
        out["children"] = None
        out["children_hidden"] = True
        out["explanation"] = data.without_child_values(out.get("explanation"))
    return out


@router.get("/wilayah/{code}.json")
@fast
def region_json(request: Request, code: str, cutoff: str | None = None, rubric: str | None = None):
    model = page_model(request, code, cutoff, rubric)
    key = ("region", *request.state.choice_key, model["region"]["code"], bool(model.get("children_hidden")))
    body = web(request).twin(key, lambda: JSONResponse({k: v for k, v in model.items() if k != "cutoffs"}).body)
    return Response(body, media_type="application/json")


@router.get("/wilayah/{code}.csv")
@fast
def region_csv(request: Request, code: str, cutoff: str | None = None, rubric: str | None = None):
    model = page_model(request, code, cutoff, rubric)
    records = [model["region"]] + (model["children"] or [])
    body = data.table_csv(records, model["indicators"], model["run"])
    name = f"capaian-{model['region']['code']}-{model['run']['cutoff']}.csv"
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _outreach_rows(request: Request, code: str, cutoff: str | None, rubric: str | None):
    model = page_model(request, code, cutoff, rubric)
    if model["region"]["tier"] != "regency":
        raise PageError(404, "not_found")
    view = web(request).view(model["run"]["run_id"])  # outreach has no change columns
    return model, data.outreach_all(view, model["region"]["code"])


@router.get("/wilayah/{code}/jangkauan.csv")
@fast
def outreach_csv(request: Request, code: str, cutoff: str | None = None, rubric: str | None = None):
    model, rows = _outreach_rows(request, code, cutoff, rubric)
    body = data.outreach_csv(rows, model["run"], model["region"]["code"])
    name = f"jemput-bola-{model['region']['code']}-{model['run']['cutoff']}.csv"
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/wilayah/{code}/jangkauan.json")
@fast
def outreach_json(request: Request, code: str, cutoff: str | None = None, rubric: str | None = None):
    model, rows = _outreach_rows(request, code, cutoff, rubric)
    return JSONResponse({"run": model["run"], "regency": model["region"]["code"], "rows": rows})


@router.get("/wilayah/{code}")
@fast
def region_page(request: Request, code: str, cutoff: str | None = None, rubric: str | None = None):
    if code.upper() == "ID":
        return RedirectResponse("/nasional", status_code=307)
    model = page_model(request, code, cutoff, rubric)
    name = "province" if model["region"]["tier"] == "province" else "regency"
    ctx = {"m": model, "cutoffs": model["cutoffs"]}
    key = (model["run"]["run_id"], model["run"].get("previous_run_id"), model["region"]["code"],
           bool(model.get("children_hidden")), tuple(model["cutoffs"]),
           tuple((f["key"], bool(f["explained"])) for items in model["flags"].values() for f in items),
           bool(model["forecast"]["allocations"]))
    body = render_fragment(request, key, f"{name}_body.html", ctx)
    return render(request, f"{name}.html", {**ctx, "body": body})
