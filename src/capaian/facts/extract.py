"""What register facts were computed from, so a later call can prove it may reuse them.

    print = extract_fingerprint(store, register=Path("dkb/residents"), events=Path("dkb/events"))
    method = facts_method(cutoff, age_bounds)     # how: age bounds, denominator date, documents
    digest = frame_digest(frame)                  # what came out: the facts themselves

A Parquet extract is fingerprinted by its content: SHA-256 of every file's bytes (the files
hashed in parallel threads; hashlib releases the interpreter lock), the sorted file digests
hashed again, so the same files in another folder or under other names give the same
fingerprint and any changed byte gives another. The store's own import (no `--register`) is
fingerprinted by its import log: every register and events import, in order, with the SHA-256
of its file (the residents and events tables change only through those imports).

Two computations of a cut-off give the same facts when the fingerprint, the scope and the
method are the same; `frame_digest` then proves the stored facts are still exactly the ones
written (nothing superseded them since).
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

METHOD_VERSION = 1  # bump when a fact's definition changes: stored facts are then not reused


def _files(path: Path) -> list[str]:
    from capaian.facts.batch import parquet_source

    pattern = parquet_source(path)
    files = sorted(f for f in glob.glob(pattern, recursive=True) if os.path.isfile(f))
    if not files:
        from capaian.errors import CapaianError

        raise CapaianError(f"Tidak ada berkas Parquet di {path}.", f"No Parquet file in {path}.")
    return files


def _file_digest(path: str) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def files_fingerprint(paths) -> str:
    """SHA-256 over the sorted SHA-256 digests of the files' bytes (names and order ignored)."""
    paths = list(paths)
    with ThreadPoolExecutor(max_workers=max(1, min(len(paths), os.cpu_count() or 1))) as pool:
        digests = sorted(pool.map(_file_digest, paths))
    return hashlib.sha256("\n".join(digests).encode()).hexdigest()


def extract_fingerprint(store, register: Path | None = None, events: Path | None = None) -> str:
    """The content fingerprint of the extract the facts are computed from (see the module)."""
    if register is not None:
        parts = ["parquet", "residents:" + files_fingerprint(_files(register))]
        if events is not None:
            parts.append("events:" + files_fingerprint(_files(events)))
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()
    try:
        rows = store.con.execute(
            "SELECT id, kind, content_hash, status FROM register_imports ORDER BY id"
        ).fetchall()
    except Exception:  # noqa: BLE001 - no import table yet: nothing imported
        rows = []
    text = "store\n" + "\n".join("\t".join(str(v) for v in row) for row in rows)
    return hashlib.sha256(text.encode()).hexdigest()


def facts_method(cutoff, age_bounds, *, with_events: bool = True) -> str:
    """How the facts of `cutoff` are computed, as a stable text: the age bounds, the as-of and
    denominator dates (a new denominator base changes it), the designated documents."""
    from capaian.facts import as_of_date, denominator_date
    from capaian.facts.dates import Ages
    from capaian.register.documents import designated_documents

    ages = Ages.of(age_bounds)
    as_of = as_of_date(cutoff)
    method = {
        "version": METHOD_VERSION,
        "ages": [ages.wajib_ktp_min_age, ages.kia_max_age_exclusive, ages.akta_max_age_exclusive],
        "as_of": as_of.isoformat(),
        "denominators_on": denominator_date(cutoff).isoformat(),
        "documents": sorted(designated_documents(as_of.year)) if with_events else None,
    }
    return json.dumps(method, sort_keys=True)


def frame_digest(frame) -> str:
    """SHA-256 of a facts frame's (region_code, fact, value) rows, independent of row order."""
    import pandas as pd

    rows = frame[["region_code", "fact", "value"]].sort_values(["region_code", "fact"], kind="stable")
    hashed = pd.util.hash_pandas_object(
        pd.DataFrame({"r": rows["region_code"].astype(str).to_numpy(), "f": rows["fact"].astype(str).to_numpy(),
                      "v": rows["value"].astype("float64").to_numpy()}),
        index=False,
    )
    return hashlib.sha256(hashed.to_numpy().tobytes()).hexdigest()
