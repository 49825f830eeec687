"""The list of evaluation runs (with twins) and publishing a run (national users)."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from capaian.access import allowed
from capaian.web import data
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
    return render(request, "runs.html", {"runs": _runs(request), "can_publish": allowed(current_user(request), "publish"),
                                         "done": request.query_params.get("terbit")})


@router.get("/run.json")
def runs_json(request: Request):
    return JSONResponse({"runs": _runs(request)})


@router.get("/run.csv")
def runs_csv(request: Request):
    rows = _runs(request)
    return Response(data._csv(list(COLUMNS), [[r[k] for k in COLUMNS] for r in rows]),
                    media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="capaian-runs.csv"'})


@router.post("/run/{run_id}/terbitkan")
def publish_run(request: Request, run_id: int, csrf_token: str = Form("")):
    user = require_user(request)
    check_csrf(request, csrf_token)
    if not allowed(user, "publish"):
        raise PageError(403, "forbidden")
    from capaian.web.api import publish

    publish(request, user, run_id)
    return RedirectResponse(f"/run?terbit={run_id}", status_code=303)
