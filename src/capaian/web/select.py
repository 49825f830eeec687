"""Which run a page shows: the cut-off and rubric asked for, among the runs this user may see."""

from __future__ import annotations

import re

from fastapi import Request

from capaian.access import allowed
from capaian.web.common import PageError, current_user, web

CUTOFF_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-H[12]$")
RUBRIC_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")


def tier_of(code: str) -> str | None:
    """The tier of a dotted region code by its shape."""
    if code == "ID":
        return "national"
    parts = code.split(".")
    shapes = {1: "province", 2: "regency", 3: "district", 4: "village"}
    if not all(p.isdigit() for p in parts):
        return None
    return shapes.get(len(parts))


def normalise(code: str) -> str:
    try:
        from capaian.regions import normalize_code

        return normalize_code(code)
    except Exception:
        raise PageError(404, "not_found")


def published_only_for(request: Request, code: str = "ID") -> bool:
    """Unpublished runs are only for users whose jurisdiction covers the region shown."""
    return not allowed(current_user(request), "view", code)


def choose_run(request: Request, cutoff: str | None, rubric: str | None, published_only: bool):
    """(run_id, cut-offs the user may choose from); PageError 404 when nothing matches."""
    if cutoff is not None and not CUTOFF_RE.match(cutoff):
        raise PageError(404, "not_found")
    if rubric is not None and not RUBRIC_RE.match(rubric):
        raise PageError(404, "not_found")
    catalog = web(request).catalog()
    cutoffs = catalog.cutoffs(published_only=published_only)
    if not cutoffs:
        return None, []
    chosen = cutoff or cutoffs[-1]
    run_id = catalog.latest(chosen, rubric=rubric or None, published_only=published_only)
    if run_id is None:
        raise PageError(404, "not_found")
    return run_id, cutoffs


def visible_views(request: Request, year: int, rubric: str | None, published_only: bool) -> list:
    """The run shown for each cut-off of a year (same rule as the pages), in time order."""
    state = web(request)
    catalog = state.catalog()
    views = []
    for cutoff in catalog.cutoffs(published_only=published_only, rubric=rubric):
        if not cutoff.startswith(f"{year:04d}-"):
            continue
        run_id = catalog.latest(cutoff, rubric=rubric, published_only=published_only)
        if run_id is not None:
            views.append(state.view(run_id))
    return views
