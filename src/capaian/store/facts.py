"""Facts: (region_code, cutoff, fact, value, source) with a full revision history.

Every write gets a new global revision number. A value that differs from the current one for the
same (region_code, cutoff, fact) is inserted with that revision and the row it replaces gets
`superseded_by = revision`; unchanged values are not written again. So:

- the current facts of a cut-off are the rows with `superseded_by IS NULL`;
- the facts as of an earlier revision R are the rows with `revision <= R` and
  (`superseded_by IS NULL` or `superseded_by > R`): any earlier state can be evaluated again;
- `fact_revision(cutoff)` (the newest revision touching the cut-off) changes whenever a fact of
  that cut-off changes, and only then.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from capaian.cells import rows
from capaian.errors import CapaianError
from capaian.store.core import utcnow

FACT_COLUMNS = ["region_code", "cutoff", "fact", "value", "source"]


@dataclass
class FactWrite:
    """What one `write_facts` call did. `revision` is None when nothing changed.

    `changes` (one dict per changed fact: region_code, cutoff, fact, old, new, old_source, ...)
    is made from the changed rows when first asked for: a register computation writes 500,000
    facts per cut-off and nobody reads them as dicts.
    """

    revision: int | None
    inserted: int
    changed: pd.DataFrame | None = field(default=None, repr=False)

    @cached_property
    def changes(self) -> list[dict]:
        return [] if self.changed is None else _records(self.changed)

    @property
    def superseded_submissions(self) -> list[int]:
        if self.changed is None:
            return []
        ids = self.changed["old_submission_id"].dropna().unique()
        return sorted(int(i) for i in ids)


class FactsMixin:
    def current_facts(self, cutoff: str, revision: int | None = None, regions=None) -> pd.DataFrame:
        """Facts of one cut-off: the newest values, or the state as of `revision`; only those of
        `regions` (codes) when given."""
        sql = "SELECT region_code, cutoff, fact, value, source FROM facts WHERE cutoff = ? AND "
        params: list = [str(cutoff)]
        if regions is not None:
            sql += "region_code = ANY(?) AND "
            params.append(sorted(regions))
        if revision is None:
            sql += "superseded_by IS NULL"
        else:
            sql += "revision <= ? AND (superseded_by IS NULL OR superseded_by > ?)"
            params += [int(revision), int(revision)]
        return self.query_df(sql + " ORDER BY region_code, fact", params)

    def fact_revision(self, cutoff: str) -> int | None:
        """Identifier of the current fact state of a cut-off (None when it has no facts)."""
        value = self.scalar("SELECT max(revision) FROM facts WHERE cutoff = ?", [str(cutoff)])
        return None if value is None else int(value)

    def fact_revisions(self, cutoff: str) -> list[int]:
        """Every revision that changed a fact of the cut-off, oldest first."""
        rows = self.con.execute(
            "SELECT DISTINCT revision FROM facts WHERE cutoff = ? ORDER BY revision", [str(cutoff)]
        ).fetchall()
        return [int(r[0]) for r in rows]

    def fact_history(self, cutoff: str, region_code: str | None = None) -> pd.DataFrame:
        """Every stored fact row of a cut-off (all revisions), for audit and display."""
        sql = "SELECT * FROM facts WHERE cutoff = ?"
        params: list = [str(cutoff)]
        if region_code:
            sql += " AND region_code = ?"
            params.append(region_code)
        return self.query_df(sql + " ORDER BY region_code, fact, revision", params)

    def record_fact_extract(self, cutoff: str, scope: str, method: str, fingerprint: str, rows: int,
                            digest: str, actor: str) -> None:
        """Note what the register facts of `cutoff` just written were computed from
        (`capaian.facts.extract`); the caller writes facts and note in one transaction."""
        self.con.execute(
            "INSERT INTO fact_extracts VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [str(cutoff), scope, method, fingerprint, int(rows), digest, utcnow(), actor],
        )

    def fact_extracts(self, fingerprint: str, scope: str) -> pd.DataFrame:
        """The register computations noted for an extract and scope, newest first per cut-off
        (cutoff, method, rows, digest)."""
        return self.query_df(
            "SELECT cutoff, method, rows, digest, computed_at FROM fact_extracts "
            "WHERE fingerprint = ? AND scope = ? ORDER BY cutoff, computed_at DESC",
            [fingerprint, scope],
        )

    def list_cutoffs(self) -> list[str]:
        """Cut-offs that have facts, in time order."""
        rows = self.con.execute("SELECT DISTINCT cutoff FROM facts ORDER BY cutoff").fetchall()
        return [r[0] for r in rows]

    def write_facts(
        self,
        facts: pd.DataFrame,
        source: str,
        actor: str,
        submission_id: int | None = None,
        audit: bool = True,
    ) -> FactWrite:
        """Store facts (columns region_code, cutoff, fact, value); changed values supersede.

        Rows with a missing value are dropped (missing = no data, never 0). Runs in one
        transaction (joining the caller's, if any). With `audit`, records `facts.write`.
        """
        incoming = _clean(facts)
        if incoming.empty:
            return FactWrite(None, 0)
        with self.transaction():
            with self.registered("_facts_in", incoming):
                changed = self.query_df(
                    """
                    SELECT i.region_code, i.cutoff, i.fact, c.value AS old, i.value AS new,
                           c.source AS old_source, c.submission_id AS old_submission_id,
                           c.revision AS old_revision
                    FROM _facts_in i LEFT JOIN facts c
                      ON c.superseded_by IS NULL AND c.region_code = i.region_code
                     AND c.cutoff = i.cutoff AND c.fact = i.fact
                    WHERE c.value IS DISTINCT FROM i.value
                    ORDER BY i.region_code, i.fact
                    """
                )
            if changed.empty:
                return FactWrite(None, 0)
            revision = self.next_id("fact_revision_seq")
            with self.registered("_facts_changed", changed):
                self.con.execute(
                    """
                    UPDATE facts SET superseded_by = ?
                    FROM _facts_changed x
                    WHERE facts.superseded_by IS NULL AND facts.region_code = x.region_code
                      AND facts.cutoff = x.cutoff AND facts.fact = x.fact
                    """,
                    [revision],
                )
                self.con.execute(
                    """
                    INSERT INTO facts (region_code, cutoff, fact, value, source, submission_id,
                                       revision, superseded_by)
                    SELECT region_code, cutoff, fact, new, CAST(? AS VARCHAR), CAST(? AS BIGINT),
                           CAST(? AS BIGINT), NULL FROM _facts_changed
                    """,
                    [source, submission_id, revision],
                )
            self.con.execute(
                "INSERT INTO fact_revisions VALUES (?, ?, ?, ?, ?, ?)",
                [revision, source, submission_id, actor, utcnow(), len(changed)],
            )
            result = FactWrite(revision, len(changed), changed)
            if audit:
                self.audit(
                    actor,
                    "facts.write",
                    f"revision:{revision}",
                    {"source": source, "rows": len(changed), "changes": _updates_only(changed)},
                )
        return result


def _records(changed: pd.DataFrame) -> list[dict]:
    """The changed rows as dicts with plain values (None for missing, ints for ids)."""
    out = rows(changed)
    for row in out:
        for key in ("old_submission_id", "old_revision"):
            if row.get(key) is not None:
                row[key] = int(row[key])
    return out


def _updates_only(changed: pd.DataFrame) -> list[dict]:
    """Changes that replaced an earlier value (old -> new), for the audit log."""
    replaced = changed.loc[changed["old"].notna(), ["region_code", "cutoff", "fact", "old", "new", "old_source"]]
    return _records(replaced)


def _clean(facts: pd.DataFrame) -> pd.DataFrame:
    missing = {"region_code", "cutoff", "fact", "value"} - set(facts.columns)
    if missing:
        raise CapaianError(
            f"Kolom fakta tidak lengkap: {', '.join(sorted(missing))}.",
            f"Facts frame lacks columns: {', '.join(sorted(missing))}.",
        )
    frame = pd.DataFrame(
        {
            "region_code": facts["region_code"].astype(str),
            "cutoff": facts["cutoff"].astype(str),
            "fact": facts["fact"].astype(str),
            "value": pd.to_numeric(facts["value"], errors="raise").astype("float64"),
        }
    )
    frame = frame[frame["value"].notna()].reset_index(drop=True)
    dup = frame.duplicated(["region_code", "cutoff", "fact"], keep=False)
    if dup.any():
        first = frame[dup].iloc[0]
        raise CapaianError(
            f"Fakta ganda: {first['region_code']} {first['cutoff']} {first['fact']}.",
            f"Duplicate fact: {first['region_code']} {first['cutoff']} {first['fact']}.",
        )
    return frame
