"""Rubrics (levelisasi schemes) and target sets as validated YAML data.

`load_rubric("levelisasi-2020")`, `list_rubrics()`, `rubric_for("2021-03-H1")` (the rubric in force on
a cut-off: shipped ones and those added to the store, see `capaian.library`); regional target sets
with `load_target_set("kaltim-2022")` or `TargetSet(...)`. The rubric's own targets form the
`national` target set.
"""

from capaian.rubrics.loader import (
    list_rubrics,
    list_target_sets,
    load_rubric,
    load_target_set,
    rubric_for,
    rubric_for_year,
    rubric_in_force,
    rubric_from_file,
    target_set_from_file,
)
from capaian.rubrics.model import (
    KNOWN_FACTS,
    NATIONAL_SET,
    TIERS,
    AgeBounds,
    Band,
    Indicator,
    Rubric,
    Source,
    Target,
    TargetSet,
    Text,
)

__all__ = [
    "KNOWN_FACTS", "NATIONAL_SET", "TIERS", "AgeBounds", "Band", "Indicator", "Rubric", "Source", "Target",
    "TargetSet", "Text", "list_rubrics", "list_target_sets", "load_rubric", "load_target_set",
    "rubric_for", "rubric_for_year", "rubric_from_file", "rubric_in_force", "target_set_from_file",
]
