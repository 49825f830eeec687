"""Import a register extract or a service-events extract (Parquet or CSV) into the store.

The whole file is checked in DuckDB SQL (no per-row Python): a file lacking columns is refused
whole; each row failing a rule goes to `quarantine` with its row number and every reason; the
accepted rows go to `residents` / `service_events`. Accepted rows, quarantined rows, the
`register_imports` entry and the audit entry are written in ONE transaction: a failure leaves
every table as it was.

Row numbers: 1 = the first data row (the line after the CSV header; Parquet row 0 is row 1).

Replacement: an extract is a snapshot of the regencies it covers. Importing residents replaces
the stored residents of every regency that has an accepted row; importing events replaces the
stored events of the same issuing regencies between the file's first and last `issued_on`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from capaian.errors import CapaianError
from capaian.register import validate as v
from capaian.register.documents import designated_documents, document_code
from capaian.register.schema import (
    CHANNELS,
    EVENT_COLUMNS,
    PAPERS,
    RESIDENT_COLUMNS,
    RESIDENT_OPTIONAL,
    SEXES,
    ensure_tables,
)

RESIDENT_DATES = (
    "ktp_recorded_on", "kia_issued_on", "birth_cert_issued_on", "died_on", "moved_out_on", "moved_in_on", "married_on",
)


def _overlap_sql(a: str, b: str) -> str:
    """Do the residence intervals [moved_in_on, moved_out_on or died_on) of rows `a` and `b` overlap?
    (`a` / `b` expose in_c and out_c; null in = always before, null out = still there)."""
    return (f"(({a}.in_c IS NULL OR {b}.out_c IS NULL OR {a}.in_c < {b}.out_c) AND "
            f"({b}.in_c IS NULL OR {a}.out_c IS NULL OR {b}.in_c < {a}.out_c))")


@dataclass
class ImportSummary:
    """What an import did: rows read, accepted and quarantined, reasons and warnings by code."""

    kind: str  # register | events
    source_file: str
    import_id: int
    read: int
    accepted: int
    quarantined: int
    reasons: dict = field(default_factory=dict)  # reason code -> rows
    warnings: dict = field(default_factory=dict)  # warning code -> accepted rows
    replaced: int = 0  # stored rows replaced by this import
    withdrawn: int = 0  # stored rows of other regencies moved to quarantine (same NIK, undated overlap)
    seconds: float = 0.0

    def text(self, lang: str | None = None) -> str:
        name = Path(self.source_file).name
        if lang == "en":
            head = (
                f"{name}: {self.read} rows read, {self.accepted} accepted, "
                f"{self.quarantined} quarantined (import {self.import_id})."
            )
        else:
            head = (
                f"{name}: {self.read} baris dibaca, {self.accepted} diterima, "
                f"{self.quarantined} dikarantina (impor {self.import_id})."
            )
            if lang is None:
                head += (
                    f" / {self.read} read, {self.accepted} accepted, {self.quarantined} quarantined."
                )
        lines = [head]
        for code, n in sorted(self.reasons.items(), key=lambda kv: -kv[1]):
            lines.append(f"  {n} × {code}: {v.reason_text(code, lang)}")
        for code, n in sorted(self.warnings.items()):
            lines.append(f"  ! {n} × {code}: {v.reason_text(code, lang)}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()


# -- plumbing -----------------------------------------------------------------------------
def _con_and_store(store_or_con):
    if getattr(store_or_con, "backend", "duckdb") == "postgresql":
        raise CapaianError(
            "Impor register/peristiwa belum tersedia untuk penyimpanan PostgreSQL: hitung fakta dari "
            "ekstrak Parquet dengan `capaian facts --register BERKAS` (fakta masuk ke PostgreSQL).",
            "Register and events imports are not available on a PostgreSQL store yet: compute facts "
            "from the Parquet extract with `capaian facts --register FILE` (the facts go to PostgreSQL).",
        )
    con = getattr(store_or_con, "con", store_or_con)
    store = store_or_con if hasattr(store_or_con, "transaction") else None
    return con, store


class _Tx:
    """The store's transaction, or BEGIN/COMMIT/ROLLBACK on a bare connection."""

    def __init__(self, con, store):
        self.con, self.store, self.cm = con, store, None

    def __enter__(self):
        if self.store is not None:
            self.cm = self.store.transaction()
            return self.cm.__enter__()
        self.con.execute("BEGIN TRANSACTION")
        return self

    def __exit__(self, kind, exc, tb):
        if self.cm is not None:
            return self.cm.__exit__(kind, exc, tb)
        self.con.execute("ROLLBACK" if kind else "COMMIT")
        return False


def _reader(path: Path) -> str:
    text = str(path).replace("'", "''")
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return f"read_parquet('{text}')"
    if suffix in (".csv", ".txt"):
        return f"read_csv('{text}', header = true, all_varchar = true, auto_detect = true)"
    raise CapaianError(
        f"Berkas {path.name}: format tidak didukung (pakai .parquet atau .csv).",
        f"File {path.name}: unsupported format (use .parquet or .csv).",
    )


def _stage(con, path: Path, columns: dict, kind_id: str, kind_en: str, optional=()) -> int:
    """Load the file into temp table `_raw` (all VARCHAR + row_number); refuse missing columns
    (an `optional` column the file lacks is null)."""
    if not path.exists():
        raise CapaianError(f"Berkas {path} tidak ditemukan.", f"File {path} not found.")
    source = _reader(path)
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
    except Exception as exc:  # noqa: BLE001 - DuckDB parse errors of a broken file
        detail = " ".join(str(exc).split())[:300]  # one line, bounded
        raise CapaianError(
            f"Berkas {path.name} tidak dapat dibaca: {detail}",
            f"File {path.name} cannot be read: {detail}",
        ) from None
    present = {str(row[0]).strip().lower(): str(row[0]) for row in described}
    missing = [c for c in columns if c not in present and c not in optional]
    if missing:
        cols = ", ".join(missing)
        raise CapaianError(
            f"Berkas {path.name} ({kind_id}) ditolak seluruhnya: kolom tidak ada: {cols}. "
            f"Kolom wajib: {', '.join(columns)}.",
            f"File {path.name} ({kind_en}) refused whole: missing columns: {cols}. "
            f"Required columns: {', '.join(columns)}.",
        )
    select = ", ".join(
        f'CAST("{present[c]}" AS VARCHAR) AS {c}' if c in present else f"CAST(NULL AS VARCHAR) AS {c}"
        for c in columns
    )
    con.execute("DROP TABLE IF EXISTS _raw")
    try:
        con.execute(
            f"CREATE TEMP TABLE _raw AS SELECT CAST(row_number() OVER () AS BIGINT) AS row_number, "
            f"{select} FROM {source}"
        )
    except Exception as exc:  # noqa: BLE001 - a file broken after the part DESCRIBE sampled
        detail = " ".join(str(exc).split())[:300]
        raise CapaianError(
            f"Berkas {path.name} tidak dapat dibaca: {detail}",
            f"File {path.name} cannot be read: {detail}",
        ) from None
    return int(con.execute("SELECT count(*) FROM _raw").fetchone()[0])


def _refused(store, actor: str, kind: str, path: Path, exc: CapaianError) -> None:
    """Audit a file refused whole (unreadable, missing columns): nothing else is written."""
    if store is not None and hasattr(store, "audit"):
        store.audit(actor, f"import.{kind}.rejected", f"file:{path.name}",
                    {"file": str(path), "reason": exc.en_message})


def _register_codes(con, name: str, column: str, values) -> None:
    import pandas as pd

    con.execute(f"DROP TABLE IF EXISTS {name}")
    frame = pd.DataFrame({column: sorted({str(x) for x in values})}, dtype="object")
    con.register("_codes_frame", frame)
    try:
        con.execute(f"CREATE TEMP TABLE {name} AS SELECT CAST({column} AS VARCHAR) AS {column} FROM _codes_frame")
    finally:
        con.unregister("_codes_frame")


def _hierarchy_codes(hierarchy, version: str, tier: str) -> list[str]:
    if hierarchy is None:
        from capaian.regions import get_hierarchy

        hierarchy = get_hierarchy(version)
    frame = hierarchy.region_frame()
    return frame.loc[frame["tier"] == tier, "code"].astype(str).tolist()


def _content_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _next_import_id(con) -> int:
    return int(con.execute("SELECT nextval('register_import_id_seq')").fetchone()[0])


def _reasons_sql(checks: list[str]) -> str:
    """SQL list of the non-null reason codes of `checks` joined by ', ' (NULL when none)."""
    items = ", ".join(checks)
    return f"NULLIF(array_to_string(list_filter([{items}], lambda x: x IS NOT NULL), ', '), '')"


def _date_checks(col: str, today: dt.date, required: bool = False, birth: str | None = "birth_date") -> list[str]:
    parsed = f"TRY_CAST(trim({col}) AS DATE)"
    raw_present = f"({col} IS NOT NULL AND trim({col}) <> '')"
    out = [f"CASE WHEN {raw_present} AND {parsed} IS NULL THEN '{col}_invalid' END"]
    if required:
        out.append(f"CASE WHEN NOT {raw_present} THEN '{col}_missing' END")
    out.append(f"CASE WHEN {parsed} > DATE '{today.isoformat()}' THEN '{col}_future' END")
    if birth:
        out.append(
            f"CASE WHEN {parsed} < TRY_CAST(trim({birth}) AS DATE) THEN '{col}_before_birth' END"
        )
    return out


def _quarantine_and_summary(con, import_id: int, path: Path, kind: str, read: int) -> tuple[int, dict]:
    """Insert the rejected rows of `_checked` into quarantine; (count, reasons by code)."""
    cols = [c for c in (RESIDENT_COLUMNS if kind == "register" else EVENT_COLUMNS)]
    struct = ", ".join(f"'{c}': {c}" for c in cols)
    con.execute(
        f"""INSERT INTO quarantine (import_id, source_file, row_number, reason, raw)
        SELECT ?, ?, row_number, reasons, to_json({{{struct}}})::VARCHAR
        FROM _checked WHERE reasons IS NOT NULL ORDER BY row_number""",
        [import_id, str(path)],
    )
    rows = con.execute(
        """SELECT code, count(*) FROM (
             SELECT unnest(string_split(reasons, ', ')) AS code FROM _checked
             WHERE reasons IS NOT NULL) GROUP BY code ORDER BY code"""
    ).fetchall()
    quarantined = int(con.execute("SELECT count(*) FROM _checked WHERE reasons IS NOT NULL").fetchone()[0])
    return quarantined, {str(code): int(n) for code, n in rows}


def _log_import(con, store, import_id, kind, path, actor, summary: ImportSummary, content_hash) -> None:
    detail = {"reasons": summary.reasons, "warnings": summary.warnings, "replaced": summary.replaced}
    con.execute(
        "INSERT INTO register_imports (id, kind, source_file, content_hash, imported_at, actor, "
        "rows_total, rows_accepted, rows_quarantined, status, detail) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            import_id, kind, str(path), content_hash,
            dt.datetime.now(dt.timezone.utc).replace(tzinfo=None), actor,
            summary.read, summary.accepted, summary.quarantined, "imported",
            json.dumps(detail, sort_keys=True),
        ],
    )
    if store is not None and hasattr(store, "audit"):
        store.audit(
            actor,
            f"import.{kind}",
            f"register_import:{import_id}",
            {"file": str(path), "read": summary.read, "accepted": summary.accepted,
             "quarantined": summary.quarantined, "reasons": summary.reasons},
        )


def _cleanup(con) -> None:
    for name in ("_raw", "_checked", "_nik_prefix", "_villages", "_regencies", "_doc_types"):
        try:
            con.execute(f"DROP TABLE IF EXISTS {name}")
        except Exception:  # noqa: BLE001 - best effort after a failed transaction
            pass


def _withdraw_conflicts(con, import_id: int, path: Path) -> int:
    """Move stored rows whose NIK conflicts with a quarantined incoming row (same NIK, another
    regency, overlapping residence) to quarantine as well; returns how many."""
    struct = ", ".join(f"'{c}': r.{c}" for c in RESIDENT_COLUMNS)
    conflict = (
        "FROM residents r WHERE EXISTS (SELECT 1 FROM _checked c WHERE c.other_c AND c.nik_c = r.nik "
        "AND substr(r.village_code, 1, 5) <> substr(c.village_c, 1, 5) AND "
        "(c.in_c IS NULL OR coalesce(r.moved_out_on, r.died_on) IS NULL OR c.in_c < coalesce(r.moved_out_on, r.died_on)) "
        "AND (r.moved_in_on IS NULL OR c.out_c IS NULL OR r.moved_in_on < c.out_c))"
    )
    n = int(con.execute(f"SELECT count(*) {conflict}").fetchone()[0])
    if n:
        con.execute(
            f"INSERT INTO quarantine (import_id, source_file, row_number, reason, raw) "
            f"SELECT ?, 'residents (' || ? || ')', NULL, 'nik_in_other_regency', to_json({{{struct}}})::VARCHAR {conflict}",
            [import_id, str(path)],
        )
        con.execute(f"DELETE FROM residents WHERE rowid IN (SELECT r.rowid {conflict})")
    return n


# -- residents ----------------------------------------------------------------------------
def import_register(
    store_or_con,
    path,
    actor: str = "system",
    *,
    hierarchy_version: str = "2025",
    hierarchy=None,
    today: dt.date | None = None,
) -> ImportSummary:
    """Import a register extract (Parquet or CSV) into `residents`; returns an ImportSummary.

    Raises CapaianError (nothing stored) when the file is unreadable or lacks columns.
    `hierarchy` (anything with `region_frame()`) overrides `get_hierarchy(hierarchy_version)`;
    `today` is the reference for "in the future" (default: today's date).
    """
    import time

    started = time.perf_counter()
    path = Path(path)
    today = today or dt.date.today()
    con, store = _con_and_store(store_or_con)
    ensure_tables(con)
    try:
        try:
            read = _stage(con, path, RESIDENT_COLUMNS, "register penduduk", "resident register", RESIDENT_OPTIONAL)
        except CapaianError as exc:
            _refused(store, actor, "register", path, exc)
            raise
        _register_codes(con, "_nik_prefix", "prefix", v.nik_provinces())
        _register_codes(con, "_villages", "code", _hierarchy_codes(hierarchy, hierarchy_version, "village"))
        nik = v.compact_nik_sql("nik")
        village = v.region_code_sql("village_code", 10)
        birth = "TRY_CAST(trim(birth_date) AS DATE)"
        checks = [
            v.nik_problem_sql("nik_c"),
            "CASE WHEN dup_c THEN 'duplicate_nik' END",
            "CASE WHEN birth_date IS NULL OR trim(birth_date) = '' THEN 'birth_date_missing' "
            f"WHEN {birth} IS NULL THEN 'birth_date_invalid' "
            f"WHEN {birth} > DATE '{today.isoformat()}' THEN 'birth_date_future' END",
            f"CASE WHEN upper(trim(sex)) NOT IN ({', '.join(repr(s) for s in SEXES)}) "
            "OR sex IS NULL THEN 'sex_invalid' END",
            f"CASE WHEN {v.bool_sql('ever_married')} IS NULL THEN 'ever_married_invalid' END",
            "CASE WHEN village_code IS NULL OR trim(village_code) = '' THEN 'village_missing' "
            "WHEN village_c IS NULL OR village_c NOT IN (SELECT code FROM _villages) "
            "THEN 'village_unknown' END",
        ]
        for col in RESIDENT_DATES:
            checks.extend(_date_checks(col, today))
        checks.append("CASE WHEN other_c THEN 'nik_in_other_regency' END")
        # The same NIK in two rows is a move when their residence intervals do not overlap
        # (dated moved_out_on / moved_in_on); otherwise the later row of a file is a duplicate,
        # and a NIK stored for a regency this file does not replace is a conflict: the incoming
        # row and the stored one both go to quarantine, so the outcome does not depend on which
        # regency's extract came first.
        regencies_in_file = "(SELECT DISTINCT substr(village_c, 1, 5) FROM _pre WHERE village_c IS NOT NULL)"
        interval = ("TRY_CAST(trim(moved_in_on) AS DATE) AS in_c, "
                    "coalesce(TRY_CAST(trim(moved_out_on) AS DATE), TRY_CAST(trim(died_on) AS DATE)) AS out_c")
        con.execute("DROP TABLE IF EXISTS _checked")
        con.execute(
            f"""CREATE TEMP TABLE _checked AS
            WITH _pre AS (SELECT *, {nik} AS nik_c, {village} AS village_c, {interval} FROM _raw),
            _other AS (SELECT nik AS nik_c, moved_in_on AS in_c, coalesce(moved_out_on, died_on) AS out_c
                       FROM residents WHERE substr(village_code, 1, 5) NOT IN {regencies_in_file}),
            _flags AS (
                SELECT _pre.*,
                  (nik_c IS NOT NULL AND regexp_full_match(nik_c, '[0-9]{{16}}') AND EXISTS (
                     SELECT 1 FROM _pre AS e WHERE e.nik_c = _pre.nik_c AND e.row_number < _pre.row_number
                     AND {_overlap_sql('e', '_pre')})) AS dup_c,
                  EXISTS (SELECT 1 FROM _other AS o WHERE o.nik_c = _pre.nik_c AND {_overlap_sql('o', '_pre')}) AS other_c
                FROM _pre)
            SELECT _flags.*, {_reasons_sql(checks)} AS reasons
            FROM _flags"""
        )
        import_id = _next_import_id(con)
        content_hash = _content_hash(path)
        with _Tx(con, store):
            quarantined, reasons = _quarantine_and_summary(con, import_id, path, "register", read)
            replaced = int(
                con.execute(
                    "SELECT count(*) FROM residents WHERE substr(village_code, 1, 5) IN "
                    "(SELECT DISTINCT substr(village_c, 1, 5) FROM _checked WHERE reasons IS NULL)"
                ).fetchone()[0]
            )
            con.execute(
                "DELETE FROM residents WHERE substr(village_code, 1, 5) IN "
                "(SELECT DISTINCT substr(village_c, 1, 5) FROM _checked WHERE reasons IS NULL)"
            )
            withdrawn = _withdraw_conflicts(con, import_id, path)
            dates = ", ".join(f"TRY_CAST(trim({c}) AS DATE)" for c in RESIDENT_DATES)
            con.execute(
                f"""INSERT INTO residents ({', '.join(RESIDENT_COLUMNS)}, import_id)
                SELECT nik_c, {birth}, upper(trim(sex)), {v.bool_sql('ever_married')}, village_c,
                       {dates}, ?
                FROM _checked WHERE reasons IS NULL ORDER BY row_number""",
                [import_id],
            )
            accepted = read - quarantined
            kia_late = int(
                con.execute(
                    f"""SELECT count(*) FROM _checked WHERE reasons IS NULL
                    AND TRY_CAST(trim(kia_issued_on) AS DATE) >= {birth} + INTERVAL 17 YEAR"""
                ).fetchone()[0]
            )
            summary = ImportSummary(
                kind="register", source_file=str(path), import_id=import_id, read=read,
                accepted=accepted, quarantined=quarantined, reasons=reasons,
                warnings={"kia_after_17": kia_late} if kia_late else {}, replaced=replaced,
                withdrawn=withdrawn,
            )
            _log_import(con, store, import_id, "register", path, actor, summary, content_hash)
    finally:
        _cleanup(con)
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


# -- service events -----------------------------------------------------------------------
def import_events(
    store_or_con,
    path,
    actor: str = "system",
    *,
    hierarchy_version: str = "2025",
    hierarchy=None,
    today: dt.date | None = None,
) -> ImportSummary:
    """Import a service-events extract (Parquet or CSV) into `service_events`.

    `document_type` must be designated for the year of `issued_on` (see `documents.py`); a
    name is folded to its code. `nik` may be empty; when given it must be a valid NIK, and when
    that NIK is a stored resident the document cannot predate the birth.
    """
    import time

    started = time.perf_counter()
    path = Path(path)
    today = today or dt.date.today()
    con, store = _con_and_store(store_or_con)
    ensure_tables(con)
    try:
        try:
            read = _stage(con, path, EVENT_COLUMNS, "peristiwa layanan", "service events")
        except CapaianError as exc:
            _refused(store, actor, "events", path, exc)
            raise
        _register_codes(con, "_nik_prefix", "prefix", v.nik_provinces())
        _register_codes(con, "_regencies", "code", _hierarchy_codes(hierarchy, hierarchy_version, "regency"))
        issued = "TRY_CAST(trim(issued_on) AS DATE)"
        years = [
            int(r[0])
            for r in con.execute(f"SELECT DISTINCT year({issued}) FROM _raw WHERE {issued} IS NOT NULL").fetchall()
        ]
        pairs = sorted({f"{y}|{code}" for y in years for code in designated_documents(y)})
        _register_codes(con, "_doc_types", "pair", pairs)
        doc = "regexp_replace(regexp_replace(lower(trim(document_type)), '[^a-z0-9]+', '_', 'g'), '^_|_$', '', 'g')"
        checks = [
            f"CASE WHEN nik_c IS NOT NULL THEN {v.nik_problem_sql('nik_c')} END",
            "CASE WHEN doc_c IS NULL OR issued_c IS NULL OR "
            "(CAST(year(issued_c) AS VARCHAR) || '|' || doc_c) NOT IN (SELECT pair FROM _doc_types) "
            "THEN 'document_type_unknown' END",
            *_date_checks("issued_on", today, required=True, birth=None),
            "CASE WHEN regency_c IS NULL OR regency_c NOT IN (SELECT code FROM _regencies) "
            "THEN 'regency_unknown' END",
            f"CASE WHEN paper IS NULL OR lower(trim(paper)) NOT IN ({', '.join(repr(p) for p in PAPERS)}) "
            "THEN 'paper_invalid' END",
            f"CASE WHEN {v.bool_sql('signed_electronically')} IS NULL THEN 'signed_electronically_invalid' END",
            f"CASE WHEN channel IS NULL OR lower(trim(channel)) NOT IN ({', '.join(repr(c) for c in CHANNELS)}) "
            "THEN 'channel_invalid' END",
            "CASE WHEN issued_c < r.birth_date THEN 'issued_before_birth' END",
        ]
        con.execute("DROP TABLE IF EXISTS _checked")
        con.execute(
            f"""CREATE TEMP TABLE _checked AS
            WITH _pre AS (SELECT *, {v.compact_nik_sql('nik')} AS nik_c, {doc} AS doc_c,
                                 {issued} AS issued_c, {v.region_code_sql('issuing_regency', 4)} AS regency_c
                          FROM _raw)
            SELECT _pre.*, {_reasons_sql(checks)} AS reasons
            FROM _pre LEFT JOIN (SELECT nik, min(birth_date) AS birth_date FROM residents GROUP BY nik) r
              ON r.nik = _pre.nik_c"""
        )
        import_id = _next_import_id(con)
        content_hash = _content_hash(path)
        with _Tx(con, store):
            quarantined, reasons = _quarantine_and_summary(con, import_id, path, "events", read)
            scope = (
                "issuing_regency IN (SELECT DISTINCT regency_c FROM _checked WHERE reasons IS NULL) "
                "AND issued_on BETWEEN (SELECT min(issued_c) FROM _checked WHERE reasons IS NULL) "
                "AND (SELECT max(issued_c) FROM _checked WHERE reasons IS NULL)"
            )
            replaced = int(con.execute(f"SELECT count(*) FROM service_events WHERE {scope}").fetchone()[0])
            con.execute(f"DELETE FROM service_events WHERE {scope}")
            con.execute(
                f"""INSERT INTO service_events ({', '.join(EVENT_COLUMNS)}, import_id)
                SELECT nik_c, doc_c, issued_c, regency_c, lower(trim(paper)),
                       {v.bool_sql('signed_electronically')}, lower(trim(channel)), ?
                FROM _checked WHERE reasons IS NULL ORDER BY row_number""",
                [import_id],
            )
            summary = ImportSummary(
                kind="events", source_file=str(path), import_id=import_id, read=read,
                accepted=read - quarantined, quarantined=quarantined, reasons=reasons,
                replaced=replaced,
            )
            _log_import(con, store, import_id, "events", path, actor, summary, content_hash)
    finally:
        _cleanup(con)
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


__all__ = ["ImportSummary", "import_events", "import_register", "document_code"]
