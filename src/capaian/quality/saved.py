"""The flags of a chosen run, computed once and kept in the store (table `saved_flags`).

    flags = choice_flags(store, catalog, choice)      # saved ones, or computed (never saved by a read)

A run never changes, so the flags of a cut-off depend only on the runs of its trend (their ids,
the one trend rule), on the cut-off's facts (its fact revision: the percentage check reads them)
and on the jump setting k. They are saved under a key naming exactly those; any other state has
another key, so a saved answer is never stale. The flags of a run are saved when it is published
(`save_published`, by every way of publishing); any other choice is computed when asked for and
not stored: reads never write. Every surface asks here: the web's overview and flags page, the
reports, `capaian explain`, `capaian quality flags`. Notes are attached when shown, never saved with them.
"""

from __future__ import annotations

import json
from capaian.quality.flags import Flag, flags_for_cutoff, mad_k

KEY_VERSION = 1  # bump when a flag rule changes: every saved answer is then recomputed
_FIELDS = ("type", "severity", "cutoff", "region_code", "region_name", "province_code", "indicator", "evidence")


def flags_key(store, catalog, choice, k=None) -> tuple[str, list[int]]:
    """(key, trend run ids) of the flags of `choice`."""
    from capaian.runs import trend_run_ids

    ids = trend_run_ids(catalog, choice)
    key = (f"v{KEY_VERSION}|k={mad_k(k)!r}|runs={','.join(str(int(i)) for i in ids)}"
           f"|facts={store.fact_revision(choice.cutoff)}")
    return key, ids


def saved_flags(store, key: str) -> list[Flag] | None:
    """The flags saved under `key`, or None."""
    text = store.scalar("SELECT flags FROM saved_flags WHERE key = ?", [key])
    if text is None:
        return None
    return [Flag(**{name: item[name] for name in _FIELDS}) for item in json.loads(text)]


def save_flags(store, key: str, choice, flags: list[Flag]) -> None:
    """Keep `flags` under `key`, replacing what was saved for the same run under another key (its
    facts were revised since); a key saved meanwhile by another process is left as it is."""
    from capaian.store.core import utcnow

    if store.read_only:  # a read-only copy (`capaian serve --read-only`): computed each time
        return
    text = json.dumps([{name: getattr(f, name) for name in _FIELDS} for f in flags], default=_plain)
    with store.transaction():
        store.con.execute("DELETE FROM saved_flags WHERE run_id = ? AND key <> ?", [int(choice.run_id), key])
        store.con.execute("INSERT INTO saved_flags VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                          [key, str(choice.cutoff), int(choice.run_id), text, utcnow()])


def _plain(value):
    return value.item() if hasattr(value, "item") else str(value)


def choice_flags(store, catalog, choice, k=None, *, whole=None, save: bool = False) -> list[Flag]:
    """The flags of `choice` (without notes): saved, or computed (and saved only with `save`, which
    only a writing command asks for: publishing).

    `whole(run_ids)` gives the last two runs of the trend whole when the caller already holds them
    (default: loaded). The runs before those are read only as far as the flags read them
    (`capaian.quality.service.older_runs`, one query)."""
    from capaian.quality.service import older_runs
    from capaian.service import get_run

    key, ids = flags_key(store, catalog, choice, k)
    found = saved_flags(store, key)
    if found is not None:
        return found
    last = whole(ids[-2:]) if whole is not None else [get_run(store, run_id) for run_id in ids[-2:]]
    flags = flags_for_cutoff(older_runs(store, catalog, ids[:-2]) + last, store.current_facts(choice.cutoff), k=k)
    if save:
        save_flags(store, key, choice, flags)
    return flags


def save_published(store, run_id: int) -> int:
    """Compute and save the flags the public sees for a run just published (its cut-off's public
    choice); returns how many. Called by every way of publishing (`capaian publish`, the web)."""
    from capaian.runs import Catalog, NoRun, choose

    catalog = Catalog.from_store(store)
    row = catalog.row(run_id)
    try:
        choice = choose(catalog, user=None, cutoff=row["cutoff"], rubric=row["rubric"])
    except NoRun:
        return 0
    if int(choice.run_id) != int(run_id):  # a newer published run of the cut-off is the public's
        return 0
    return len(choice_flags(store, catalog, choice, save=True))
