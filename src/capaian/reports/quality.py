"""The reports' "data quality and forecast" section, read from the store once (`gather`) and shown by
the PDF (a section) and the workbook (a sheet); the narrative has its own paragraph
(`capaian.quality.text.narrative_paragraphs`).

- An office (province or regency): the forecast of each coverage indicator (value now, pace,
  projected value at the year's last cut-off, the cut-off at which the threshold is reached, status,
  people per half-month needed, beside the backtest's mean error), a province's rollup, and the flags
  of the office and the offices below it (type, severity, the figure, evidence, explained note).
- The nation: reporting completeness counts, flag counts per type and severity, and the most
  severe flags (at most `TOP_FLAGS`). The flags come from one query over the trend runs' office
  rows (`capaian.quality.service.office_flags`), never from every run loaded whole.

Flags never change a figure; they only tell.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from capaian.present import numbers
from capaian.present.i18n import tr

TOP_FLAGS = 20  # the national report's list of the most severe flags
OFFICE_FLAGS = 60  # at most this many flags in an office's PDF (the workbook and pages have them all)


@dataclass(frozen=True)
class QualitySection:
    """Everything the section shows, already formatted for one language, with the raw numbers
    beside the texts for the workbook's cells (pickles: a server renders in another process)."""

    tier: str
    lang: str
    note: str  # "perkiraan; galat rata-rata ±x pp"
    mae_pp: float | None = None
    k: float | None = None
    forecasts: tuple = ()  # dicts: region, indicator, value, pace, projected, year_end, reached_at, status, people
    allocations: tuple = ()  # (region, indicator, line)
    flags: tuple = ()  # dicts: code, region, indicator, type, severity, figure, value, evidence, explained
    flags_total: int = 0
    completeness: tuple = ()  # (status label, offices) of the cut-off (national)
    deadline: str = ""
    flag_counts: tuple = ()  # (type label, high, medium, low, total) (national)
    severities: tuple = field(default=())  # the severity labels of flag_counts' columns

    @property
    def empty(self) -> bool:
        return not (self.forecasts or self.allocations or self.flags or self.completeness or self.flag_counts)


def _figure(view, flag, lang: str) -> tuple[str, float | None]:
    """The figure a flag concerns as the run shows it, and its number."""
    rows = view.indicators
    row = rows[(rows["region_code"] == flag.region_code) & (rows["indicator"] == flag.indicator)]
    if row.empty:
        value = flag.evidence.get("computed") if flag.type == "percent_mismatch" else None
        return (numbers.percent(value, lang) if value is not None else "—"), value
    r = row.iloc[0]
    value = r["value"]
    if value is None or value != value:
        return "—", None
    if r["kind"] == "coverage":
        return numbers.percent(float(value), lang), float(value)
    return numbers.integer(float(value), lang), float(value)


def flag_items(view, flags, lang: str) -> tuple[dict, ...]:
    from capaian.quality.text import describe, severity_label, type_label

    labels = {i.id: i.label.get(lang) for i in view.rubric.indicators}
    out = []
    for f in flags:
        figure, value = _figure(view, f, lang)
        explained = ""
        if f.explained:
            explained = tr(lang, "explained by %(actor)s: %(note)s", actor=f.explained["actor"],
                           note=f.explained["note"])
        out.append({"code": f.region_code, "region": f.region_name or f.region_code,
                    "indicator": labels.get(f.indicator, f.indicator), "type": type_label(f.type, lang),
                    "severity": severity_label(f.severity, lang), "severity_key": f.severity,
                    "figure": figure, "value": value, "evidence": describe(f, lang), "explained": explained})
    return tuple(out)


def forecast_items(view, forecasts, region: str, lang: str) -> tuple[dict, ...]:
    from capaian.quality.text import forecast_status

    labels = {i.id: i.label.get(lang) for i in view.rubric.indicators}
    out = []
    for f in forecasts:
        out.append({
            "region": region, "indicator": labels.get(f.indicator, f.indicator),
            "value": f.value, "value_text": numbers.percent(f.value, lang),
            "threshold": f.threshold, "threshold_text": numbers.threshold(f.threshold, lang),
            "pace": f.pace, "pace_text": _signed(f.pace, lang) if f.pace is not None else "—",
            "projected": f.projected,
            "projected_text": numbers.percent(f.projected, lang) if f.projected is not None else "—",
            "year_end": f.year_end,
            "reached_at": f.reached_at,
            "reached_text": (f.reached_at if f.status == "reached" or f.reached_at
                             else tr(lang, "not at this pace")),
            "status": forecast_status(f.status, lang), "status_key": f.status,
            "people": f.people_per_half_month,
            "people_text": numbers.integer(f.people_per_half_month, lang) if f.people_per_half_month is not None
            else "—",
        })
    return tuple(out)


def _signed(value: float, lang: str) -> str:
    return ("+" if value >= 0 else "−") + numbers.decimal(abs(value), lang, 2)


def office_section(store, choice, view, scope, lang: str) -> QualitySection:
    """The section of a province or regency report."""
    from capaian.quality.flags import mad_k
    from capaian.quality.service import region_flags, region_forecast
    from capaian.quality.text import allocation_line, error_note

    found = region_forecast(store, choice, scope.code)
    labels = {i.id: i.label.get(lang) for i in view.rubric.indicators}
    allocations = tuple((scope.name, labels.get(a.indicator, a.indicator),
                         allocation_line(a, labels.get(a.indicator), lang)) for a in found["allocations"])
    if scope.tier == "regency":  # its share of the province's gaps: the one split (capaian.evaluate.shares)
        from capaian.evaluate.shares import regency_gap_shares
        from capaian.quality.text import share_line

        regs = view.regions
        for share in regency_gap_shares(view, scope.code):
            province = regs.loc[regs["region_code"] == share["province"], "region_name"]
            province = province.iloc[0] if len(province) else share["province"]
            label = labels.get(share["indicator"], share["indicator"])
            allocations += ((scope.name, label, share_line(scope.name, province, label, share, lang)),)
    offices = set(view.regions[view.regions["tier"].isin(("province", "regency"))]["region_code"])
    codes = (set(scope.regions(view)["region_code"]) & offices) | {scope.code}
    flags = region_flags(store, choice, scope.code, codes=sorted(codes))
    # `k` is the jump multiplier of the flags (k × MAD), not the forecast's window of cut-offs
    return QualitySection(scope.tier, lang, error_note(found["mae_pp"], lang), found["mae_pp"], mad_k(),
                          forecast_items(view, found["forecasts"], scope.name, lang), allocations,
                          flag_items(view, flags, lang), len(flags))


def national_section(store, choice, view, lang: str, top: int = TOP_FLAGS, flags=None) -> QualitySection:
    """The section of the national report: completeness and flag counts, the most severe flags.
    `flags`: the chosen run's office flags with their notes when the caller holds them (a server
    keeps them per choice), else read here."""
    from capaian.quality import completeness
    from capaian.quality.completeness import STATUSES
    from capaian.quality.flags import FLAG_TYPES, SEVERITIES, mad_k
    from capaian.quality.forecast import backtest_error
    from capaian.quality.service import office_flags
    from capaian.quality.text import error_note, severity_label, status_label, type_label

    shown_codes = set(view.regions["region_code"])  # a reader who may not see regencies: provinces only
    rows, deadline = [], ""
    if (view.regions["tier"] == "regency").any():  # completeness is about the regency offices
        found = completeness(store, view.cutoff)
        counts = found.counts()
        rows = [(status_label(s, lang), counts[s]) for s in STATUSES]
        # partial offices are among those that sent: right under "late"
        rows.insert(2, (tr(lang, "sent only part of the figures"), counts["partial"]))
        rows.append((tr(lang, "Offices"), counts["offices"]))
        deadline = found.deadline
    flags = [f for f in (office_flags(store, choice) if flags is None else flags) if f.region_code in shown_codes]
    table = []
    for kind in FLAG_TYPES:
        per = [sum(1 for f in flags if f.type == kind and f.severity == s) for s in SEVERITIES]
        table.append((type_label(kind, lang), *per, sum(per)))
    table.append((tr(lang, "Total"), *[sum(1 for f in flags if f.severity == s) for s in SEVERITIES], len(flags)))
    order = {s: i for i, s in enumerate(SEVERITIES)}
    # the most severe first; an explained flag after the open ones of its severity; then the largest
    shown = sorted(flags, key=lambda f: (order[f.severity], bool(f.explained), -magnitude(f),
                                         FLAG_TYPES.index(f.type), f.region_code, f.indicator))[:top]
    mae = backtest_error()
    return QualitySection("national", lang, error_note(mae, lang), mae, mad_k(), flags=flag_items(view, shown, lang),
                          flags_total=len(flags), completeness=tuple(rows), deadline=deadline,
                          flag_counts=tuple(table), severities=tuple(severity_label(s, lang) for s in SEVERITIES))


def magnitude(flag) -> float:
    """How far off a flag's figure is, in its own terms (to order flags of one severity): pp above
    100 % or off the recomputed / sent percentage, the share of a count lost or of a denominator
    changed (%), a jump's deviation in limits."""
    e = flag.evidence
    try:
        if flag.type == "over_100":
            return float(e["value"]) - 100
        if flag.type in ("reported_vs_recomputed", "percent_mismatch"):
            return abs(float(e["difference"]))
        if flag.type in ("count_falls", "denominator_change"):
            return 100 * abs(float(e["current"]) - float(e["previous"])) / float(e["previous"])
        if flag.type == "jump":
            return float(e["deviation"]) / float(e["limit"])
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        pass
    return 0.0


def quality_section(store, choice, view, scope, lang: str, flags=None) -> QualitySection | None:
    """The section for `scope` (None without a store or a choice to read it from); `flags`: see
    `national_section`."""
    if store is None or choice is None:
        return None
    if scope.tier == "national":
        return national_section(store, choice, view, lang, flags=flags)
    if scope.tier in ("province", "regency"):
        return office_section(store, choice, view, scope, lang)
    return None
