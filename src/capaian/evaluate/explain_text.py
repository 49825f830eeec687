"""Text of explanations in Indonesian (`id`) and English (`en`); numbers via `capaian.formatting`."""

from __future__ import annotations

from capaian import formatting as fmt

SYMBOL = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}
REASONS = {
    "no_facts": ("tidak ada data", "no data"),
    "no_numerator": ("tidak ada data pembilang", "no numerator data"),
    "no_denominator": ("tidak ada data penyebut", "no denominator data"),
    "zero_denominator": ("penyebut 0", "denominator is 0"),
    "unpaired": ("pembilang dan penyebut tidak dilaporkan bersama", "numerator and denominator not reported together"),
    "no_value": ("tidak ada data", "no data"),
    "no_children_data": ("tidak ada data dari kab/kota", "no data from its regencies/cities"),
}


def _en(lang: str | None) -> bool:
    return (lang or "id").lower().startswith("en")


def _t(lang: str, id_text: str, en_text: str) -> str:
    return en_text if _en(lang) else id_text


def _number(value, lang: str) -> str:
    if value is None:
        return "—"
    if float(value).is_integer():
        return fmt.format_int(value, lang=lang)
    return fmt.format_number(value, 2, lang=lang)


def _with_unit(value, unit, lang: str) -> str:
    text = _number(value, lang)
    if unit is None:
        return text
    word = unit.get(lang)
    return f"{text} {word}" if word != "%" else f"{text} %"


def _reason(reason: str | None, lang: str) -> str:
    id_text, en_text = REASONS.get(reason or "", ("tidak ada data", "no data"))
    return _t(lang, id_text, en_text)


def _requirement(item, lang: str) -> str:
    return f"{SYMBOL[item.comparison]} {_with_unit(item.target, item.unit, lang)}"


def _thresholds(s, lang: str) -> str:
    """`ambang levelisasi 20 % tercapai; target program 50 % belum` (both figures, program shown only)."""
    threshold = fmt.format_target(s.target, lang=lang)
    parts = [_t(lang, f"ambang levelisasi {threshold} ", f"levelisasi threshold {threshold} ")
             + (_t(lang, "tercapai", "reached") if s.status == "met" else _t(lang, "belum", "not yet"))]
    for p in s.program_targets:
        target = fmt.format_target(p["value"], lang=lang)
        parts.append(_t(lang, f"target program {target} ", f"program target {target} ")
                     + (_t(lang, "tercapai", "reached") if p["met"] else _t(lang, "belum", "not yet")))
    return "; ".join(parts)


def _formed(s, lang: str) -> list[str]:
    """Notes on how a coverage figure was formed: completeness, own totals, margin."""
    notes = []
    if not s.complete and s.regencies_total:
        missing = ", ".join(s.regencies_missing)
        notes.append(_t(
            lang,
            f"{s.regencies_reporting} dari {s.regencies_total} kab/kota melapor (belum: {missing}); tidak diperingkat",
            f"{s.regencies_reporting} of {s.regencies_total} regencies/cities report (missing: {missing}); not ranked",
        ))
    if s.value_basis == "own" and s.regencies_total is not None:  # a province without regency data
        notes.append(_t(lang, "dari total yang dilaporkan provinsi sendiri (tidak ada data kab/kota)",
                        "from the province's own reported totals (no regency data)"))
    elif s.own_difference is not None and s.own_value is not None:
        diff = fmt.format_number(s.own_difference, 2, lang=lang)
        notes.append(_t(
            lang,
            f"dilaporkan sendiri {fmt.format_pct(s.own_value, lang=lang)} ({_number(s.own_numerator, lang)} dari "
            f"{_number(s.own_denominator, lang)}), selisih {diff} poin; yang dinilai jumlah wilayah di bawahnya",
            f"own report {fmt.format_pct(s.own_value, lang=lang)} ({_number(s.own_numerator, lang)} of "
            f"{_number(s.own_denominator, lang)}), difference {diff} points; the sum of the regions below is evaluated",
        ))
    if s.status == "met" and s.margin is not None:
        n = fmt.format_int(s.margin, lang=lang)
        notes.append(_t(lang, f"bisa kehilangan {n} orang sebelum di bawah ambang",
                        f"could lose {n} people before falling below the threshold"))
    return notes


def state_text(s, lang: str = "id") -> str:
    """One indicator's state: value, counts and target."""
    label = s.label.get(lang)
    if s.status == "no_data":
        return f"{label}: {_reason(s.reason, lang)}"
    if s.kind == "coverage":
        counts = f"{_number(s.numerator, lang)} " + _t(lang, "dari", "of") + f" {_number(s.denominator, lang)}"
        if s.program_targets:
            text = f"{label}: {fmt.format_pct(s.value, lang=lang)} ({counts}) — {_thresholds(s, lang)}"
        else:
            text = f"{label}: {fmt.format_pct(s.value, lang=lang)} ({counts}; target {fmt.format_target(s.target, lang=lang)})"
        if s.over_100:
            text += _t(lang, " — di atas 100 %", " — above 100 %")
        notes = _formed(s, lang)
        return text + ("; " + "; ".join(notes) if notes else "")
    if s.denominator is not None:  # a province or the nation: compliant child regencies
        return f"{label}: " + _t(
            lang,
            f"{_number(s.numerator, lang)} dari {_number(s.denominator, lang)} kab/kota memenuhi "
            f"(perlu {_requirement(s, lang)})",
            f"{_number(s.numerator, lang)} of {_number(s.denominator, lang)} regencies/cities comply "
            f"(needs {_requirement(s, lang)})",
        )
    return f"{label}: {_with_unit(s.value, s.unit, lang)} " + _t(
        lang, f"(perlu {_requirement(s, lang)})", f"(needs {_requirement(s, lang)})"
    )


def step_text(step, lang: str = "id") -> str:
    """What one step needs, e.g. `KIA: 10.743 anak lagi memiliki KIA (menuju 50 % dari 205.011)`."""
    label = step.label.get(lang)
    if step.kind == "coverage":
        if step.needed is None:
            return f"{label}: {_reason(step.reason, lang)}" + _t(
                lang, " (kirim data terlebih dahulu)", " (submit the data first)"
            )
        n = fmt.format_int(step.needed, lang=lang)
        what = step.gap.get(lang).format(n=n) if step.gap else _t(lang, f"{n} lagi", f"{n} more")
        goal = f"{fmt.format_target(step.target, lang=lang)} " + _t(lang, "dari", "of") + f" {_number(step.denominator, lang)}"
        return f"{label}: {what} (" + _t(lang, "menuju", "to") + f" {goal})"
    if step.regions:
        names = ", ".join(
            r["name"] + (_t(lang, " (tidak ada data)", " (no data)") if r["no_data"] else "") for r in step.regions
        )
        return f"{label}: " + _t(lang, f"belum di {names}", f"not yet in {names}")
    if step.status == "no_data":
        return f"{label}: {_reason(step.reason, lang)} " + _t(
            lang, f"(perlu {_requirement(step, lang)})", f"(needs {_requirement(step, lang)})"
        )
    return f"{label}: {_with_unit(step.value, step.unit, lang)}, " + _t(
        lang, f"perlu {_requirement(step, lang)}", f"needs {_requirement(step, lang)}"
    )


def explanation_lines(e, lang: str = "id") -> list[str]:
    """The whole explanation as lines of text."""
    name = f"{e.region_name} ({e.region_code})"
    when = f", {e.cutoff}" if e.cutoff else ""
    counts = _t(
        lang,
        f"{e.indicators_met} dari {e.indicators_total} indikator terpenuhi",
        f"{e.indicators_met} of {e.indicators_total} indicators met",
    )
    if e.level is not None:
        head = f"{name}{when}: level {e.level} ({e.level_label.get(lang)}), {counts}."
    else:
        head = f"{name}{when}: {counts}."
    lines = [head, f"{_t(lang, 'Rubrik', 'Rubric')}: {e.rubric}"]
    if e.base is not None:
        lines.append(_t(lang, "Basis penyebut: ", "Denominator base: ") + e.base["text"]["en" if _en(lang) else "id"])
    if e.met:
        lines.append(_t(lang, "Terpenuhi:", "Met:"))
        lines += [f"  ✓ {state_text(s, lang)}" for s in e.met]
    if e.not_met:
        lines.append(_t(lang, "Belum terpenuhi:", "Not met:"))
        lines += [f"  ✗ {state_text(s, lang)}" for s in e.not_met]
    if e.path:
        lines.append(
            _t(
                lang,
                f"Untuk naik ke level {e.next_level} ({e.next_level_label.id}), penuhi {e.more_needed} indikator lagi:",
                f"To reach level {e.next_level} ({e.next_level_label.en}), meet {e.more_needed} more indicator"
                + ("s" if e.more_needed != 1 else "") + ":",
            )
        )
        lines += [f"  - {step.text(lang)}" for step in e.path]
    if e.message is not None:
        lines.append(e.message.get(lang))
    if e.next_level is None and e.level is not None and e.closest_to_falling:
        s = next(m for m in e.met if m.indicator == e.closest_to_falling)
        n = fmt.format_int(s.margin, lang=lang)
        lines.append(_t(
            lang,
            f"Paling dekat ke bawah ambang: {s.label.id} ({fmt.format_pct(s.value, lang=lang)}, ambang "
            f"{fmt.format_target(s.target, lang=lang)}): bisa kehilangan {n} orang dan tetap terpenuhi; "
            "kehilangan satu lagi, levelnya turun.",
            f"Closest to falling: {s.label.en} ({fmt.format_pct(s.value, lang=lang)}, threshold "
            f"{fmt.format_target(s.target, lang=lang)}): it can lose {n} people and stay met; one more and the level drops.",
        ))
    return lines
