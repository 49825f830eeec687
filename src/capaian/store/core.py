"""The store object: connection, transactions, audit log, metadata and the regions table."""

from __future__ import annotations

import datetime as dt
import json
from contextlib import contextmanager
from typing import Any, Iterator

import pandas as pd

from capaian.errors import CapaianError

REGION_FIELDS = ("code", "name", "tier", "kind", "parent")  # a stored region, as the API gives it


WRITE_LOCK = 7_311_506  # PostgreSQL advisory lock: exclusive for a whole-store write, shared for a scoped one


def scope_key(scope: str) -> int:
    """The 64-bit advisory-lock key of a write scope (e.g. `submission:65:2020-11-H1`)."""
    import hashlib

    return int.from_bytes(hashlib.sha256(scope.encode("utf-8")).digest()[:8], "big", signed=True)


def utcnow() -> dt.datetime:
    """Now as naive UTC (how every timestamp of the store is kept)."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


class StoreCore:
    """Connection handling shared by the parts of `Store`."""

    read_only = False  # opened with `open_store(read_only=True)`: an analyst's copy, never written

    def __init__(self, con, path: str):
        self.con = con
        self.path = path
        self.backend = getattr(con, "backend", "duckdb")  # duckdb | postgresql
        self._depth = 0

    # -- plumbing -------------------------------------------------------------------------
    @contextmanager
    def transaction(self, scope: str | None = None) -> Iterator["StoreCore"]:
        """BEGIN ... COMMIT, or ROLLBACK on any exception. Nested use joins the outer one.

        On PostgreSQL several server processes and the CLI write to one database, and a write
        reads what it supersedes before writing, so writers take advisory locks, released at
        COMMIT/ROLLBACK: a write naming its `scope` (a region's submission for a cut-off, a run's
        publication, a report job) holds `WRITE_LOCK` shared plus its scope's own lock, so writes
        of different scopes run side by side; a write without a scope holds `WRITE_LOCK`
        exclusively (one at a time, none beside it, as with DuckDB). A store whose schema is newer
        than this code (`schema_ahead`, a rolling upgrade) refuses to write."""
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        ahead = getattr(self, "schema_ahead", None)
        if ahead:
            version, known = ahead
            raise CapaianError(
                f"Basis data sudah pada skema {version}, capaian ini hanya mengenal {known}: perbarui capaian di "
                "server ini (pembaruan bergilir); penulisan ditolak sampai itu.",
                f"The store is at schema {version}, this capaian knows {known}: upgrade capaian on this server "
                "(a rolling upgrade); writes are refused until then.")
        self.con.execute("BEGIN TRANSACTION")
        self._depth = 1
        try:
            if self.backend == "postgresql":
                if scope:
                    self.con.execute("SELECT pg_advisory_xact_lock_shared(?), pg_advisory_xact_lock(?)",
                                     [WRITE_LOCK, scope_key(scope)]).fetchall()
                else:
                    self.con.execute("SELECT pg_advisory_xact_lock(?)", [WRITE_LOCK]).fetchall()
            yield self
        except BaseException:
            self._depth = 0
            self.con.execute("ROLLBACK")
            raise
        self._depth = 0
        self.con.execute("COMMIT")

    def query_df(self, sql: str, params: list | None = None) -> pd.DataFrame:
        return self.con.execute(sql, params or []).df()

    def scalar(self, sql: str, params: list | None = None):
        rows = self.con.execute(sql, params or []).fetchall()
        row = rows[0] if rows else None
        return None if row is None else row[0]

    @contextmanager
    def registered(self, name: str, frame: pd.DataFrame) -> Iterator[str]:
        """Make `frame` visible to SQL as `name` for the duration of the block.

        DuckDB 2 refuses `register` while an earlier result on the connection is unfinished
        (e.g. after a bare `fetchone()` elsewhere), so a trivial query is finished first.
        On PostgreSQL the frame becomes a temporary table.
        """
        duck = self.backend == "duckdb"
        if duck:
            self.con.execute("SELECT 1").fetchall()
        self.con.register(name, frame)
        try:
            yield name
        finally:
            if duck:
                self.con.execute("SELECT 1").fetchall()
            self.con.unregister(name)

    def insert_frame(self, table: str, frame: pd.DataFrame) -> int:
        """Append the rows of `frame` to `table`, columns matched by name; returns the row count."""
        if frame.empty:
            return 0
        if self.backend == "postgresql":
            return self.con.copy_frame(table, frame)
        cols = ", ".join(f'"{c}"' for c in frame.columns)
        with self.registered("_frame_in", frame):
            self.con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _frame_in")
        return len(frame)

    def next_id(self, sequence: str) -> int:
        return int(self.scalar(f"SELECT nextval('{sequence}')"))

    def close(self) -> None:
        self.con.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def schema_version(self) -> int:
        from capaian.store.migrate import current_version

        return current_version(self.con)

    def table_names(self) -> list[str]:
        """The store's own tables (not temporary ones), sorted."""
        rows = self.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
            "AND table_type = 'BASE TABLE' ORDER BY table_name"
        ).fetchall()
        return [r[0] for r in rows]

    # -- audit ----------------------------------------------------------------------------
    def audit(self, actor: str, action: str, object: str | None, detail: dict | None = None) -> int:
        """Append one entry to the audit log; returns its id (0 on a read-only copy, which keeps
        no log: whatever happens there changes nothing)."""
        if self.read_only:
            return 0
        audit_id = self.next_id("audit_id_seq")
        self.con.execute(
            "INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?)",
            [audit_id, utcnow(), actor, action, object, to_json(detail or {})],
        )
        return audit_id

    def list_audit(
        self, action: str | None = None, object: str | None = None, limit: int | None = None
    ) -> pd.DataFrame:
        """Audit entries, oldest first; `detail` parsed back into dicts."""
        where, params = [], []
        if action:
            where.append("action = ?")
            params.append(action)
        if object:
            where.append("object = ?")
            params.append(object)
        sql = 'SELECT id, "at", actor, action, object, detail FROM audit_log'
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id"
        if limit:
            sql += f" LIMIT {int(limit)}"
        frame = self.query_df(sql, params)
        frame["detail"] = [json.loads(d) if d else {} for d in frame["detail"]]
        return frame

    # -- metadata -------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        return self.scalar("SELECT value FROM store_meta WHERE key = ?", [key])

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self.con.execute("DELETE FROM store_meta WHERE key = ?", [key])
            self.con.execute("INSERT INTO store_meta VALUES (?, ?)", [key, value])

    def is_demo(self) -> bool:
        """True when the store holds the synthetic demo data."""
        return self.get_meta("demo") == "1"

    def mark_demo(self) -> None:
        self.set_meta("demo", "1")

    def is_empty(self) -> bool:
        """True when no facts, submissions, runs or register imports are stored."""
        for table in ("facts", "submissions", "evaluation_runs", "register_imports"):
            if self.scalar(f"SELECT count(*) FROM {table}"):
                return False
        return True

    # -- regions --------------------------------------------------------------------------
    def ensure_regions(self, version: str) -> int:
        """Copy hierarchy `version` from capaian.regions into `regions` if absent; row count."""
        have = self.scalar("SELECT count(*) FROM regions WHERE version = ?", [version])
        if have:
            return int(have)
        from capaian.regions import get_hierarchy

        frame = get_hierarchy(version).region_frame()
        rows = pd.DataFrame(
            {
                "version": version,
                "code": frame["code"].astype(str),
                "name": frame["name"],
                "tier": frame["tier"],
                "kind": frame["kind"] if "kind" in frame else None,
                "parent": frame["parent"],
            }
        )
        with self.transaction():
            self.insert_frame("regions", rows)
        return len(rows)

    def region_children(self, version: str, parent: str) -> list[dict] | None:
        """The direct children of `parent` (`ID`: the provinces) as dicts (code, name, tier, kind,
        parent), ordered by code, from the stored copy of hierarchy `version` (`ensure_regions`);
        None when the store holds no copy of it (the caller reads `capaian.regions` then), [] when
        `parent` is not in it."""
        if not self.scalar("SELECT count(*) FROM regions WHERE version = ?", [version]):
            return None
        rows = self.con.execute(
            f"SELECT {', '.join(REGION_FIELDS)} FROM regions WHERE version = ? AND parent = ? ORDER BY code",
            [version, parent]).fetchall()
        return [dict(zip(REGION_FIELDS, row)) for row in rows]

    def region_row(self, version: str, code: str) -> dict | None:
        """One region of the stored copy of hierarchy `version` as a dict, or None."""
        row = self.con.execute(f"SELECT {', '.join(REGION_FIELDS)} FROM regions WHERE version = ? AND code = ?",
                               [version, code]).fetchone()
        return None if row is None else dict(zip(REGION_FIELDS, row))

    def region_names(self, version: str, tiers: tuple[str, ...]) -> dict[str, str] | None:
        """`code -> name` of the regions of `tiers` in the stored copy of hierarchy `version`
        (without `ID`), or None when the store holds no copy of it."""
        marks = ", ".join("?" for _ in tiers)
        rows = self.con.execute(
            f"SELECT code, name FROM regions WHERE version = ? AND tier IN ({marks}) AND code <> 'ID'",
            [version, *tiers]).fetchall()
        return dict(rows) if rows else None

    def regions(self, version: str) -> pd.DataFrame:
        """The stored `regions` rows of one hierarchy version (filled on demand)."""
        self.ensure_regions(version)
        return self.query_df(
            "SELECT code, name, tier, kind, parent FROM regions WHERE version = ? ORDER BY code",
            [version],
        )


def not_found(what_id: str, what_en: str, key) -> CapaianError:
    return CapaianError(f"{what_id} {key} tidak ditemukan.", f"{what_en} {key} not found.")
