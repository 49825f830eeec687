"""How flags and reports read, in every language of the catalogue (one line per flag)."""

from __future__ import annotations

from capaian.present import numbers
from capaian.present.i18n import N_, tr

TYPE_LABEL = {
    "over_100": N_("Over 100 %"),
    "count_falls": N_("Cumulative count falls"),
    "jump": N_("Jump"),
    "reported_vs_recomputed": N_("Reported ≠ recomputed"),
    "denominator_change": N_("Denominator change without a new base"),
    "implementation_flip": N_("Implementation flips back and forth"),
    "percent_mismatch": N_("Percentage does not match its counts"),
    "partial_sum": N_("Sum of only some regencies/cities"),
}
SEVERITY_LABEL = {"high": N_("high"), "medium": N_("medium"), "low": N_("low")}
STATUS_LABEL = {"on_time": N_("on time"), "late": N_("late"), "register": N_("from the register"),
                "missing": N_("nothing sent")}
SIDE_LABEL = {"numerator": N_("the numerator grew"), "denominator": N_("the denominator fell"),
              "before": N_("already over 100 % at the cut-off before")}


def type_label(kind: str, lang: str | None) -> str:
    return tr(lang, TYPE_LABEL[kind])


def severity_label(severity: str, lang: str | None) -> str:
    return tr(lang, SEVERITY_LABEL[severity])


def status_label(status: str, lang: str | None) -> str:
    return tr(lang, STATUS_LABEL[status])


def _pct(value, lang):
    return numbers.percent(value, lang)


def _int(value, lang):
    return numbers.integer(value, lang)


def _signed(value, lang, places: int = 2):
    text = numbers.decimal(abs(value), lang, places)
    return ("+" if value >= 0 else "−") + text


def describe(flag, lang: str | None) -> str:
    """One line: what the flag says, with its evidence numbers."""
    e, t = flag.evidence, flag.type
    if t == "over_100":
        side = tr(lang, SIDE_LABEL[e["side"]]) if e.get("side") else tr(lang, "no earlier figure")
        return tr(lang, "%(value)s (%(num)s of %(den)s); numerator %(ng)s %%, denominator %(dg)s %%: %(side)s",
                  value=_pct(e["value"], lang), num=_int(e["numerator"], lang), den=_int(e["denominator"], lang),
                  ng=_signed(e["numerator_growth_pct"], lang) if e.get("numerator_growth_pct") is not None else "—",
                  dg=_signed(e["denominator_growth_pct"], lang) if e.get("denominator_growth_pct") is not None else "—",
                  side=side)
    if t == "count_falls":
        return tr(lang, "%(prev)s at %(cutoff)s, now %(cur)s (%(drop)s fewer)", prev=_int(e["previous"], lang),
                  cutoff=e["previous_cutoff"], cur=_int(e["current"], lang), drop=_int(e["drop"], lang))
    if t == "jump":
        return tr(lang, "change %(change)s pp against a usual %(median)s pp; deviation %(dev)s pp > %(k)s × MAD %(mad)s pp",
                  change=_signed(e["change"], lang), median=_signed(e["median_change"], lang),
                  dev=numbers.decimal(e["deviation"], lang, 2), k=numbers.decimal(e["k"], lang, 1),
                  mad=numbers.decimal(e["mad"], lang, 2))
    if t == "reported_vs_recomputed":
        return tr(lang, "sum of the regencies %(value)s, own report %(own)s, difference %(diff)s pp",
                  value=_pct(e["value"], lang), own=_pct(e["own_value"], lang), diff=_signed(e["difference"], lang))
    if t == "denominator_change":
        return tr(lang, "denominator %(prev)s at %(cutoff)s, now %(cur)s, with the same base %(base)s",
                  prev=_int(e["previous"], lang), cutoff=e["previous_cutoff"], cur=_int(e["current"], lang),
                  base=e.get("base") or "—")
    if t == "implementation_flip":
        steps = " → ".join(f"{c}: {numbers.status_word(s, lang)}" for c, s in zip(e["cutoffs"], e["statuses"]))
        return steps
    if t == "partial_sum":
        counts = dict(reporting=_int(e["reporting"], lang), total=_int(e["total"], lang),
                      partial=_pct(e["partial_value"], lang), num=_int(e["partial_numerator"], lang),
                      den=_int(e["partial_denominator"], lang))
        if e.get("value") is None:
            return tr(lang, "%(reporting)s of %(total)s regencies/cities report: %(partial)s (%(num)s of %(den)s), "
                            "no own total; not counted as met, not ranked", **counts)
        return tr(lang, "%(reporting)s of %(total)s regencies/cities report: %(partial)s (%(num)s of %(den)s); "
                        "the own total %(value)s decides", value=_pct(e["value"], lang), **counts)
    if t == "percent_mismatch":
        return tr(lang, "sent %(reported)s, its counts give %(computed)s (%(num)s of %(den)s)",
                  reported=_pct(e["reported"], lang), computed=_pct(e["computed"], lang),
                  num=_int(e["numerator"], lang), den=_int(e["denominator"], lang))
    raise AssertionError(t)  # pragma: no cover


def flag_line(flag, lang: str | None) -> str:
    """`[severity] type: evidence` (+ the note when explained)."""
    line = f"[{severity_label(flag.severity, lang)}] {type_label(flag.type, lang)}: {describe(flag, lang)}"
    if flag.explained:
        line += " — " + tr(lang, "explained by %(actor)s: %(note)s", actor=flag.explained["actor"],
                           note=flag.explained["note"])
    return line


FORECAST_STATUS = {"reached": N_("already met"), "on_track": N_("on track"), "at_risk": N_("at risk"),
                   "off_track": N_("will not be met at this pace")}


def forecast_status(status: str, lang: str | None) -> str:
    return tr(lang, FORECAST_STATUS[status])


def forecast_line(f, label: str, lang: str | None) -> str:
    """One forecast: status, projection, pace, when the threshold is reached, people needed."""
    status = forecast_status(f.status, lang)
    if f.status == "reached":
        return tr(lang, "%(label)s: %(value)s, threshold %(target)s: %(status)s", label=label,
                  value=_pct(f.value, lang), target=numbers.threshold(f.threshold, lang), status=status)
    when = (tr(lang, "reaches %(target)s at %(cutoff)s", target=numbers.threshold(f.threshold, lang),
               cutoff=f.reached_at) if f.reached_at else tr(lang, "does not reach %(target)s at this pace",
                                                             target=numbers.threshold(f.threshold, lang)))
    return tr(lang, "%(label)s: %(value)s now, %(projected)s projected at %(end)s (pace %(pace)s pp per "
              "half-month); %(when)s; %(status)s; %(people)s more people per half-month needed to reach it by "
              "the year's end", label=label, value=_pct(f.value, lang), projected=_pct(f.projected, lang),
              end=f.year_end, pace=_signed(f.pace, lang), when=when, status=status,
              people=_int(f.people_per_half_month, lang))


def error_note(mae, lang: str | None) -> str:
    """"perkiraan; galat rata-rata ±x pp" (the backtest's mean absolute error)."""
    if mae is None:
        return tr(lang, "forecast")
    return tr(lang, "forecast; mean error ±%(mae)s pp", mae=numbers.decimal(mae, lang, 1))


def allocation_line(a, label: str, lang: str | None) -> str:
    shares = ", ".join(
        f"{s['name']} +{_int(s['add'], lang)}" + (" ✓" if s["reaches_own"] else "") for s in a.shares)
    return tr(lang, "%(label)s: the province is %(n)s people short of %(target)s; split over its regencies/cities "
              "in proportion to the people each has not yet covered: %(shares)s (✓ reaches its own threshold)",
              label=label, n=_int(a.shortfall, lang), target=numbers.threshold(a.threshold, lang), shares=shares)


def share_line(name: str, province: str, label: str, share: dict, lang: str | None) -> str:
    """A regency's share of its province's gap (`capaian.evaluate.shares.regency_gap_shares`)."""
    return tr(lang, "%(label)s: %(name)s's share of the %(n)s people %(province)s still needs is %(share)s "
              "(split in proportion to the people each regency/city has not yet covered; its own shortfall to "
              "the threshold: %(own)s)", label=label, name=name, n=_int(share["province_needed"], lang),
              province=province, share=_int(share["share"], lang), own=_int(share["own_short"], lang))


def narrative_paragraphs(forecasts, flags, labels: dict, mae, lang: str | None) -> list[str]:
    """The narrative's quality paragraph(s): the forecast at the current pace and the open flags."""
    out = []
    parts = []
    for f in forecasts:
        if f.status == "reached":
            continue
        label = labels.get(f.indicator, f.indicator)
        if f.reached_at:
            parts.append(tr(lang, "%(label)s is expected to reach %(target)s at %(cutoff)s", label=label,
                            target=numbers.threshold(f.threshold, lang), cutoff=f.reached_at))
        else:
            parts.append(tr(lang, "%(label)s is not expected to reach %(target)s", label=label,
                            target=numbers.threshold(f.threshold, lang)))
    if parts:
        out.append(tr(lang, "At the current pace, %(parts)s (%(note)s).", parts="; ".join(parts),
                      note=error_note(mae, lang)))
    open_flags = [f for f in flags if not f.explained]
    if open_flags:
        kinds = sorted({type_label(f.type, lang) for f in open_flags})
        out.append(tr(lang, "Data-quality flags not yet explained: %(n)s (%(kinds)s); they do not change any figure.",
                      n=_int(len(open_flags), lang), kinds=", ".join(kinds)))
    return out
