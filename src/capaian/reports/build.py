"""`build_report`: the one call behind `capaian report` and the dashboard's download buttons.

It picks the run (by id; the latest published one; or the run matching the current facts of the
cut-off, evaluated when there is none, as `capaian evaluate` does), resolves the scope, gathers
what lies around the run (data sources of its fact revision, the year's trend, whether the store
holds the synthetic demo) and renders one format.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from capaian.errors import CapaianError
from capaian.reports.common import f_int, now_utc
from capaian.reports.scope import Scope, resolve_scope

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "md": "text/markdown; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
}
DEFAULT_FORMAT = "md"


def infer_format(fmt: str | None, output: str | None = None) -> str:
    """The report format: `fmt` when given, else the output file's suffix (`.pdf`, `.xlsx` ...),
    else Markdown. An unknown `fmt` is a CapaianError listing the formats."""
    if fmt is None:
        suffix = Path(str(output)).suffix.lower().lstrip(".") if output is not None and str(output) != "-" else ""
        return suffix if suffix in FORMATS else DEFAULT_FORMAT
    if fmt.lower() not in FORMATS:
        raise CapaianError(
            f"--format {fmt!r} tidak dikenal; pilihan: {', '.join(FORMATS)}.",
            f"unknown --format {fmt!r}; expected one of {', '.join(FORMATS)}.",
        )
    return fmt.lower()


@dataclass(frozen=True)
class Report:
    content: bytes
    format: str
    media_type: str
    filename: str
    run_id: int
    cutoff: str
    scope: Scope
    generated_at: dt.datetime

    @property
    def text(self) -> str:
        """The narrative formats as text."""
        return self.content.decode("utf-8")


def pick_run(store, cutoff: str | None = None, rubric_id: str | None = None, run_id: int | None = None,
             published_only: bool = False, actor: str = "report", target_sets: tuple = ()):
    """The run a report is made from (see the module docstring); `target_sets` as for `evaluate_cutoff`."""
    from capaian.periods import Cutoff
    from capaian.service import evaluate_cutoff, get_run

    if run_id is not None:
        view = get_run(store, run_id=run_id)
        if view is None:  # pragma: no cover - get_run raises for unknown ids
            raise CapaianError(f"Run {run_id} tidak ada.", f"There is no run {run_id}.")
        if published_only and not view.published:
            raise CapaianError(f"Run {run_id} belum diterbitkan.", f"Run {run_id} is not published.")
        return view
    if cutoff is None:
        raise CapaianError("Sebutkan cut-off (--cutoff) atau run (--run).", "Give a cut-off (--cutoff) or a run (--run).")
    if published_only:
        target_set_id = ",".join(ts.id for ts in target_sets) or "national"
        found = store.latest_run(str(Cutoff.parse(cutoff)), rubric=rubric_id, published_only=True,
                                 target_set=target_set_id)
        if found is None:
            raise CapaianError(
                f"Belum ada run terbit untuk cut-off {cutoff} (set target {target_set_id}).",
                f"There is no published run for cut-off {cutoff} (target set {target_set_id}).",
            )
        return get_run(store, run_id=found)
    return evaluate_cutoff(store, cutoff, rubric_id=rubric_id, target_sets=tuple(target_sets), actor=actor)


def data_sources(store, view, scope: Scope, lang: str = "id") -> tuple[str, ...]:
    """The sources of the facts the run was computed from, within the scope, with fact counts."""
    revision = view.meta.get("fact_revision")
    try:
        facts = store.current_facts(view.cutoff, revision=None if revision is None else int(revision))
    except Exception:  # an older store without revisions: report no sources rather than fail
        return ()
    if facts.empty:
        return ()
    if scope.tier != "national":
        codes = facts["region_code"].astype(str)
        facts = facts[(codes == scope.code) | codes.str.startswith(scope.code + ".")]
    counts = facts.groupby(facts["source"].fillna("—").astype(str)).size().sort_index()
    word = "fakta" if lang != "en" else "facts"
    return tuple(f"{source} ({f_int(int(n), lang)} {word})" for source, n in counts.items())


def render(view, scope: Scope, fmt: str, lang: str = "id", generated_at: dt.datetime | None = None,
           store=None, synthetic: bool | None = None) -> bytes:
    """One format of the report of `view` for `scope` (the store adds sources and the trend chart)."""
    from capaian.reports.narrative import render_narrative

    lang = "en" if (lang or "id").lower().startswith("en") else "id"
    generated_at = generated_at or now_utc()
    if synthetic is None:
        synthetic = bool(store is not None and store.is_demo())
    if fmt == "xlsx":
        from capaian.reports.xlsx import render_xlsx

        sources = data_sources(store, view, scope, lang) if store is not None else ()
        return render_xlsx(view, scope, lang, generated_at, sources=sources, synthetic=synthetic)
    if fmt == "pdf":
        from capaian.reports.charts import trend_png, trend_rows
        from capaian.reports.pdf import render_pdf

        png = trend_png(trend_rows(store, view, scope.code), view.rubric, lang) if store is not None else None
        return render_pdf(view, scope, lang, generated_at, trend_png=png, synthetic=synthetic)
    if fmt in ("md", "txt"):
        return render_narrative(view, scope, lang, fmt, synthetic=synthetic).encode("utf-8")
    raise CapaianError(
        f"Format laporan tidak dikenal: {fmt!r}; pilihan: {', '.join(FORMATS)}.",
        f"Unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}.",
    )


def build_report(store, scope: str | None = "ID", cutoff: str | None = None, fmt: str = "pdf", lang: str = "id",
                 rubric_id: str | None = None, run_id: int | None = None, published_only: bool = False,
                 generated_at: dt.datetime | None = None, actor: str = "report", target_sets: tuple = ()) -> Report:
    """A report file for a scope (`ID`/`nasional`, a province or a regency code) and a cut-off or run."""
    if fmt not in FORMATS:
        raise CapaianError(
            f"Format laporan tidak dikenal: {fmt!r}; pilihan: {', '.join(FORMATS)}.",
            f"Unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}.",
        )
    view = pick_run(store, cutoff, rubric_id, run_id, published_only, actor, target_sets)
    where = resolve_scope(view, scope)
    generated_at = generated_at or now_utc()
    lang = "en" if (lang or "id").lower().startswith("en") else "id"
    content = render(view, where, fmt, lang, generated_at, store=store)
    filename = f"capaian-{where.slug}-{view.cutoff}-run{view.run_id}-{lang}.{fmt}"
    return Report(content, fmt, FORMATS[fmt], filename, int(view.run_id), view.cutoff, where, generated_at)
