"""The national regency/city scorecard: every regency and city of the run in one sortable table,
filterable by name or code, province, level and "only not met", sorted on the server (headers are
links with `aria-sort`), 100 rows a page (a page stays under 300 KB), the level beside the previous
run's (the run picker's `previous_run_id`) and the same cut-off a year earlier, columns that can be
hidden (the DHIS2 scorecard convention); .json/.csv twins (every matching row, unpaged).

Rows are the regencies the user may see (`allowed(user, "view", code, run)`): in a published run
every one (published runs are public down to the regency/city); in a draft, the user's jurisdiction."""

from __future__ import annotations

from fastapi import APIRouter, Request

from capaian.access import allowed
from capaian.web import data
from capaian.web.common import PageError, current_user, fast, render, web
from capaian.records import records as region_records
from capaian.records.render import Table, results_table
from capaian.web.select import pick_run
from capaian.web.twins import twin

router = APIRouter(include_in_schema=False)


def scorecard_records(view) -> list[dict]:
    """Every regency/city of the run, by national rank, with its province's name."""
    regs = view.regions[view.regions["tier"] == "regency"].sort_values(
        ["rank_national", "region_code"], na_position="last")
    names = dict(zip(view.regions["region_code"], view.regions["region_name"]))
    out = region_records(view, regs)
    for rec in out:
        rec["province_name"] = names.get(rec["province_code"])
    return out


PAGE_SIZE = 100  # rows per page: a page of the scorecard stays under 300 KB
SORTS = ("rank", "name", "province", "level", "met", "change")


def _fold(text) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", str(text or "").lower()) if not unicodedata.combining(c))


def filter_rows(rows: list[dict], q: str | None = None, provinsi: str | None = None, level: str | None = None,
                unmet: str | None = None) -> list[dict]:
    """Rows matching a name or code (`q`), a province, a level, and with `unmet` ("any" or an
    indicator id) only those not meeting any / that indicator."""
    needle = _fold(q.strip()) if q and q.strip() else None
    out = []
    for r in rows:
        if provinsi and r["province_code"] != provinsi:
            continue
        if level and str(r["level"]) != str(level):
            continue
        if needle and needle not in _fold(r["name"]) and not r["code"].startswith(needle) \
                and needle not in _fold(r.get("province_name")):
            continue
        if unmet:
            cells = r["indicators"].values() if unmet == "any" else [r["indicators"].get(unmet) or {}]
            if not any(c.get("status") == "not_met" for c in cells):
                continue
        out.append(r)
    return out


def sort_rows(rows: list[dict], sort: str | None, desc: bool = False) -> list[dict]:
    """Rows by a column: rank (default), name, province (ascending), level, met, change or an
    indicator id (its value; best first); `desc` reverses. Rows without a value go last either way."""
    def value(r):
        if sort == "name":
            return _fold(r["name"])
        if sort == "province":
            return _fold(r.get("province_name"))
        if sort in ("level", "met", "change"):
            return r[{"level": "level", "met": "indicators_met", "change": "rank_change"}[sort]]
        if sort in (None, "rank"):
            return r["rank_national"]
        c = r["indicators"].get(sort) or {}
        return c.get("value") if c.get("value") is not None else c.get("numerator")

    present = [r for r in rows if value(r) is not None]
    missing = [r for r in rows if value(r) is None]
    best_first = sort not in (None, "rank", "name", "province")  # levels, counts, values: highest first
    present.sort(key=lambda r: r["code"])  # ties by code, either direction (the sort below is stable)
    present.sort(key=value, reverse=desc != best_first)
    return present + missing


def _year_earlier(request: Request, choice, view) -> dict:
    """The same cut-off a year earlier: {cutoff, levels: {regency code: level}} (`missing` when it
    has no run the reader may see)."""
    from capaian.periods import Cutoff

    cut = Cutoff.parse(choice.cutoff)
    earlier = f"{cut.year - 1:04d}-{cut.month:02d}-H{cut.half}"
    if earlier not in choice.cutoffs:
        return {"cutoff": earlier, "levels": {}, "missing": True}
    try:
        _, old = pick_run(request, earlier, None)
    except PageError:
        return {"cutoff": earlier, "levels": {}, "missing": True}
    regs = old.regions[old.regions["tier"] == "regency"]
    return {"cutoff": earlier, "levels": {c: (None if lv != lv or lv is None else int(lv))
                                          for c, lv in zip(regs["region_code"], regs["level"])}}


def _model(request: Request, cutoff, rubric, provinsi, level, q=None, unmet=None):
    choice, view = pick_run(request, cutoff, rubric)
    user = current_user(request)
    if not allowed(user, "view", "ID", view):
        raise PageError(403, "forbidden")
    state = web(request)
    overview = state.model((*choice.key, "overview"), lambda: data.overview_model(view))
    records = state.model((*choice.key, "scorecard"), lambda: scorecard_records(view))
    visible = [r for r in records if allowed(user, "view", r["code"], view)]
    provinces = sorted({(r["province_code"], r["province_name"]) for r in visible})
    rows = filter_rows(visible, q, provinsi, level, unmet)
    model = {k: overview[k] for k in ("run", "rubric", "bands", "indicators")}
    model["year_earlier"] = state.model((*choice.key, "scorecard-year-earlier"),
                                        lambda: _year_earlier(request, choice, view)) if visible else {}
    return model, rows, provinces, list(choice.cutoffs), len(visible)


@router.get("/nasional/kabkota")
@fast
def scorecard_page(request: Request, cutoff: str | None = None, rubric: str | None = None,
                   provinsi: str | None = None, level: str | None = None, q: str | None = None,
                   belum: str | None = None, sort: str | None = None, desc: bool = False, halaman: int = 1):
    model, rows, provinces, cutoffs, seen = _model(request, cutoff, rubric, provinsi, level, q, belum)
    ids = {i["id"] for i in model["indicators"]}
    sort = sort if sort in SORTS or sort in ids else "rank"
    rows = sort_rows(rows, sort, desc)
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    halaman = min(max(1, halaman), pages)
    shown = rows[(halaman - 1) * PAGE_SIZE: halaman * PAGE_SIZE]
    return render(request, "scorecard.html", {"m": model, "rows": shown, "total": len(rows), "provinces": provinces,
                                              "cutoffs": cutoffs, "provinsi": provinsi or "",
                                              "level": level or "", "seen": seen, "q": q or "",
                                              "belum": belum if belum in ids or belum == "any" else "",
                                              "sort": sort, "desc": desc, "page": halaman, "pages": pages,
                                              "page_size": PAGE_SIZE})


@twin(router, "/nasional/kabkota")
def scorecard_table(request: Request) -> Table:
    """Every regency/city the reader may see, as /api/results gives them (with the province's name)."""
    q = request.query_params
    model, rows, _, _, _ = _model(request, q.get("cutoff"), q.get("rubric"), q.get("provinsi"), q.get("level"),
                                  q.get("q"), q.get("belum"))
    return results_table({"run": model["run"], "tier": "regency", "regions": rows},
                         [i["id"] for i in model["indicators"]], name=f"capaian-kabkota-{model['run']['cutoff']}")
