"""National overview: tile-grid map by level, count per level, the sortable, searchable league table."""

from __future__ import annotations

import json
import unicodedata
from functools import lru_cache

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from capaian.access import allowed
from capaian.web import data
from capaian.web.common import Fmt, fast, HERE, PageError, current_user, lang_of, render, render_fragment, web
from capaian.records.render import Table, results_table
from capaian.web.select import pick_run
from capaian.web.twins import query_flag, twin

router = APIRouter(include_in_schema=False)

SORTS = ("rank", "level", "name", "code", "change")


@lru_cache(maxsize=1)
def tilegrid() -> dict:
    return json.loads((HERE / "static" / "tilegrid.json").read_text(encoding="utf-8"))


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


def filter_regions(records: list[dict], q: str | None) -> list[dict]:
    if not q or not q.strip():
        return records
    needle = _fold(q.strip())
    return [r for r in records if needle in _fold(r["name"]) or r["code"].startswith(needle)]


def sort_regions(records: list[dict], sort: str | None, desc: bool = False) -> list[dict]:
    big = 10**9
    keys = {
        "rank": lambda r: (r["rank_national"] or big, r["code"]),
        "level": lambda r: (-(r["level"] or 0), r["rank_national"] or big, r["code"]),
        "name": lambda r: (_fold(r["name"]), r["code"]),
        "code": lambda r: r["code"],
        "change": lambda r: (-(r["rank_change"] if r["rank_change"] is not None else -big), r["code"]),
    }
    out = sorted(records, key=keys.get(sort or "rank", keys["rank"]))
    return list(reversed(out)) if desc else out


def _model(request: Request, cutoff: str | None, rubric: str | None):
    state = web(request)
    try:
        choice, view = pick_run(request, cutoff, rubric, region="ID")
    except PageError:
        if cutoff is None and rubric is None:
            return None, []  # nothing (visible) evaluated yet: the empty page
        raise
    if not allowed(current_user(request), "view", "ID", view):  # a draft asked for by run id
        raise PageError(403, "forbidden")
    model = state.model((*choice.key, "overview"), lambda: data.overview_model(view))
    request.state.choice_key = choice.key  # names the cached twin
    return model, list(choice.cutoffs)


def _map(model: dict) -> dict:
    grid = tilegrid().get(model["run"]["hierarchy_version"]) or tilegrid()["2025"]
    by_code = {r["code"]: r for r in model["regions"]}
    tiles = []
    for code, tile in grid["tiles"].items():
        rec = by_code.get(code)
        tiles.append({**tile, "code": code, "name": rec["name"] if rec else code,
                      "level": rec["level"] if rec else None, "present": rec is not None})
    return {"cols": grid["cols"], "rows": grid["rows"], "tiles": tiles}


def _map_cells(model: dict, lang: str) -> dict:
    """Per province and indicator: [status, value as shown in a tile], for colouring the map by an indicator."""
    f = Fmt(lang)
    out = {}
    for rec in model["regions"]:
        cells = {}
        for ind_id, c in rec["indicators"].items():
            if c.get("kind") == "coverage":
                shown = f.value(c["kind"], c.get("value"), c.get("target"), c.get("status"), places=0)
            else:
                shown = f"{f.int(c.get('numerator'))}/{f.int(c.get('denominator'))}"
            cells[ind_id] = [c.get("status") or "no_data", f"{f.symbol(c.get('status') or 'no_data')} {shown}"]
        out[rec["code"]] = cells
    return out


@router.get("/")
def home(request: Request):
    target = "/nasional" + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(target, status_code=307)


@router.get("/nasional")
@fast
def overview_page(
    request: Request,
    cutoff: str | None = None,
    rubric: str | None = None,
    sort: str | None = Query(None),
    desc: bool = False,
    q: str | None = None,
):
    model, cutoffs = _model(request, cutoff, rubric)
    if model is None:
        return render(request, "empty.html", {"cutoffs": cutoffs})
    sort = sort if sort in SORTS else "rank"
    ctx = {
        "m": model,
        "cutoffs": cutoffs,
        "q": q or "",
        "sort": sort,
        "desc": desc,
        "geojson": getattr(request.app.state, "geojson_url", None),
        "quality": _quality_counts(request, cutoff, rubric),
    }

    def body_context() -> dict:
        return {**ctx, "rows": sort_regions(filter_regions(model["regions"], q), sort, desc), "map": _map(model),
                "map_cells": _map_cells(model, lang_of(request))}

    key = None if q else (model["run"]["run_id"], model["run"].get("previous_run_id"), tuple(cutoffs), sort,
                          desc, ctx["geojson"])
    if key is not None:
        body = web(request).fragment(("overview_body.html", lang_of(request), *key),
                                     lambda: render_fragment(request, None, "overview_body.html", body_context()))
    else:
        body = render_fragment(request, None, "overview_body.html", body_context())
    return render(request, "overview.html", {**ctx, "body": body})


def _quality_counts(request: Request, cutoff: str | None, rubric: str | None) -> dict:
    """The overview's counts: offices that reported (for users who answer for offices) and open flags."""
    from capaian.web.quality import completeness_counts, run_flags

    choice, view = pick_run(request, cutoff, rubric, region="ID")
    flags = run_flags(request, choice, view)
    from capaian.web.bake import note_shown

    note_shown(f.key for f in flags)  # the count of open ones
    return {"cutoff": choice.cutoff, "flags": sum(1 for f in flags if not f.explained),
            "completeness": completeness_counts(request, choice.cutoff)}


@router.get("/nasional/tabel")
@fast
def league_partial(
    request: Request,
    cutoff: str | None = None,
    rubric: str | None = None,
    sort: str | None = None,
    desc: bool = False,
    q: str | None = None,
):
    """The league table alone (htmx search and sort)."""
    model, _ = _model(request, cutoff, rubric)
    if model is None:
        raise PageError(404, "not_found")
    sort = sort if sort in SORTS else "rank"
    rows = sort_regions(filter_regions(model["regions"], q), sort, desc)
    key = (model["run"]["run_id"], sort, desc, (q or "").strip().lower()[:64])
    html = render_fragment(request, key, "_league.html", {"m": model, "rows": rows, "q": q or "", "sort": sort,
                                                          "desc": desc})
    return HTMLResponse(html)


@twin(router, "/nasional")
def overview_table(request: Request) -> Table:
    """The overview's record set: the nation and its provinces (filtered and sorted as the page)."""
    q = request.query_params
    model, _ = _model(request, q.get("cutoff"), q.get("rubric"))
    if model is None:
        raise PageError(404, "not_found")
    sort = q.get("sort") if q.get("sort") in SORTS else "rank"
    desc = query_flag(request, "desc")
    rows = sort_regions(filter_regions(model["regions"], q.get("q")), sort, desc)
    key = None if q.get("q") else ("overview", *request.state.choice_key, sort, desc)
    return results_table({**data.record_set(model), "regions": rows}, [i["id"] for i in model["indicators"]],
                         name=f"capaian-nasional-{model['run']['cutoff']}", cache_key=key)
