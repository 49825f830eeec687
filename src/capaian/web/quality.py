"""The "Kelengkapan laporan" page (who reported, when, what) and the "Kualitas data" page (flags, with
notes a national user adds), their .json/.csv twins and /api/completeness, /api/flags."""

from __future__ import annotations

import json

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse

from capaian.access import allowed
from capaian.errors import CapaianError
from capaian.present.i18n import N_
from capaian.quality.flags import FLAG_TYPES
from capaian.records.build import flag_items
from capaian.records.render import Table, plain_table
from capaian.web.api_params import CUTOFF_ANY_CASE, CUTOFF_HELP, api_user, cutoff_param, path_region, region_param
from capaian.web.apispec import READ, WRITE, refusals
from capaian.web.bake import note_shown
from capaian.web.common import PageError, check_csrf, current_user, lang_of, render, require_user, web
from capaian.web.data import chosen_flags
from capaian.web.select import CUTOFF_RE, pick_run, trend_views
from capaian.web.twins import twin

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api")
FLAG_TYPE_RE = "^(" + "|".join(FLAG_TYPES) + ")$"


# --- completeness -------------------------------------------------------------------------------


def completeness_model(request: Request, cutoff: str | None, province: str | None = None,
                       deadline: int | None = None) -> dict:
    """Offices the user answers for (national: all; a province: its regencies; a regency: itself)."""
    from capaian.quality import completeness

    user = current_user(request)
    if user is None or not allowed(user, "view_below", user.region_code or "ID"):
        raise PageError(403, "forbidden")
    if cutoff is not None and not CUTOFF_RE.match(cutoff):
        raise PageError(404, "not_found")
    state = web(request)
    with state.db() as store:
        known = store.list_cutoffs()
    if cutoff is None:
        try:
            choice, _ = pick_run(request, None, None, region=user.region_code or "ID")
            cutoff = choice.cutoff
        except PageError:
            cutoff = known[-1] if known else None
    if cutoff is None or cutoff not in known:  # a cut-off without facts has nothing to complete
        raise PageError(404, "not_found")
    from capaian.quality.completeness import deadline_days

    def build():
        with state.db() as store:
            return completeness(store, cutoff, deadline=deadline)

    found = state.model(("completeness", cutoff, deadline_days(deadline)), build)
    found = found.only(lambda code: allowed(user, "view_below", code)
                       and (not province or code.split(".")[0] == province))
    return {**found.to_dict(), "cutoffs": known, "province": province or ""}


def completeness_counts(request: Request, cutoff: str) -> dict | None:
    """The overview's count (only for users who answer for offices)."""
    try:
        return completeness_model(request, cutoff)["counts"]
    except (PageError, CapaianError):
        return None


@twin(router, "/kelengkapan")
def completeness_table(request: Request) -> Table:
    q = request.query_params
    model = completeness_model(request, q.get("cutoff"), q.get("province"), _days(q.get("deadline_days")))
    rows = [{**o, "missing_facts": " ".join(o["missing_facts"]),
             "submission_ids": " ".join(str(i) for i in o["submission_ids"])} for o in model["offices"]]
    return plain_table({k: v for k, v in model.items() if k != "cutoffs"}, rows, f"kelengkapan-{model['cutoff']}")


def _days(text):
    try:
        return None if text in (None, "") else int(text)
    except ValueError:
        raise PageError(404, "not_found")


@router.get("/kelengkapan")
def completeness_page(request: Request, cutoff: str | None = None, province: str | None = None,
                      deadline_days: int | None = None):
    from capaian.quality.text import status_label

    model = completeness_model(request, cutoff, province, deadline_days)
    lang = lang_of(request)
    return render(request, "completeness.html", {"m": model, "cutoffs": model["cutoffs"],
                                                 "status_label": lambda s: status_label(s, lang)})


@api_router.get("/completeness", tags=["quality"],
                summary=N_("Reporting completeness and timeliness of a cut-off (offices you answer for)"),
                responses=refusals(401, 403, 404, 422, 429), openapi_extra=WRITE)
def api_completeness(
    request: Request,
    cutoff: str | None = Query(None, pattern=CUTOFF_ANY_CASE, description=CUTOFF_HELP),
    province: str | None = Query(None, description=N_("Only regions of this province: code, name or abbreviation (65, Kaltara).")),
    deadline_days: int | None = Query(None, ge=0, le=366, description=N_("Days after the as-of date (default 5).")),
):

    api_user(request)
    province = region_param(request, province, "province", ("province",)) if province else None  # as the CLI reads it
    model = completeness_model(request, cutoff_param(cutoff), province, deadline_days)
    return JSONResponse({k: v for k, v in model.items() if k != "cutoffs"})


# --- flags ---------------------------------------------------------------------------------------


def run_flags(request: Request, choice, view) -> list:
    """The flags of a chosen run the user may see (cached per choice), with their current notes."""
    from capaian.quality.notes import attach

    memo = getattr(request.state, "run_flags", None)  # a region page asks three times
    if memo is not None and memo[0] == choice.key:
        return memo[1]
    state = web(request)
    flags = chosen_flags(state, choice)
    version, found = state.quality_notes()
    user = current_user(request)
    # what a user may see depends on their role and region only: kept per (choice, notes, those)
    key = (*choice.key, "shown flags", version, getattr(user, "role", None), getattr(user, "region_code", None))
    shown = state.model(key, lambda: [f for f in attach(flags, found) if allowed(user, "view", f.region_code, view)])
    request.state.run_flags = (choice.key, shown)
    return shown


def flags_model(request: Request, cutoff: str | None, type: str | None, province: str | None,
                severity: str | None) -> dict:
    from capaian.quality.flags import FLAG_TYPES, SEVERITIES, counts, mad_k, select

    user = current_user(request)
    # an office asks about its own region (so it may see its drafts); which flags it sees: `view`
    choice, view = pick_run(request, cutoff, None, region=(user.region_code or "ID") if user else "ID")
    flags = run_flags(request, choice, view)
    type = type if type in FLAG_TYPES else None
    severity = severity if severity in SEVERITIES else None
    shown = select(flags, type, province or None, severity)
    note_shown(f.key for f in flags)  # the counts show every one (a note on any rebuilds the page)
    return {"run": {"run_id": choice.run_id, "cutoff": choice.cutoff, "rubric": choice.rubric,
                    "published": choice.published},
            "k": mad_k(), "counts": counts(flags), "filters": {"type": type or "", "province": province or "",
                                                                "severity": severity or ""},
            "flags": [f.to_dict() for f in shown], "cutoffs": list(choice.cutoffs),
            "types": list(FLAG_TYPES), "severities": list(SEVERITIES),
            "_objects": shown}


@twin(router, "/kualitas")
def flags_table(request: Request) -> Table:
    q = request.query_params
    model = flags_model(request, q.get("cutoff"), q.get("type"), q.get("province"), q.get("severity"))
    rows = [{**{k: v for k, v in f.items() if k not in ("evidence", "explained")},
             "evidence": json.dumps(f["evidence"], default=str),
             "explained": (f["explained"] or {}).get("note", "")} for f in model["flags"]]
    return plain_table({k: v for k, v in model.items() if not k.startswith("_") and k != "cutoffs"}, rows,
                       f"kualitas-{model['run']['cutoff']}")


@router.get("/kualitas")
def flags_page(request: Request, cutoff: str | None = None, type: str | None = None,
               province: str | None = None, severity: str | None = None):
    from capaian.quality.text import describe, severity_label, type_label

    model = flags_model(request, cutoff, type, province, severity)
    user = current_user(request)
    lang = lang_of(request)
    rows = [{"flag": d, "text": describe(o, lang)} for d, o in zip(model["flags"], model["_objects"])]
    return render(request, "quality.html", {
        "m": model, "cutoffs": model["cutoffs"], "rows": rows, "can_explain": allowed(user, "explain_flag"),
        "type_label": lambda t: type_label(t, lang), "severity_label": lambda s: severity_label(s, lang)})


@router.post("/kualitas/catatan")
def explain_flag_form(request: Request, key: str = Form(""), note: str = Form(""), csrf_token: str = Form(""),
                      back: str = Form("/kualitas")):
    user = require_user(request)
    check_csrf(request, csrf_token)
    if not allowed(user, "explain_flag"):
        raise PageError(403, "forbidden")
    from capaian.quality.notes import explain_flag

    with web(request).db() as store:
        explain_flag(store, key, note, user.name)
    web(request).forget_notes()
    from capaian.web.bake import rebuild_flag

    rebuild_flag(request.app, key)  # the baked renderings that show this flag, and only those
    target = back if back.startswith("/kualitas") else "/kualitas"
    return RedirectResponse(target, status_code=303)


@api_router.get("/flags", tags=["quality"],
                summary=N_("Data-quality flags of a cut-off's run, each with severity and evidence"),
                responses=refusals(401, 404, 422, 429), openapi_extra=READ)
def api_flags(
    request: Request,
    cutoff: str | None = Query(None, pattern=CUTOFF_ANY_CASE, description=CUTOFF_HELP),
    type: str | None = Query(None, pattern=FLAG_TYPE_RE, description=N_("Only flags of this type.")),
    province: str | None = Query(None, description=N_("Only regions of this province: code, name or abbreviation (65, Kaltara).")),
    severity: str | None = Query(None, pattern=r"^(high|medium|low)$"),
):

    api_user(request)
    province = region_param(request, province, "province", ("province",)) if province else None  # as the CLI reads it
    model = flags_model(request, cutoff_param(cutoff), type, province, severity)
    return JSONResponse({k: v for k, v in model.items() if not k.startswith("_") and k != "cutoffs"})


# --- flags next to the figures they concern -------------------------------------------------------


def flags_of_region(request: Request, choice, view, code: str) -> dict:
    """{indicator: [flag items]} of one region in the chosen run (what this user may see)."""
    out: dict = {}
    mine = [f for f in run_flags(request, choice, view) if f.region_code == code]
    note_shown(f.key for f in mine)
    for item in flag_items(mine):
        out.setdefault(item["indicator"], []).append(item)
    return out


def attach_flags(request: Request, choice, view, records: list[dict]) -> list[dict]:
    """Result records (`capaian.records.region_record`) with the `flags` of each indicator (what this user may see)."""
    from capaian.quality.flags import by_row

    found = by_row(run_flags(request, choice, view))
    out = []
    for rec in records:
        indicators = {}
        for ind, cell in (rec.get("indicators") or {}).items():
            mine = found.get((rec.get("code") or rec.get("region_code"), ind))
            note_shown(f.key for f in mine or ())
            indicators[ind] = {**cell, "flags": flag_items(mine or [])} if isinstance(cell, dict) else cell
        out.append({**rec, "indicators": indicators})
    return out


# --- forecast to target ----------------------------------------------------------------------------


def forecast_model(request: Request, choice, view, code: str) -> dict:
    """Forecasts of a region (cached per choice), each with its line in both languages; the province
    rollup only for users who may see the regencies' figures."""
    from capaian.quality.forecast import backtest_error, province_allocations, region_forecasts
    from capaian.quality.text import allocation_line, error_note, forecast_line

    labels = {i.id: {"id": i.label.get("id"), "en": i.label.get("en")} for i in view.rubric.indicators}

    def build():
        views = trend_views(request, choice, code)  # only the region's rows of earlier runs
        found = region_forecasts(views, code)
        allocations = province_allocations(view, code) if "." not in code and code != "ID" else []
        mae = backtest_error()
        return {
            "mae_pp": mae, "note": {lang: error_note(mae, lang) for lang in ("id", "en")},
            "forecasts": [{**f.to_dict(), "line": {lang: forecast_line(f, labels[f.indicator][lang], lang)
                                                   for lang in ("id", "en")}} for f in found],
            "allocations": [{**a.to_dict(), "line": {lang: allocation_line(a, labels[a.indicator][lang], lang)
                                                     for lang in ("id", "en")}} for a in allocations],
        }

    model = web(request).model((*choice.key, "forecast", code), build)
    if not allowed(current_user(request), "view_below", code, view):
        model = {**model, "allocations": []}
    return model


@api_router.get("/forecast/{code}", tags=["quality"],
                summary=N_("Forecast to target of a region: pace, projection, status, people needed"),
                responses=refusals(401, 403, 404, 422, 429), openapi_extra=READ)
def api_forecast(
    request: Request,
    code: str,
    cutoff: str | None = Query(None, pattern=CUTOFF_ANY_CASE, description=CUTOFF_HELP),
):

    user, _ = api_user(request)
    code = path_region(request, code)  # a code, name or abbreviation (/api/forecast/Kaltara)
    cutoff = cutoff_param(cutoff)
    if not allowed(user, "view", code, run=True):  # as the region page: never, in no run
        raise PageError(403, "forbidden")
    choice, view = pick_run(request, cutoff, None, region=code)
    if code not in set(view.regions["region_code"]) or not allowed(user, "view", code, view):
        raise PageError(403 if code in set(view.regions["region_code"]) else 404, "forbidden")
    return JSONResponse({"run": {"run_id": choice.run_id, "cutoff": choice.cutoff}, "region_code": code,
                         **forecast_model(request, choice, view, code)})
