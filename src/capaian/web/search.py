"""The search box of every page's header: `/cari?q=` finds provinces (name, code, abbreviation)
and regencies/cities (name, code) through `capaian.regions.search`. A plain GET form (works
without JavaScript); with htmx the box shows the same results as you type (`?suggest=1` answers
the list alone). A query naming exactly one region leads straight to its page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from capaian.regions.search import search, stored_hierarchy
from capaian.web.common import render, render_fragment, web

router = APIRouter(include_in_schema=False)
LIMIT = 30


def _hierarchy(request: Request):
    """The provinces and regencies of the store's region table, kept by the server's state."""
    state = web(request)

    def build():
        with state.reader() as store:
            return stored_hierarchy(store)

    return state.model(("search-hierarchy",), build)


@router.get("/cari")
def search_page(request: Request, q: str = "", suggest: bool = False):
    query = q.strip()[:80]
    found = search(_hierarchy(request), query, LIMIT) if query else []
    if suggest:
        return HTMLResponse(render_fragment(request, None, "_search_results.html", {"q": query, "found": found}))
    if len(found) == 1 and "hx-request" not in request.headers:
        return RedirectResponse(f"/wilayah/{found[0].code}", status_code=303)
    return render(request, "search.html", {"q": query, "search_q": query, "found": found})


def region_code(request: Request, text: str, parameter: str = "region",
                tiers: tuple[str, ...] = ("national", "province", "regency")) -> str:
    """The code of the region `text` names (code, name or abbreviation: `capaian.spellings.region`,
    the one reading of the CLI, the pages and the API) among the store's provinces and regencies;
    `SpellingError` (422 naming `parameter`) otherwise."""
    from capaian import spellings

    return spellings.region(text, _hierarchy(request), tiers=tiers, parameter=parameter)
