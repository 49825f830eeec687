"""Glue used by the CLI, the web app and the reports: evaluate a cut-off from the store, keep the run.

An evaluation run is a snapshot: rubric, target set, hierarchy version, fact revision and time.
Evaluating again with unchanged facts returns the stored run; changed facts make a new run.
Published runs are read back exactly as stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from capaian.errors import CapaianError
from capaian.periods import Cutoff
from capaian.regions import get_hierarchy, version_for_cutoff

# Tiers whose rows are always stored; below them only regions with some data are kept.
OFFICE_TIERS = ("national", "province", "regency")


@dataclass
class RunView:
    """One stored evaluation run: its metadata, result frames and explanations."""

    run_id: int
    meta: dict
    indicators: pd.DataFrame
    regions: pd.DataFrame

    @property
    def cutoff(self) -> str:
        return str(self.meta["cutoff"])

    @property
    def published(self) -> bool:
        return self.meta.get("published_at") is not None and not pd.isna(self.meta.get("published_at"))

    @cached_property
    def rubric(self):
        from capaian.rubrics import load_rubric

        return load_rubric(self.meta["rubric"])

    @cached_property
    def evaluation(self):
        from capaian.evaluate import Evaluation

        return Evaluation.from_frames(self.indicators, self.regions, self.rubric)

    def explain(self, code: str):
        """The explanation of one region (met, not met, path to the next level)."""
        return self.explain_many([code])[0]

    def explain_many(self, codes) -> list:
        """The explanations of several regions, their rows read at once."""
        from capaian.regions import normalize_code

        codes = [normalize_code(code) for code in codes]
        for code in codes:
            if not self.evaluation.has_region(code):
                raise CapaianError(
                    f"Wilayah {code} tidak ada dalam hasil evaluasi {self.cutoff}.",
                    f"Region {code} is not in the evaluation results of {self.cutoff}.",
                )
        return self.evaluation.explain_many(codes)

    def region_row(self, code: str) -> dict:
        rows = self.regions[self.regions["region_code"] == code]
        if rows.empty:
            raise CapaianError(
                f"Wilayah {code} tidak ada dalam hasil evaluasi {self.cutoff}.",
                f"Region {code} is not in the evaluation results of {self.cutoff}.",
            )
        return rows.iloc[0].to_dict()

    def indicator_rows(self, code: str) -> pd.DataFrame:
        return self.evaluation.indicator_rows(code)

    def tier(self, tier: str, province: str | None = None) -> pd.DataFrame:
        """Region rows of one tier (optionally within one province), best first."""
        return self.evaluation.tier(tier, province=province)

    def with_previous(self, previous: "RunView | None") -> "RunView":
        """This run with its change columns (prev_value, prev_level, ...) taken from `previous`,
        the run the picker chose for the cut-off before (None: no previous figures)."""
        from capaian.evaluate.engine import with_previous

        # shallow copies: pandas' copy-on-write keeps this run's frames as they are when the change
        # columns are set, and the opened run shares every other column with it (a server caches both)
        indicators, regions = with_previous(self.indicators.copy(deep=False), self.regions.copy(deep=False), previous)
        meta = {**self.meta, "previous_run_id": None if previous is None else int(previous.run_id)}
        return RunView(run_id=self.run_id, meta=meta, indicators=indicators, regions=regions)


def _trim(indicators: pd.DataFrame, regions: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    office_i = indicators["tier"].isin(OFFICE_TIERS)
    with_data = set(indicators.loc[~office_i & (indicators["status"] != "no_data"), "region_code"])
    keep_i = office_i | indicators["region_code"].isin(with_data)
    keep_r = regions["tier"].isin(OFFICE_TIERS) | regions["region_code"].isin(with_data)
    return (
        indicators[keep_i].reset_index(drop=True),
        regions[keep_r].reset_index(drop=True),
    )


def _run_view(store, run_id: int) -> RunView:
    meta, indicators, regions = store.load_run(run_id)
    return RunView(run_id=run_id, meta=dict(meta), indicators=indicators, regions=regions)


def resolve_rubric(cutoff: Cutoff, rubric_id: str | None):
    from capaian.rubrics import load_rubric, rubric_for

    return load_rubric(rubric_id) if rubric_id else rubric_for(cutoff)


def evaluate_cutoff(
    store,
    cutoff: str | Cutoff,
    rubric_id: str | None = None,
    target_sets: tuple = (),
    actor: str = "system",
    fact_revision: int | None = None,
) -> RunView:
    """Evaluate every region for one cut-off and store the run (or return the identical stored one).

    `fact_revision` re-runs the evaluation against an earlier state of the facts (e.g. before a
    corrected submission superseded some values); by default the current facts are used.
    """
    from capaian.evaluate import evaluate

    from capaian.periods import check_cutoff

    cutoff = check_cutoff(cutoff)  # no run for a cut-off no rubric covers, or whose data cannot exist yet
    if rubric_id is None:  # never a silent borrow of another year's rubric
        from capaian.library import rubric_problem

        refusal = rubric_problem(cutoff)
        if refusal is not None:
            raise refusal
    rubric = resolve_rubric(cutoff, rubric_id)
    version = version_for_cutoff(cutoff)
    target_set_id = ",".join(ts.id for ts in target_sets) or "national"
    revision = store.fact_revision(str(cutoff))
    if fact_revision is not None:
        if fact_revision not in store.fact_revisions(str(cutoff)):
            raise CapaianError(
                f"Revisi fakta {fact_revision} tidak ada untuk cut-off {cutoff}; "
                f"yang ada: {store.fact_revisions(str(cutoff))}.",
                f"Fact revision {fact_revision} does not exist for cut-off {cutoff}; "
                f"known: {store.fact_revisions(str(cutoff))}.",
            )
        revision = fact_revision
    existing = store.find_run(str(cutoff), rubric.id, target_set_id, revision)
    if existing is not None:
        return _run_view(store, existing)
    indicators, region_rows = _evaluate_frames(store, cutoff, rubric, target_sets, revision)
    run_id = store.save_run(
        cutoff=str(cutoff),
        rubric=rubric.id,
        target_set=target_set_id,
        hierarchy_version=version,
        fact_revision=revision,
        indicators=indicators,
        regions=region_rows,
        actor=actor,
    )
    return _run_view(store, run_id)


def preview_cutoff(store, cutoff: str | Cutoff) -> RunView:
    """The figures the current facts of a cut-off give, evaluated as `evaluate_cutoff` would but
    not stored (a draft preview for an office after an upload; run_id 0, `preview` in its meta).
    The stored run of these very facts is returned when there is one."""
    from capaian.periods import check_cutoff

    cutoff = check_cutoff(cutoff)
    rubric = resolve_rubric(cutoff, None)
    revision = store.fact_revision(str(cutoff))
    existing = store.find_run(str(cutoff), rubric.id, "national", revision)
    if existing is not None:
        return _run_view(store, existing)
    indicators, regions = _evaluate_frames(store, cutoff, rubric, (), revision)
    meta = {"cutoff": str(cutoff), "rubric": rubric.id, "target_set": "national", "published_at": None,
            "hierarchy_version": version_for_cutoff(cutoff), "fact_revision": revision, "preview": True}
    return RunView(run_id=0, meta=meta, indicators=indicators, regions=regions)


def _evaluate_frames(store, cutoff, rubric, target_sets, revision):
    """(indicators, regions) frames of a cut-off's facts at `revision` (trimmed as stored)."""
    from capaian.evaluate import evaluate

    version = version_for_cutoff(cutoff)
    facts = store.current_facts(str(cutoff), revision=revision)
    if facts.empty:
        raise CapaianError(
            f"Belum ada data (fakta) untuk cut-off {cutoff}.",
            f"No facts stored for cut-off {cutoff}.",
        )
    regions = get_hierarchy(version).region_frame()
    # "previous" figures are not stored with a run: which earlier run they come from depends on who
    # looks (published runs only for most), so the run picker attaches them when a run is shown.
    from capaian.bases import base_for
    from capaian.library import mark_named_bases

    base = base_for(cutoff)
    result = evaluate(facts, regions, rubric, target_sets=target_sets, previous=None, base=base)
    # a region whose submission named another known base is evaluated on it, and says so
    indicators = mark_named_bases(store, facts, result.indicators, rubric, base)
    return _trim(indicators, result.regions)


def get_runs_of_region(store, run_ids: list[int], code: str) -> dict[int, RunView]:
    """The runs `run_ids` holding only region `code`'s rows (for its trend), by run id."""
    return {run_id: RunView(run_id=run_id, meta=dict(meta), indicators=indicators, regions=regions)
            for run_id, (meta, indicators, regions) in store.load_runs_of_region(run_ids, code).items()}


def get_run(store, run_id: int) -> RunView:
    """A stored run by id, as saved (its change columns empty: the run picker attaches the previous
    run it chooses, see `capaian.runs.select`). Which run answers a question is never decided here."""
    return _run_view(store, int(run_id))  # the store refuses an unknown id
