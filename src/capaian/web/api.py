"""REST API under /api/: regions, cut-offs, rubrics, evaluations (runs), results, explanations, quarters, submissions.

Authentication: the dashboard's session cookie (state-changing calls then need the
`X-CSRF-Token` header), or HTTP Basic with a user's name and password (for scripts; no CSRF
token needed, failures count towards the login rate limit; any other Authorization header is
refused with 401). Without either you are the public: published runs only, national and province
rows only. What each operation may refuse, and with which body, is in the OpenAPI description
(`capaian.web.apispec`).
"""

from __future__ import annotations

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from capaian import spellings
from capaian.access import allowed, covers
from capaian.errors import CapaianError
from capaian.present.i18n import N_
from capaian.records import results_set
from capaian.records.models import models
from capaian.web import data
from capaian.web.apispec import READ, WRITE, UploadRefusal, refusals
from capaian.web.api_params import (CUTOFF_ANY_CASE, CUTOFF_HELP, api_user, api_writer, cutoff_param, path_region,
                                    region_param)
from capaian.web.common import PageError, web
from capaian.web.select import PERIOD_RE, RUBRIC_RE, TARGET_SET_RE, normalise, pick_run

router = APIRouter(prefix="/api")


# --- regions, cut-offs, rubrics ---------------------------------------------------------------


def _region_dict(region) -> dict:
    return {"code": region.code, "name": region.name, "tier": region.tier, "kind": region.kind,
            "parent": region.parent}


TIER_HELP = N_("Tier: province, regency, district, village, national, or in Indonesian (provinsi, kabkota, "
               "kecamatan, desa, nasional), any case.")
CHILD_TIERS = ("province", "regency", "district", "village")


VERSION_HELP = N_("Hierarchy version: 2020 (34 provinces), 2022 (37 provinces, from 25 Jul 2022) or 2025 (38 provinces, from 8 Dec 2022).")


@router.get("/regions", tags=["regions"], summary=N_("Regions of a hierarchy version"),
            responses=refusals(404, 422))
def api_regions(
    request: Request,
    version: str = Query("2025", pattern=r"^(2020|2022|2025)$", description=VERSION_HELP),
    parent: str | None = Query(None, description=N_("Only the children of this region (e.g. 65).")),
    tier: str | None = Query(None, description=TIER_HELP),
    q: str | None = Query(None, description=N_("Find by name (case- and accent-insensitive).")),
    limit: int = Query(100, ge=1, le=1000),
):
    tier = spellings.tier(tier, allowed=CHILD_TIERS) if tier else None
    if q:
        from capaian.regions import get_hierarchy

        found = [_region_dict(r) for r in get_hierarchy(version).find(q, tier=tier, limit=limit)]
    elif parent:
        found = [r for r in _children(request, version, normalise(parent)) if not tier or r["tier"] == tier]
    else:
        found = _children(request, version, "ID") if tier in (None, "province") else []
        if tier and tier != "province":
            raise PageError(404, "not_found", "Berikan parent atau q.", "Give parent or q.")
    return {"version": version, "regions": found[:limit]}


def _children(request: Request, version: str, code: str) -> list[dict]:
    """Children of a region (404 for an unknown one): from the store's copy of the hierarchy when
    it has one (no 91,600-region hierarchy held in the server for a list), else `capaian.regions`."""
    with web(request).reader() as store:
        stored = store.region_children(version, code)
        known = stored is None or bool(stored) or store.region_row(version, code) is not None
    if not known:
        raise PageError(404, "not_found")
    if stored is not None:
        return stored
    from capaian.regions import get_hierarchy

    try:
        return [_region_dict(r) for r in get_hierarchy(version).children(code)]
    except (CapaianError, KeyError):
        raise PageError(404, "not_found")


@router.get("/regions/{code}", tags=["regions"], summary=N_("One region and its children"),
            responses=refusals(404, 422))
def api_region(request: Request, code: str,
               version: str = Query("2025", pattern=r"^(2020|2022|2025)$", description=VERSION_HELP)):
    # a code of any tier (a district, a village) as it is; a name or abbreviation of a province or regency
    code = normalise(code) if code[:1].isdigit() or code.upper() == "ID" else path_region(request, code)
    with web(request).reader() as store:
        stored = store.region_children(version, code)
        region = store.region_row(version, code) if stored is not None else None
    if stored is None:
        from capaian.regions import get_hierarchy

        hierarchy = get_hierarchy(version)
        try:
            found = hierarchy.get(code)
        except (CapaianError, KeyError):
            raise PageError(404, "not_found")
        region, stored = _region_dict(found), [_region_dict(r) for r in hierarchy.children(code)]
    if region is None:
        raise PageError(404, "not_found")
    return {**region, "version": version, "children": stored}


@router.get("/cutoffs", tags=["cut-offs"], summary=N_("Cut-offs with evaluation runs you may see"),
            responses=refusals(401, 429), openapi_extra=READ)
def api_cutoffs(request: Request):
    user, _ = api_user(request)
    catalog = web(request).catalog()
    published = catalog.cutoffs(published_only=True)
    unpublished_too = allowed(user, "view_run", run=False)
    shown = catalog.cutoffs(published_only=not unpublished_too)
    from capaian.periods import Cutoff

    out = []
    for c in shown:
        cut = Cutoff.parse(c)
        out.append({"cutoff": c, "as_of": cut.as_of.isoformat(), "published": c in published,
                    "rubrics": catalog.rubrics(c, published_only=not unpublished_too)})
    return {"cutoffs": out}


@router.get("/rubrics", tags=["rubrics"], summary=N_("Rubrics (levelisasi schemes)"))
def api_rubrics():
    from capaian.rubrics import list_rubrics, load_rubric

    out = []
    for rid in list_rubrics():
        r = load_rubric(rid)
        out.append({"id": r.id, "year": r.year, "label": {"id": r.label.id, "en": r.label.en},
                    "indicators": [i.id for i in r.indicators]})
    return {"rubrics": out}


@router.get("/rubrics/{rubric_id}", tags=["rubrics"], summary=N_("One rubric: indicators, targets, level bands"),
            responses=refusals(404, 422))
def api_rubric(rubric_id: str):
    from capaian.rubrics import list_rubrics, load_rubric

    if rubric_id not in list_rubrics():
        raise PageError(404, "not_found")
    return JSONResponse(data.clean(load_rubric(rubric_id).model_dump(mode="json")))


# --- evaluations ------------------------------------------------------------------------------


RUN_FIELDS = ("id", "cutoff", "rubric", "target_set", "fact_revision", "hierarchy_version", "created_at",
              "created_by", "published_at", "published_by", "note")


def _run_dict(user, meta: dict) -> dict:
    out = data.run_row(user, meta, RUN_FIELDS)
    out["published"] = out["published_at"] is not None
    return out


def _visible_run(request: Request, user, run_id: int) -> dict:
    meta = web(request).catalog().meta(run_id)
    if meta is None or not allowed(user, "view_run", run=meta):
        raise PageError(404, "not_found")
    return meta


@router.get("/evaluations", tags=["evaluations"], summary=N_("Evaluation runs (public: published only)"),
            responses=refusals(401, 422, 429), openapi_extra=READ)
def api_evaluations(request: Request,
                    cutoff: str | None = Query(None, pattern=CUTOFF_ANY_CASE, description=CUTOFF_HELP)):
    user, _ = api_user(request)
    cutoff = cutoff_param(cutoff)
    runs = web(request).catalog().runs
    if cutoff:
        runs = runs[runs["cutoff"] == cutoff]
    return {"evaluations": [_run_dict(user, r) for r in runs.to_dict("records")
                            if allowed(user, "view_run", run=r)]}


@router.get("/evaluations/{run_id}", tags=["evaluations"], summary=N_("One evaluation run"),
            responses=refusals(401, 404, 422, 429), openapi_extra=READ)
def api_evaluation(request: Request, run_id: int):
    user, _ = api_user(request)
    return _run_dict(user, _visible_run(request, user, run_id))


class EvaluateBody(BaseModel):
    cutoff: str = Field(pattern=CUTOFF_ANY_CASE, examples=["2020-11-H1"], description=CUTOFF_HELP)
    rubric: str | None = Field(None, pattern=RUBRIC_RE.pattern,
                               description=N_("Rubric id; default: the cut-off year's own."))


@router.post("/evaluations", tags=["evaluations"], status_code=201,
             summary=N_("Evaluate a cut-off (national users); returns the run"),
             description=N_("422 when the cut-off lies before the first rubric's year or in the future, has no stored facts, or the rubric is unknown."),
             responses=refusals(400, 401, 403, 422, 429), openapi_extra=WRITE)
def api_evaluate(request: Request, body: EvaluateBody):
    user = api_writer(request)
    if not allowed(user, "evaluate"):
        raise PageError(403, "forbidden")
    from capaian.service import evaluate_cutoff

    state = web(request)
    try:
        with state.db() as store:
            view = evaluate_cutoff(store, cutoff_param(body.cutoff), rubric_id=body.rubric, actor=user.name)
    except CapaianError as exc:
        raise PageError(422, "bad_request", exc.id_message, exc.en_message)
    state.invalidate()
    return _run_dict(user, state.catalog().meta(int(view.run_id)))


@router.post("/evaluations/{run_id}/publish", tags=["evaluations"], summary=N_("Publish a run (national users)"),
             responses=refusals(401, 403, 404, 409, 422, 429), openapi_extra=WRITE)
def api_publish(request: Request, run_id: int):
    user = api_writer(request)
    if not allowed(user, "publish"):
        raise PageError(403, "forbidden")
    publish(request, user, run_id)
    return _run_dict(user, web(request).catalog().meta(run_id))


def publish(request: Request, user, run_id: int) -> None:
    state = web(request)
    if state.catalog().meta(run_id) is None:
        state.invalidate()
        if state.catalog().meta(run_id) is None:
            raise PageError(404, "not_found")
    try:
        with state.db() as store:
            store.publish_run(run_id, user.name)  # audited by the store ("run.publish")
    except CapaianError as exc:
        raise PageError(409, "bad_request", exc.id_message, exc.en_message)
    state.invalidate()
    from capaian.quality.saved import save_published

    with state.db() as store:
        save_published(store, run_id)  # the public's first view of it reads them, computed once here
    if getattr(request.app.state, "bake_on_publish", True):
        from capaian.web.bake import bake_in_background

        bake_in_background(request.app, run_id)  # its pages served from the store once complete


# --- results and explanations -----------------------------------------------------------------


DRAFT_HELP = N_("Newest run published or not (users whose jurisdiction covers the region); "
               "default: published runs only.")
TARGET_SET_HELP = N_("Regional target set id; default: national targets.")
PERIOD_HELP = N_("A quarter (2022-Q1) instead of a cut-off: the final run of its last cut-off, the recorded "
                 "one once the national team closed the quarter.")


def _pick(request: Request, run_id: int | None, cutoff: str | None, rubric: str | None, region: str = "ID"):
    """(choice, view) by the one run picker (`capaian.runs.select`)."""
    return pick_run(request, cutoff, rubric, region=region, run_id=run_id)


@router.get("/results", tags=["results"],
            summary=N_("Results of a run: regions with level, ranks and every indicator (what you may see)"),
            responses={**refusals(401, 404, 422, 429), 200: {"model": models()["Results"]}}, openapi_extra=READ)
def api_results(
    request: Request,
    cutoff: str | None = Query(None, pattern=CUTOFF_ANY_CASE, description=CUTOFF_HELP),
    rubric: str | None = Query(None, pattern=RUBRIC_RE.pattern),
    run_id: int | None = Query(None, description=N_("A run id instead of cutoff/rubric.")),
    tier: str = Query("province", description=TIER_HELP),
    province: str | None = Query(None, description=N_("Only regions of this province: code, name or abbreviation (65, Kaltara).")),
    region: str | None = Query(None, description=N_("Only this region and the regions below it: code, name or abbreviation (65.71, Tarakan).")),
    draft: bool = Query(False, description=DRAFT_HELP),
    target_set: str | None = Query(None, pattern=TARGET_SET_RE.pattern, description=TARGET_SET_HELP),
    period: str | None = Query(None, pattern=PERIOD_RE.pattern, description=PERIOD_HELP),
):
    user, _ = api_user(request)
    tier = spellings.tier(tier)
    province = region_param(request, province, "province", ("province",)) if province else None
    region = region_param(request, region, "region") if region else None
    scope = region or province or "ID"
    choice, view = _pick(request, run_id, cutoff_param(cutoff), rubric, region=scope)
    regions = view.regions[view.regions["tier"] == tier]
    if province:
        regions = regions[regions["province_code"] == province]
    if region:
        code = region
        regions = regions[regions["region_code"].map(lambda c: covers(code, c)).astype(bool)]
    visible = regions["region_code"].map(lambda c: allowed(user, "view", c, view)).astype(bool)
    regions = regions[visible].sort_values(["rank_national", "region_code"], na_position="last")
    payload = results_set(view, regions, tier)  # what `capaian results --format json` prints
    if tier in ("province", "regency"):  # data-quality flags beside the figures they concern
        from capaian.web.quality import attach_flags

        payload["regions"] = attach_flags(request, choice, view, payload["regions"])
    return JSONResponse(payload)


@router.get("/explanations/{code}", tags=["explanations"],
            summary=N_("Why a region has its level, and the path to the next level"),
            responses={**refusals(401, 403, 404, 422, 429), 200: {"model": models()["Explanation"]}},
            openapi_extra=READ)
def api_explanation(
    request: Request,
    code: str,
    cutoff: str | None = Query(None, pattern=CUTOFF_ANY_CASE, description=CUTOFF_HELP),
    rubric: str | None = Query(None, pattern=RUBRIC_RE.pattern),
    run_id: int | None = None,
    lang: str = Query("id", pattern=r"^(id|en)$"),
    draft: bool = Query(False, description=DRAFT_HELP),
    target_set: str | None = Query(None, pattern=TARGET_SET_RE.pattern, description=TARGET_SET_HELP),
    period: str | None = Query(None, pattern=PERIOD_RE.pattern, description=PERIOD_HELP),
):
    """The region's record set, as its page's JSON twin, and the explanation's lines in one language."""
    user, _ = api_user(request)
    code = path_region(request, code)
    choice, view = _pick(request, run_id, cutoff_param(cutoff), rubric, region=code)
    if code not in set(view.regions["region_code"]):
        raise PageError(404, "not_found")
    if not allowed(user, "view", code, view):
        raise PageError(403, "forbidden")
    below = allowed(user, "view_below", code, view)
    found = web(request).model((*choice.key, "region", code, below),
                               lambda: data.region_model(view, code, below=below))
    if found["explanation"] is None:
        raise PageError(404, "not_found")
    from capaian.web.quality import attach_flags

    found = {**data.record_set(found), "region": attach_flags(request, choice, view, [found["region"]])[0],
             "regions": attach_flags(request, choice, view, found["regions"])}
    return JSONResponse({**found, "lines": found["explanation"]["lines"][lang]})


# --- quarters ---------------------------------------------------------------------------------


def _quarter_dict(choice, lang: str | None = None) -> dict:
    from capaian.present import numbers

    return {"quarter": choice.period, "cutoff": choice.cutoff, "run_id": int(choice.run_id),
            "final": choice.final, "published": choice.published,
            "label": {code: numbers.period(choice.period, choice.final, code) for code in ("id", "en")}}


@router.get("/quarters", tags=["quarters"], summary=N_("Quarters with a result: the run of each, final or not"),
            responses=refusals(401, 429), openapi_extra=READ)
def api_quarters(request: Request):
    from capaian.periods import Quarter
    from capaian.runs import NoRun, choose

    user, _ = api_user(request)
    catalog = web(request).catalog()
    quarters = sorted({Quarter.of(c) for c in catalog.cutoffs(published_only=True)})
    out = []
    for quarter in quarters:
        try:
            out.append(_quarter_dict(choose(catalog, period=str(quarter), user=user)))
        except NoRun:  # its last cut-off has no published run yet
            continue
    return {"quarters": out}


@router.get("/quarters/{quarter}", tags=["quarters"],
            summary=N_("One quarter's result: its run, final or not, and the offices per level"),
            responses=refusals(401, 404, 422, 429), openapi_extra=READ)
def api_quarter(request: Request, quarter: str = Path(..., pattern=PERIOD_RE.pattern, description=PERIOD_HELP),
                draft: bool = Query(False, description=DRAFT_HELP)):
    from capaian.quarters import level_tallies
    from capaian.runs import NoRun, choose

    user, _ = api_user(request)
    state = web(request)
    try:
        choice = choose(state.catalog(), period=quarter, draft=draft, user=user)
    except NoRun as exc:
        raise PageError(404, "not_found", exc.id_message, exc.en_message)
    tallies = level_tallies(state.opened(choice))
    return {**_quarter_dict(choice), "tallies": {tier: {str(k): v for k, v in counts.items()}
                                                 for tier, counts in tallies.items()}}


# --- submissions ------------------------------------------------------------------------------


@router.get("/submissions", tags=["submissions"], summary=N_("Stored submissions within your jurisdiction"),
            responses=refusals(401, 403, 422, 429), openapi_extra=WRITE)
def api_submissions(request: Request,
                    cutoff: str | None = Query(None, pattern=CUTOFF_ANY_CASE, description=CUTOFF_HELP)):
    user, _ = api_user(request)
    cutoff = cutoff_param(cutoff)
    if not allowed(user, "upload"):
        raise PageError(403, "forbidden")
    with web(request).db() as store:
        frame = store.list_submissions(cutoff)
    rows = [{k: data.clean(v) for k, v in r.items()} for r in frame.to_dict("records")
            if allowed(user, "view_submission", data.clean(r.get("scope_region")))]
    return {"submissions": rows}


_UPLOAD_BODY = {
    "required": True,
    "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file"],
        "properties": {
            "file": {"type": "string", "format": "binary", "description": N_("CSV or XLSX, at most CAPAIAN_UPLOAD_MAX_MB (20 MB by default).")},
            "evaluate": {"type": "boolean", "default": False,
                         "description": N_("Evaluate the cut-off after a successful import.")},
            "sheet": {"type": "string", "description": N_("XLSX sheet to read when several hold data.")},
        },
    }}},
}


@router.post("/submissions", tags=["submissions"], status_code=201,
             summary=N_("Upload a submission file (CSV/XLSX); 201 stored, or 422 with every problem"),
             responses=refusals(400, 401, 403, 413, 422, 429, s422=UploadRefusal),
             openapi_extra={"requestBody": _UPLOAD_BODY, **WRITE})
async def api_upload(request: Request):
    # user and CSRF (header) before the body, then the size: see capaian.web.upload
    from starlette.concurrency import run_in_threadpool

    user = await run_in_threadpool(api_writer, request)  # a Basic password check: argon2, off the event loop

    from capaian.web.upload import process_upload

    outcome = await process_upload(request, user)
    return JSONResponse(data.clean(outcome), status_code=201 if outcome["ok"] else 422)
