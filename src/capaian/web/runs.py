"""The list of evaluation runs (with twins) and publishing a run (national users)."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from capaian.access import allowed
from capaian.web import data
from capaian.records.render import Table, plain_table
from capaian.web.twins import twin
from capaian.web.common import PageError, check_csrf, current_user, render, require_user, web

router = APIRouter(include_in_schema=False)

COLUMNS = ("id", "cutoff", "rubric", "target_set", "fact_revision", "hierarchy_version", "created_at",
           "created_by", "published_at", "published_by")


def _runs(request: Request) -> list[dict]:
    user = current_user(request)
    return [data.run_row(user, r, COLUMNS) for r in web(request).catalog().runs.to_dict("records")
            if allowed(user, "view_run", run=r)]


@router.get("/run")
def runs_page(request: Request):
    with web(request).reader() as store:
        bakes = store.bake_progress()  # each published run's baked pages (capaian.web.bake)
    return render(request, "runs.html", {"runs": _runs(request), "can_publish": allowed(current_user(request), "publish"),
                                         "done": request.query_params.get("terbit"), "bakes": bakes})


@twin(router, "/run")
def runs_table(request: Request) -> Table:
    rows = _runs(request)
    return plain_table({"runs": rows}, rows, "capaian-runs", list(COLUMNS))


@router.post("/run/{run_id}/terbitkan")
def publish_run(request: Request, run_id: int, csrf_token: str = Form("")):
    user = require_user(request)
    check_csrf(request, csrf_token)
    if not allowed(user, "publish"):
        raise PageError(403, "forbidden")
    from capaian.web.api import publish

    publish(request, user, run_id)
    return RedirectResponse(f"/run?terbit={run_id}", status_code=303)


def publish_preview(request: Request, run_id: int) -> dict:
    """What publishing `run_id` would publish: its cut-off, rubric, target set, provinces per level,
    and the provinces whose level differs from the last published run (the one it replaces at the
    same cut-off, else the run picker's previous published one)."""
    from capaian.runs import NoRun, choose

    state = web(request)
    meta = state.catalog().meta(run_id)
    if meta is None:
        raise PageError(404, "not_found")
    model = data.overview_model(state.view(run_id))
    catalog = state.catalog()
    compare = None
    for cutoff in (meta["cutoff"], None):
        try:
            if cutoff is None:
                from capaian.periods import Cutoff

                cutoff = str(Cutoff.parse(meta["cutoff"]).previous())
            choice = choose(catalog, cutoff=cutoff, rubric=meta["rubric"], target_set=meta.get("target_set"))
        except NoRun:
            continue
        if choice.run_id != run_id:
            compare = choice.run_id
            break
    changes = []
    if compare is not None:
        before = {r["code"]: r for r in data.overview_model(state.view(compare))["regions"]}
        for rec in model["regions"]:
            old = before.get(rec["code"])
            if old is None or old["level"] != rec["level"]:
                changes.append({"code": rec["code"], "name": rec["name"], "before": old["level"] if old else None,
                                "after": rec["level"]})
    return {"run": model["run"], "rubric": model["rubric"], "bands": model["bands"], "level_counts": model["level_counts"],
            "compare": compare, "compare_cutoff": (catalog.meta(compare) or {}).get("cutoff") if compare else None,
            "changes": changes, "published": bool(catalog.published(run_id))}


@router.get("/run/{run_id}/terbitkan")
def publish_confirm(request: Request, run_id: int):
    """The confirmation step before publishing (national users): what will be published."""
    user = require_user(request)
    if not allowed(user, "publish"):
        raise PageError(403, "forbidden")
    return render(request, "publish.html", {"p": publish_preview(request, run_id), "run_id": run_id})
