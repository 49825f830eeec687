"""`build_report`: the one call behind `capaian report` and the dashboard's download buttons.

The run comes from the one run picker (`capaian.runs.select`: a run id, or the newest published
run of the cut-off, or with `draft=True` the newest run published or not); the report resolves the
scope, gathers what lies around the run (data sources of its fact revision, the one trend, whether
the store holds the synthetic demo) and renders one format. Output of an unpublished run is a draft
and says so.
"""

from __future__ import annotations

import datetime as dt
import dataclasses
from dataclasses import dataclass
from pathlib import Path

from capaian.errors import CapaianError
from capaian.present.i18n import tr
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


PUBLIC_AUDIENCE = "publik"  # a report of the rows the public may see (file names say so)


def only_tiers(view, tiers: tuple[str, ...]):
    """A copy of a run view holding only the rows of `tiers`."""
    import dataclasses

    return dataclasses.replace(view, regions=view.regions[view.regions["tier"].isin(tiers)],
                               indicators=view.indicators[view.indicators["tier"].isin(tiers)])


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
    word = tr(lang, "facts")
    return tuple(f"{source} ({f_int(int(n), lang)} {word})" for source, n in counts.items())


@dataclass(frozen=True)
class ReportInputs:
    """Everything one report needs besides the time of generation, read from the store beforehand:
    `render_inputs` needs no store, so a server renders outside its store lock (even in another
    process: the inputs pickle)."""

    view: object
    scope: Scope
    fmt: str
    lang: str
    synthetic: bool
    sources: tuple[str, ...] = ()
    trend: object = None  # the trend rows (`capaian.runs.trend_frame`) for the PDF chart
    quality: object = None  # the data-quality and forecast section of the PDF and workbook (`reports.quality`)
    extra: tuple = ()  # the narrative's forecast and data-quality paragraphs (`quality_paragraphs`)
    audience: str = "internal"  # "publik": only the rows the public may see (`only_tiers`), else every row

    @property
    def filename(self) -> str:
        """`capaian-65-kalimantan-utara-2020-11-H1-run2-internal-id.pdf`: scope (code and name),
        cut-off, run (`-draf` when unpublished), audience (`publik` / `internal`: the public's
        national report holds fewer rows than a national user's) and language."""
        draft_tag = "-draf" if not self.view.published else ""
        return (f"capaian-{self.scope.slug}{_name_slug(self.scope)}-{self.view.cutoff}-run{self.view.run_id}"
                f"{draft_tag}-{self.audience}-{self.lang}.{self.fmt}")


def _name_slug(scope: Scope) -> str:
    """`-kalimantan-utara`, `-kota-tarakan` for a file name (ASCII); nothing for the nation."""
    import re

    from capaian.regions.hierarchy import fold

    if scope.tier == "national":
        return ""
    words = re.sub(r"[^a-z0-9]+", "-", fold(str(scope.name))).strip("-")
    return f"-{words}" if words else ""


def gather(store, view, scope: Scope, fmt: str, lang: str = "id", synthetic: bool | None = None, choice=None,
           trend_views: list | None = None) -> ReportInputs:
    """What a report of `view` for `scope` needs from the store (sources, the trend, demo flag).

    `trend_views`: the loaded runs of the one trend (a server has them cached); by default they
    are read from the store when the format needs them."""
    lang = "en" if (lang or "id").lower().startswith("en") else "id"
    _check_format(fmt)
    if synthetic is None:
        synthetic = bool(store is not None and store.is_demo())
    sources: tuple[str, ...] = ()
    trend = None
    if fmt == "xlsx" and store is not None:
        sources = data_sources(store, view, scope, lang)
    if fmt == "pdf":
        from capaian.runs import trend_frame

        if trend_views is not None:
            trend = trend_frame([view if v.run_id == view.run_id else v for v in trend_views], scope.code)
        elif store is not None and choice is not None:
            from capaian.reports.charts import trend_rows

            trend = trend_rows(store, choice, view, scope.code)
    found = quality_inputs(store, choice, view, scope, fmt, lang)
    return ReportInputs(view, scope, fmt, lang, bool(synthetic), sources, trend, **found)


def quality_inputs(store, choice, view, scope: Scope, fmt: str, lang: str, flags=None) -> dict:
    """The data-quality and forecast part of a report's inputs: the PDF's section and the workbook's
    sheet (`quality`), the narrative's paragraphs (`extra`); nothing without a store and a choice.
    `flags`: the choice's office flags with notes when the caller holds them (national section)."""
    if store is None or choice is None:
        return {"quality": None, "extra": ()}
    if fmt in ("xlsx", "pdf"):
        from capaian.reports.quality import quality_section

        return {"quality": quality_section(store, choice, view, scope, lang, flags=flags), "extra": ()}
    return {"quality": None, "extra": tuple(quality_paragraphs(store, choice, view, scope, lang))}


def render_inputs(inputs: ReportInputs, generated_at: dt.datetime | None = None) -> bytes:
    """The bytes of one report from its gathered inputs (no store)."""
    from capaian.reports.narrative import render_narrative

    view, scope, lang, fmt = inputs.view, inputs.scope, inputs.lang, inputs.fmt
    generated_at = generated_at or now_utc()
    if fmt == "xlsx":
        from capaian.reports.xlsx import render_xlsx

        return render_xlsx(view, scope, lang, generated_at, sources=inputs.sources, synthetic=inputs.synthetic,
                           quality=inputs.quality)
    if fmt == "pdf":
        from capaian.reports.charts import trend_png
        from capaian.reports.pdf import render_pdf

        png = None if inputs.trend is None else trend_png(inputs.trend, view.rubric, lang)
        return render_pdf(view, scope, lang, generated_at, trend_png=png, synthetic=inputs.synthetic,
                          quality=inputs.quality)
    return render_narrative(view, scope, lang, fmt, synthetic=inputs.synthetic, extra=inputs.extra).encode("utf-8")


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise CapaianError(
            f"Format laporan tidak dikenal: {fmt!r}; pilihan: {', '.join(FORMATS)}.",
            f"Unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}.",
        )


def render(view, scope: Scope, fmt: str, lang: str = "id", generated_at: dt.datetime | None = None,
           store=None, synthetic: bool | None = None, choice=None) -> bytes:
    """One format of the report of `view` for `scope` (the store adds sources and the trend chart)."""
    return render_inputs(gather(store, view, scope, fmt, lang, synthetic=synthetic, choice=choice), generated_at)


def quality_paragraphs(store, choice, view, scope: Scope, lang: str) -> tuple[str, ...]:
    """The forecast and data-quality paragraph of an office's narrative (`capaian.quality`)."""
    if scope.tier not in ("province", "regency"):
        return ()
    from capaian.quality.service import region_flags, region_forecast
    from capaian.quality.text import narrative_paragraphs

    found = region_forecast(store, choice, scope.code)
    labels = {i.id: i.label.get(lang) for i in view.rubric.indicators}
    return tuple(narrative_paragraphs(found["forecasts"], region_flags(store, choice, scope.code), labels,
                                      found["mae_pp"], lang))


def build_report(store, scope: str | None = "ID", cutoff: str | None = None, fmt: str = "pdf", lang: str = "id",
                 rubric_id: str | None = None, run_id: int | None = None, draft: bool = False,
                 target_set: str | None = None, generated_at: dt.datetime | None = None, user=None,
                 picked: tuple | None = None, tiers: tuple[str, ...] | None = None,
                 period: str | None = None) -> Report:
    """A report file for a scope (`ID`/`nasional`, a province or a regency code) and a cut-off or run.

    The run is the picker's answer for (cut-off | quarter `period`, rubric, target set | run id, draft) as `user` (the
    command-line operator by default); `picked` = (view, choice) when the caller already chose.
    `tiers`: only the region rows of these tiers (e.g. `("national", "province")` for a reader who
    may not see regencies, `capaian.access.report_tiers`); None keeps every row."""
    from capaian.accounts import OPERATOR
    from capaian.runs import pick

    _check_format(fmt)
    if picked is None:
        if cutoff is None and run_id is None and period is None:
            raise CapaianError("Sebutkan cut-off (--cutoff), triwulan (--period) atau run (--run).",
                               "Give a cut-off (--cutoff), a quarter (--period) or a run (--run).")
        picked = pick(store, user=user or OPERATOR, cutoff=cutoff, rubric=rubric_id, run_id=run_id, draft=draft,
                      target_set=target_set, period=period)
    view, choice = picked
    if tiers is not None:
        view = only_tiers(view, tiers)
    where = resolve_scope(view, scope)
    generated_at = generated_at or now_utc()
    inputs = gather(store, view, where, fmt, lang, choice=choice)
    if tiers is not None:
        inputs = dataclasses.replace(inputs, audience=PUBLIC_AUDIENCE)
    content = render_inputs(inputs, generated_at)
    return Report(content, fmt, FORMATS[fmt], inputs.filename, int(view.run_id), view.cutoff, where, generated_at)
