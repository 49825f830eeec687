"""Province and regency/city pages (with their data twins) and the regency outreach list."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from capaian.access import allowed
from capaian.web import data
from capaian.web.common import fast, PageError, current_user, render, render_fragment, web
from capaian.records.render import Table, plain_table, results_table
from capaian.web.select import normalise, pick_run, tier_of, trend_views
from capaian.web.twins import twin

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
    choice, view = pick_run(request, cutoff, rubric, region=code)
    if not allowed(user, "view", code, view):  # e.g. another office's draft asked for by run id
        raise PageError(403, "forbidden")
    full = allowed(user, "view_below", code, view)  # a published province's regencies: everyone
    state = web(request)
    if code not in state.model((choice.run_id, "codes"), lambda: frozenset(view.regions["region_code"])):
        raise PageError(404, "not_found")
    # outside jurisdiction, a draft shows a province's summary, not its regencies' numbers
    model = state.model((*choice.key, "region", code, full), lambda: data.region_model(view, code, below=full))
    trend = state.model(
        (*choice.key, "trend", code),
        lambda: data.trend_model(trend_views(request, choice, code), code),
    )
    from capaian.web.quality import attach_flags, flags_of_region, forecast_model

    out = {**model, "trend": trend, "cutoffs": list(choice.cutoffs),
           "flags": flags_of_region(request, choice, view, code),
           "forecast": forecast_model(request, choice, view, code)}
    # flags beside the figures, as in /api/results (the same cells on both surfaces)
    out["region"] = attach_flags(request, choice, view, [out["region"]])[0]
    if out.get("regions"):
        out["regions"] = attach_flags(request, choice, view, out["regions"])
    request.state.choice_key = choice.key  # names the cached twin (with what the user may see)
    return out


@twin(router, "/wilayah/{code}")
def region_table(request: Request, code: str) -> Table:
    """A region page's record set: the region, its regencies when the reader may see them, its path."""
    q = request.query_params
    model = page_model(request, code, q.get("cutoff"), q.get("rubric"))
    region = model["region"]
    return results_table(data.record_set(model), [i["id"] for i in model["indicators"]],
                         name=f"capaian-{region['code']}-{model['run']['cutoff']}",
                         cache_key=("region", *request.state.choice_key, region["code"], model["regions_hidden"]))


def _outreach_rows(request: Request, code: str, cutoff: str | None, rubric: str | None):
    model = page_model(request, code, cutoff, rubric)
    if model["region"]["tier"] != "regency":
        raise PageError(404, "not_found")
    if not allowed(current_user(request), "view_below", model["region"]["code"], True):
        raise PageError(403, "forbidden")  # its villages: the offices that answer for them, in any run
    view = web(request).view(model["run"]["run_id"])  # outreach has no change columns
    return model, data.outreach_all(view, model["region"]["code"])


OUTREACH_COLUMNS = ["run_id", "cutoff", "regency_code", "tier", "code", "name", "without_kia", "without_akta", "total"]


@twin(router, "/wilayah/{code}/jangkauan")
def outreach_table(request: Request, code: str) -> Table:
    """A regency's outreach list: every district and village, most children without documents first."""
    q = request.query_params
    model, rows = _outreach_rows(request, code, q.get("cutoff"), q.get("rubric"))
    run, regency = model["run"], model["region"]["code"]
    flat = [{"run_id": run["run_id"], "cutoff": run["cutoff"], "regency_code": regency, **r} for r in rows]
    return plain_table({"run": run, "regency": regency, "rows": rows}, flat,
                       f"jemput-bola-{regency}-{run['cutoff']}", OUTREACH_COLUMNS)


@router.get("/wilayah/{code}")
@fast
def region_page(request: Request, code: str, cutoff: str | None = None, rubric: str | None = None):
    if code.upper() == "ID":
        return RedirectResponse("/nasional", status_code=307)
    if not code[:1].isdigit():  # `/wilayah/Kaltara`, `/wilayah/tarakan`: the region's own address
        from capaian.errors import CapaianError
        from capaian.web.search import region_code

        try:
            found = region_code(request, code, tiers=("province", "regency"))
        except CapaianError:
            raise PageError(404, "not_found")
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"/wilayah/{found}{query}", status_code=307)
    model = page_model(request, code, cutoff, rubric)
    name = "province" if model["region"]["tier"] == "province" else "regency"
    ctx = {"m": model, "cutoffs": model["cutoffs"]}
    key = (model["run"]["run_id"], model["run"].get("previous_run_id"), model["region"]["code"],
           bool(model.get("regions_hidden")), tuple(model["cutoffs"]),
           tuple((f["key"], bool(f["explained"])) for items in model["flags"].values() for f in items),
           bool(model["forecast"]["allocations"]), model.get("outreach") is not None)
    body = render_fragment(request, key, f"{name}_body.html", ctx)
    return render(request, f"{name}.html", {**ctx, "body": body})
