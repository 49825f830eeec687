"""The PDF report of a run for one scope: WeasyPrint from an HTML template (`templates/report.html`).

Cover (scope, cut-off, run), level and explanation, indicator table, ranking position, the trend
chart over the year's cut-offs, data quality and forecast (`reports.quality`), and the table of the regions below (a province's regencies; for
the nation the provinces and their regencies per level). A4 with page numbers, DejaVu fonts
embedded, ✓ / ✗ with words so that it reads in black and white.

Deterministic: the PDF's dates come from the run (published, else created) and the generation
time appears in one visible place on the cover; everything else is a function of the run.
"""

from __future__ import annotations

import base64
import datetime as dt
from functools import lru_cache
from pathlib import Path

import pandas as pd

from capaian.present import numbers
from capaian.present.i18n import N_, jinja_env, norm, ntr, tr
from capaian.reports.common import (
    PEERS_TEXT,
    SYMBOL,
    cutoff_text,
    draft_label,
    period_label,
    f_change,
    f_int,
    f_target_of,
    f_value,
    integer,
    level_label,
    now_utc,
    plain,
    rank_text,
    run_status_text,
    run_timestamp,
    stamp_text,
    status_text,
)
from capaian.records import records
from capaian.reports.scope import Scope
from capaian.reports.tilemap import tile_rows

TEMPLATES = Path(__file__).with_name("templates")


@lru_cache(maxsize=2)
def _env(lang: str):
    import jinja2

    env = jinja_env(
        lang,
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["cssstr"] = _css_string
    return env


def _css_string(text: str) -> str:
    """A CSS string literal: `"Kalimantan Utara · 2020-11-H1"`."""
    body = str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("<", "\\3C ")
    return f'"{body}"'


def _short_rank(rank, peers, lang: str) -> str:
    rank, peers = integer(rank), integer(peers)
    if rank is None:
        return "—"
    return f"{f_int(rank, lang)}/{f_int(peers, lang)}"


def _indicator_table(view, record: dict, lang: str) -> list[dict]:
    """The region's indicators as the record set gives them (`capaian.records`)."""
    rubric = view.rubric
    out = []
    for row in record["indicators"].values():
        ind = rubric.indicator(row["indicator"])
        status = row["status"]
        numerator, denominator = row["numerator"], row["denominator"]
        out.append({
            "label": ind.label.get(lang),
            "description": ind.description.get(lang) if ind.description is not None else "",
            "numerator": f_int(numerator, lang) if numerator is not None else "—",
            "denominator": f_int(denominator, lang) if denominator is not None else "—",
            "value": _value_text(row, ind, lang, record["code"]),
            "target": f_target_of(row["target"], ind.kind, ind.comparison, ind.unit, lang),
            "target_assumption": bool(row["target_assumption"]),
            "base_assumption": bool(row["base_assumption"]),
            "status": status_text(status, lang),
            "status_class": status,
            "over_100": bool(row["over_100"]),
            "rank_national": _short_rank(row["rank_national"], row["peers_national"], lang),
            "rank_province": _short_rank(row["rank_province"], row["peers_province"], lang),
            "change": f_change(row["change_value"], ind.kind, lang),
        })
    return out


def _value_text(cell: dict, ind, lang: str, code: str) -> str:
    """The achievement cell; above a regency an implementation indicator reads `3 dari 5 kab/kota`
    (the nation: `476 dari 514 (92,6 %)`): the record holds no value of one of its regencies."""
    if ind.kind != "coverage" and cell["value"] is None and cell["denominator"] is not None:
        return numbers.complying(cell["numerator"], cell["denominator"], lang, share=code == "ID")
    return f_value(cell["value"], ind.kind, lang, cell["target"], cell["status"])


def _league(view, rows: pd.DataFrame, lang: str, highlight: str | None, rank_col: str) -> list[dict]:
    """Rows of a league table from the region records of `rows`: rank, code, name, level, met, one
    cell per indicator: its symbol, and for a province's implementation indicator the
    regencies/cities complying (`✗ 3 dari 5 kab/kota`, as on the page's tables), not one symbol
    that hides how many."""
    rubric = view.rubric
    kinds = {ind.id: ind.kind for ind in rubric.indicators}
    out = []
    for row in records(view, rows):
        level = row["level"]
        out.append({
            "rank": f_int(row[rank_col], lang) if row[rank_col] is not None else "—",
            "code": row["code"],
            "name": row["name"],
            "level": f_int(level, lang) if level is not None else "—",
            "level_label": level_label(rubric, level, lang, row["assessed"]),
            "met": f"{f_int(row['indicators_met'], lang)}/{f_int(row['indicators_total'], lang)}",
            "symbols": [_league_cell(row["indicators"].get(i), kind, row["tier"], lang) for i, kind in kinds.items()],
            "highlight": row["code"] == highlight,
        })
    return out


def _league_cell(cell: dict | None, kind: str, tier: str, lang: str) -> dict:
    if cell is None:
        return {"text": "", "comply": False}
    symbol = SYMBOL.get(cell["status"], "")
    numerator, denominator = cell["numerator"], cell["denominator"]
    if (kind != "coverage" and tier != "regency" and cell["status"] != "no_data"
            and numerator is not None and denominator is not None):
        text = f"{symbol} {numbers.complying(numerator, denominator, lang)}"
        return {"text": text, "comply": True, "parts": text.rsplit(" ", 1)}  # a line may break before the unit only
    return {"text": symbol, "comply": False}


def _level_counts(view, rows: pd.DataFrame, lang: str) -> list[dict]:
    """Per province: how many of its regencies are at each level (national report)."""
    bands = sorted((b.level for b in view.rubric.bands.levels), reverse=True)
    regencies = view.regions[view.regions["tier"] == "regency"]
    counts = regencies.groupby(["province_code", "level"]).size()
    out = []
    for row in rows.to_dict("records"):
        code = row["region_code"]
        cells = [f_int(int(counts.get((code, b), 0)), lang) for b in bands]
        total = int((regencies["province_code"] == code).sum())
        out.append({"code": code, "name": row["region_name"], "cells": cells, "total": f_int(total, lang)})
    return out


def _explanation(view, code: str, lang: str) -> dict:
    from capaian.evaluate.explain_text import closest_to_falling_text

    e = view.explain(code)
    return {
        "closest": closest_to_falling_text(e, lang),
        "met": [_state_line(s, lang) for s in e.met],
        "not_met": [_state_line(s, lang) for s in e.not_met],
        "path_head": (
            ntr(lang, "To reach level %(level)s (%(label)s), meet %(count)s more indicator:",
                "To reach level %(level)s (%(label)s), meet %(count)s more indicators:", e.more_needed,
                level=f_int(e.next_level, lang), label=e.next_level_label.get(lang), count=f_int(e.more_needed, lang))
            if e.path else ""
        ),
        "path": [step.text(lang) for step in e.path],
        "message": e.message.get(lang) if e.message is not None else "",
    }


def _state_line(state, lang: str) -> str:
    from capaian.evaluate.explain_text import state_text

    return state_text(state, lang)


def report_context(view, scope: Scope, lang: str = "id", generated_at: dt.datetime | None = None,
                   trend_png: bytes | None = None, synthetic: bool = False, quality=None) -> dict:
    """Everything the template shows, already formatted as text (`quality`: the data-quality and
    forecast section, `capaian.reports.quality.QualitySection`)."""
    rubric = view.rubric
    regions = scope.regions(view)
    region = records(view, regions[regions["region_code"] == scope.code])[0]  # the record set's figures
    level = region["level"]
    peers_words = PEERS_TEXT.get(scope.tier)
    ctx = {
        "lang": norm(lang),
        "sym": {**numbers.STATUS_SYMBOL, "over_100": numbers.OVER_100},
        "draft": draft_label(view, lang),
        "draft_line": f"{draft_label(view, lang)} — {tr(lang, 'unpublished run, provisional figures')}",
        "doc_title": tr(lang, "Performance levels of Disdukcapil offices"),
        "scope_title": scope.title(lang),
        "scope_code": scope.code,
        "scope_tier": scope.tier,
        "cutoff": view.cutoff,
        "cutoff_text": cutoff_text(view.cutoff, lang),
        "period": period_label(view, lang),
        "rubric_id": rubric.id,
        "rubric_label": rubric.label.get(lang),
        "run_id": view.run_id,
        "run_status": run_status_text(view, lang, scope.code),
        "published": view.published,
        "target_set": plain(view.meta.get("target_set")) or "national",
        "fact_revision": plain(view.meta.get("fact_revision")),
        "hierarchy_version": plain(view.meta.get("hierarchy_version")),
        "generated": stamp_text(generated_at, lang, scope.code),
        "synthetic": synthetic,
        "level": f_int(level, lang) if level is not None else None,
        "level_label": level_label(rubric, level, lang, region.get("assessed")),
        "met_text": tr(lang,
            "%(indicators_met)s of %(indicators_total)s indicators met",
            indicators_met=f_int(region['indicators_met'], lang), indicators_total=f_int(region['indicators_total'], lang)),
        "rank_national": rank_text(region["rank_national"], region["peers_national"], peers_words, lang)
        if peers_words else None,
        "rank_province": rank_text(region["rank_province"], region["peers_province"],
                                    N_("regencies/cities in its province"), lang)
        if region["rank_province"] is not None else None,
        "explanation": _explanation(view, scope.code, lang),
        "indicators": _indicator_table(view, region, lang),
        "indicator_heads": [ind.label.get(lang) for ind in rubric.indicators],
        "bands": [{"level": f_int(b.level, lang), "label": b.label.get(lang)}
                  for b in sorted(rubric.bands.levels, key=lambda b: -b.level)],
        "chart": ("data:image/png;base64," + base64.b64encode(trend_png).decode("ascii")) if trend_png else None,
        "league": [], "league_title": "", "children": [], "children_title": "", "level_counts": [],
        "quality": _quality(quality, lang),
    }
    ctx["tiles"] = []
    ctx["summary_regions"] = []
    ctx["summary_regions_title"] = ""
    if scope.tier == "province":
        provinces = view.tier("province")
        ctx["league_title"] = tr(lang, "Province ranking (national)")
        ctx["league"] = _league(view, provinces, lang, scope.code, "rank_national")
        children = view.tier("regency", province=scope.code).sort_values(
            ["rank_province", "region_code"], na_position="last")
        ctx["children_title"] = tr(lang, "Regencies/cities of %(name)s", name=scope.name)
        ctx["children"] = _league(view, children, lang, None, "rank_province")
        ctx["summary_regions"] = ctx["children"]
        ctx["summary_regions_title"] = ctx["children_title"]
    elif scope.tier == "regency":
        siblings = view.tier("regency", province=str(region["province_code"])).sort_values(
            ["rank_province", "region_code"], na_position="last")
        ctx["league_title"] = tr(lang, "Ranking within its province")
        ctx["league"] = _league(view, siblings, lang, scope.code, "rank_province")
        ctx["summary_regions"] = ctx["league"]
        province = view.region_row(str(region["province_code"]))
        ctx["summary_regions_title"] = tr(lang, "Regencies/cities of %(name)s", name=str(province["region_name"]))
    else:
        provinces = view.tier("province")
        ctx["league_title"] = tr(lang, "Province ranking")
        ctx["league"] = _league(view, provinces, lang, None, "rank_national")
        ctx["children_title"] = tr(lang, "Regencies/cities per level, by province")
        ctx["tiles"] = tile_rows(view, plain(view.meta.get("hierarchy_version")))
        ctx["level_counts"] = _level_counts(view, provinces.sort_values("region_code"), lang)
        counts = []
        for tier, words in (("province", N_("Provinces")), ("regency", N_("Regencies/cities"))):
            sub = regions[regions["tier"] == tier]
            counts.append({"tier": tr(lang, words),
                           "cells": [f_int(int((sub["level"] == b.level).sum()), lang)
                                     for b in sorted(rubric.bands.levels, key=lambda b: -b.level)],
                           "total": f_int(len(sub), lang)})
        ctx["tier_counts"] = counts
    # a table of provinces reads "3 dari 5 kab/kota" per implementation indicator: a landscape page
    ctx["league_wide"] = any(cell["comply"] for row in ctx["league"] for cell in row["symbols"])
    return ctx


def _quality(section, lang: str) -> dict | None:
    """The section's rows for the template; an office's flags cut at `OFFICE_FLAGS` (the workbook
    and the "Kualitas data" page have them all)."""
    from capaian.quality.flags import MIN_JUMP_PP
    from capaian.reports.quality import OFFICE_FLAGS

    if section is None or section.empty:
        return None
    flags = section.flags if section.tier == "national" else section.flags[:OFFICE_FLAGS]
    shown = ""
    if section.tier == "national":
        shown = tr(lang, "The %(shown)s most severe of %(total)s flags (all on the Data quality page).",
                   shown=f_int(len(flags), lang), total=f_int(section.flags_total, lang))
    elif len(flags) < section.flags_total:
        shown = tr(lang, "The first %(shown)s of %(total)s flags (all in the workbook and on the Data quality page).",
                   shown=f_int(len(flags), lang), total=f_int(section.flags_total, lang))
    return {"s": section, "flags": flags, "shown": shown,
            "year_end": section.forecasts[0]["year_end"] if section.forecasts else "",
            "k": numbers.decimal(section.k, lang, 1) if section.k is not None else "",
            "floor": numbers.decimal(MIN_JUMP_PP, lang, 1),
            "counts": [(row[0], [f_int(n, lang) for n in row[1:]]) for row in section.flag_counts],
            "completeness": [(label, f_int(n, lang)) for label, n in section.completeness]}


def render_html(view, scope: Scope, lang: str = "id", generated_at: dt.datetime | None = None,
                trend_png: bytes | None = None, synthetic: bool = False, quality=None) -> str:
    ctx = report_context(view, scope, lang, generated_at or now_utc(), trend_png, synthetic, quality)
    stamp = run_timestamp(view)
    ctx["dc_date"] = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    ctx["runline"] = f"{ctx['scope_title']} · {view.cutoff} · {ctx['rubric_id']} · run {view.run_id}"
    ctx["pagelabel"] = tr(lang, "Page")
    env = _env(norm(lang))
    from capaian.present.palette import pdf_css

    ctx["css"] = env.get_template("report.css").render(**ctx) + "\n" + pdf_css()
    return env.get_template("report.html").render(**ctx)


PDF_VARIANT = "pdf/ua-1"


def render_pdf(view, scope: Scope, lang: str = "id", generated_at: dt.datetime | None = None,
               trend_png: bytes | None = None, synthetic: bool = False, quality=None) -> bytes:
    """The PDF of `view` for `scope`, as bytes (`trend_png`: a chart from `charts.trend_png`;
    `quality`: the data-quality and forecast section, `reports.quality.quality_section`)."""
    from weasyprint import HTML

    html = render_html(view, scope, lang, generated_at, trend_png, synthetic, quality)
    # PDF/UA-1: a tagged PDF (structure tree, marked content, language, title shown) that screen
    # readers can follow; tests/test_reports_pdf_tagged.py reads the structure tree back
    return HTML(string=html, base_url=str(TEMPLATES)).write_pdf(pdf_variant=PDF_VARIANT)
