"""The quality answers for a chosen run, as every surface asks for them: the runs come from the one
run picker and the one trend rule (`capaian.runs`), the facts from the store."""

from __future__ import annotations

from capaian.quality.flags import flags_for_cutoff
from capaian.quality.notes import attach, notes


def quality_flags(store, views: list, k=None) -> list:
    """The flags of the last of `views` (the trend runs of a choice), with their notes."""
    if not views:
        return []
    facts = store.current_facts(views[-1].cutoff)
    return attach(flags_for_cutoff(views, facts, k=k), notes(store))


def trend_views_of(store, choice) -> list:
    """The runs of the trend of `choice` (the one trend rule), loaded from the store."""
    from capaian.runs import Catalog, trend_run_ids
    from capaian.service import get_run

    return [get_run(store, run_id) for run_id in trend_run_ids(Catalog.from_store(store), choice)]


def flags_for_choice(store, choice, k=None) -> list:
    return quality_flags(store, trend_views_of(store, choice), k=k)
