"""Which run a page shows: the request's cut-off, rubric, target set and draft flag, handed to the one
run picker (`capaian.runs.select`) with the user and the region shown."""

from __future__ import annotations

import re

from fastapi import Request

from capaian.regions.codes import shape_tier
from capaian.web.common import PageError, current_user, web

# Years 2000-2099: the pattern the API declares is exactly what the pages and the API accept.
CUTOFF_RE = re.compile(r"^20[0-9]{2}-(0[1-9]|1[0-2])-H[12]$")
RUBRIC_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
TARGET_SET_RE = re.compile(r"^[a-z0-9][a-z0-9_.,-]{0,127}$")
PERIOD_RE = re.compile(r"^20[0-9]{2}-[Qq][1-4]$")  # a quarter: its final run (`capaian.runs.choose`)


tier_of = shape_tier  # the tier of a dotted region code by its shape


def normalise(code: str) -> str:
    try:
        from capaian.regions import normalize_code

        return normalize_code(code)
    except Exception:
        raise PageError(404, "not_found")


def _flag(request: Request, name: str) -> bool:
    return (request.query_params.get(name) or "").lower() in ("1", "true", "ya", "yes", "on")


def pick_run(request: Request, cutoff: str | None, rubric: str | None, region: str = "ID",
             run_id: int | None = None):
    """(Choice, RunView) of the run this request shows for `region`, by the one picker
    (`capaian.runs.select`): `?draft=1`, `?target_set=`, `?run=` and `?period=2022-Q1` (a quarter:
    its final run) come from the query; PageError 404 when nothing matches or the user may not see
    it, 422 for a malformed quarter (a run id wins over a quarter, a quarter over a cut-off)."""
    from capaian.runs import NoRun, choose

    cutoff = cutoff_of(request, cutoff)
    period = request.query_params.get("period") or None
    if period is not None and not PERIOD_RE.fullmatch(period):
        raise PageError(422, "bad_request", f"Triwulan {period[:20]!r} tidak valid; bentuk: YYYY-Qn (mis. 2022-Q1).",
                        f"Invalid quarter {period[:20]!r}; expected YYYY-Qn (e.g. 2022-Q1).")
    if rubric is not None and not RUBRIC_RE.fullmatch(rubric):
        raise PageError(404, "not_found")
    target_set = request.query_params.get("target_set") or None
    if target_set is not None and not TARGET_SET_RE.fullmatch(target_set):
        raise PageError(404, "not_found")
    if run_id is None and (request.query_params.get("run") or "").isdigit():
        run_id = int(request.query_params["run"])  # a link to one run (the runs page)
    state = web(request)
    try:
        choice = choose(state.catalog(), cutoff=cutoff, period=period, rubric=rubric, target_set=target_set,
                        run_id=run_id, draft=_flag(request, "draft"), user=current_user(request), region=region)
    except NoRun as exc:
        raise PageError(404, "not_found", exc.id_message, exc.en_message)
    return choice, state.opened(choice)


def nearest_cutoffs(text: str, cutoffs: list[str], n: int = 3) -> list[str]:
    """The `n` cut-offs of `cutoffs` nearest to what `text` seems to mean (its year and month), in
    order; the latest ones when it names neither."""
    found = re.match(r"\s*(\d{4})(?:\D+(\d{1,2}))?", text or "")
    if not found:
        return sorted(cutoffs)[-n:]
    year, month = int(found.group(1)), int(found.group(2) or 6)
    aim = year * 24 + month * 2

    def distance(c: str) -> tuple:
        return abs(int(c[:4]) * 24 + int(c[5:7]) * 2 + (int(c[-1]) - 1) - aim), c

    return sorted(sorted(cutoffs, key=distance)[:n])


def cutoff_of(request: Request, cutoff: str | None) -> str | None:
    """The cut-off of a URL in its one written form (`2020-11-h1` -> `2020-11-H1`, as in the CLI);
    PageError 400 naming the expected form and the nearest cut-offs with results otherwise."""
    if cutoff is None or CUTOFF_RE.fullmatch(cutoff):
        return cutoff
    from capaian.periods import Cutoff
    from capaian.present.i18n import tr

    try:
        written = str(Cutoff.parse(cutoff))
    except Exception:
        written = None
    if written is not None and CUTOFF_RE.fullmatch(written):
        return written
    near = ", ".join(nearest_cutoffs(cutoff, web(request).catalog().cutoffs(published_only=True)))
    texts = {lang: tr(lang, "Cut-off %(given)s is not valid: the expected form is YYYY-MM-H1 or YYYY-MM-H2 "
                            "(e.g. 2020-11-H1). Nearest cut-offs with results: %(near)s.",
                      given=repr(cutoff[:40]), near=near or "–") for lang in ("id", "en")}
    raise PageError(400, "bad_cutoff", texts["id"], texts["en"])


def trend_views(request: Request, choice, code: str | None = None) -> list:
    """The runs of the trend of a choice (the one trend rule), loaded (with `code`: runs not loaded
    yet are read holding only that region's rows, enough for its trend)."""
    from capaian.runs import trend_run_ids

    state = web(request)
    ids = trend_run_ids(state.catalog(), choice)
    if code is not None:
        return state.trend_views(ids, code)
    return [state.view(run_id) for run_id in ids]
