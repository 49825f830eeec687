"""Static charts for the PDF report (matplotlib, Agg backend), readable in black and white.

`trend_rows(store, choice, view, code)` gathers one region's values over the one trend of the
report's run (`capaian.runs.trend`: the year's cut-offs up to the report's, published runs only
when the report's run is published, so a published report never changes); `trend_png` draws them.
"""

from __future__ import annotations

import io

import pandas as pd

from capaian import formatting as fmt
from capaian.periods import Cutoff
from capaian.present.i18n import tr
from capaian.reports.common import plain

LINES = [("-", "o", "0.0"), ("--", "s", "0.35"), (":", "^", "0.2"), ("-.", "D", "0.5")]


def trend_rows(store, choice, view, code: str) -> pd.DataFrame:
    """Indicator rows of `code` over the one trend of the report's run (`capaian.runs.trend`)."""
    from capaian.runs import Catalog, trend_frame, trend_run_ids
    from capaian.service import get_runs_of_region

    ids = trend_run_ids(Catalog.from_store(store), choice)
    others = get_runs_of_region(store, [i for i in ids if i != view.run_id], code)  # only this region's rows
    return trend_frame([view if run_id == view.run_id else others[run_id] for run_id in ids], code)


def _short(cutoff: str) -> str:
    c = Cutoff.parse(cutoff)
    return str(c)[5:]  # "11-H1"


def _base_events(top, bottom, cutoffs: list[str], lang: str) -> None:
    """A dotted line where a new denominator base takes over, named along the line (upright text
    beside a vertical line cannot collide with the next event's, which is at least one cut-off away)."""
    from capaian.bases import base_changes

    try:
        changes = base_changes(cutoffs)
    except Exception:  # an unknown cut-off form: no events rather than no chart
        return
    where = {c: i for i, c in enumerate(cutoffs)}
    for n, (cutoff, base) in enumerate(changes):
        x = where[cutoff]
        for ax in (top, bottom):
            ax.axvline(x, linestyle=(0, (1, 1.5)), color="0.25", linewidth=0.9, zorder=1,
                       label=tr(lang, "new denominator base") if ax is top and n == 0 else None)
        top.text(x + 0.12, 0.03, base.label.get(lang), transform=top.get_xaxis_transform(), rotation=90,
                 fontsize=6, color="0.15", ha="left", va="bottom", zorder=4,
                 bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 0.6})


def trend_png(rows: pd.DataFrame, rubric, lang: str = "id", dpi: int = 150) -> bytes | None:
    """A PNG of the coverage indicators (with targets) and the level over the cut-offs; None if empty."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    if rows is None or rows.empty:
        return None
    cutoffs = sorted(rows["cutoff"].unique(), key=lambda c: Cutoff.parse(c).as_of)
    x = {c: i for i, c in enumerate(cutoffs)}
    fig = Figure(figsize=(6.7, 4.4), dpi=dpi)
    top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1.2]})
    coverage = [ind for ind in rubric.indicators if ind.kind == "coverage"]
    for i, ind in enumerate(coverage):
        sub = rows[(rows["indicator"] == ind.id) & rows["value"].notna()]
        if sub.empty:
            continue
        style, marker, grey = LINES[i % len(LINES)]
        xs = [x[c] for c in sub["cutoff"]]
        target = float(ind.target.value)
        label = f"{ind.label.get(lang)} (target {fmt.format_target(target, lang=lang)})"
        top.plot(xs, sub["value"].astype(float), linestyle=style, marker=marker, color=grey,
                 markersize=3.5, linewidth=1.3, label=label)
        top.axhline(target, linestyle=style, color="0.6", linewidth=0.8)
    _base_events(top, bottom, cutoffs, lang)
    top.set_ylabel(tr(lang, "Coverage (%)"), fontsize=8)
    top.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.format_number(v, 0, lang=lang)))
    top.grid(axis="y", color="0.85", linewidth=0.5)
    top.legend(fontsize=7, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False)
    top.tick_params(labelsize=7)

    levels = rows.drop_duplicates("cutoff").set_index("cutoff")
    ys = [plain(levels.loc[c, "level"]) for c in cutoffs]
    if any(v is not None for v in ys):
        from matplotlib import patheffects

        from capaian.present.palette import swatch

        for band in rubric.bands.levels:  # the level palette as bands behind the line
            bottom.axhspan(band.level - 0.5, band.level + 0.5, color=swatch(band.level).fill, zorder=0, linewidth=0)
        bottom.step(range(len(cutoffs)), [float("nan") if v is None else v for v in ys], where="mid",
                    color="0.0", linewidth=1.4, zorder=3,
                    path_effects=[patheffects.Stroke(linewidth=3.2, foreground="white"), patheffects.Normal()])
        bottom.set_ylim(0.5, max(b.level for b in rubric.bands.levels) + 0.5)
        bottom.set_ylabel(tr(lang, "Level"), fontsize=8)
    else:
        met = [plain(levels.loc[c, "indicators_met"]) for c in cutoffs]
        bottom.step(range(len(cutoffs)), [float("nan") if v is None else v for v in met], where="mid",
                    color="0.0", linewidth=1.4)
        bottom.set_ylim(-0.5, len(rubric.indicators) + 0.5)
        bottom.set_ylabel(tr(lang, "Met"), fontsize=8)
    bottom.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))  # a short strip: 0..9 collided
    bottom.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.format_int(v, lang=lang)))
    bottom.grid(axis="y", color="0.85", linewidth=0.5)
    bottom.set_xticks(range(len(cutoffs)))
    bottom.set_xticklabels([_short(c) for c in cutoffs], rotation=90, fontsize=6.5)
    bottom.tick_params(axis="y", labelsize=7)
    bottom.set_xlabel(f"Cut-off {Cutoff.parse(cutoffs[0]).year}", fontsize=8)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=dpi, metadata={"Software": None})
    return out.getvalue()
