"""Columns of the register extract and the service-events extract, and their store tables."""

from __future__ import annotations

RESIDENT_COLUMNS: dict[str, str] = {
    "nik": "VARCHAR",
    "birth_date": "DATE",
    "sex": "VARCHAR",  # L | P
    "ever_married": "BOOLEAN",
    "village_code": "VARCHAR",  # dotted, e.g. 65.01.01.2001
    "ktp_recorded_on": "DATE",
    "kia_issued_on": "DATE",
    "birth_cert_issued_on": "DATE",
    "died_on": "DATE",
    "moved_out_on": "DATE",
    "moved_in_on": "DATE",  # optional: joined this village's register (moved in); null = before the extract's history
    "married_on": "DATE",  # optional: the marriage date; married from it (ever_married is used when it is null)
}
RESIDENT_REQUIRED = ("nik", "birth_date", "sex", "ever_married", "village_code")
# Columns a file may leave out (they are stored as null); every other column must be present.
RESIDENT_OPTIONAL = ("moved_in_on", "married_on")

EVENT_COLUMNS: dict[str, str] = {
    "nik": "VARCHAR",  # nullable
    "document_type": "VARCHAR",  # a code of the year's designated document list
    "issued_on": "DATE",
    "issuing_regency": "VARCHAR",  # dotted, e.g. 65.02
    "paper": "VARCHAR",  # putih | security
    "signed_electronically": "BOOLEAN",
    "channel": "VARCHAR",
}
EVENT_REQUIRED = ("document_type", "issued_on", "issuing_regency", "paper", "signed_electronically", "channel")

SEXES = ("L", "P")
PAPERS = ("putih", "security")
CHANNELS = ("kantor", "online", "adm", "jemput_bola_desa", "jemput_bola_sekolah")

# Boolean spellings accepted in CSV files (lower-cased); anything else is quarantined.
TRUE_WORDS = ("true", "t", "1", "ya", "y", "yes")
FALSE_WORDS = ("false", "f", "0", "tidak", "n", "no")


def _ddl(table: str, columns: dict[str, str], extra: str) -> str:
    cols = ",\n    ".join(f"{name} {kind}" for name, kind in columns.items())
    return f"CREATE TABLE IF NOT EXISTS {table} (\n    {cols},\n    {extra}\n)"


RESIDENTS_DDL = _ddl("residents", RESIDENT_COLUMNS, "import_id BIGINT")
EVENTS_DDL = _ddl("service_events", EVENT_COLUMNS, "import_id BIGINT")

# Fallbacks for a plain DuckDB connection without the capaian store's migrations.
FALLBACK_DDL = (
    "CREATE SEQUENCE IF NOT EXISTS register_import_id_seq START 1",
    """CREATE TABLE IF NOT EXISTS register_imports (
    id BIGINT NOT NULL, kind VARCHAR NOT NULL, source_file VARCHAR, content_hash VARCHAR,
    imported_at TIMESTAMP NOT NULL, actor VARCHAR, rows_total BIGINT, rows_accepted BIGINT,
    rows_quarantined BIGINT, status VARCHAR, detail VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS quarantine (
    import_id BIGINT NOT NULL, source_file VARCHAR, row_number BIGINT, reason VARCHAR,
    raw VARCHAR)""",
)


def ensure_tables(con) -> None:
    """Create `residents`, `service_events` (and the import tables on a bare connection)."""
    for ddl in FALLBACK_DDL:
        con.execute(ddl)
    con.execute(RESIDENTS_DDL)
    for name in RESIDENT_OPTIONAL:  # stores made before the column existed
        con.execute(f"ALTER TABLE residents ADD COLUMN IF NOT EXISTS {name} {RESIDENT_COLUMNS[name]}")
    con.execute(EVENTS_DDL)
