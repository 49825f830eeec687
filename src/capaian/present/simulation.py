"""A rubric simulation (`capaian.evaluate.simulate.Simulation`) as words and cells people read: one
model for the CLI's text and the national team's web page (`/simulasi`), in Indonesian or English."""

from __future__ import annotations

from capaian.present import numbers
from capaian.present.i18n import N_, tr

TIER_WORDS = {"province": N_("Provinces"), "regency": N_("Regencies/cities")}
TIERS = ("province", "regency")


def level_text(value) -> str:
    return "–" if value is None or value != value else f"L{int(value)}"


def share_text(value, lang: str) -> str:
    return "–" if value is None or value != value else numbers.percent(100 * value, lang, places=1)


def _status(status: str | None, lang: str) -> str:
    return numbers.status_word(status, lang) if status else "–"


def reason_text(reason: dict, labels: dict, lang: str) -> str:
    """`KIA 44,76 %: ambang 20 % → 50 %, tercapai → belum tercapai`."""
    deciding = reason["target_draft"] if reason["target_draft"] is not None else reason["target_in_force"]
    met = (reason["status_draft"] or reason["status_in_force"]) == "met"
    value = numbers.indicator_value(reason["kind"], reason["value"], lang, target=deciding, met=met)
    before = "–" if reason["target_in_force"] is None else numbers.threshold(reason["target_in_force"], lang)
    after = "–" if reason["target_draft"] is None else numbers.threshold(reason["target_draft"], lang)
    return tr(lang, "%(indicator)s %(value)s: threshold %(before)s → %(after)s, %(was)s → %(now)s",
              indicator=labels.get(reason["indicator"], reason["indicator"]), value=value, before=before,
              after=after, was=_status(reason["status_in_force"], lang), now=_status(reason["status_draft"], lang))


def simulation_model(sim, lang: str) -> dict:
    """Everything the simulation shows: the offices that change level (with their reasons), the
    offices per level and the pass rate of each indicator under both rubrics, and the sensitivity
    table when one was asked for. Numbers are formatted for `lang`; levels as `L3`."""
    labels = {i.id: i.label.get(lang) for i in (*sim.in_force.indicators, *sim.draft.indicators)}
    counts = sim.changes["tier"].value_counts()
    changes = [{"code": row["region_code"], "name": row["region_name"], "tier": row["tier"],
                "before": level_text(row["level_in_force"]), "after": level_text(row["level_draft"]),
                "reasons": [reason_text(r, labels, lang) for r in row["reasons"]]}
               for row in sim.changes.to_dict("records")]
    tallies = {}
    for tier in TIERS:
        rows = sim.tallies[sim.tallies["tier"] == tier].to_dict("records")
        tallies[tier] = [{"level": level_text(r["level"]) if r["level"] != "none" else tr(lang, "not assessed"),
                          "in_force": numbers.integer(r["in_force"], lang), "draft": numbers.integer(r["draft"], lang),
                          "changed": int(r["in_force"]) != int(r["draft"])}
                         for r in rows if r["level"] != "none" or r["in_force"] or r["draft"]]
    rates = {}
    for tier in TIERS:
        rows = sim.pass_rates[sim.pass_rates["tier"] == tier].to_dict("records")
        rates[tier] = [{"indicator": r["indicator"], "label": labels.get(r["indicator"], r["indicator"]),
                        "in_force": share_text(r["in_force"], lang), "draft": share_text(r["draft"], lang),
                        "changed": share_text(r["in_force"], lang) != share_text(r["draft"], lang)}
                       for r in rows]
    sweep = None
    if sim.sweep is not None and not sim.sweep.empty:
        indicator = sim.sweep["indicator"].iloc[0]
        levels = [c for c in sim.sweep.columns if c.startswith("L")]
        rows = []
        for value, group in sim.sweep.groupby("threshold", sort=True):
            by_tier = {r["tier"]: r for r in group.to_dict("records")}
            rows.append({"threshold": numbers.threshold(value, lang),
                         "cells": {tier: [numbers.integer(by_tier[tier].get(lv, 0), lang) if tier in by_tier else "–"
                                          for lv in levels] for tier in TIERS}})
        sweep = {"indicator": indicator, "label": labels.get(indicator, indicator), "levels": levels, "rows": rows}
    return {
        "cutoff": sim.cutoff, "draft": sim.draft.id, "in_force": sim.in_force.id,
        "title": tr(lang, "Rubric simulation: %(draft)s against %(in_force)s at cut-off %(cutoff)s (nothing is stored)",
                    draft=sim.draft.id, in_force=sim.in_force.id, cutoff=sim.cutoff),
        "moved": tr(lang, "Offices changing level: %(provinces)s provinces, %(regencies)s regencies/cities",
                    provinces=numbers.integer(int(counts.get("province", 0)), lang),
                    regencies=numbers.integer(int(counts.get("regency", 0)), lang)),
        "changes": changes, "tallies": tallies, "pass_rates": rates, "sweep": sweep,
        "tier_words": {tier: tr(lang, TIER_WORDS[tier]) for tier in TIERS},
    }


def simulation_lines(sim, lang: str, shown: int) -> list[str]:
    """The simulation as text lines (the CLI's table format)."""
    model = simulation_model(sim, lang)
    lines = [model["title"], model["moved"]]
    for row in model["changes"][:shown]:
        lines.append(f"  {row['name']} ({row['code']}): {row['before']} → {row['after']} — {'; '.join(row['reasons'])}")
    if len(model["changes"]) > shown:
        lines.append("  " + tr(lang, "… and %(n)s more (--all shows every office)",
                               n=numbers.integer(len(model["changes"]) - shown, lang)))
    lines += ["", tr(lang, "Offices per level (in force → draft)")]
    for tier in TIERS:
        cells = [f"{c['level']} {c['in_force']} → {c['draft']}" for c in model["tallies"][tier]]
        lines.append(f"  {model['tier_words'][tier]}: " + " · ".join(cells))
    lines += ["", tr(lang, "Indicator pass rates (in force → draft)")]
    for tier in TIERS:
        cells = [f"{c['label']} {c['in_force']} → {c['draft']}" for c in model["pass_rates"][tier]]
        lines.append(f"  {model['tier_words'][tier]}: " + " · ".join(cells))
    sweep = model["sweep"]
    if sweep:
        lines += ["", tr(lang, "Sensitivity of %(indicator)s (draft rubric): offices per level by threshold",
                         indicator=sweep["label"])]
        for row in sweep["rows"]:
            parts = [f"{model['tier_words'][tier]}: " + " ".join(f"{lv} {n}" for lv, n in zip(sweep["levels"], row["cells"][tier]))
                     for tier in TIERS if any(n != "–" for n in row["cells"][tier])]
            lines.append(f"  {row['threshold']:>6}  " + " | ".join(parts))
    return lines
