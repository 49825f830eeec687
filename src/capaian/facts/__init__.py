"""Register → facts (portable Ibis expressions) and the glue that reads and writes the store.

    backend = ibis_backend(store)                    # DuckDB over the store's connection
    frame = compute_facts(backend, "2020-11-H1")     # region_code, cutoff, fact, value, source
    later = compute_facts_incremental(backend, "2020-11-H2", "2020-11-H1", frame)  # same, cheaper
    write_register_facts(store, "2020-11-H1", age_bounds=rubric.age_bounds, scope="65")

The expressions (`register_facts`) take Ibis tables and a date; any Ibis backend can run them:
`ibis.duckdb.from_connection(con)`, `ibis.duckdb.connect()`, `ibis.pyspark.connect(session)`,
`ibis.postgres.connect(...)` holding tables `residents` (and `service_events`) with the
columns of `capaian.register.schema`.
"""

from __future__ import annotations

import calendar
import datetime as dt

import pandas as pd

from capaian.facts.dates import Ages, age_on, born_by, period_start
from capaian.facts.register import (
    DENOMINATOR_FACTS,
    REGENCY_FACTS,
    VILLAGE_FACTS,
    changed_between,
    document_facts,
    register_facts,
    resident_conditions,
    resident_facts,
    resident_facts_delta,
)

SOURCE = "register"
BASE = "base"  # default of `denominators_on`: the population date of the base in force

__all__ = [
    "DENOMINATOR_FACTS",
    "REGENCY_FACTS",
    "SOURCE",
    "VILLAGE_FACTS",
    "Ages",
    "age_on",
    "as_of_date",
    "born_by",
    "changed_between",
    "compute_facts",
    "compute_facts_incremental",
    "denominator_date",
    "document_facts",
    "ibis_backend",
    "period_start",
    "register_facts",
    "resident_conditions",
    "resident_facts",
    "resident_facts_delta",
    "write_register_facts",
]


def as_of_date(cutoff) -> dt.date:
    """The as-of date of a cut-off (a `Cutoff`, 'YYYY-MM-H1'/'YYYY-MM-H2', or a date)."""
    if isinstance(cutoff, dt.date):
        return cutoff
    if hasattr(cutoff, "as_of"):
        return cutoff.as_of
    try:
        from capaian.periods import Cutoff

        return Cutoff.parse(str(cutoff)).as_of
    except ImportError:  # pragma: no cover - capaian.periods is part of the package
        year, month, half = str(cutoff).split("-")
        day = 15 if half.upper() == "H1" else calendar.monthrange(int(year), int(month))[1]
        return dt.date(int(year), int(month), day)


def denominator_date(cutoff, denominators_on=BASE) -> dt.date:
    """The date the denominators of `cutoff` are counted on.

    `BASE` (default): the population date of the denominator base in force on the cut-off's
    as-of date (`capaian.bases.base_for`), or the as-of date itself when no base is in force;
    None: the as-of date; a date: that date. A plain date given as `cutoff` is not a cut-off:
    everything is counted on it unless `denominators_on` is a date.
    """
    as_of = as_of_date(cutoff)
    if denominators_on is None or (isinstance(cutoff, dt.date) and not isinstance(denominators_on, dt.date)):
        return as_of
    if isinstance(denominators_on, dt.date):
        return denominators_on
    from capaian.bases import base_for

    base = base_for(as_of)
    return base.population_as_of if base is not None else as_of


def ibis_backend(source):
    """An Ibis backend for a Store, a DuckDB connection, or an Ibis backend (returned as is)."""
    import ibis

    if isinstance(source, ibis.BaseBackend):
        return source
    if getattr(source, "backend", "duckdb") == "postgresql":
        from capaian.errors import CapaianError

        raise CapaianError(
            "Penyimpanan PostgreSQL tidak menyimpan register untuk dihitung: berikan ekstraknya "
            "dengan `capaian facts --register BERKAS` (dihitung di DuckDB, fakta masuk ke PostgreSQL).",
            "A PostgreSQL store holds no register to compute from: give the extract with "
            "`capaian facts --register FILE` (computed on DuckDB, the facts go to PostgreSQL).",
        )
    con = getattr(source, "con", source)
    return ibis.duckdb.from_connection(con)


def _table(backend, name: str):
    """`backend.table(name)`, or None when absent. (Ibis 12's DuckDB `list_tables` calls
    `fetch_arrow_table`, which DuckDB 2.0 removed, so existence is probed instead.)"""
    from ibis.common.exceptions import TableNotFound

    try:
        return backend.table(name)
    except TableNotFound:
        return None


def compute_facts(
    con_or_backend,
    cutoff,
    age_bounds=None,
    *,
    scope: str | None = None,
    documents=None,
    since: dt.date | None = None,
    with_events: bool = True,
    denominators_on=BASE,
) -> pd.DataFrame:
    """Facts of the stored register for a cut-off: (region_code, cutoff, fact, value, source).

    Reads tables `residents` and (when present and `with_events`) `service_events` through the
    backend; see `capaian.facts.register` for each fact's definition and the events window.
    Numerators are counted on the cut-off's as-of date, denominators on `denominator_date`.
    """
    backend = ibis_backend(con_or_backend)
    as_of = as_of_date(cutoff)
    residents = _table(backend, "residents")
    if residents is None:
        return pd.DataFrame(columns=["region_code", "cutoff", "fact", "value", "source"])
    events = _table(backend, "service_events") if with_events else None
    expr = register_facts(residents, as_of, age_bounds, events, documents, since=since, scope=scope,
                          denominators_on=denominator_date(cutoff, denominators_on))
    return _finish(_execute(backend, expr), cutoff)


def _execute(backend, expr) -> pd.DataFrame:
    return backend.execute(expr) if hasattr(backend, "execute") else expr.execute()


def _finish(frame: pd.DataFrame, cutoff) -> pd.DataFrame:
    """(region_code, fact, value) → the facts frame of `cutoff`, sorted by region and fact."""
    frame = frame.sort_values(["region_code", "fact"], kind="stable").reset_index(drop=True)
    label = str(cutoff) if not isinstance(cutoff, dt.date) else cutoff.isoformat()
    frame.insert(1, "cutoff", label)
    frame["value"] = frame["value"].astype("float64")
    frame["source"] = SOURCE
    return frame[["region_code", "cutoff", "fact", "value", "source"]]


def compute_facts_incremental(
    con_or_backend,
    cutoff,
    previous_cutoff,
    previous_frame: pd.DataFrame,
    age_bounds=None,
    *,
    scope: str | None = None,
    documents=None,
    since: dt.date | None = None,
    with_events: bool = True,
    denominators_on=BASE,
    previous_denominators_on=BASE,
    residents=None,
) -> pd.DataFrame:
    """Facts of `cutoff` from the facts of `previous_cutoff` plus the change between the two.

    Same frame as `compute_facts(con_or_backend, cutoff, ...)`, value for value, provided
    `previous_frame` is `compute_facts(...)` of `previous_cutoff` on the same register, with the
    same `age_bounds` and `scope` (its village facts are used; its document facts are ignored).
    The village facts are previous + `resident_facts_delta` (a filtered scan: only residents with
    a date, or an age bound, crossed between the two as-of dates reach the group-by); the
    document facts of `cutoff` are computed from the events as usual (half a month of events).
    Either cut-off may be the earlier one. Numerators change between the two as-of dates,
    denominators between the two denominator dates (none when both use the same base).
    `residents` (default: the backend's `residents`) may be any subset holding every row that
    changed between the dates, e.g. the rows changed anywhere in a year (`facts.batch`).
    """
    backend = ibis_backend(con_or_backend)
    as_of, before = as_of_date(cutoff), as_of_date(previous_cutoff)
    residents = _table(backend, "residents") if residents is None else residents
    if residents is None:
        return pd.DataFrame(columns=["region_code", "cutoff", "fact", "value", "source"])
    prev = previous_frame.loc[previous_frame["fact"].isin(VILLAGE_FACTS), ["region_code", "fact", "value"]]
    den_now = denominator_date(cutoff, denominators_on)
    den_before = denominator_date(previous_cutoff, previous_denominators_on)
    parts_delta = []
    for lo, hi, facts in ((before, as_of, False), (den_before, den_now, True)):
        if lo == hi:
            continue
        d = _execute(backend, resident_facts_delta(residents, lo, hi, age_bounds, scope=scope))
        parts_delta.append(d[d["fact"].isin(DENOMINATOR_FACTS) == facts])
    delta = pd.concat(parts_delta, ignore_index=True) if parts_delta else prev.iloc[:0]
    merged = prev.merge(delta, on=["region_code", "fact"], how="outer", suffixes=("_prev", "_delta"))
    village = pd.DataFrame(
        {
            "region_code": merged["region_code"].astype(str),
            "fact": merged["fact"].astype(str),
            "value": merged["value_prev"].astype("float64").fillna(0.0)
            + merged["value_delta"].astype("float64").fillna(0.0),
        }
    )
    parts = [village]
    events = _table(backend, "service_events") if with_events else None
    if events is not None:
        if documents is None:
            from capaian.register.documents import designated_documents

            documents = designated_documents(as_of.year)
        parts.append(_execute(backend, document_facts(events, as_of, documents, since=since, scope=scope)))
    return _finish(pd.concat(parts, ignore_index=True), cutoff)


def write_register_facts(
    store,
    cutoff,
    age_bounds=None,
    *,
    scope: str | None = None,
    actor: str = "register",
    documents=None,
    since: dt.date | None = None,
    denominators_on=BASE,
):
    """Compute the register facts of `cutoff` and store them with source 'register'.

    Uses `store.write_facts` (changed values supersede, one revision per call); returns its
    FactWrite. `scope` limits the computation to one region's residents and events.
    """
    frame = compute_facts(store, cutoff, age_bounds, scope=scope, documents=documents, since=since,
                          denominators_on=denominators_on)
    return store.write_facts(frame, source=SOURCE, actor=actor)
