"""Register extracts and service events: schema, validation, import, designated documents.

    summary = import_register(store, "residents.parquet", actor="ops")
    summary = import_events(store, "events.csv", actor="ops")

See `load.py` for the transaction and replacement rules and `validate.py` for the row rules.
"""

from capaian.register.documents import DocumentList, designated_documents, document_code, document_list
from capaian.register.load import ImportSummary, import_events, import_register
from capaian.register.schema import CHANNELS, EVENT_COLUMNS, PAPERS, RESIDENT_COLUMNS, ensure_tables
from capaian.register.validate import REASONS, nik_problem, reason_text

__all__ = [
    "CHANNELS",
    "EVENT_COLUMNS",
    "PAPERS",
    "REASONS",
    "RESIDENT_COLUMNS",
    "DocumentList",
    "ImportSummary",
    "designated_documents",
    "document_code",
    "document_list",
    "ensure_tables",
    "import_events",
    "import_register",
    "nik_problem",
    "reason_text",
]
