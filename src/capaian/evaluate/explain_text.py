"""Text of explanations in Indonesian (`id`) and English (`en`): words from the catalogue
(`capaian.present.i18n`), numbers and symbols from `capaian.present.numbers`."""

from __future__ import annotations

from capaian.present import numbers
from capaian.present.i18n import N_, norm, ntr, tr

REASONS = {
    "no_facts": N_("no data"),
    "no_numerator": N_("no numerator data"),
    "no_denominator": N_("no denominator data"),
    "zero_denominator": N_("denominator is 0"),
    "unpaired": N_("numerator and denominator not reported together"),
    "no_value": N_("no data"),
    "no_children_data": N_("no data from its regencies/cities"),
    "incomplete": N_("not all regencies/cities report"),
}


def _number(value, lang: str) -> str:
    return numbers.amount(value, lang)


def _with_unit(value, unit, lang: str) -> str:
    text = _number(value, lang)
    if unit is None:
        return text
    word = unit.get(lang)
    return f"{text} {word}" if word != "%" else f"{text} %"


def _reason(reason: str | None, lang: str) -> str:
    return tr(lang, REASONS.get(reason or "", REASONS["no_facts"]))


def _requirement(item, lang: str) -> str:
    return f"{numbers.COMPARISON_SYMBOL[item.comparison]} {_with_unit(item.target, item.unit, lang)}"


def _target(s, lang: str) -> str:
    """The threshold, with "(asumsi)" when no source states it."""
    text = numbers.threshold(s.target, lang)
    return f"{text} ({tr(lang, 'assumption')})" if s.target_assumption else text


def _thresholds(s, lang: str) -> str:
    """`ambang levelisasi 20 % tercapai; target program 50 % belum` (both figures, program shown only)."""
    threshold = _target(s, lang)
    parts = [tr(lang, "levelisasi threshold %(target)s reached", target=threshold) if s.status == "met"
             else tr(lang, "levelisasi threshold %(target)s not yet", target=threshold)]
    for p in s.program_targets:
        target = numbers.threshold(p["value"], lang)
        parts.append(tr(lang, "program target %(target)s reached", target=target) if p["met"]
                     else tr(lang, "program target %(target)s not yet", target=target))
    return "; ".join(parts)


def _reporting(s, lang: str) -> str:
    return tr(lang, "%(reporting)s of %(total)s regencies/cities report (missing: %(missing)s); not ranked",
              reporting=numbers.integer(s.regencies_reporting, lang),
              total=numbers.integer(s.regencies_total, lang), missing=", ".join(s.regencies_missing))


def _partial(s, lang: str) -> str:
    """`jumlah kab/kota yang melapor 60,00 % (34.994 dari 58.324)`."""
    return tr(lang, "sum of the regencies/cities that report %(value)s (%(numerator)s of %(denominator)s)",
              value=numbers.percent(s.partial_value, lang), numerator=_number(s.partial_numerator, lang),
              denominator=_number(s.partial_denominator, lang))


def _formed(s, lang: str) -> list[str]:
    """Notes on how a coverage figure was formed: completeness, own totals, margin."""
    notes = [s.denominator_note.get(lang)] if s.denominator_note is not None else []
    if s.value_basis == "regency_numerators":
        notes.append(tr(lang, "the regencies/cities' numerators summed over the province's own denominator"))
    if s.value_basis == "own" and s.partial_value is not None:  # own total; not all regencies report
        notes.append(tr(lang, "the province's own reported total; %(partial)s is not used, as only "
                              "%(reporting)s of %(total)s regencies/cities report (missing: %(missing)s)",
                        partial=_partial(s, lang), reporting=numbers.integer(s.regencies_reporting, lang),
                        total=numbers.integer(s.regencies_total, lang), missing=", ".join(s.regencies_missing)))
    elif not s.complete and s.regencies_total:
        notes.append(_reporting(s, lang))
    elif s.value_basis == "own" and s.regencies_total is not None:  # a province without regency data
        notes.append(tr(lang, "from the province's own reported totals (no regency data)"))
    elif s.own_difference is not None and s.own_value is not None:
        notes.append(tr(lang, "own report %(value)s (%(numerator)s of %(denominator)s), difference %(difference)s "
                              "points; the sum of the regions below is evaluated",
                        value=numbers.percent(s.own_value, lang), numerator=_number(s.own_numerator, lang),
                        denominator=_number(s.own_denominator, lang),
                        difference=numbers.decimal(s.own_difference, lang)))
    if s.status == "met" and s.margin is not None:
        notes.append(tr(lang, "could lose %(n)s people before falling below the threshold",
                        n=numbers.integer(s.margin, lang)))
    return notes


def state_text(s, lang: str = "id") -> str:
    """One indicator's state: value, counts and target."""
    label = s.label.get(lang)
    if s.reason == "incomplete" and s.partial_value is not None:  # a partial sum: shown, never decides
        return (f"{label}: {_reason(s.reason, lang)}; {_partial(s, lang)}, "
                + tr(lang, "not counted as met") + f"; {_reporting(s, lang)}")
    if s.status == "no_data":
        return f"{label}: {_reason(s.reason, lang)}"
    if s.kind == "coverage":
        value = numbers.coverage(s.value, lang, s.target, s.comparison, met=s.status == "met")
        counts = dict(value=value, numerator=_number(s.numerator, lang), denominator=_number(s.denominator, lang))
        if s.program_targets:
            text = f"{label}: " + tr(lang, "%(value)s (%(numerator)s of %(denominator)s)", **counts) \
                + f" — {_thresholds(s, lang)}"
        else:
            text = f"{label}: " + tr(lang, "%(value)s (%(numerator)s of %(denominator)s; target %(target)s)",
                                     target=_target(s, lang), **counts)
        if s.over_100:
            text += f" {numbers.OVER_100} " + tr(lang, "above 100 %")
        notes = _formed(s, lang)
        return text + ("; " + "; ".join(notes) if notes else "")
    if s.denominator is not None:  # a province or the nation: compliant child regencies
        return f"{label}: " + tr(lang,
            "%(numerator)s of %(denominator)s regencies/cities comply (needs %(requirement)s)",
            numerator=_number(s.numerator, lang), denominator=_number(s.denominator, lang),
            requirement=_requirement(s, lang))
    return f"{label}: {_with_unit(s.value, s.unit, lang)} " + tr(lang, "(needs %(requirement)s)",
                                                                    requirement=_requirement(s, lang))


def step_text(step, lang: str = "id") -> str:
    """What one step needs, e.g. `KIA: 10.743 anak lagi memiliki KIA (menuju 50 % dari 205.011)`."""
    label = step.label.get(lang)
    if step.kind == "coverage":
        if step.needed is None:
            return f"{label}: {_reason(step.reason, lang)}" + " " + tr(lang, "(submit the data first)")
        n = numbers.integer(step.needed, lang)
        what = step.gap.get(lang).format(n=n) if step.gap else tr(lang, "%(n)s more", n=n)
        return f"{label}: {what} " + tr(lang, "(to %(target)s of %(denominator)s)", target=numbers.threshold(step.target, lang),
                                        denominator=_number(step.denominator, lang))
    if step.regions:
        names = ", ".join(
            r["name"] + (" " + tr(lang, "(no data)") if r["no_data"] else "") for r in step.regions
        )
        return f"{label}: " + tr(lang, "not yet in %(names)s", names=names)
    if step.status == "no_data":
        return f"{label}: {_reason(step.reason, lang)} " + tr(lang, "(needs %(requirement)s)",
                                                               requirement=_requirement(step, lang))
    return f"{label}: {_with_unit(step.value, step.unit, lang)}, " + tr(lang, "needs %(requirement)s",
                                                                          requirement=_requirement(step, lang))


def explanation_lines(e, lang: str = "id") -> list[str]:
    """The whole explanation as lines of text."""
    name = f"{e.region_name} ({e.region_code})"
    when = f", {e.cutoff}" if e.cutoff else ""
    counts = tr(lang,
        "%(indicators_met)s of %(indicators_total)s indicators met",
        indicators_met=e.indicators_met, indicators_total=e.indicators_total)
    if e.level is not None:
        head = f"{name}{when}: level {e.level} ({e.level_label.get(lang)}), {counts}."
    elif e.assessed is False:
        head = f"{name}{when}: {numbers.level_text(None, lang, assessed=False)}, {counts}."
    else:
        head = f"{name}{when}: {counts}."
    lines = [head, f"{tr(lang, 'Rubric')}: {e.rubric}"]
    if e.base is not None:
        lines.append(tr(lang, "Denominator base: %(base)s", base=e.base["text"][norm(lang)]))
    if e.met:
        lines.append(tr(lang, "Met:"))
        lines += [f"  {numbers.MET} {state_text(s, lang)}" for s in e.met]
    if e.not_met:
        lines.append(tr(lang, "Not met:"))
        lines += [f"  {numbers.NOT_MET} {state_text(s, lang)}" for s in e.not_met]
    if e.path:
        lines.append(ntr(lang, "To reach level %(level)s (%(label)s), meet %(count)s more indicator:",
                         "To reach level %(level)s (%(label)s), meet %(count)s more indicators:", e.more_needed,
                         level=e.next_level, label=e.next_level_label.get(lang), count=e.more_needed))
        lines += [f"  - {step.text(lang)}" for step in e.path]
    if e.message is not None:
        lines.append(e.message.get(lang))
    closest = closest_to_falling_text(e, lang)
    if closest:
        lines.append(closest)
    return lines


def closest_to_falling_text(e, lang: str) -> str:
    """At the top level: the met indicator with the least margin, and how many people it may lose."""
    if not (e.next_level is None and e.level is not None and e.closest_to_falling):
        return ""
    s = next(m for m in e.met if m.indicator == e.closest_to_falling)
    return tr(lang, "Closest to falling: %(label)s (%(value)s, threshold %(target)s): it can lose %(n)s "
                    "people and stay met; one more and the level drops.",
              label=s.label.get(lang), value=numbers.coverage(s.value, lang, s.target, s.comparison, met=True),
              target=numbers.threshold(s.target, lang), n=numbers.integer(s.margin, lang))
