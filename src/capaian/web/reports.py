"""Report downloads from the dashboard: the page's run as Excel, PDF or narrative text.

Who may download which report is `allowed(user, "report", scope, run)`: a report of a region
within the user's jurisdiction holds every number of its scope, regencies included, in any run;
the national report is open to everyone who may see the national overview, and then holds only
the published run's national and province rows (`report_tiers`).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from capaian.access import allowed, report_tiers
from capaian.web.common import PageError, current_user, lang_of, web
from capaian.web.select import normalise, pick_run, tier_of

router = APIRouter(include_in_schema=False)

FORMATS = ("xlsx", "pdf", "md", "txt")


def _report(request: Request, scope: str, fmt: str, cutoff: str | None, rubric: str | None) -> Response:
    from capaian.reports import build_report

    if fmt not in FORMATS:
        raise PageError(404, "not_found")
    user = current_user(request)
    if not allowed(user, "report", scope, run=True):
        raise PageError(403, "forbidden")
    choice, view = pick_run(request, cutoff, rubric, region=scope)
    state = web(request)
    if not allowed(user, "report", scope, view):  # a draft only within jurisdiction
        raise PageError(403, "forbidden")
    actor = user.name if user is not None else "-"
    with state.db() as store:
        report = build_report(store, scope=scope, fmt=fmt, lang=lang_of(request), picked=(view, choice),
                              tiers=report_tiers(user, scope))
        store.audit(actor, "report.download", f"run:{choice.run_id}",
                    {"scope": scope, "format": fmt, "file": report.filename})
    return Response(report.content, media_type=report.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{report.filename}"'})


@router.get("/nasional/laporan.{fmt}")
def national_report(request: Request, fmt: str, cutoff: str | None = None, rubric: str | None = None):
    return _report(request, "ID", fmt, cutoff, rubric)


@router.get("/wilayah/{code}/laporan.{fmt}")
def region_report(request: Request, code: str, fmt: str, cutoff: str | None = None,
                  rubric: str | None = None):
    code = normalise(code)
    if tier_of(code) not in ("province", "regency"):
        raise PageError(404, "not_found")
    return _report(request, code, fmt, cutoff, rubric)
