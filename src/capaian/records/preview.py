"""After an upload: where the office's facts stand (received -> evaluated -> published) and a draft
preview of its figures computed from the new facts (level, indicators, path), not stored.

    progress(store, "2020-11-H1", revision=7)   # {"step": "evaluated", "run_id": 12, ...}
    draft_preview(store, "2020-11-H1", "65.71")  # the region's record and explanation path
"""

from __future__ import annotations

import pandas as pd

STEPS = ("received", "evaluated", "published")


def progress(store, cutoff: str, revision: int | None) -> dict:
    """The step a submission's facts have reached: `received` (stored), `evaluated` (a run of this
    cut-off on these facts or later ones), `published` (such a run is published)."""
    runs = store.list_runs()
    runs = runs[runs["cutoff"] == cutoff]
    if revision is not None:
        runs = runs[pd.to_numeric(runs["fact_revision"], errors="coerce") >= int(revision)]
    published = runs[runs["published_at"].notna()]
    step = "published" if not published.empty else "evaluated" if not runs.empty else "received"
    run_id = (int(published["id"].max()) if not published.empty else int(runs["id"].max()) if not runs.empty
              else None)
    return {"step": step, "steps": list(STEPS), "done": list(STEPS[:STEPS.index(step) + 1]), "run_id": run_id,
            "cutoff": cutoff}


def draft_preview(store, cutoff: str, code: str) -> dict | None:
    """The region's figures from the cut-off's current facts (a draft: not stored, not published):
    its record (level, indicators) and explanation (the path to the next level); None when the
    facts give the region no row."""
    from capaian.records import region_set
    from capaian.service import preview_cutoff

    view = preview_cutoff(store, cutoff)
    if code not in set(view.regions["region_code"]):
        return None
    rs = region_set(view, code, below=False)
    return {"region": rs["region"], "explanation": rs["explanation"], "run_id": int(view.run_id) or None,
            "rubric": view.rubric.id, "indicators": [{"id": i.id, "label": {"id": i.label.id, "en": i.label.en}}
                                                     for i in view.rubric.indicators]}
