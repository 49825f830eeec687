"""Rubrics, target sets and denominator bases as dated data the national team manages.

The YAML files shipped in `capaian.rubrics` and `capaian.bases` are the built-in records; the
national team adds more to the store without a new release:

    text = draft_rubric("levelisasi-2023", 2025)     # a YAML draft to edit (`capaian rubric new`)
    problems = check_rubric_text(text, "draft.yaml")  # every error with its line (`rubric check`)
    import_rubric(store, "draft.yaml", actor="pusat")  # versioned, audited (`rubric import`)
    add_base(store, base, actor=...)                  # `capaian base add`
    import_base_release(store, "dkb.csv", "dkb-2024-s2", actor=...)  # `capaian base import`

Every record keeps its sources (publisher, date, address, quote) and an `assumption` flag: an
imported threshold must name a source with an address or a quote, or say `assumption: true`.

Which records are known: `open_store` calls `install(store)`, after which `load_rubric`,
`list_rubrics`, `rubric_for`, `get_base`, `list_bases` and `base_for` answer with the shipped records
and the store's (one store per process: the CLI command's, or the server's).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

from capaian.errors import CapaianError

RUBRIC, TARGET_SET, BASE = "rubric", "target_set", "base"
DENOMINATOR_FACTS = ("wajib_ktp", "anak_lt17", "anak_lt18")


# --- what the open store adds ---------------------------------------------------------------
@dataclass(frozen=True)
class Stored:
    """The records of the open store (newest version of each), parsed."""

    rubrics: dict = field(default_factory=dict)       # id -> Rubric
    target_sets: dict = field(default_factory=dict)   # id -> TargetSet
    bases: tuple = ()                                 # DenominatorBase, oldest in force first
    versions: dict = field(default_factory=dict)      # (kind, id) -> version


_STORED = Stored()


def stored() -> Stored:
    return _STORED


def forget() -> None:
    """Back to the shipped records only (as before any store was opened)."""
    global _STORED
    _STORED = Stored()


def install(store) -> Stored:
    """Make the records of `store` the added ones of this process (replacing any earlier store's)."""
    global _STORED
    from capaian.bases import DenominatorBase
    from capaian.rubrics.model import Rubric, TargetSet

    frame = store.library_records()
    rubrics, sets, bases, versions = {}, {}, [], {}
    for row in frame.itertuples(index=False):
        if row.kind == RUBRIC:
            rubrics[row.id] = Rubric.model_validate(yaml.safe_load(row.document))
        elif row.kind == TARGET_SET:
            sets[row.id] = TargetSet.model_validate(yaml.safe_load(row.document))
        elif row.kind == BASE:
            bases.append(DenominatorBase.model_validate(json.loads(row.document)))
        versions[(row.kind, row.id)] = int(row.version)
    _STORED = Stored(rubrics, sets, tuple(sorted(bases, key=lambda b: (b.in_force_from, b.id))), versions)
    from capaian.records import assumptions

    assumptions.forget()  # an id may now name another version
    return _STORED


# --- rubric files: draft, check with lines, import --------------------------------------------
@dataclass(frozen=True)
class LineProblem:
    """One error of a rubric file: its line (1-based; None when the file has none) and message."""

    file: str
    line: int | None
    message: str

    def text(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


def _plain(value):
    """A model dump made YAML-friendly: exact numbers as int/float, tuples as lists."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def draft_rubric(from_id: str, year: int) -> str:
    """A YAML draft of a rubric for `year`, copied from rubric `from_id`: id `levelisasi-YEAR`, in
    force for the whole year, and every threshold marked `assumption: true` (copied, not yet
    sourced for `year`) until its source is filled in."""
    from capaian.rubrics import load_rubric

    base = load_rubric(from_id)
    data = _plain(base.model_dump(mode="python", exclude_defaults=True))
    new_id = re.sub(r"\d{4}$", str(year), base.id) if re.search(r"\d{4}$", base.id) else f"{base.id}-{year}"
    data.update(id=new_id, year=year, effective_from=dt.date(year, 1, 1), effective_to=dt.date(year, 12, 31))
    data["label"] = {k: v.replace(str(base.year), str(year)) for k, v in data["label"].items()}
    data["notes"] = (f"Draft for {year}, copied from {from_id}. Replace each threshold copied from "
                     f"{base.year} by the {year} one with its source, and drop its assumption flag.")
    copied = f"Copied from {from_id} ({base.year}); not yet sourced for {year}."
    for ind in data["indicators"]:
        for target in [ind["threshold"], *ind.get("program_targets", [])]:
            target["assumption"] = True
            target["source"] = f"{copied} Was: {target['source']}"
    ordered = {k: data.pop(k) for k in ("id", "year", "effective_from", "effective_to", "label", "notes") if k in data}
    ordered.update(data)
    head = (f"# Draft rubric for {year} (capaian rubric new --from {from_id} --year {year}).\n"
            "# Edit, then: capaian rubric check FILE ; capaian rubric import FILE\n")
    return head + yaml.safe_dump(ordered, sort_keys=False, allow_unicode=True, width=110)


def _node_line(root, loc: tuple) -> int | None:
    """The 1-based line of the YAML node at pydantic location `loc` (the deepest that exists)."""
    node, line = root, (root.start_mark.line + 1 if root is not None else None)
    aliases = {"threshold": "target"}
    for part in loc:
        nxt = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == str(part) or key.value == aliases.get(str(part)):
                    nxt, line = value, key.start_mark.line + 1
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            nxt = node.value[part]
            line = nxt.start_mark.line + 1
        if nxt is None:
            break
        node = nxt
    return line


def _source_problems(rubric) -> list[tuple[tuple, str]]:
    """(location, message) of every target without a usable source and not marked an assumption."""
    out = []
    for i, ind in enumerate(rubric.indicators):
        targets = [("threshold", ind.threshold)] + [(("program_targets", j), t) for j, t in enumerate(ind.program_targets)]
        for where, target in targets:
            place = ("indicators", i, *(where if isinstance(where, tuple) else (where,)))
            if target.assumption:
                continue
            sourced = [s for s in target.sources if s.url or s.quote]
            if not sourced:
                out.append((place, f"indicator '{ind.id}': {place[2]} {target.value} needs `sources` with "
                                   "publisher, date and url or quote, or `assumption: true`"))
    return out


def check_rubric_text(text: str, name: str = "rubric.yaml", kind: str = RUBRIC):
    """(record, [LineProblem]) for the YAML text of a rubric (or a target set); the record is None
    when the file is not a valid one, and set with the problems that concern only its sources."""
    from pydantic import ValidationError

    from capaian.rubrics.model import Rubric, TargetSet

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        reason = getattr(exc, "problem", None) or str(exc)
        return None, [LineProblem(name, mark.line + 1 if mark else None, f"invalid YAML: {reason}")]
    if not isinstance(data, dict):
        return None, [LineProblem(name, 1, "the file must hold a mapping (id, year, indicators, ...)")]
    model = Rubric if kind == RUBRIC else TargetSet
    try:
        record = model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            msg = err["msg"].removeprefix("Value error, ")
            named = re.match(r"field '([a-z_]+)'", msg)
            line = _node_line(root, loc + ((named.group(1),) if named else ()))
            label = ".".join(str(p) for p in loc)
            problems.append(LineProblem(name, line, f"{label}: {msg}" if label else msg))
        return None, sorted(problems, key=lambda p: (p.line or 0, p.message))
    problems = []
    if kind == RUBRIC:
        problems = [LineProblem(name, _node_line(root, loc), msg) for loc, msg in _source_problems(record)]
    return record, problems


def _problems_error(path, problems: list[LineProblem]) -> CapaianError:
    listed = "; ".join(p.text() for p in problems)
    return CapaianError(f"{Path(path).name}: {len(problems)} masalah: {listed}",
                        f"{Path(path).name}: {len(problems)} problem(s): {listed}")


def read_text(path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CapaianError(f"Berkas {path} tidak ditemukan.", f"File {path} not found.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CapaianError(f"Berkas {path} tidak dapat dibaca: {exc}.", f"File {path} can't be read: {exc}.") from None


def import_rubric(store, path, actor: str, kind: str = RUBRIC):
    """Check the rubric (or target-set) file and keep it in the store; returns (record, version, new).
    A shipped id is refused (the built-in records are not replaced)."""
    from capaian.rubrics.loader import shipped_rubric_ids, shipped_target_set_ids

    text = read_text(path)
    record, problems = check_rubric_text(text, Path(path).name, kind)
    shipped = shipped_rubric_ids() if kind == RUBRIC else shipped_target_set_ids()
    if problems and (record is None or record.id not in shipped):
        raise _problems_error(path, problems)
    if record.id in shipped:
        raise CapaianError(
            f"{Path(path).name}: '{record.id}' adalah rubrik bawaan dan tidak diganti; beri id lain.",
            f"{Path(path).name}: '{record.id}' is a built-in record and is not replaced; give another id.")
    if kind == RUBRIC:
        version, new = store.save_library_record(
            RUBRIC, record.id, text, actor=actor, year=record.year, valid_from=record.in_force_from,
            valid_to=record.in_force_to, assumption=has_assumption(record))
    else:
        version, new = store.save_library_record(TARGET_SET, record.id, text, actor=actor, year=record.year)
    install(store)
    return record, version, new


def has_assumption(rubric) -> bool:
    return rubric.bands.assumption or any(
        t.assumption for i in rubric.indicators for t in (i.threshold, *i.program_targets))


def rubric_origin(rubric_id: str) -> str:
    """`built-in` for a shipped rubric, `stored vN` for one added to the store."""
    version = stored().versions.get((RUBRIC, rubric_id))
    return f"stored v{version}" if version else "built-in"


# --- bases ----------------------------------------------------------------------------------
def base_label(base_id: str) -> dict:
    """`DKB Semester II 2024` for `dkb-2024-s2`; the id itself otherwise."""
    found = re.fullmatch(r"dkb-(\d{4})-s([12])", base_id)
    if not found:
        return {"id": base_id, "en": base_id}
    text = f"DKB Semester {'I' * int(found.group(2))} {found.group(1)}"
    return {"id": text, "en": text}


def add_base(store, base, actor: str, denominators=None):
    """Keep a denominator base (a `DenominatorBase`) in the store; returns (version, new)."""
    from capaian.bases import shipped_bases

    if any(b.id == base.id for b in shipped_bases()):
        raise CapaianError(f"Basis '{base.id}' adalah basis bawaan dan tidak diganti; beri id lain.",
                           f"Base '{base.id}' is a built-in base and is not replaced; give another id.")
    document = json.dumps(base.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)
    result = store.save_library_record(BASE, base.id, document, actor=actor, year=base.population_as_of.year,
                                       valid_from=base.in_force_from, assumption=base.assumption,
                                       denominators=denominators)
    install(store)
    return result


def read_base_release(path, base) -> "pd.DataFrame":  # noqa: F821
    """The aggregate denominators of a DKB release file (CSV/XLSX: `kode_wilayah` and any of
    wajib_ktp, anak_lt17, anak_lt18 per region) as (region_code, fact, value); every problem named
    with its row and column."""
    import pandas as pd

    from capaian.intake.numbers import NumberProblem, parse_cell
    from capaian.intake.reader import ReadProblem, read_table
    from capaian.regions import get_hierarchy, normalize_code, version_for_year

    name = Path(path).name
    try:
        table = read_table(Path(path))
    except ReadProblem as exc:
        raise CapaianError(f"{name}: {exc.id_message}", f"{name}: {exc.en_message}") from None
    if table is None:
        raise CapaianError(f"{name}: berkas kosong.", f"{name}: the file is empty.")
    header = [str(h or "").strip().lower() for h in table.header]
    if "kode_wilayah" not in header:
        raise CapaianError(f"{name}, baris {table.header_row}: kolom kode_wilayah tidak ada.",
                           f"{name}, row {table.header_row}: column kode_wilayah is missing.")
    facts = [f for f in DENOMINATOR_FACTS if f in header]
    if not facts:
        raise CapaianError(f"{name}, baris {table.header_row}: tidak ada kolom penyebut ({', '.join(DENOMINATOR_FACTS)}).",
                           f"{name}, row {table.header_row}: no denominator column ({', '.join(DENOMINATOR_FACTS)}).")
    hierarchy = get_hierarchy(version_for_year(base.population_as_of.year))
    code_at = header.index("kode_wilayah")
    rows, problems, seen = [], [], {}
    for number, cells in table.rows:
        raw = str(cells[code_at] if code_at < len(cells) and cells[code_at] is not None else "").strip()
        try:
            code = normalize_code(raw)
            hierarchy.get(code)
        except Exception:  # noqa: BLE001 - any unknown or malformed code is one named problem
            problems.append(f"{name}, row {number}, column kode_wilayah: unknown region code {raw!r}")
            continue
        if code in seen:
            problems.append(f"{name}, row {number}, column kode_wilayah: {code} already on row {seen[code]}")
            continue
        seen[code] = number
        for fact in facts:
            index = header.index(fact)
            cell = cells[index] if index < len(cells) else None
            if cell is None or not str(cell).strip():
                continue
            try:
                rows.append((code, fact, parse_cell(cell, "count")))
            except NumberProblem as exc:
                problems.append(f"{name}, row {number}, column {fact}: {exc.en_message} (value {str(cell)!r})")
    if problems:
        listed = "; ".join(problems[:50])
        raise CapaianError(f"{len(problems)} masalah: {listed}", f"{len(problems)} problem(s): {listed}")
    if not rows:
        raise CapaianError(f"{name}: tidak ada nilai penyebut.", f"{name}: no denominator values.")
    return pd.DataFrame(rows, columns=["region_code", "fact", "value"])


def import_base_release(store, path, base_id: str, actor: str):
    """Keep the aggregate denominators of a DKB release with base `base_id` (a known base; a shipped
    one is stored under its own id as an added version); returns (version, rows)."""
    from capaian.bases import get_base

    base = get_base(base_id)
    frame = read_base_release(path, base)
    document = json.dumps(base.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)
    version, _ = store.save_library_record(BASE, base.id, document, actor=actor, year=base.population_as_of.year,
                                           valid_from=base.in_force_from, assumption=base.assumption,
                                           denominators=frame)
    install(store)
    return version, len(frame)


# --- a base named by a submission -----------------------------------------------------------
def named_bases(store, facts) -> dict[str, str]:
    """Region code -> the denominator base named by the submission that supplied the region's
    current denominators (only regions whose submission named one)."""
    if facts.empty:
        return {}
    den = facts[facts["fact"].isin(DENOMINATOR_FACTS) & facts["source"].astype(str).str.startswith("submission:")]
    if den.empty:
        return {}
    ids = den["source"].str.split(":").str[1]
    pairs = set(zip(den["region_code"], ids.astype(int)))
    found = store.submission_bases({i for _, i in pairs})
    named = dict(zip(zip(found["region_code"], found["submission_id"].astype(int)), found["base_id"]))
    return {code: named[(code, sid)] for code, sid in sorted(pairs) if (code, sid) in named}


def mark_named_bases(store, facts, indicators, rubric, in_force):
    """Coverage rows of regions whose figures are on another known base than `in_force` (the base
    of the cut-off): `denominator_base` names the base they are on, `base_in_force` the one in force,
    and `value_on_base_in_force` the value over the in-force base's denominator when its release
    holds the region (`capaian base import`). Rows above such regions list them in `bases_below`.
    The figure itself stays the one evaluated: the office's own, on the base it named."""
    from capaian.access import covers
    from capaian.bases import get_base

    named = {code: b for code, b in named_bases(store, facts).items() if in_force is None or b != in_force.id}
    if not named:
        return indicators
    out = indicators.copy()
    out["base_in_force"] = None
    out["value_on_base_in_force"] = float("nan")
    out["bases_below"] = None
    coverage = out["kind"] == "coverage"
    dens = store.base_denominators(in_force.id) if in_force is not None else None
    dens = {} if dens is None or dens.empty else dict(zip(zip(dens["region_code"], dens["fact"]), dens["value"]))
    for code, base_id in named.items():
        rows = coverage & (out["region_code"] == code)
        base = get_base(base_id)
        out.loc[rows, "denominator_base"] = base.id
        out.loc[rows, "denominator_base_label"] = base.label.id
        out.loc[rows, "base_in_force"] = in_force.id if in_force is not None else None
        for index in out.index[rows]:
            fact = rubric.indicator(out.at[index, "indicator"]).denominator
            other, numerator = dens.get((code, fact)), out.at[index, "numerator"]
            if other and numerator == numerator and numerator is not None:
                out.at[index, "value_on_base_in_force"] = 100.0 * float(numerator) / float(other)
    for index in out.index[coverage]:
        code = out.at[index, "region_code"]
        below = sorted(f"{c} {b}" for c, b in named.items() if c != code and covers(code, c))
        if below:
            out.at[index, "bases_below"] = ", ".join(below)
    return out


# --- no silent borrow -----------------------------------------------------------------------
def rubric_problem(cutoff, rubric_id: str | None = None) -> CapaianError | None:
    """One line when the rubric of `cutoff` is not in force on it: with no `rubric_id`, no rubric
    is in force (the evaluation is refused); with one, the named rubric is not in force (a
    warning). Both name the command that fixes it. None when all is well."""
    from capaian.periods import Cutoff
    from capaian.rubrics import load_rubric, rubric_for_year, rubric_in_force

    cut = Cutoff.parse(str(cutoff))
    in_force = rubric_in_force(cut)
    if rubric_id is None:
        if in_force is not None:
            return None
        try:
            nearest = rubric_for_year(cut.year).id
        except CapaianError:
            from capaian.rubrics import list_rubrics

            nearest = list_rubrics()[0]
        fix = f"capaian rubric new --from {nearest} --year {cut.year} -o levelisasi-{cut.year}.yaml"
        return CapaianError(
            f"Tidak ada rubrik yang berlaku pada cut-off {cut} ({cut.as_of}); tambahkan: `{fix}`, sunting, lalu "
            f"`capaian rubric import levelisasi-{cut.year}.yaml` (atau pilih rubrik dengan --rubric).",
            f"No rubric is in force on cut-off {cut} ({cut.as_of}); add one: `{fix}`, edit it, then "
            f"`capaian rubric import levelisasi-{cut.year}.yaml` (or choose a rubric with --rubric).")
    rubric = load_rubric(rubric_id)
    if rubric.in_force_on(cut.as_of):
        return None
    now = f"{in_force.id}" if in_force is not None else "-"
    return CapaianError(
        f"Peringatan: rubrik {rubric.id} berlaku {rubric.in_force_from} s.d. {rubric.in_force_to}, tidak pada cut-off "
        f"{cut}; yang berlaku: {now}. Untuk rubrik tahun {cut.year}: `capaian rubric new --from {rubric.id} --year {cut.year}`.",
        f"Warning: rubric {rubric.id} is in force {rubric.in_force_from} to {rubric.in_force_to}, not on cut-off {cut}; "
        f"in force: {now}. For a {cut.year} rubric: `capaian rubric new --from {rubric.id} --year {cut.year}`.")


def expected_successor(base) -> tuple[dt.date, dt.date]:
    """(population date, in-force date) expected of the release after `base`: the next semester
    end, in force after the same lag as `base`'s."""
    day = base.population_as_of
    nxt = dt.date(day.year, 12, 31) if day.month <= 6 else dt.date(day.year + 1, 6, 30)
    return nxt, nxt + (base.in_force_from - base.population_as_of)


def base_warning(cutoff) -> CapaianError | None:
    """One line when the newest base in force on `cutoff` is past its expected successor (a DKB
    release is expected every semester), naming the command that adds it. None otherwise."""
    from capaian.bases import base_for
    from capaian.periods import Cutoff

    cut = Cutoff.parse(str(cutoff))
    base = base_for(cut)
    if base is None:
        return None
    population, since = expected_successor(base)
    if cut.as_of < since:
        return None
    from capaian.bases import list_bases

    new_id = f"dkb-{population.year}-s{1 if population.month == 6 else 2}"
    if any(b.id == new_id for b in list_bases()):  # the semester's usual id is taken by another release
        new_id = f"dkb-{population.isoformat()}"
    fix = (f"capaian base add {new_id} --population-date {population} "
           f"--in-force {since} --source ...")
    return CapaianError(
        f"Peringatan: basis penyebut terbaru {base.id} (penduduk per {base.population_as_of}) sudah melewati "
        f"penggantinya yang diharapkan (berlaku sejak {since}) pada cut-off {cut}; tambahkan: `{fix}`.",
        f"Warning: the newest denominator base {base.id} (population as of {base.population_as_of}) is past its "
        f"expected successor (in force from {since}) at cut-off {cut}; add it: `{fix}`.")
