"""`capaian db check`: verify a store (either backend).

- migrations: the store is at this capaian's schema version and every applied step is known;
- orphan rows: results of a missing run, facts of a missing revision or submission, sessions of
  a removed user, quarantined rows or register rows of a missing import;
- runs: each run's results still give the digest kept when it was saved (a published run whose
  results changed is an error), and its row counts agree;
- the file (DuckDB): it is as long as its blocks need (a truncated copy is damaged even when the
  blocks read so far are whole).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from capaian.present.i18n import N_

# (table, column, parent table, parent column): rows of `table` whose `column` names no parent row
ORPHANS = (
    ("results_indicators", "run_id", "evaluation_runs", "id"),
    ("results_regions", "run_id", "evaluation_runs", "id"),
    ("facts", "revision", "fact_revisions", "revision"),
    ("facts", "submission_id", "submissions", "id"),
    ("sessions", "user_name", "users", "name"),
    ("quarantine", "import_id", "register_imports", "id"),
    ("residents", "import_id", "register_imports", "id"),
    ("service_events", "import_id", "register_imports", "id"),
)


@dataclass
class Problem:
    kind: str  # migration | orphans | digest | rows | file
    subject: str  # e.g. "run:12", "facts.submission_id"
    message: str  # an English catalogue message with %(name)s placeholders: tr(lang, message, **values)
    values: dict = field(default_factory=dict)
    published: bool = False

    def text(self, lang: str | None = None) -> str:
        from capaian.present.i18n import tr

        return tr(lang, self.message, **self.values)


@dataclass
class CheckReport:
    schema_version: int
    runs_checked: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_store(store) -> CheckReport:
    from capaian.store.migrate import known_migrations

    known = {m.version: m.name for m in known_migrations(store.backend)}
    report = CheckReport(store.schema_version())
    applied = store.con.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()
    for version, name in applied:
        if known.get(int(version)) != name:
            report.problems.append(Problem("migration", f"migration:{version}", N_("unknown migration step %(name)s"),
                                           {"name": name}))
    missing = sorted(set(known) - {int(v) for v, _ in applied})
    if missing:
        report.problems.append(Problem("migration", "schema", N_("migration steps not applied: %(steps)s"),
                                           {"steps": ", ".join(map(str, missing))}))

    report.problems.extend(_file_problems(store))
    tables = set(store.table_names())
    for table, column, parent, key in ORPHANS:
        if table not in tables or parent not in tables:
            continue
        count = store.scalar(
            f"SELECT count(*) FROM {table} t WHERE t.{column} IS NOT NULL AND NOT EXISTS "
            f"(SELECT 1 FROM {parent} p WHERE p.{key} = t.{column})"
        )
        if count:
            report.problems.append(
                Problem("orphans", f"{table}.{column}", N_("%(n)s rows without a row in %(parent)s"),
                        {"n": int(count), "parent": parent})
            )

    runs = store.query_df(
        "SELECT id, published_at, results_digest, indicator_rows, region_rows FROM evaluation_runs ORDER BY id"
    )
    for run in runs.to_dict("records"):
        run_id = int(run["id"])
        published = run["published_at"] is not None and str(run["published_at"]) != "NaT"
        report.runs_checked += 1
        counts = [store.scalar(f"SELECT count(*) FROM {t} WHERE run_id = ?", [run_id])
                  for t in ("results_indicators", "results_regions")]
        if counts != [int(run["indicator_rows"] or 0), int(run["region_rows"] or 0)]:
            report.problems.append(Problem(
                "rows", f"run:{run_id}",
                N_("%(stored)s result rows stored, %(saved)s saved"),
                {"stored": f"{counts[0]}/{counts[1]}", "saved": f"{run['indicator_rows']}/{run['region_rows']}"},
                published,
            ))
        kept = run["results_digest"]
        if not isinstance(kept, str) or not kept:
            report.problems.append(Problem("digest", f"run:{run_id}", N_("no stored digest"), {}, published))
        elif store.results_digest(run_id) != kept:
            report.problems.append(Problem(
                "digest", f"run:{run_id}", N_("results no longer match the digest kept when saved"), {},
                published,
            ))
    return report


DUCKDB_HEADER_BYTES = 3 * 4096  # a DuckDB file: its main header and two database headers, then the blocks


def _file_problems(store) -> list[Problem]:
    """A DuckDB store file shorter than its blocks need (cut short by a copy or a full disk)."""
    import os

    if store.backend != "duckdb" or store.path == ":memory:":
        return []
    row = store.con.execute("SELECT block_size, total_blocks FROM pragma_database_size()").fetchall()[0]
    expected = DUCKDB_HEADER_BYTES + int(row[0]) * int(row[1])
    size = os.path.getsize(store.path)
    if size >= expected:
        return []
    return [Problem("file", "file", N_("the store file has %(size)s bytes where its %(blocks)s blocks need "
                                       "%(expected)s: it was cut short; restore it from a backup"),
                    {"size": size, "blocks": int(row[1]), "expected": expected})]
