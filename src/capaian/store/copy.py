"""Copy a whole store between backends (DuckDB <-> PostgreSQL): every table, every row, sequences.

    copy_store(open_store("capaian.duckdb"), open_store("postgresql://.../capaian"))

The target must be at the same schema version and hold no data (a freshly created store). The
rows are written in one transaction on the target, so a failed copy leaves it empty.

A copy into a DuckDB file is a snapshot (for an analyst) unless `with_accounts=True`: it leaves
out what lets someone log in or tells who logged in from where: password hashes (accounts keep
their name, role and region), sessions, failed logins, the session-signing secret, and the client
addresses of the audit log. A copy into PostgreSQL (a move of the server's store) keeps everything.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from capaian.errors import CapaianError

# sequence -> the (table, column) pairs whose values it hands out
SEQUENCES = {
    "submission_id_seq": [("submissions", "id")],
    "fact_revision_seq": [("fact_revisions", "revision"), ("facts", "revision")],
    "run_id_seq": [("evaluation_runs", "id")],
    "audit_id_seq": [("audit_log", "id")],
    "register_import_id_seq": [("register_imports", "id")],
}
# Tables a fresh store may already fill on its own (emptied before the copy).
SCRATCH = ("store_meta", "regions")
# the baked renderings are made again from the runs (`capaian bake`); they are not copied
SKIP = ("schema_migrations", "bake_artefacts", "bake_flags", "bake_state")


PRIVATE_TABLES = ("sessions", "login_failures")  # left out of a snapshot


@dataclass
class CopySummary:
    source: str
    target: str
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows copied
    snapshot: bool = False  # accounts' secrets left out (see the module's docstring)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _label(store) -> str:
    from capaian.store.postgres import safe_url

    return safe_url(str(store.path))


def copy_store(source, target, with_accounts: bool | None = None) -> CopySummary:
    """Copy every row of `source` into the empty store `target`; returns rows per table.
    `with_accounts`: keep password hashes, sessions and the like (default: only into PostgreSQL)."""
    snapshot = not (target.backend == "postgresql" if with_accounts is None else with_accounts)
    have, want = source.schema_version(), target.schema_version()
    if have != want:
        raise CapaianError(
            f"Versi skema berbeda: sumber {have}, tujuan {want}.",
            f"Schema versions differ: source {have}, target {want}.",
        )
    tables = [t for t in source.table_names() if t not in SKIP and not t.startswith("_")
              and not (snapshot and t in PRIVATE_TABLES)]
    target_tables = set(target.table_names())
    for table in tables:
        if table in target_tables and table not in SCRATCH and target.scalar(f"SELECT count(*) FROM {table}"):
            raise CapaianError(
                f"Basis data tujuan {_label(target)} tidak kosong (tabel {table} berisi data); "
                "salin hanya ke penyimpanan baru.",
                f"Target store {_label(target)} is not empty (table {table} has rows); "
                "copy only into a new store.",
            )
    summary = CopySummary(_label(source), _label(target), snapshot=snapshot)
    if any(t not in target_tables for t in tables):  # register tables are made on first import
        from capaian.register.schema import ensure_tables

        ensure_tables(target.con)
        if hasattr(target.con, "forget_types"):
            target.con.forget_types()
    with target.transaction():
        for table in SCRATCH:
            target.con.execute(f"DELETE FROM {table}")
        for table in tables:
            summary.rows[table] = _copy_table(source, target, table, snapshot)
        for sequence, columns in SEQUENCES.items():
            _continue_sequence(target, sequence, max(_sequence_position(source, sequence, columns), 0))
    return summary


def _columns(store, table: str) -> list[str]:
    rows = store.con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
        "AND table_schema = current_schema() ORDER BY ordinal_position",
        [table],
    ).fetchall()
    return [r[0] for r in rows]


def _copy_table(source, target, table: str, snapshot: bool = False) -> int:
    wanted = set(_columns(target, table))
    cols = [c for c in _columns(source, table) if c in wanted]
    quoted = ", ".join(f'"{c}"' for c in cols)
    frame = source.query_df(f"SELECT {quoted} FROM {table}")
    if snapshot:
        frame = _without_secrets(table, frame)
    return target.insert_frame(table, frame)


def _without_secrets(table: str, frame):
    """A table's rows as a snapshot holds them (see the module's docstring)."""
    import json

    from capaian.web.session_keys import PREVIOUS_META_KEY, SECRET_META_KEY

    if table == "users" and "password_hash" in frame:
        frame = frame.assign(password_hash=None)
    elif table == "store_meta":
        frame = frame[~frame["key"].isin([SECRET_META_KEY, PREVIOUS_META_KEY])]
    elif table == "audit_log" and "detail" in frame:
        def clean(text):
            if not text or '"ip"' not in text:
                return text
            detail = json.loads(text)
            detail.pop("ip", None)
            return json.dumps(detail, ensure_ascii=False, sort_keys=True)

        frame = frame.assign(detail=[clean(d) for d in frame["detail"]])
    return frame


def _sequence_position(store, sequence: str, columns) -> int:
    """The last value handed out by `sequence` (or the largest value using it)."""
    best = 0
    for table, column in columns:
        try:
            value = store.scalar(f"SELECT max({column}) FROM {table}")
        except Exception:  # noqa: BLE001 - a register table not created yet
            value = None
        best = max(best, int(value or 0))
    if store.backend == "postgresql":
        last, called = store.con.execute(f"SELECT last_value, is_called FROM {sequence}").fetchone()
        best = max(best, int(last) if called else int(last) - 1)
    else:
        value = store.scalar(
            "SELECT last_value FROM duckdb_sequences() WHERE sequence_name = ?", [sequence]
        )
        best = max(best, int(value or 0))
    return best


def _continue_sequence(store, sequence: str, last: int) -> None:
    """Make `sequence` hand out `last + 1` next."""
    if store.backend == "postgresql":
        if last >= 1:
            store.con.execute("SELECT setval(?, ?)", [sequence, last]).fetchall()
        return
    store.con.execute(f"DROP SEQUENCE IF EXISTS {sequence}")
    store.con.execute(f"CREATE SEQUENCE {sequence} START {last + 1}")
