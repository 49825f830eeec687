"""A narrative of a run for one scope, in the style of a regional press release (Markdown / text).

Indonesian by default, English on request. Every number comes from the run (its result frames,
its explanation and its rubric) and is formatted by `capaian.formatting`: for Kalimantan Utara at
2020-11-H1 it reads "... 467.701 penduduk atau 101,93 persen dari ... target 98 persen ...
peringkat ke-4 nasional ...". Percentages are written out as "persen" / "percent".
"""

from __future__ import annotations

from dataclasses import dataclass

from capaian import formatting as fmt
from capaian.periods import Cutoff
from capaian.reports.common import (
    as_of_text,
    f_int,
    integer,
    is_en,
    level_label,
    number,
    ordinal,
    plain,
    run_status_text,
    t,
)
from capaian.reports.scope import Scope

# Words for the facts of coverage indicators: subject of the sentence, numerator noun, denominator noun.
SUBJECT = {
    "ktp_terekam": ("Perekaman KTP-el", "KTP-el recording"),
    "kia_dimiliki": ("Kepemilikan KIA", "KIA ownership"),
    "akta_lahir_dimiliki": ("Kepemilikan akta kelahiran", "Birth-certificate ownership"),
    "ikd_aktif": ("Aktivasi IKD", "IKD activation"),
}
NOUN = {
    "ktp_terekam": ("penduduk", "residents"),
    "kia_dimiliki": ("anak", "children"),
    "akta_lahir_dimiliki": ("anak", "children"),
    "ikd_aktif": ("penduduk", "residents"),
}


def _denominator_noun(fact: str, rubric, lang: str) -> str:
    ages = rubric.age_bounds
    if fact == "wajib_ktp":
        return t(lang, "penduduk wajib KTP-el", "residents required to hold a KTP-el")
    if fact == "anak_lt17":
        n = f_int(ages.kia_max_age_exclusive, lang)
        return t(lang, f"anak di bawah {n} tahun", f"children under {n}")
    if fact == "anak_lt18":
        n = f_int(ages.akta_max_age_exclusive, lang)
        return t(lang, f"anak di bawah {n} tahun", f"children under {n}")
    if fact == "ktp_terekam":
        return t(lang, "penduduk yang telah merekam KTP-el", "residents with a KTP-el recording")
    return ""


def persen(text: str, lang: str) -> str:
    """`101,93 %` -> `101,93 persen` / `101.93 percent` (the number itself from `formatting`)."""
    word = t(lang, "persen", "percent")
    return text[:-2] + " " + word if text.endswith(" %") else text


def pct_words(value, lang: str) -> str:
    return persen(fmt.format_pct(number(value), lang=lang), lang)


def target_words(value, lang: str) -> str:
    return persen(fmt.format_target(number(value), lang=lang), lang)


@dataclass
class Block:
    kind: str  # title | meta | p | ul
    text: str = ""
    items: tuple[str, ...] = ()


# ---------------------------------------------------------------------------------------------
def _office(scope: Scope, lang: str) -> str:
    """`Disdukcapil Provinsi Kalimantan Utara` / `the Disdukcapil office of Kota Tarakan`."""
    if is_en(lang):
        where = f"{scope.name} province" if scope.tier == "province" else scope.name
        return f"the Disdukcapil office of {where}"
    return f"Dinas Kependudukan dan Pencatatan Sipil (Disdukcapil) {scope.title(lang)}"


def _rank_sentence(region: dict, scope: Scope, lang: str) -> str:
    rank, peers = integer(region["rank_national"]), integer(region["peers_national"])
    if rank is None:
        return ""
    if scope.tier == "province":
        return t(lang, f" Di antara {f_int(peers, lang)} provinsi, {scope.name} menempati peringkat {ordinal(rank, lang)}.",
                 f" Among {f_int(peers, lang)} provinces, {scope.name} ranks {ordinal(rank, lang)}.")
    text = t(lang, f" Secara nasional {scope.name} berada di peringkat {ordinal(rank, lang)} dari "
                   f"{f_int(peers, lang)} kabupaten/kota",
             f" Nationally {scope.name} ranks {ordinal(rank, lang)} of {f_int(peers, lang)} regencies/cities")
    prank, ppeers = integer(region["rank_province"]), integer(region["peers_province"])
    if prank is not None:
        text += t(lang, f", dan peringkat {ordinal(prank, lang)} dari {f_int(ppeers, lang)} kabupaten/kota di provinsinya",
                  f", and {ordinal(prank, lang)} of {f_int(ppeers, lang)} in its province")
    return text + "."


def _level_change(region: dict, view, lang: str) -> str:
    level, prev = integer(region["level"]), integer(region["prev_level"])
    if level is None or prev is None:
        return ""
    before = str(Cutoff.parse(view.cutoff).previous())
    if level > prev:
        return t(lang, f" Levelnya naik dari level {f_int(prev, lang)} pada cut-off {before}.",
                 f" It moved up from level {f_int(prev, lang)} at cut-off {before}.")
    if level < prev:
        return t(lang, f" Levelnya turun dari level {f_int(prev, lang)} pada cut-off {before}.",
                 f" It moved down from level {f_int(prev, lang)} at cut-off {before}.")
    return t(lang, f" Levelnya sama dengan cut-off {before}.", f" Its level is unchanged from cut-off {before}.")


def _coverage_sentence(row: dict, ind, scope: Scope, rubric, lang: str) -> str:
    subject = SUBJECT.get(ind.numerator, (ind.label.id, ind.label.en))
    subject = subject[1] if is_en(lang) else subject[0]
    if row["status"] == "no_data":
        return t(lang, f"Untuk {ind.label.id} belum ada data.", f"There is no data for {ind.label.en} yet.")
    noun = NOUN.get(ind.numerator, ("", ""))
    noun = noun[1] if is_en(lang) else noun[0]
    den_noun = _denominator_noun(ind.denominator, rubric, lang)
    num, den = f_int(row["numerator"], lang), f_int(row["denominator"], lang)
    value, target = number(row["value"]), number(row["target"])
    met = row["status"] == "met"
    target_set = plain(row.get("target_set"))
    regional = target_set not in (None, "national")
    program = number(plain(row.get("program_target")))  # shown only; the threshold decides
    if is_en(lang):
        compare = ("above" if value > target else "meeting") if met else "below"
        which = f"regional target ({target_set})" if regional else ("levelisasi threshold" if program else "target")
        text = (f"{subject} reached {num} {noun}, or {pct_words(value, lang)} of the {den} {den_noun}, "
                f"{compare} the {target_words(target, lang)} {which}")
        if program:
            reached = "reached" if plain(row.get("program_target_met")) else "not yet reached"
            text += f"; the {target_words(program, lang)} program target is {reached}"
    else:
        compare = ("melampaui" if value > target else "memenuhi") if met else "masih di bawah"
        verb = "mencapai" if met else "tercatat"
        which = f"target daerah ({target_set})" if regional else ("ambang levelisasi" if program else "target")
        text = (f"{subject} {verb} {num} {noun} atau {pct_words(value, lang)} dari {den} {den_noun}, "
                f"{compare} {which} {target_words(target, lang)}")
        if program:
            reached = "sudah tercapai" if plain(row.get("program_target_met")) else "belum tercapai"
            text += f"; target program {target_words(program, lang)} {reached}"
    rank = integer(row["rank_national"])
    if rank is not None:
        text += t(lang, f"; capaian ini menempatkan {scope.name} di peringkat {ordinal(rank, lang)} nasional",
                  f"; this places {scope.name} {ordinal(rank, lang)} nationally")
        prank = integer(row["rank_province"])
        if prank is not None:
            text += t(lang, f" (peringkat {ordinal(prank, lang)} di provinsinya)", f" ({ordinal(prank, lang)} in its province)")
    text += "."
    total, reporting = integer(row.get("regencies_total")), integer(row.get("regencies_reporting"))
    if plain(row.get("complete")) is False and total:
        missing = plain(row.get("regencies_missing")) or "-"
        text += t(lang, f" Angka ini dihitung dari {reporting} dari {total} kab/kota yang melapor (belum: {missing}), "
                        "sehingga tidak diperingkat.",
                  f" This figure covers the {reporting} of {total} regencies/cities that reported (missing: {missing}), "
                  "so it is not ranked.")
    own = number(row.get("own_value"))
    if own is not None and number(row.get("own_difference")) is not None:
        text += t(lang, f" Angka yang dilaporkan provinsi sendiri {pct_words(own, lang)}; yang dinilai adalah jumlah "
                        "kab/kotanya.",
                  f" The province's own reported figure is {pct_words(own, lang)}; the sum of its regencies is "
                  "what is evaluated.")
    if bool(plain(row["over_100"])):
        text += t(lang, " Capaian melebihi jumlah sasaran karena pembilang bertambah setiap hari, sedangkan "
                        "penyebut (data kependudukan bersih) diperbarui per semester.",
                  " Coverage exceeds the target population because the numerator grows daily while the "
                  "denominator (the cleaned population data) is updated per semester.")
    return text


def _implementation_text(states_met, states_not, lang: str) -> str:
    met = [s for s in states_met if s.kind == "implementation"]
    not_met = [s for s in states_not if s.kind == "implementation"]
    total = len(met) + len(not_met)
    if not total:
        return ""
    names = ", ".join(s.label.get(lang) for s in met)
    text = t(lang, f"Dari {f_int(total, lang)} indikator pelaksanaan layanan, {f_int(len(met), lang)} terpenuhi",
             f"Of {f_int(total, lang)} service implementation indicators, {f_int(len(met), lang)} are met")
    text += f" ({names})." if met else "."
    for s in not_met:
        text += " " + _implementation_gap(s, lang)
    return text


def _with_unit(value, unit, lang: str) -> str:
    value = number(value)
    if value is None:
        return "—"
    text = fmt.format_int(value, lang=lang) if float(value).is_integer() else fmt.format_number(value, 2, lang=lang)
    return f"{text} {unit.get(lang)}" if unit is not None else text


def _implementation_gap(s, lang: str) -> str:
    label = s.label.get(lang)
    if s.status == "no_data":
        return t(lang, f"{label} belum ada datanya.", f"{label} has no data yet.")
    if s.denominator is not None:  # a province or the nation: complying regencies
        return t(lang, f"{label} belum terpenuhi: baru {f_int(s.numerator, lang)} dari {f_int(s.denominator, lang)} "
                       "kabupaten/kota yang memenuhi.",
                 f"{label} is not met: only {f_int(s.numerator, lang)} of {f_int(s.denominator, lang)} "
                 "regencies/cities comply.")
    return t(lang, f"{label} belum terpenuhi: {_with_unit(s.value, s.unit, lang)}, "
                   f"sedangkan yang disyaratkan {_with_unit(s.target, s.unit, lang)}.",
             f"{label} is not met: {_with_unit(s.value, s.unit, lang)} where "
             f"{_with_unit(s.target, s.unit, lang)} is required.")


def _step_item(step, rubric, lang: str) -> str:
    label = step.label.get(lang)
    if step.kind == "coverage" and step.needed is not None:
        n = f_int(step.needed, lang)
        what = step.gap.get(lang).format(n=n) if step.gap else t(lang, f"{n} lagi", f"{n} more")
        return t(lang, f"{label}: {what} untuk mencapai target {target_words(step.target, lang)}.",
                 f"{label}: {what} to reach the {target_words(step.target, lang)} target.")
    if step.regions:
        names = ", ".join(r["name"] + (t(lang, " (belum ada data)", " (no data)") if r["no_data"] else "")
                          for r in step.regions)
        return t(lang, f"{label}: belum diterapkan di {names}.", f"{label}: not yet in place in {names}.")
    if step.kind == "implementation" and step.status != "no_data":
        return t(lang, f"{label}: baru {_with_unit(step.value, step.unit, lang)}, perlu "
                       f"{_with_unit(step.target, step.unit, lang)}.",
                 f"{label}: {_with_unit(step.value, step.unit, lang)}, needs {_with_unit(step.target, step.unit, lang)}.")
    return step.text(lang) + "."


def _source(view, lang: str) -> str:
    ts = plain(view.meta.get("target_set")) or "national"
    return t(lang, f"Sumber: hasil evaluasi levelisasi kinerja Disdukcapil, run {view.run_id} (rubrik "
                   f"{view.rubric.id}, cut-off {view.cutoff}, set target {ts}; {run_status_text(view, lang)}).",
             f"Source: evaluation of Disdukcapil performance levels, run {view.run_id} (rubric {view.rubric.id}, "
             f"cut-off {view.cutoff}, target set {ts}; {run_status_text(view, lang)}).")


def _meta_line(view, lang: str) -> str:
    return (f"Cut-off {view.cutoff} ({t(lang, 'per', 'as of')} {as_of_text(view.cutoff, lang)}) · "
            f"{view.rubric.label.get(lang)} · run {view.run_id}")


def _office_blocks(view, scope: Scope, lang: str) -> list[Block]:
    rubric = view.rubric
    region = view.region_row(scope.code)
    e = view.explain(scope.code)
    level = integer(region["level"])
    lvl = f_int(level, lang)
    label = level_label(rubric, level, lang)
    title = t(lang, f"{scope.name} berada di level {lvl} levelisasi kinerja Disdukcapil",
              f"{scope.name} at level {lvl} in the Disdukcapil performance levels")
    met, total = f_int(region["indicators_met"], lang), f_int(region["indicators_total"], lang)
    lead = t(lang, f"{_office(scope, lang)} berada di level {lvl} ({label}) dalam levelisasi kinerja Disdukcapil per "
                   f"{as_of_text(view.cutoff, lang)}: {met} dari {total} indikator terpenuhi.",
             f"{_office(scope, lang)[0].upper()}{_office(scope, lang)[1:]} is at level {lvl} ({label}) in the "
             f"Disdukcapil performance levels as of {as_of_text(view.cutoff, lang)}: {met} of {total} indicators met.")
    lead += _rank_sentence(region, scope, lang) + _level_change(region, view, lang)
    blocks = [Block("title", title), Block("meta", _meta_line(view, lang)), Block("p", lead)]
    rows = {r["indicator"]: r for r in view.indicator_rows(scope.code).to_dict("records")}
    for ind in rubric.indicators:
        if ind.kind == "coverage" and ind.id in rows:
            blocks.append(Block("p", _coverage_sentence(rows[ind.id], ind, scope, rubric, lang)))
    impl = _implementation_text(e.met, e.not_met, lang)
    if impl:
        blocks.append(Block("p", impl))
    if e.path:
        head = t(lang, f"Untuk naik ke level {f_int(e.next_level, lang)} ({e.next_level_label.id}), {scope.name} perlu "
                       f"memenuhi {f_int(e.more_needed, lang)} indikator lagi:",
                 f"To reach level {f_int(e.next_level, lang)} ({e.next_level_label.en}), {scope.name} needs to meet "
                 f"{f_int(e.more_needed, lang)} more indicator{'s' if e.more_needed != 1 else ''}:")
        blocks.append(Block("p", head))
        blocks.append(Block("ul", items=tuple(_step_item(s, rubric, lang) for s in e.path)))
    elif e.message is not None:
        blocks.append(Block("p", e.message.get(lang)))
    blocks.append(Block("p", _source(view, lang)))
    return blocks


def _national_blocks(view, scope: Scope, lang: str) -> list[Block]:
    rubric = view.rubric
    bands = sorted(rubric.bands.levels, key=lambda b: -b.level)
    title = t(lang, f"Levelisasi kinerja Disdukcapil nasional per {as_of_text(view.cutoff, lang)}",
              f"Disdukcapil performance levels nationwide as of {as_of_text(view.cutoff, lang)}")
    blocks = [Block("title", title), Block("meta", _meta_line(view, lang))]
    for tier, words in (("province", ("provinsi", "provinces")), ("regency", ("kabupaten/kota", "regencies/cities"))):
        rows = view.tier(tier)
        if rows.empty:
            continue
        parts = [t(lang, f"{f_int(int((rows['level'] == b.level).sum()), lang)} di level {f_int(b.level, lang)} "
                         f"({b.label.id})",
                   f"{f_int(int((rows['level'] == b.level).sum()), lang)} at level {f_int(b.level, lang)} ({b.label.en})")
                 for b in bands]
        joined = ", ".join(parts[:-1]) + t(lang, ", dan ", ", and ") + parts[-1]
        blocks.append(Block("p", t(lang, f"Dari {f_int(len(rows), lang)} {words[0]}: {joined}.",
                                   f"Of {f_int(len(rows), lang)} {words[1]}: {joined}.")))
    provinces = view.tier("province")
    if not provinces.empty:
        top = provinces.head(5)
        names = ", ".join(f"{r['region_name']} ({t(lang, 'level', 'level')} {f_int(r['level'], lang)})"
                          for r in top.to_dict("records"))
        blocks.append(Block("p", t(lang, f"Lima provinsi teratas: {names}.", f"The top five provinces: {names}.")))
    national = view.indicator_rows(scope.code).to_dict("records")
    prov_ind = view.indicators[view.indicators["tier"] == "province"]
    for row in national:
        ind = rubric.indicator(row["indicator"])
        sub = prov_ind[prov_ind["indicator"] == ind.id]
        reached = t(lang, f" {f_int(int((sub['status'] == 'met').sum()), lang)} dari {f_int(len(sub), lang)} provinsi "
                          "memenuhi target.",
                    f" {f_int(int((sub['status'] == 'met').sum()), lang)} of {f_int(len(sub), lang)} provinces meet "
                    "the target.")
        if row["status"] == "no_data":
            continue
        if ind.kind == "coverage":
            subject = SUBJECT.get(ind.numerator, (ind.label.id, ind.label.en))
            noun = NOUN.get(ind.numerator, ("", ""))
            text = t(lang, f"Secara nasional, {subject[0][0].lower()}{subject[0][1:]} mencapai "
                           f"{f_int(row['numerator'], lang)} {noun[0]} atau {pct_words(row['value'], lang)} dari "
                           f"{f_int(row['denominator'], lang)} {_denominator_noun(ind.denominator, rubric, lang)} "
                           f"(target {target_words(row['target'], lang)}).",
                     f"Nationwide, {subject[1][0].lower()}{subject[1][1:]} reached {f_int(row['numerator'], lang)} "
                     f"{noun[1]}, or {pct_words(row['value'], lang)} of the {f_int(row['denominator'], lang)} "
                     f"{_denominator_noun(ind.denominator, rubric, lang)} (target {target_words(row['target'], lang)}).")
            blocks.append(Block("p", text + reached))
    impl = []
    for row in national:
        ind = rubric.indicator(row["indicator"])
        if ind.kind != "implementation" or row["status"] == "no_data":
            continue
        impl.append(t(lang, f"{ind.label.id}: {f_int(row['numerator'], lang)} dari {f_int(row['denominator'], lang)} "
                            "kabupaten/kota memenuhi",
                      f"{ind.label.en}: {f_int(row['numerator'], lang)} of {f_int(row['denominator'], lang)} "
                      "regencies/cities comply"))
    if impl:
        blocks.append(Block("p", t(lang, "Indikator pelaksanaan layanan:", "Service implementation indicators:")))
        blocks.append(Block("ul", items=tuple(x + "." for x in impl)))
    blocks.append(Block("p", _source(view, lang)))
    return blocks


def narrative_blocks(view, scope: Scope, lang: str = "id") -> list[Block]:
    """The narrative as blocks (title, meta line, paragraphs, lists)."""
    lang = "en" if is_en(lang) else "id"
    if scope.tier == "national":
        return _national_blocks(view, scope, lang)
    return _office_blocks(view, scope, lang)


def render_narrative(view, scope: Scope, lang: str = "id", markup: str = "md", synthetic: bool = False) -> str:
    """The narrative as Markdown (`md`) or plain text (`txt`)."""
    blocks = narrative_blocks(view, scope, lang)
    if synthetic:
        blocks.insert(2, Block("p", t(lang, "DATA SINTETIS (demo) — bukan data resmi.",
                                      "SYNTHETIC DATA (demo) — not official figures.")))
    out: list[str] = []
    for block in blocks:
        if block.kind == "title":
            out.append(f"# {block.text}" if markup == "md" else f"{block.text}\n{'=' * len(block.text)}")
        elif block.kind == "meta":
            out.append(f"*{block.text}*" if markup == "md" else block.text)
        elif block.kind == "ul":
            out.append("\n".join(f"- {item}" for item in block.items))
        else:
            out.append(block.text)
    return "\n\n".join(out) + "\n"
