"""The evaluation: facts of one cut-off -> indicator rows, levels, ranks and explanations.

`evaluate(facts, regions, rubric, target_sets=(), previous=None) -> Evaluation` is pure and
vectorised; `Evaluation.explain(code) -> Explanation`. Module map: `frame` (region index),
`rollup` (facts, sums, all-children), `targets` (national and regional targets), `indicators`
(rows), `formed` (program targets, margin, completeness, own totals), `ranks`, `levels` (region
rows), `engine` (the pipeline), `result` (Evaluation),
`explain` / `explain_text` (explanations).
"""

from capaian.evaluate.engine import evaluate
from capaian.evaluate.explain import Explanation, IndicatorState, Step, explain
from capaian.evaluate.result import INDICATOR_COLUMNS, REGION_COLUMNS, Evaluation

__all__ = [
    "INDICATOR_COLUMNS", "REGION_COLUMNS", "Evaluation", "Explanation", "IndicatorState", "Step",
    "evaluate", "explain",
]
