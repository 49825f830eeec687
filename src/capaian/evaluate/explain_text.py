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


def state_text(s, lang: str = "id") -> str:
    """One indicator's state: value, counts and target."""
    label = s.label.get(lang)
    if s.status == "no_data":
        return f"{label}: {_reason(s.reason, lang)}"
    if s.kind == "coverage":
        text = (
            f"{label}: {fmt.format_pct(s.value, lang=lang)} ({_number(s.numerator, lang)} "
            + _t(lang, "dari", "of")
            + f" {_number(s.denominator, lang)}; target {fmt.format_target(s.target, lang=lang)})"
        )
        if s.over_100:
            text += _t(lang, " — di atas 100 %", " — above 100 %")
        return text
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
    return lines
