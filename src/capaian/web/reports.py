"""Report downloads from the dashboard: the page's run as Excel, PDF or narrative text.

Who may download which report is `allowed(user, "report", scope, run)`: a report of a region
within the user's jurisdiction holds every number of its scope, regencies included, in any run;
the national report is open to everyone who may see the national overview, and then holds only
the published run's national and province rows (`report_tiers`).

Reports are built on demand by the server's `capaian.reports.jobs.ReportJobs`: once per (run,
publication time, scope, format, language, tiers), in a worker process, cached on disk when the
run is published. A plain GET waits for the report (without holding the event loop) and returns
the file; a click through htmx (`HX-Request`) gets a progress line instead that polls
`/laporan/job/{id}` until the file is ready, then links to it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from capaian.access import allowed, report_tiers
from capaian.reports.build import FORMATS
from capaian.web.common import PageError, current_user, lang_of, render_fragment, web
from capaian.web.select import normalise, pick_run, tier_of

LOG = logging.getLogger("capaian.web.reports")

router = APIRouter(include_in_schema=False)


def report_key(view, scope: str, fmt: str, lang: str, tiers) -> tuple:
    """What names one report: a published run's report never changes; a draft's key differs from
    the same run's once it is published (the publication time is part of it), and a report of a
    quarter (`?period=`) from the run's own (it is labelled with the quarter)."""
    published = str(view.meta.get("published_at")) if view.published else None
    key = (int(view.run_id), published, scope, fmt, lang, tuple(tiers) if tiers is not None else None)
    period = view.meta.get("period")  # a quarter's report says which quarter, and whether final
    return key + ((period, bool(view.meta.get("final"))),) if period else key


def _start(request: Request, scope: str, fmt: str, cutoff: str | None, rubric: str | None):
    """The job of the report this user asked for, after the access rule (runs in a worker thread)."""
    if fmt not in FORMATS:
        raise PageError(404, "not_found")
    user = current_user(request)
    if not allowed(user, "report", scope, run=True):
        raise PageError(403, "forbidden")
    choice, view = pick_run(request, cutoff, rubric, region=scope)
    if not allowed(user, "report", scope, view):  # a draft only within jurisdiction
        raise PageError(403, "forbidden")
    state = web(request)
    lang = lang_of(request)
    tiers = report_tiers(user, scope)
    synthetic = state.is_demo()

    def prepare():
        from capaian.reports.build import PUBLIC_AUDIENCE, data_sources, gather, only_tiers, quality_inputs
        from capaian.reports.scope import resolve_scope
        from capaian.runs import trend_run_ids

        shown = only_tiers(view, tiers) if tiers is not None else view
        where = resolve_scope(shown, scope)
        trend = None
        if fmt == "pdf":  # the trend's runs come from the server's cache of loaded runs
            trend = state.trend_views(trend_run_ids(state.catalog(), choice), scope)
        inputs = gather(None, shown, where, fmt, lang, synthetic=synthetic, trend_views=trend)
        if tiers is not None:  # the public's rows only: its file name says so
            inputs = dataclasses.replace(inputs, audience=PUBLIC_AUDIENCE)
        if fmt == "xlsx":
            with state.db() as store:  # the store lock for this read only, not for the rendering
                inputs = dataclasses.replace(inputs, sources=data_sources(store, shown, where, lang))
        flags = None
        if where.tier == "national" and fmt in ("pdf", "xlsx"):
            # the flags the server keeps per choice (its loaded runs, shared with the flags pages),
            # outside the store lock, instead of loading both runs again for each report
            from capaian.quality.notes import attach
            from capaian.web.data import chosen_flags

            flags = attach(chosen_flags(state, choice), state.quality_notes()[1])
        with state.db() as store:  # data quality and forecast: the PDF's section, the workbook's sheet
            inputs = dataclasses.replace(inputs, **quality_inputs(store, choice, shown, where, fmt, lang, flags=flags))
        return inputs

    job = state.reports.submit(report_key(view, scope, fmt, lang, tiers), prepare, cacheable=view.published)
    job.info.setdefault("url", str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""))
    return job, user, choice


async def _report(request: Request, scope: str, fmt: str, cutoff: str | None, rubric: str | None):
    job, user, choice = await run_in_threadpool(_start, request, scope, fmt, cutoff, rubric)
    if request.headers.get("hx-request"):
        return _progress(request, job)
    delay = 0.01
    while not job.done:  # wait without a thread: the build runs elsewhere
        await asyncio.sleep(delay)
        delay = min(delay * 2, 0.1)
    content = job.wait(0)
    # a download is logged, not stored: a read never writes to the store (issue 21)
    LOG.info("report.download actor=%s run=%s scope=%s format=%s file=%s cached=%s",
             user.name if user is not None else "-", choice.run_id, scope, fmt, job.filename, job.from_cache)
    return Response(content, media_type=FORMATS[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{job.filename}"'})


def _progress(request: Request, job) -> HTMLResponse:
    html = render_fragment(request, None, "_report_job.html", {"job": job, "seconds": round(job.seconds)})
    return HTMLResponse(html)


@router.get("/laporan/job/{job_id}")
def report_job(request: Request, job_id: str):
    """The progress line of a report job (htmx polls it until the file is ready)."""
    job = web(request).report_job(job_id)  # this process's, or as the one building it recorded it
    if job is None:
        raise PageError(404, "not_found")
    return _progress(request, job)


@router.get("/nasional/laporan.{fmt}")
async def national_report(request: Request, fmt: str, cutoff: str | None = None, rubric: str | None = None):
    return await _report(request, "ID", fmt, cutoff, rubric)


@router.get("/wilayah/{code}/laporan.{fmt}")
async def region_report(request: Request, code: str, fmt: str, cutoff: str | None = None,
                        rubric: str | None = None):
    code = normalise(code)
    if tier_of(code) not in ("province", "regency"):
        raise PageError(404, "not_found")
    return await _report(request, code, fmt, cutoff, rubric)
