"""The bake tables (migration 0014): baked renderings of published runs, their flags, each run's bake state.

A run's set is `building` while `capaian.bake` writes it and `complete` once every artefact is
written; readers serve only complete sets whose `context` (what else the pages show: the published
runs, the map) is still the current one. `generation` grows with every change of a complete set
(a flag note's partial rebuild), so that a server's in-memory copies know when to look again.
"""

from __future__ import annotations

from capaian.store.core import utcnow


def _bytes(value) -> bytes:
    return bytes(value) if value is not None else b""  # psycopg gives memoryview for BYTEA


class BakeMixin:
    def bake_state(self, run_id: int) -> dict | None:
        """The bake-state row of a run as a dict, or None (never baked)."""
        cursor = self.con.execute("SELECT * FROM bake_state WHERE run_id = ?", [int(run_id)])
        rows = cursor.fetchall()
        return dict(zip([d[0] for d in cursor.description], rows[0])) if rows else None

    def bake_states(self) -> dict[int, tuple[str, str, int]]:
        """run id -> (state, context, generation) of every baked run."""
        rows = self.con.execute("SELECT run_id, state, context, generation FROM bake_state").fetchall()
        return {int(r[0]): (r[1], r[2], int(r[3])) for r in rows}

    def bake_progress(self) -> dict[int, dict]:
        """run id -> {state, done, total} of every baked run (the runs page's status line)."""
        rows = self.con.execute("SELECT run_id, state, done, total FROM bake_state").fetchall()
        return {int(r[0]): {"state": r[1], "done": int(r[2]), "total": int(r[3])} for r in rows}

    def begin_bake(self, run_id: int, context: str, total: int) -> set[tuple[str, str]]:
        """Start (or resume) the bake of a run: (target, fmt) of the artefacts already written for
        this `context`, which a resumed bake skips. A set made for another context is dropped; a
        complete one becomes `building` again until `finish_bake`."""
        run_id, now = int(run_id), utcnow()
        with self.transaction():
            found = self.bake_state(run_id)
            if found is not None and found["context"] != context:
                self.con.execute("DELETE FROM bake_artefacts WHERE run_id = ?", [run_id])
                self.con.execute("DELETE FROM bake_flags WHERE run_id = ?", [run_id])
            if found is None:
                self.con.execute("INSERT INTO bake_state VALUES (?, 'building', ?, ?, 0, 0, ?, ?)",
                                 [run_id, context, total, now, now])
            else:
                self.con.execute("UPDATE bake_state SET state = 'building', context = ?, total = ?, "
                                 "generation = generation + 1, updated_at = ? WHERE run_id = ?",
                                 [context, total, now, run_id])
            done = self.con.execute("SELECT target, fmt FROM bake_artefacts WHERE run_id = ?", [run_id]).fetchall()
            self.con.execute("UPDATE bake_state SET done = ? WHERE run_id = ?", [len(done), run_id])
        return {(t, f) for t, f in done}

    def put_artefact(self, run_id: int, target: str, fmt: str, digest: str, media_type: str, headers: str,
                     size: int, body_gzip: bytes, flags, progress: bool = True) -> None:
        """Write (or replace) one artefact and the flags it shows, in one transaction."""
        run_id, now = int(run_id), utcnow()
        with self.transaction():
            self.con.execute("DELETE FROM bake_artefacts WHERE run_id = ? AND target = ? AND fmt = ?",
                             [run_id, target, fmt])
            self.con.execute("DELETE FROM bake_flags WHERE run_id = ? AND target = ? AND fmt = ?",
                             [run_id, target, fmt])
            self.con.execute("INSERT INTO bake_artefacts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             [run_id, target, fmt, digest, media_type, headers, int(size), body_gzip, now])
            for key in sorted(set(flags)):
                self.con.execute("INSERT INTO bake_flags VALUES (?, ?, ?, ?)", [run_id, target, fmt, key])
            if progress:
                self.con.execute("UPDATE bake_state SET done = done + 1, updated_at = ? WHERE run_id = ?",
                                 [now, run_id])
            else:  # a rebuild of a complete set: readers look again
                self.con.execute("UPDATE bake_state SET generation = generation + 1, updated_at = ? "
                                 "WHERE run_id = ?", [now, run_id])

    def put_artefacts(self, run_id: int, items) -> None:
        """Write a batch of a bake's artefacts, (target, fmt, digest, media_type, headers, size,
        body_gzip, flags) each, in one transaction, and count them done."""
        with self.transaction():
            for target, fmt, digest, media_type, headers, size, body, flags in items:
                self.put_artefact(run_id, target, fmt, digest, media_type, headers, size, body, flags)

    def finish_bake(self, run_id: int) -> None:
        """Mark a run's set complete: from now on it is served."""
        with self.transaction():
            self.con.execute("UPDATE bake_state SET state = 'complete', generation = generation + 1, updated_at = ? "
                             "WHERE run_id = ?", [utcnow(), int(run_id)])

    def artefact(self, run_id: int, target: str, fmt: str) -> dict | None:
        """One artefact: digest, media_type, headers, size, body_gzip (bytes); None if not baked."""
        rows = self.con.execute(
            "SELECT digest, media_type, headers, size, body_gzip FROM bake_artefacts "
            "WHERE run_id = ? AND target = ? AND fmt = ?", [int(run_id), target, fmt]).fetchall()
        if not rows:
            return None
        digest, media_type, headers, size, body = rows[0]
        return {"digest": digest, "media_type": media_type, "headers": headers, "size": int(size),
                "body_gzip": _bytes(body)}

    def artefacts_showing(self, flag_key: str) -> list[tuple[int, str, str]]:
        """(run id, target, fmt) of every baked artefact that shows the flag `flag_key`."""
        rows = self.con.execute("SELECT DISTINCT run_id, target, fmt FROM bake_flags WHERE flag_key = ? "
                                "ORDER BY run_id, target, fmt", [flag_key]).fetchall()
        return [(int(r), t, f) for r, t, f in rows]

    def artefact_digests(self, run_id: int) -> dict[tuple[str, str], str]:
        """(target, fmt) -> digest of a run's artefacts."""
        rows = self.con.execute("SELECT target, fmt, digest FROM bake_artefacts WHERE run_id = ?",
                                [int(run_id)]).fetchall()
        return {(t, f): d for t, f, d in rows}
