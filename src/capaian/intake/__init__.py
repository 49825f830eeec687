"""Aggregate submissions: validate a whole CSV/XLSX file, import it in one transaction, templates.

A submission has one row per region (a province's regencies/cities, or a province for its own
office) for one cut-off: `kode_wilayah`, optional `nama_wilayah`, `cutoff` (YYYY-MM-H1/H2) and any
subset of the fact columns of `capaian.intake.spec.FACTS`. The register path lives elsewhere.
"""

from __future__ import annotations

from capaian.intake.numbers import MAX_COUNT, MAX_PERCENT, NumberProblem, parse_cell, parse_number
from capaian.intake.reader import MAX_DATA_ROWS, max_file_bytes
from capaian.intake.report import MAX_LISTED_PROBLEMS, Problem, SubmissionInvalid, ValidationReport
from capaian.intake.spec import FACTS, MAX_NUMERATOR_RATIO, REQUIRED_COLUMNS
from capaian.intake.submission import (
    ImportResult, content_hash, import_submission, record_refusal, revert_submission,
)
from capaian.intake.template import template_regions, write_template
from capaian.intake.validate import in_scope, validate_submission

__all__ = [
    "MAX_COUNT", "MAX_DATA_ROWS", "max_file_bytes", "MAX_LISTED_PROBLEMS", "MAX_NUMERATOR_RATIO",
    "MAX_PERCENT", "record_refusal",
    "FACTS", "REQUIRED_COLUMNS", "ImportResult", "NumberProblem", "Problem",
    "SubmissionInvalid", "ValidationReport", "content_hash", "import_submission", "in_scope",
    "parse_cell", "parse_number", "revert_submission", "template_regions", "validate_submission",
    "write_template",
]
