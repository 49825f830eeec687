"""A narrative of a run for one scope, in the style of a regional press release (Markdown / text).

Indonesian by default, English on request. Every number comes from the run (its result frames,
its explanation and its rubric) and is formatted by `capaian.present.numbers`, its words come from the catalogue
(`capaian.present.i18n`): for Kalimantan Utara at
2020-11-H1 it reads "... 467.701 penduduk atau 101,93 persen dari ... target 98 persen ...
peringkat ke-4 nasional ...". Percentages are written out as "persen" / "percent".
"""

from __future__ import annotations

from dataclasses import dataclass

from capaian.periods import Cutoff
from capaian.present import numbers
from capaian.present.i18n import N_, norm, ntr, tr
from capaian.reports.common import (
    as_of_text,
    draft_label,
    period_label,
    f_int,
    integer,
    level_label,
    number,
    ordinal,
    plain,
    run_status_text,
)
from capaian.records import records
from capaian.reports.scope import Scope

# Words for the facts of coverage indicators: subject of the sentence, numerator noun, denominator noun.
SUBJECT = {
    "ktp_terekam": N_("KTP-el recording"),
    "kia_dimiliki": N_("KIA ownership"),
    "akta_lahir_dimiliki": N_("Birth-certificate ownership"),
    "ikd_aktif": N_("IKD activation"),
}
NOUN = {
    "ktp_terekam": N_("residents"),
    "kia_dimiliki": N_("children"),
    "akta_lahir_dimiliki": N_("children"),
    "ikd_aktif": N_("residents"),
}


def _denominator_noun(fact: str, rubric, lang: str) -> str:
    ages = rubric.age_bounds
    if fact == "wajib_ktp":
        return tr(lang, "residents required to hold a KTP-el")
    if fact == "anak_lt17":
        n = f_int(ages.kia_max_age_exclusive, lang)
        return tr(lang, "children under %(n)s", n=n)
    if fact == "anak_lt18":
        n = f_int(ages.akta_max_age_exclusive, lang)
        return tr(lang, "children under %(n)s", n=n)
    if fact == "ktp_terekam":
        return tr(lang, "residents with a KTP-el recording")
    return ""


def persen(text: str, lang: str) -> str:
    """`101,93 %` -> `101,93 persen` / `101.93 percent` (the number itself from `present.numbers`)."""
    word = tr(lang, "percent")
    return text[:-2] + " " + word if text.endswith(" %") else text


def pct_words(value, lang: str, target=None, met: bool | None = None) -> str:
    """A percentage in words, never written equal to a threshold it misses."""
    return persen(numbers.coverage(value, lang, target, met=met), lang)


def target_words(value, lang: str) -> str:
    return persen(numbers.threshold(value, lang), lang)


@dataclass
class Block:
    kind: str  # title | meta | p | ul
    text: str = ""
    items: tuple[str, ...] = ()


# ---------------------------------------------------------------------------------------------
def _office(scope: Scope, lang: str) -> str:
    """`Disdukcapil Provinsi Kalimantan Utara` / `the Disdukcapil office of Kota Tarakan`."""
    where = tr(lang, "%(name)s province", name=scope.name) if scope.tier == "province" else scope.name
    return tr(lang, "the Disdukcapil office of %(where)s", where=where)


def _rank_sentence(region: dict, scope: Scope, lang: str) -> str:
    rank, peers = integer(region["rank_national"]), integer(region["peers_national"])
    if rank is None:
        return ""
    if scope.tier == "province":
        return " " + tr(lang,
            "Among %(peers)s provinces, %(name)s ranks %(rank)s.",
            peers=f_int(peers, lang), name=scope.name, rank=ordinal(rank, lang))
    text = " " + tr(lang,
        "Nationally %(name)s ranks %(rank)s of %(peers)s regencies/cities",
        name=scope.name, rank=ordinal(rank, lang), peers=f_int(peers, lang))
    prank, ppeers = integer(region["rank_province"]), integer(region["peers_province"])
    if prank is not None:
        text += tr(lang,
            ", and %(prank)s of %(ppeers)s in its province",
            prank=ordinal(prank, lang), ppeers=f_int(ppeers, lang))
    return text + "."


def _level_change(region: dict, view, lang: str) -> str:
    level, prev = integer(region["level"]), integer(region["prev_level"])
    if level is None or prev is None:
        return ""
    before = str(Cutoff.parse(view.cutoff).previous())
    if level > prev:
        return " " + tr(lang,
            "It moved up from level %(prev)s at cut-off %(before)s.",
            prev=f_int(prev, lang), before=before)
    if level < prev:
        return " " + tr(lang,
            "It moved down from level %(prev)s at cut-off %(before)s.",
            prev=f_int(prev, lang), before=before)
    return " " + tr(lang, "Its level is unchanged from cut-off %(before)s.", before=before)


def _coverage_sentence(row: dict, ind, scope: Scope, rubric, lang: str) -> str:
    subject = tr(lang, SUBJECT[ind.numerator]) if ind.numerator in SUBJECT else ind.label.get(lang)
    partial = number(row.get("partial_value"))
    reported = dict(reporting=f_int(row.get("regencies_reporting"), lang), total=f_int(row.get("regencies_total"), lang),
                    missing=_names(row.get("regencies_missing")), partial=pct_words(partial, lang))
    if row["status"] == "no_data" and row.get("complete") is False and partial is not None:
        return tr(lang, "For %(indicator)s only %(reporting)s of %(total)s regencies/cities reported (missing: "
                        "%(missing)s): their sum, %(partial)s, is not counted as met and not ranked.",
                  indicator=ind.label.get(lang), **reported)
    if row["status"] == "no_data":
        return tr(lang, "There is no data for %(indicator)s yet.", indicator=ind.label.get(lang))
    noun = tr(lang, NOUN[ind.numerator]) if ind.numerator in NOUN else ""
    den_noun = _denominator_noun(ind.denominator, rubric, lang)
    num, den = f_int(row["numerator"], lang), f_int(row["denominator"], lang)
    value, target = number(row["value"]), number(row["target"])
    met = row["status"] == "met"
    target_set = plain(row.get("target_set"))
    regional = target_set not in (None, "national")
    program = number(plain(row.get("program_target")))  # shown only; the threshold decides
    if regional:
        which = tr(lang, "regional target (%(set)s)", set=target_set)
    else:
        which = tr(lang, "levelisasi threshold") if program else tr(lang, "target")
    words = dict(subject=subject, num=num, noun=noun, value=pct_words(value, lang, target, met), den=den,
                 den_noun=den_noun, target=target_words(target, lang), which=which)
    if met and value > target:
        text = tr(lang, "%(subject)s reached %(num)s %(noun)s, or %(value)s of the %(den)s %(den_noun)s, "
                        "above the %(target)s %(which)s", **words)
    elif met:
        text = tr(lang, "%(subject)s reached %(num)s %(noun)s, or %(value)s of the %(den)s %(den_noun)s, "
                        "meeting the %(target)s %(which)s", **words)
    else:
        text = tr(lang, "%(subject)s stood at %(num)s %(noun)s, or %(value)s of the %(den)s %(den_noun)s, "
                        "below the %(target)s %(which)s", **words)
    if program:
        if plain(row.get("program_target_met")):
            text += tr(lang, "; the %(program)s program target is reached", program=target_words(program, lang))
        else:
            text += tr(lang, "; the %(program)s program target is not yet reached", program=target_words(program, lang))
    rank = integer(row["rank_national"])
    if rank is not None:
        text += tr(lang, "; this places %(name)s %(rank)s nationally", name=scope.name, rank=ordinal(rank, lang))
        prank = integer(row["rank_province"])
        if prank is not None:
            text += " " + tr(lang, "(%(prank)s in its province)", prank=ordinal(prank, lang))
    text += "."
    total, reporting = integer(row.get("regencies_total")), integer(row.get("regencies_reporting"))
    if plain(row.get("complete")) is False and total:
        missing = _names(row.get("regencies_missing"))
        text += " " + tr(lang, "This figure covers the %(reporting)s of %(total)s regencies/cities that reported "
                               "(missing: %(missing)s), so it is not ranked.",
                         reporting=f_int(reporting, lang), total=f_int(total, lang), missing=missing)
    if row.get("value_basis") == "own" and partial is not None:
        text += " " + tr(lang, "This is the province's own reported figure: only %(reporting)s of %(total)s "
                               "regencies/cities reported (missing: %(missing)s), and their sum, %(partial)s, is "
                               "shown beside it.", **reported)
    own = number(row.get("own_value"))
    if own is not None and number(row.get("own_difference")) is not None:
        text += " " + tr(lang, "The province's own reported figure is %(value)s; the sum of its regencies is what "
                               "is evaluated.", value=pct_words(own, lang))
    if bool(plain(row["over_100"])):
        text += " " + tr(lang,
            "Coverage exceeds the target population because the numerator grows daily while the denominator (the cleaned population data) is updated per semester.")
    return text


def _names(value) -> str:
    """Regencies/cities not reporting (a record's list, or the stored "A, B"), `-` for none."""
    value = plain(value)
    if isinstance(value, (list, tuple)):
        value = ", ".join(value)
    return value or "-"


def _implementation_text(states_met, states_not, lang: str, cells: dict | None = None) -> str:
    """The implementation indicators met and not; above a regency each met one with its regencies/cities
    complying as the record gives them (`Kertas putih (5 dari 5 kab/kota)`)."""
    met = [s for s in states_met if s.kind == "implementation"]
    not_met = [s for s in states_not if s.kind == "implementation"]
    total = len(met) + len(not_met)
    if not total:
        return ""
    cells = cells or {}

    def name(s) -> str:
        cell = cells.get(s.indicator)
        if cell is None or cell["value"] is not None or cell["denominator"] is None:
            return s.label.get(lang)
        return f"{s.label.get(lang)} ({numbers.complying(cell['numerator'], cell['denominator'], lang)})"

    names = ", ".join(name(s) for s in met)
    text = tr(lang,
        "Of %(total)s service implementation indicators, %(met)s are met",
        total=f_int(total, lang), met=f_int(len(met), lang))
    text += f" ({names})." if met else "."
    for s in not_met:
        text += " " + _implementation_gap(s, lang, cells)
    return text


def _with_unit(value, unit, lang: str) -> str:
    if number(value) is None:
        return numbers.DASH
    text = numbers.amount(value, lang)
    return f"{text} {unit.get(lang)}" if unit is not None else text


def _implementation_gap(s, lang: str, cells: dict | None = None) -> str:
    label = s.label.get(lang)
    if s.status == "no_data":
        return tr(lang, "%(label)s has no data yet.", label=label)
    cell = (cells or {}).get(s.indicator)
    if cell is not None and cell["value"] is None and cell["denominator"] is not None:
        # a province or the nation: the regencies/cities complying, as the record gives them
        return tr(lang, "%(label)s is not met: only %(complying)s comply.", label=label,
                  complying=numbers.complying(cell["numerator"], cell["denominator"], lang))
    return tr(lang,
        "%(label)s is not met: %(value)s where %(target)s is required.",
        label=label, value=_with_unit(s.value, s.unit, lang), target=_with_unit(s.target, s.unit, lang))


def _step_item(step, rubric, lang: str) -> str:
    label = step.label.get(lang)
    if step.kind == "coverage" and step.needed is not None:
        n = f_int(step.needed, lang)
        what = step.gap.get(lang).format(n=n) if step.gap else tr(lang, "%(n)s more", n=n)
        return tr(lang,
            "%(label)s: %(what)s to reach the %(target)s target.",
            label=label, what=what, target=target_words(step.target, lang))
    if step.regions:
        names = ", ".join(r["name"] + (" " + tr(lang, "(no data)") if r["no_data"] else "")
                          for r in step.regions)
        return tr(lang, "%(label)s: not yet in place in %(names)s.", label=label, names=names)
    if step.kind == "implementation" and step.status != "no_data":
        return tr(lang,
            "%(label)s: %(value)s, needs %(target)s.",
            label=label, value=_with_unit(step.value, step.unit, lang), target=_with_unit(step.target, step.unit, lang))
    return step.text(lang) + "."


def _source(view, lang: str, code: str | None = None) -> str:
    ts = plain(view.meta.get("target_set")) or "national"
    return tr(lang,
        "Source: evaluation of Disdukcapil performance levels, run %(run_id)s (rubric %(rubric)s, cut-off %(cutoff)s, target set %(ts)s; %(status)s).",
        run_id=view.run_id, rubric=view.rubric.id, cutoff=view.cutoff, ts=ts, status=run_status_text(view, lang, code))


def _meta_line(view, lang: str) -> str:
    return (f"Cut-off {view.cutoff} ({tr(lang, 'as of')} {as_of_text(view.cutoff, lang)}) · "
            f"{view.rubric.label.get(lang)} · run {view.run_id}")


def _record(view, code: str) -> dict:
    """The region's record (`capaian.records`): the figures every other surface shows."""
    return records(view, view.regions[view.regions["region_code"] == code])[0]


def _office_blocks(view, scope: Scope, lang: str) -> list[Block]:
    rubric = view.rubric
    region = _record(view, scope.code)
    e = view.explain(scope.code)
    level = integer(region["level"])
    lvl = f_int(level, lang)
    label = level_label(rubric, level, lang)
    office = _office(scope, lang)[0].upper() + _office(scope, lang)[1:]
    if numbers.not_assessed(region.get("assessed")):  # an office with no data: no level, no rank
        title = tr(lang, "%(name)s not assessed in the Disdukcapil performance levels", name=scope.name)
        lead = tr(lang, "%(office)s is not assessed in the Disdukcapil performance levels as of %(cutoff)s: "
                        "it has no data, so it has no level and no rank.",
                  office=office, cutoff=as_of_text(view.cutoff, lang))
        return [Block("title", title), Block("meta", _meta_line(view, lang)), Block("p", lead)]
    title = tr(lang, "%(name)s at level %(lvl)s in the Disdukcapil performance levels", name=scope.name, lvl=lvl)
    met, total = f_int(region["indicators_met"], lang), f_int(region["indicators_total"], lang)
    lead = tr(lang,
        "%(office)s is at level %(lvl)s (%(label)s) in the Disdukcapil performance levels as of %(cutoff)s: %(met)s of %(total)s indicators met.",
        office=office, lvl=lvl, label=label, cutoff=as_of_text(view.cutoff, lang), met=met, total=total)
    lead += _rank_sentence(region, scope, lang) + _level_change(region, view, lang)
    blocks = [Block("title", title), Block("meta", _meta_line(view, lang)), Block("p", lead)]
    rows = region["indicators"]
    for ind in rubric.indicators:
        if ind.kind == "coverage" and ind.id in rows:
            blocks.append(Block("p", _coverage_sentence(rows[ind.id], ind, scope, rubric, lang)))
    impl = _implementation_text(e.met, e.not_met, lang, region["indicators"])
    if impl:
        blocks.append(Block("p", impl))
    if e.path:
        head = ntr(lang, "To reach level %(level)s (%(label)s), %(name)s needs to meet %(count)s more indicator:",
                   "To reach level %(level)s (%(label)s), %(name)s needs to meet %(count)s more indicators:",
                   e.more_needed, level=f_int(e.next_level, lang), label=e.next_level_label.get(lang),
                   name=scope.name, count=f_int(e.more_needed, lang))
        blocks.append(Block("p", head))
        blocks.append(Block("ul", items=tuple(_step_item(s, rubric, lang) for s in e.path)))
    elif e.message is not None:
        blocks.append(Block("p", e.message.get(lang)))
    blocks.append(Block("p", _source(view, lang, scope.code)))
    return blocks


def _national_blocks(view, scope: Scope, lang: str) -> list[Block]:
    rubric = view.rubric
    bands = sorted(rubric.bands.levels, key=lambda b: -b.level)
    title = tr(lang,
        "Disdukcapil performance levels nationwide as of %(cutoff)s",
        cutoff=as_of_text(view.cutoff, lang))
    blocks = [Block("title", title), Block("meta", _meta_line(view, lang))]
    for tier, words in (("province", N_("provinces")), ("regency", N_("regencies/cities"))):
        rows = view.tier(tier)
        if rows.empty:
            continue
        parts = [tr(lang,
            "%(count)s at level %(level)s (%(label)s)",
            count=f_int(int((rows['level'] == b.level).sum()), lang), level=f_int(b.level, lang), label=b.label.get(lang))
                 for b in bands]
        joined = ", ".join(parts[:-1]) + tr(lang, ", and ") + parts[-1]
        blocks.append(Block("p", tr(lang,
            "Of %(rows)s %(tier)s: %(joined)s.",
            rows=f_int(len(rows), lang), tier=tr(lang, words), joined=joined)))
    provinces = view.tier("province")
    if not provinces.empty:
        top = provinces.head(5)
        names = ", ".join(f"{r['region_name']} ({tr(lang, 'level')} {f_int(r['level'], lang)})"
                          for r in top.to_dict("records"))
        blocks.append(Block("p", tr(lang, "The top five provinces: %(names)s.", names=names)))
    national = list(_record(view, scope.code)["indicators"].values())
    province_cells = [rec["indicators"] for rec in records(view, provinces)]
    for row in national:
        ind = rubric.indicator(row["indicator"])
        sub = [cells[ind.id] for cells in province_cells if ind.id in cells]
        reached = " " + tr(lang, "%(met)s of %(total)s provinces meet the target.",
                           met=f_int(sum(c["status"] == "met" for c in sub), lang), total=f_int(len(sub), lang))
        if row["status"] == "no_data":
            continue
        if ind.kind == "coverage":
            subject = tr(lang, SUBJECT[ind.numerator]) if ind.numerator in SUBJECT else ind.label.get(lang)
            noun = tr(lang, NOUN[ind.numerator]) if ind.numerator in NOUN else ""
            text = tr(lang,
                "Nationwide, %(subject)s reached %(numerator)s %(noun)s, or %(value)s of the %(denominator)s %(den_noun)s (target %(target)s).",
                subject=subject[0].lower() + subject[1:], numerator=f_int(row['numerator'], lang), noun=noun,
                value=pct_words(row['value'], lang, row['target'], row['status'] == 'met'),
                denominator=f_int(row['denominator'], lang), den_noun=_denominator_noun(ind.denominator, rubric, lang),
                target=target_words(row['target'], lang))
            blocks.append(Block("p", text + reached))
    impl = []
    for row in national:
        ind = rubric.indicator(row["indicator"])
        if ind.kind != "implementation" or row["status"] == "no_data":
            continue
        impl.append(tr(lang,
            "%(indicator)s: %(numerator)s of %(denominator)s regencies/cities comply",
            indicator=ind.label.get(lang), numerator=f_int(row['numerator'], lang), denominator=f_int(row['denominator'], lang)))
    if impl:
        blocks.append(Block("p", tr(lang, "Service implementation indicators:")))
        blocks.append(Block("ul", items=tuple(x + "." for x in impl)))
    blocks.append(Block("p", _source(view, lang)))
    return blocks


def narrative_blocks(view, scope: Scope, lang: str = "id") -> list[Block]:
    """The narrative as blocks (title, meta line, paragraphs, lists)."""
    lang = norm(lang)
    if scope.tier == "national":
        return _national_blocks(view, scope, lang)
    return _office_blocks(view, scope, lang)


def render_narrative(view, scope: Scope, lang: str = "id", markup: str = "md", synthetic: bool = False,
                     extra: tuple[str, ...] = ()) -> str:
    """The narrative as Markdown (`md`) or plain text (`txt`); `extra` paragraphs (the forecast and
    data-quality paragraph, `capaian.quality.text.narrative_paragraphs`) go before the source line."""
    blocks = narrative_blocks(view, scope, lang)
    for text in extra:
        blocks.insert(len(blocks) - 1, Block("p", text))
    quarter = period_label(view, lang)
    if quarter:  # a quarter's result says which quarter, and whether it is final
        blocks[0] = Block("title", f"{quarter} — {blocks[0].text}")
    draft = draft_label(view, lang)
    if draft:  # an unpublished run says so on its first line
        blocks[0] = Block("title", f"{draft} — {blocks[0].text}")
    if synthetic:
        blocks.insert(2, Block("p", tr(lang, "SYNTHETIC DATA (demo) — not official figures.")))
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
