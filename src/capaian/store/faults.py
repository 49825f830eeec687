"""Database faults as users should hear of them: what went wrong, in both languages, and whether to retry.

    fault = classify(exc)     # a Fault, or None when `exc` is not a database error
    fault.status              # 503 (the database is away or busy: retry) or 500 (a database error)
    fault.text("en")          # one line, no traceback

The web app answers a fault with a styled page or a JSON body (`capaian.web.failures`), the CLI
with one line (`capaian.cli.app`). The classes are told apart by type, never by message text:
- `unavailable`: the server cannot be reached or went away (restart, failover, kill), no free
  connection slot on the server or in the pool;
- `busy`: a statement or lock timeout, a deadlock or a serialisation conflict;
- `error`: any other database error (a bug, a damaged store).
"""

from __future__ import annotations

from dataclasses import dataclass

RETRY_AFTER = {"unavailable": 5, "busy": 2}


@dataclass(frozen=True)
class Fault:
    kind: str  # unavailable | busy | error
    id_message: str
    en_message: str

    @property
    def status(self) -> int:
        return 503 if self.kind in RETRY_AFTER else 500

    @property
    def retry_after(self) -> int | None:
        return RETRY_AFTER.get(self.kind)

    @property
    def key(self) -> str:
        """The message key of the web layer (`capaian.web.messages`)."""
        return {"unavailable": "db_unavailable", "busy": "db_busy"}.get(self.kind, "server_error")

    def text(self, lang: str | None = None) -> str:
        if lang == "id":
            return self.id_message
        if lang == "en":
            return self.en_message
        return f"{self.id_message} / {self.en_message}"


def _psycopg_kind(exc) -> str | None:
    try:
        import psycopg
        from psycopg import errors
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return None
    if not isinstance(exc, psycopg.Error):
        return None
    busy = (errors.QueryCanceled, errors.LockNotAvailable, errors.DeadlockDetected,
            errors.SerializationFailure)
    if isinstance(exc, busy):
        return "busy"
    state = getattr(exc, "sqlstate", None) or ""
    if isinstance(exc, psycopg.OperationalError) or state.startswith(("08", "57P", "53300")):
        # lost or refused connections, server shutting down, no free slot, pool timeout
        return "unavailable"
    return "error"


def _duckdb_kind(exc) -> str | None:
    import sys

    duckdb = sys.modules.get("duckdb")  # never imported only to classify
    if duckdb is None or not isinstance(exc, duckdb.Error):
        return None
    if isinstance(exc, (duckdb.TransactionException, duckdb.InterruptException)):
        return "busy"
    if isinstance(exc, duckdb.IOException):
        return "unavailable"
    return "error"


MESSAGES = {
    "unavailable": (
        "Basis data sedang tidak dapat dihubungi (dimulai ulang atau sibuk penuh). Coba lagi sebentar lagi.",
        "The database cannot be reached right now (restarting, or no free connection). Try again in a moment.",
    ),
    "busy": (
        "Basis data terlalu sibuk untuk menjawab tepat waktu (batas waktu atau kunci). Coba lagi sebentar lagi.",
        "The database was too busy to answer in time (a timeout or a lock). Try again in a moment.",
    ),
    "error": (
        "Basis data menolak permintaan ini karena kesalahan internal.",
        "The database refused this request with an internal error.",
    ),
}


def classify(exc: BaseException) -> Fault | None:
    """The Fault of a database error (psycopg, psycopg_pool, DuckDB), or None for anything else.
    A CapaianError is never a fault: it already says what to do."""
    seen = set()
    while exc is not None and id(exc) not in seen:  # also an error wrapped by another
        seen.add(id(exc))
        kind = _psycopg_kind(exc) or _duckdb_kind(exc)
        if kind:
            return Fault(kind, *MESSAGES[kind])
        exc = exc.__cause__
    return None


def detail(exc: BaseException, limit: int = 200) -> str:
    """The exception's type and message on one line, shortened, with any password masked."""
    from capaian.settings import masked

    text = masked(" ".join(str(exc).split()))
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return f"{type(exc).__name__}: {text}"


def is_unique_violation(exc: BaseException) -> bool:
    """True when `exc` is a unique constraint refusing a second copy (PostgreSQL or DuckDB)."""
    import sys

    psycopg = sys.modules.get("psycopg")
    if psycopg is not None and isinstance(exc, psycopg.errors.UniqueViolation):
        return True
    duckdb = sys.modules.get("duckdb")
    if duckdb is None or not isinstance(exc, duckdb.ConstraintException):
        return False
    text = str(exc).lower()
    return "unique" in text or "duplicate key" in text
