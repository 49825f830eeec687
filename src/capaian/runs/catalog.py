"""A snapshot of the evaluation runs table, with its look-ups memoised (plain Python, no pandas).

The web app keeps one (re-read every few seconds and at once after a write); the CLI and the
reports read one from the store per command. The run picker (`capaian.runs.select`) only ever
asks a catalog, so every surface chooses among the same rows with the same rule.
"""

from __future__ import annotations

import time

import pandas as pd

NATIONAL = "national"


def _published(value) -> bool:
    return value is not None and not pd.isna(value)


class Catalog:
    """The runs of a store: id, cut-off, rubric, target set, publication state of each and the
    quarter it is the final result of (closed quarters)."""

    def __init__(self, runs: pd.DataFrame):
        self.runs = runs
        self.stamp = time.monotonic()
        self._rows = [
            {
                "id": int(r["id"]),
                "cutoff": str(r["cutoff"]),
                "rubric": r["rubric"],
                "target_set": (r.get("target_set") if isinstance(r.get("target_set"), str) else None) or NATIONAL,
                "published": _published(r.get("published_at")),
                "final_quarter": r.get("final_quarter") if isinstance(r.get("final_quarter"), str) else None,
                "meta": r,
            }
            for r in runs.to_dict("records")
        ]
        self._by_id = {r["id"]: r for r in self._rows}
        self._memo: dict = {}

    @classmethod
    def from_store(cls, store) -> "Catalog":
        return cls(store.list_runs())

    def _memoised(self, key, compute):
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def select(self, published_only: bool = False, rubric: str | None = None, cutoff: str | None = None,
               target_set: str | None = NATIONAL) -> list[dict]:
        """Rows matching every given filter (`target_set=None`: any target set)."""
        return [
            r for r in self._rows
            if (not published_only or r["published"])
            and (rubric is None or r["rubric"] == rubric)
            and (cutoff is None or r["cutoff"] == cutoff)
            and (target_set is None or r["target_set"] == target_set)
        ]

    def cutoffs(self, published_only: bool = False, rubric: str | None = None,
                target_set: str | None = NATIONAL) -> list[str]:
        """Cut-offs with a matching run, in time order."""
        from capaian.periods import Cutoff

        return self._memoised(
            ("cutoffs", published_only, rubric or None, target_set),
            lambda: sorted({r["cutoff"] for r in self.select(published_only, rubric or None, None, target_set)},
                           key=lambda c: Cutoff.parse(c).as_of),
        )

    def rubrics(self, cutoff: str, published_only: bool = False, target_set: str | None = NATIONAL) -> list[str]:
        return self._memoised(
            ("rubrics", cutoff, published_only, target_set),
            lambda: sorted({r["rubric"] for r in self.select(published_only, None, cutoff, target_set)}),
        )

    def target_sets(self, cutoff: str | None = None, published_only: bool = False) -> list[str]:
        """Target sets that have runs (of a cut-off), national first."""
        found = {r["target_set"] for r in self.select(published_only, None, cutoff, None)}
        return sorted(found, key=lambda t: (t != NATIONAL, t))

    def latest(self, cutoff: str, rubric: str | None = None, published_only: bool = False,
               target_set: str | None = NATIONAL) -> int | None:
        """Newest run id of a cut-off among the matching runs, or None."""

        def compute():
            ids = [r["id"] for r in self.select(published_only, rubric or None, cutoff, target_set)]
            return max(ids) if ids else None

        return self._memoised(("latest", cutoff, rubric or None, published_only, target_set), compute)

    def final_run(self, quarter: str) -> int | None:
        """The run recorded as the final result of a closed quarter (`capaian quarter close`), or None."""
        found = [r["id"] for r in self._rows if r["final_quarter"] == str(quarter)]
        return found[0] if found else None

    def closed_quarters(self) -> dict[str, int]:
        """Closed quarter -> its final run id."""
        return {r["final_quarter"]: r["id"] for r in self._rows if r["final_quarter"]}

    def hierarchy_version(self, run_id: int) -> str | None:
        """The region list a run was evaluated on (None when not recorded)."""
        meta = self.meta(run_id)
        version = None if meta is None else meta.get("hierarchy_version")
        return version if isinstance(version, str) else None

    def row(self, run_id: int) -> dict | None:
        return self._by_id.get(int(run_id))

    def meta(self, run_id: int) -> dict | None:
        row = self.row(run_id)
        return None if row is None else row["meta"]

    def published(self, run_id: int) -> bool:
        row = self.row(run_id)
        return bool(row and row["published"])

    def ids(self) -> list[int]:
        return [r["id"] for r in self._rows]
