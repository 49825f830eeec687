"""Database errors told apart by type: away (503), busy (503), other (500); never by message text."""

from __future__ import annotations

import duckdb
import psycopg
import pytest
from psycopg import errors
from psycopg_pool import PoolTimeout

from capaian.errors import CapaianError
from capaian.store.faults import classify, detail, is_unique_violation


@pytest.mark.parametrize("exc, kind, status, retry", [
    (PoolTimeout("couldn't get a connection after 0.50 sec"), "unavailable", 503, 5),
    (psycopg.OperationalError("server closed the connection unexpectedly"), "unavailable", 503, 5),
    (errors.AdminShutdown("terminating connection due to administrator command"), "unavailable", 503, 5),
    (errors.TooManyConnections("sorry, too many clients already"), "unavailable", 503, 5),
    (errors.QueryCanceled("canceling statement due to statement timeout"), "busy", 503, 2),
    (errors.LockNotAvailable("canceling statement due to lock timeout"), "busy", 503, 2),
    (errors.UniqueViolation("duplicate key value"), "error", 500, None),
    (duckdb.TransactionException("Conflict on update"), "busy", 503, 2),
    (duckdb.IOException("Could not read from file"), "unavailable", 503, 5),
    (duckdb.CatalogException("Table x does not exist"), "error", 500, None),
])
def test_each_database_error_has_its_fault(exc, kind, status, retry):
    fault = classify(exc)
    assert (fault.kind, fault.status, fault.retry_after) == (kind, status, retry)
    assert fault.text("id") and fault.text("en") and " / " in fault.text()


def test_other_errors_are_not_faults_and_a_wrapped_one_is():
    assert classify(ValueError("x")) is None
    assert classify(CapaianError("a", "b")) is None
    try:
        try:
            raise errors.QueryCanceled("timeout")
        except errors.QueryCanceled as inner:
            raise RuntimeError("while loading a run") from inner
    except RuntimeError as outer:
        assert classify(outer).kind == "busy"


def test_detail_is_one_line_without_a_password():
    exc = psycopg.OperationalError('connection to "postgresql://u:geheim@h/db" failed:\n  password=geheim x')
    text = detail(exc)
    assert "geheim" not in text and "\n" not in text and text.startswith("OperationalError: ")
    assert is_unique_violation(errors.UniqueViolation("x")) and not is_unique_violation(ValueError("unique"))
