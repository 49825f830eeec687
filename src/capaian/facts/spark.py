"""Register → facts on PySpark: the same Ibis expressions as on DuckDB, run by Spark.

    from capaian.facts.spark import compute_facts_spark
    frame = compute_facts_spark("register/*.parquet", "2025-12-H1", events="events/")

Nothing here is Spark-specific beyond starting a session and registering the Parquet files as
temporary views `residents` and `service_events`; the facts come from
`capaian.facts.compute_facts` (Ibis → Spark SQL). Needs `pip install 'capaian[spark]'` and a
Java 17+ runtime. The master is `local[2]` unless given (or set in `CAPAIAN_SPARK_MASTER`), e.g.
`spark://host:7077` or `yarn` for a cluster; see docs/scale-out.md.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from capaian.errors import CapaianError
from capaian.facts import compute_facts

DEFAULT_MASTER = "local[2]"
# Small-machine defaults; a cluster overrides them with `conf` or spark-defaults.conf.
DEFAULT_CONF = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "4",
    "spark.sql.session.timeZone": "UTC",
    "spark.driver.memory": "2g",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}


def _require_pyspark():
    try:
        import pyspark  # noqa: F401
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise CapaianError(
            "PySpark belum terpasang: pasang dengan pip install 'capaian[spark]'.",
            "PySpark is not installed: install it with pip install 'capaian[spark]'.",
        ) from exc
    return SparkSession


def spark_session(master: str | None = None, conf: dict | None = None, app_name: str = "capaian-facts"):
    """A SparkSession (the running one if any, else a new one with `master` and `conf`).

    `master` defaults to $CAPAIAN_SPARK_MASTER, then `local[2]`. Settings that only apply when
    the JVM starts (driver memory, master) are ignored if a session is already running.
    """
    SparkSession = _require_pyspark()
    from capaian.settings import value as setting

    master = master or setting("CAPAIAN_SPARK_MASTER") or DEFAULT_MASTER
    builder = SparkSession.builder.master(master).appName(app_name)
    for key, value in {**DEFAULT_CONF, **(conf or {})}.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
        session.sparkContext.setLogLevel(setting("CAPAIAN_SPARK_LOG_LEVEL"))
        return session
    except Exception as exc:  # noqa: BLE001 - Java missing, cluster unreachable, ...
        raise CapaianError(
            f"Spark tidak dapat dijalankan ({master}): {exc}",
            f"Could not start Spark ({master}): {exc}",
        ) from exc


def spark_backend(session=None, **session_kw):
    """An Ibis PySpark backend over `session` (or `spark_session(**session_kw)`)."""
    import ibis

    return ibis.pyspark.connect(session or spark_session(**session_kw))


def _spark_path(path) -> str:
    """A path Spark reads: a file, a folder of Parquet files or a glob."""
    text = str(path)
    if any(ch in text for ch in "*?["):
        return text
    p = Path(text)
    if not p.exists() and "://" not in text:
        raise CapaianError(f"Berkas tidak ditemukan: {text}", f"File not found: {text}")
    return str(p.resolve()) if "://" not in text else text


def register_parquet(backend, residents, events=None) -> None:
    """Temporary views `residents` (and `service_events`) over Parquet files in the session.

    Without `events` an earlier `service_events` view is dropped, so stale events are never used.
    """
    backend.read_parquet(_spark_path(residents), table_name="residents")
    if events is not None:
        backend.read_parquet(_spark_path(events), table_name="service_events")
    else:
        backend._session.catalog.dropTempView("service_events")


def compute_facts_spark(
    residents,
    cutoff,
    age_bounds=None,
    *,
    events=None,
    session=None,
    master: str | None = None,
    conf: dict | None = None,
    scope: str | None = None,
    documents=None,
    since=None,
) -> pd.DataFrame:
    """Facts of a register in Parquet for `cutoff`, computed by Spark.

    Same frame as `capaian.facts.compute_facts` (region_code, cutoff, fact, value, source).
    `residents` / `events` are Parquet files, folders or globs (local paths here; hdfs://, s3a://
    ... on a cluster).
    """
    backend = spark_backend(session, master=master, conf=conf) if session is None else spark_backend(session)
    register_parquet(backend, residents, events)
    return compute_facts(
        backend,
        cutoff,
        age_bounds,
        scope=scope,
        documents=documents,
        since=since,
        with_events=events is not None,
    )
