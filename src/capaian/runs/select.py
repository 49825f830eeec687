"""The one run picker: which stored evaluation run answers a question, on every surface.

Dashboard pages and their twins, the API, report downloads, `capaian explain/report/runs`, the trend
and the "previous" figures all call `choose()`; nothing else picks runs. The rule:

- A run id, when given, is that run (an unpublished one only for a user who may know of it, see
  `capaian.access`: for anyone else it does not exist; which of its rows they see is the caller's
  `allowed(user, "view", region, run)`).
- Otherwise the newest run of the cut-off (default: the newest cut-off that has one) with the
  rubric (default: any, the year's own rubric first) and the target set (default: ``national``;
  a regional set's runs are shown only when that set is asked for).
- Published runs only, unless a draft is asked for (`draft=True`, `--draft`, `?draft=1`) by a user
  who may see drafts of the region: then the newest run, published or not.
- A quarter (`period="2022-Q1"`, `--period`, `?period=`; a run id wins over it, it wins over a
  cut-off) is its last cut-off (2022-03-H2) by the same rule, until the national team closes it (`capaian quarter close`): from then on it is the
  run recorded as its final result (national targets; a regional target set or another rubric
  still takes the rule), and the choice says `final`.
- "Previous" is the run the same rule picks for the cut-off before (same year, region list, rubric
  and target set; published only when the chosen run is shown as published), so an unpublished run never
  leaks through the change columns of a published one.
"""

from __future__ import annotations

from dataclasses import dataclass

from capaian.errors import CapaianError
from capaian.periods import Cutoff
from capaian.runs.catalog import NATIONAL, Catalog


class NoRun(CapaianError):
    """No run answers the question (or none this user may see); a 404 on the web."""


@dataclass(frozen=True)
class Choice:
    """The picker's answer: the run, its neighbours' rule and what else could have been chosen."""

    run_id: int
    cutoff: str
    rubric: str
    target_set: str
    published: bool
    published_only: bool  # the rule for the trend and "previous" of this choice
    previous_run_id: int | None
    cutoffs: tuple[str, ...]  # cut-offs this request could choose from (same rule), in time order
    period: str | None = None  # the quarter asked for (`2022-Q1`), when it was asked by quarter
    final: bool = False  # the run is the recorded final result of a closed quarter

    @property
    def draft(self) -> bool:
        return not self.published

    @property
    def key(self) -> tuple:
        """What a cached page model built from this choice depends on."""
        return (self.run_id, self.previous_run_id, self.published_only, self.period, self.final)


def may_see_drafts(user, region: str = "ID") -> bool:
    """Whether `user` may see unpublished figures of `region` (the access rule decides)."""
    from capaian.access import allowed

    return allowed(user, "view", region, run=False)


def may_see_run(user, row: dict) -> bool:
    """Whether `user` may know that a run exists (which of its rows they see is `view`'s to say)."""
    from capaian.access import allowed

    return allowed(user, "view_run", run=row)


def target_set_id(target_sets) -> str:
    """The id under which runs of these target sets are stored (`national` for none)."""
    ids = [t if isinstance(t, str) else t.id for t in (target_sets or ())]
    return ",".join(ids) or NATIONAL


def _preferred_rubric(catalog: Catalog, cutoff: str, published_only: bool, target_set: str) -> str | None:
    rubrics = catalog.rubrics(cutoff, published_only=published_only, target_set=target_set)
    if len(rubrics) <= 1:
        return rubrics[0] if rubrics else None
    from capaian.rubrics import rubric_for

    own = rubric_for(Cutoff.parse(cutoff)).id
    return own if own in rubrics else None


def _none_found(cutoff: str | None, rubric: str | None, target_set: str, published_only: bool,
                catalog: Catalog) -> NoRun:
    what_id = f"cut-off {cutoff}" if cutoff else "cut-off mana pun"
    what_en = f"cut-off {cutoff}" if cutoff else "any cut-off"
    extra_id, extra_en = "", ""
    if rubric:
        extra_id += f", rubrik {rubric}"
        extra_en += f", rubric {rubric}"
    if target_set != NATIONAL:
        extra_id += f", set target {target_set}"
        extra_en += f", target set {target_set}"
    if published_only:
        drafts = [r["id"] for r in catalog.select(False, rubric, cutoff, target_set)]
        hint_id = f" Run belum terbit terbaru: {max(drafts)} (pakai --draft)." if drafts else ""
        hint_en = f" Newest unpublished run: {max(drafts)} (use --draft)." if drafts else ""
        return NoRun(f"Belum ada run terbit untuk {what_id}{extra_id}.{hint_id}",
                     f"There is no published run for {what_en}{extra_en}.{hint_en}")
    return NoRun(f"Belum ada run evaluasi untuk {what_id}{extra_id} (jalankan `capaian evaluate`).",
                 f"There is no evaluation run for {what_en}{extra_en} (run `capaian evaluate`).")


def _quarter_request(catalog: Catalog, period, rubric, target_set):
    """(cut-off, run id) that a quarter asks for: its final run once closed, else its last cut-off.
    A run id still wins (as it wins over a cut-off), and the quarter wins over a cut-off."""
    from capaian.periods import Quarter

    quarter = Quarter.parse(period)
    final = catalog.final_run(str(quarter))
    if final is not None and (target_set or NATIONAL) == NATIONAL and rubric in (None, catalog.row(final)["rubric"]):
        return None, final
    return str(quarter.last_cutoff), None


def choose(
    catalog: Catalog,
    *,
    cutoff: str | None = None,
    period: str | None = None,
    rubric: str | None = None,
    target_set: str | None = None,
    run_id: int | None = None,
    draft: bool = False,
    user=None,
    region: str = "ID",
) -> Choice:
    """The run that answers (cut-off | quarter, rubric, target set | run id, draft) for `user`
    looking at `region`; `NoRun` when there is none they may see."""
    drafts_ok = may_see_drafts(user, region)
    if period is not None:
        from capaian.periods import Quarter

        period = str(Quarter.parse(period))
        if run_id is None:
            cutoff, run_id = _quarter_request(catalog, period, rubric, target_set)
        else:  # a run id wins, as over a cut-off; it says a quarter only when it is its final run
            period = None
    if run_id is not None:
        row = catalog.row(run_id)
        if row is None or not may_see_run(user, row):
            raise NoRun(f"Run {run_id} tidak ada.", f"There is no run {run_id}.")
        published_only = row["published"]
        cut, rubric, target_set = row["cutoff"], row["rubric"], row["target_set"]
    else:
        published_only = not (draft and drafts_ok)
        target_set = target_set or NATIONAL
        if cutoff is not None:
            cutoff = str(Cutoff.parse(cutoff))
        known = catalog.cutoffs(published_only=published_only, rubric=rubric, target_set=target_set)
        cut = cutoff or (known[-1] if known else None)
        if cut is None:
            raise _none_found(cutoff, rubric, target_set, published_only, catalog)
        rubric = rubric or _preferred_rubric(catalog, cut, published_only, target_set)
        found = catalog.latest(cut, rubric=rubric, published_only=published_only, target_set=target_set)
        if found is None:
            raise _none_found(cut, rubric, target_set, published_only, catalog)
        row = catalog.row(found)
        rubric = row["rubric"]
    return Choice(
        run_id=int(row["id"]),
        cutoff=cut,
        rubric=rubric,
        target_set=target_set,
        published=bool(row["published"]),
        published_only=published_only,
        previous_run_id=_previous(catalog, cut, rubric, target_set, published_only, int(row["id"])),
        cutoffs=tuple(catalog.cutoffs(published_only=published_only, rubric=None, target_set=target_set)),
        period=period or row.get("final_quarter"),  # a closed quarter's final run says its quarter
        final=row.get("final_quarter") is not None,
    )


def _previous(catalog: Catalog, cutoff: str, rubric: str, target_set: str, published_only: bool,
              run_id: int | None = None) -> int | None:
    cut = Cutoff.parse(cutoff)
    before = cut.previous()
    if before.year != cut.year:
        return None
    found = catalog.latest(str(before), rubric=rubric, published_only=published_only, target_set=target_set)
    if found is not None and run_id is not None and not same_regions(catalog, found, run_id):
        return None  # another region list (e.g. Papua split on 25 Jul 2022): no comparable figures
    return found


def same_regions(catalog: Catalog, a: int, b: int) -> bool:
    """Whether two runs were evaluated on the same region list: the trend and "previous" figures stay
    within one (as they stay within one year), so a province that lost regencies to a new one
    never reads as a fall."""
    return catalog.hierarchy_version(a) == catalog.hierarchy_version(b)


def open_choice(choice: Choice, load):
    """The RunView of a choice with its "previous" columns taken from the previous run the picker
    chose (`load(run_id) -> RunView`, e.g. a cached loader), and in its meta the quarter it answers
    (`period`, when asked by quarter or when it is a closed quarter's final run) and `final`."""
    view = load(choice.run_id)
    previous = load(choice.previous_run_id) if choice.previous_run_id is not None else None
    opened = view.with_previous(previous)
    opened.meta.update(period=choice.period, final=choice.final)
    return opened


def pick(store, *, user=None, region: str = "ID", **request):
    """`choose()` on the store's runs, then the run loaded with its previous: for the CLI and reports."""
    from capaian.service import get_run

    choice = choose(Catalog.from_store(store), user=user, region=region, **request)
    return open_choice(choice, lambda run_id: get_run(store, run_id=run_id)), choice
