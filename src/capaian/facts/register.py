"""Register → facts as portable Ibis expressions (no raw SQL, no backend-only functions).

Only comparisons with date literals, boolean logic, `ifelse`, `sum`, `nunique`, `max`,
`substr`, `startswith`, joins, a union and `pivot_longer` are used, so the same expression runs
on DuckDB (default), PySpark and PostgreSQL. Dates are computed in Python from the cut-off
(see `capaian.facts.dates`).

Per village (region_code = the resident's village code), on the as-of date D:
- present          = born on or before D, moved_in_on null or on or before D, and died_on /
                     moved_out_on null or after D (someone who died or moved out ON D no longer
                     counts on D; someone who moved in ON D does);
- wajib_ktp        = present and (age >= 17 or ever married);
- ktp_terekam      = present and ktp_recorded_on <= D, any age (recording starts at 16, so
                     coverage can exceed 100 %);
- anak_lt17        = present, age < 17 and never married;
- kia_dimiliki     = anak_lt17 and kia_issued_on <= D;
- anak_lt18        = present and age < 18 (married or not);
- akta_lahir_dimiliki = anak_lt18 and birth_cert_issued_on <= D.
Married on D: `married_on` on or before D when the extract gives a marriage date, else the
undated `ever_married` status (so recomputing an earlier cut-off never turns a later marriage
into an earlier one when the date is known).
Denominator facts (wajib_ktp, anak_lt17, anak_lt18) may be counted on another date than the
numerators: `denominators_on`, the population date of the denominator base in force
(`capaian.bases`); numerators are always counted on the cut-off's as-of date D.
Every village with at least one resident row (present or not) gets all six facts (0 is a count,
not "no data").

Per regency (region_code = regency code), from the service events of the cut-off period
(period_start(D), D] - half a month, the events since the previous cut-off:
- dokumen_kertas_putih = designated document types (the year's list, 18 in 2020-22) none of whose
  issues in the period was on security paper; a type not issued in the period counts as compliant;
- dokumen_tte          = likewise for the electronic signature;
- layanan_online       = 1 when at least one online-channel event happened in the period, else 0.
These are given for every regency with at least one event (any type) in the period; a regency
without any event in the period gets no document facts (no data, not 0).
"""

from __future__ import annotations

import datetime as dt

import ibis
from ibis import _

from capaian.facts.dates import Ages, born_by, period_start

VILLAGE_FACTS = (
    "wajib_ktp",
    "ktp_terekam",
    "anak_lt17",
    "kia_dimiliki",
    "anak_lt18",
    "akta_lahir_dimiliki",
)
REGENCY_FACTS = ("dokumen_kertas_putih", "dokumen_tte", "layanan_online")
DENOMINATOR_FACTS = ("wajib_ktp", "anak_lt17", "anak_lt18")


def _count(cond) -> ibis.Expr:
    return cond.ifelse(1, 0).sum().cast("float64")


def _in_scope(column, scope: str | None):
    if not scope:
        return None
    return (column == scope) | column.startswith(scope + ".")


def resident_conditions(r: ibis.Table, as_of: dt.date, ages: Ages) -> dict:
    """The six village facts of one resident row on `as_of`, as boolean expressions {fact: cond}.

    The one place the per-row rules live: `resident_facts` sums them per village,
    `resident_facts_delta` sums their change between two dates.
    """
    present = (
        (r.birth_date <= as_of)
        & (r.died_on.isnull() | (r.died_on > as_of))
        & (r.moved_out_on.isnull() | (r.moved_out_on > as_of))
    )
    if "moved_in_on" in r.columns:
        present = present & (r.moved_in_on.isnull() | (r.moved_in_on <= as_of))
    married = r.ever_married.fill_null(False)
    if "married_on" in r.columns:
        married = r.married_on.isnull().ifelse(married, r.married_on <= as_of)
    adult = r.birth_date <= born_by(as_of, ages.wajib_ktp_min_age)
    child17 = present & (r.birth_date > born_by(as_of, ages.kia_max_age_exclusive)) & ~married
    child18 = present & (r.birth_date > born_by(as_of, ages.akta_max_age_exclusive))
    return {
        "wajib_ktp": present & (adult | married),
        "ktp_terekam": present & r.ktp_recorded_on.notnull() & (r.ktp_recorded_on <= as_of),
        "anak_lt17": child17,
        "kia_dimiliki": child17 & r.kia_issued_on.notnull() & (r.kia_issued_on <= as_of),
        "anak_lt18": child18,
        "akta_lahir_dimiliki": child18
        & r.birth_cert_issued_on.notnull()
        & (r.birth_cert_issued_on <= as_of),
    }


def _long(wide: ibis.Table) -> ibis.Table:
    return wide.pivot_longer(list(VILLAGE_FACTS), names_to="fact", values_to="value").select(
        "region_code", "fact", "value"
    )


def resident_facts(residents: ibis.Table, as_of: dt.date, age_bounds=None, scope: str | None = None,
                   denominators_on: dt.date | None = None) -> ibis.Table:
    """Village facts (region_code, fact, value) of `residents` on `as_of` (denominators on
    `denominators_on` when given)."""
    ages = Ages.of(age_bounds)
    r = residents
    if scope:
        r = r.filter(_in_scope(r.village_code, scope))
    cond = resident_conditions(r, as_of, ages)
    if denominators_on is not None and denominators_on != as_of:
        base = resident_conditions(r, denominators_on, ages)
        cond.update({f: base[f] for f in DENOMINATOR_FACTS})
    wide = r.group_by(region_code=r.village_code).aggregate(**{f: _count(cond[f]) for f in VILLAGE_FACTS})
    return _long(wide)


DATE_COLUMNS = (
    "birth_date", "ktp_recorded_on", "kia_issued_on", "birth_cert_issued_on", "died_on", "moved_out_on", "moved_in_on",
    "married_on",
)


def changed_between(r: ibis.Table, as_of_from: dt.date, as_of_to: dt.date, ages: Ages):
    """Rows whose facts can differ between the two dates (a boolean expression over `r`).

    With lo < hi the two dates in order, every rule of `resident_conditions` compares a column
    with lo or hi (`x <= D`, `x > D`) or `birth_date` with `born_by(D, A)`, and `born_by` never
    decreases in D. So a row's facts differ only if a date column lies in (lo, hi] or
    `birth_date` lies in (born_by(lo, A), born_by(hi, A)] for an age bound A; `ever_married`
    does not depend on the date (a dated marriage is `married_on`, one of the date columns). The filter may keep a few rows whose facts do not change
    (their difference is 0); it never drops one that does.
    """
    lo, hi = sorted((as_of_from, as_of_to))
    terms = [(r[c] > lo) & (r[c] <= hi) for c in DATE_COLUMNS if c in r.columns]
    bounds = sorted({ages.wajib_ktp_min_age, ages.kia_max_age_exclusive, ages.akta_max_age_exclusive})
    for years in bounds:
        a, b = born_by(lo, years), born_by(hi, years)
        if a < b:
            terms.append((r.birth_date > a) & (r.birth_date <= b))
    changed = terms[0]
    for term in terms[1:]:
        changed = changed | term
    return changed


def resident_facts_delta(
    residents: ibis.Table,
    as_of_from: dt.date,
    as_of_to: dt.date,
    age_bounds=None,
    scope: str | None = None,
) -> ibis.Table:
    """Change of the village facts from `as_of_from` to `as_of_to`: (region_code, fact, value).

    resident_facts(as_of_to) = resident_facts(as_of_from) + delta, per (village, fact), where a
    village absent on the left counts 0 (a village whose first rows are new appears in the delta,
    since all its rows changed). Only rows that `changed_between` the dates are grouped, so the
    group-by sees a small subset; the per-row rules are `resident_conditions`, the same as the
    full computation. Villages without any changed row are absent (delta 0); a village in the
    delta has all six facts (most often 0 for some).
    """
    ages = Ages.of(age_bounds)
    r = residents
    if scope:
        r = r.filter(_in_scope(r.village_code, scope))
    r = r.filter(changed_between(r, as_of_from, as_of_to, ages))
    before = resident_conditions(r, as_of_from, ages)
    after = resident_conditions(r, as_of_to, ages)
    wide = r.group_by(region_code=r.village_code).aggregate(
        **{
            f: (after[f].ifelse(1, 0) - before[f].ifelse(1, 0)).sum().cast("float64")
            for f in VILLAGE_FACTS
        }
    )
    return _long(wide)


def document_facts(
    events: ibis.Table,
    as_of: dt.date,
    documents,
    since: dt.date | None = None,
    scope: str | None = None,
) -> ibis.Table:
    """Regency facts (region_code, fact, value) from service events of (since, as_of]."""
    since = since or period_start(as_of)
    docs = sorted(set(documents))
    e = events
    if scope:
        e = e.filter(_in_scope(e.issuing_regency, scope))
    window = e.filter((e.issued_on > since) & (e.issued_on <= as_of))
    known = window.select(region_code=window.issuing_regency).distinct()
    designated = window.filter(window.document_type.isin(docs))
    not_white = (
        designated.filter(_.paper != "putih")
        .group_by(region_code=_.issuing_regency)
        .aggregate(n_not_white=_.document_type.nunique())
    )
    not_tte = (
        designated.filter(~_.signed_electronically.fill_null(False))
        .group_by(region_code=_.issuing_regency)
        .aggregate(n_not_tte=_.document_type.nunique())
    )
    online = window.group_by(region_code=_.issuing_regency).aggregate(
        n_online=(_.channel == "online").ifelse(1, 0).max()
    )
    n = float(len(docs))
    joined = (
        known.left_join(not_white, "region_code")
        .select(known.region_code, not_white.n_not_white)
    )
    joined = joined.left_join(not_tte, "region_code").select(joined.region_code, joined.n_not_white, not_tte.n_not_tte)
    joined = joined.left_join(online, "region_code").select(
        joined.region_code, joined.n_not_white, joined.n_not_tte, online.n_online
    )
    wide = joined.select(
        region_code=joined.region_code,
        dokumen_kertas_putih=(n - joined.n_not_white.fill_null(0)).cast("float64"),
        dokumen_tte=(n - joined.n_not_tte.fill_null(0)).cast("float64"),
        layanan_online=joined.n_online.fill_null(0).cast("float64"),
    )
    return wide.pivot_longer(list(REGENCY_FACTS), names_to="fact", values_to="value").select(
        "region_code", "fact", "value"
    )


def register_facts(
    residents: ibis.Table,
    as_of: dt.date,
    age_bounds=None,
    events: ibis.Table | None = None,
    documents=None,
    *,
    since: dt.date | None = None,
    scope: str | None = None,
    denominators_on: dt.date | None = None,
) -> ibis.Table:
    """All register facts on `as_of`: village facts, plus regency document facts when `events`.

    `documents` is the designated document list (default: the list of `as_of.year`); `since`
    the exclusive start of the events window (default: `period_start(as_of)`); `scope` a region
    code restricting residents and events to that region.
    """
    village = resident_facts(residents, as_of, age_bounds, scope=scope, denominators_on=denominators_on)
    if events is None:
        return village
    if documents is None:
        from capaian.register.documents import designated_documents

        documents = designated_documents(as_of.year)
    docs = document_facts(events, as_of, documents, since=since, scope=scope)
    return village.union(docs, distinct=False)
