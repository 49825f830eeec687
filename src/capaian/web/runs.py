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
    and its review against the last published run of the same rubric and target set
    (`capaian.runs.review`): levels that change and indicators that flip, per province and regency."""
    from capaian.runs.review import review

    state = web(request)
    catalog = state.catalog()
    if catalog.meta(run_id) is None:
        raise PageError(404, "not_found")
    model = data.overview_model(state.view(run_id))
    rv = review(catalog, run_id, state.view)
    labels = {i.id: {"id": i.label.get("id"), "en": i.label.get("en")} for i in state.view(run_id).rubric.indicators}
    return {"run": model["run"], "rubric": model["rubric"], "bands": model["bands"], "level_counts": model["level_counts"],
            "review": rv, "labels": labels, "compare": rv.baseline, "compare_cutoff": rv.baseline_cutoff,
            "published": bool(catalog.published(run_id))}


@router.get("/run/{run_id}/terbitkan")
def publish_confirm(request: Request, run_id: int):
    """The confirmation step before publishing (national users): what will be published."""
    user = require_user(request)
    if not allowed(user, "publish"):
        raise PageError(403, "forbidden")
    return render(request, "publish.html", {"p": publish_preview(request, run_id), "run_id": run_id})
