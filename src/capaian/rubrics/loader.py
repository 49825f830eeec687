"""Load and validate rubric and target-set YAML files shipped in this package (or given by path).

Every problem becomes a `CapaianError` naming the file, the indicator (when the problem is in one)
and the field, in Indonesian and English.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from capaian.errors import CapaianError
from capaian.rubrics.model import Rubric, TargetSet

RUBRIC_DIR = Path(__file__).resolve().parent
TARGET_DIR = RUBRIC_DIR / "targets"
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built in: ~10x faster


def _read_yaml(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CapaianError(f"Berkas {path} tidak ditemukan.", f"File {path} not found.") from None
    return _parse_yaml(text, path.name)


def _parse_yaml(text: str, name: str) -> dict:
    try:
        data = yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        raise CapaianError(f"{name}: YAML tidak valid: {exc}", f"{name}: invalid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise CapaianError(
            f"{name}: isi berkas harus berupa pemetaan (mapping).",
            f"{name}: the file must hold a mapping.",
        )
    return data


def _describe(data: dict, loc: tuple) -> tuple[str, str]:
    """(where, field) of a pydantic error location, naming the indicator by its id."""
    where, parts = "", list(loc)
    if len(parts) >= 2 and parts[0] in ("indicators", "targets"):
        key = parts[1]
        if parts[0] == "indicators" and isinstance(key, int):
            items = data.get("indicators") or []
            ind = items[key] if key < len(items) and isinstance(items[key], dict) else {}
            where = f"indicator '{ind.get('id', f'#{key + 1}')}'"
        else:
            where = f"indicator '{key}'"
        parts = parts[2:]
    field = ".".join(str(p) for p in parts)
    return where, field


def _validation_error(path: Path, data: dict, exc: ValidationError) -> CapaianError:
    id_lines, en_lines = [], []
    for err in exc.errors():
        where, field = _describe(data, tuple(err["loc"]))
        msg = err["msg"].removeprefix("Value error, ")
        head = ", ".join(p for p in (where, f"field '{field}'" if field else "") if p)
        en_lines.append(f"{head}: {msg}" if head else msg)
        id_head = head.replace("indicator", "indikator").replace("field", "kolom")
        id_lines.append(f"{id_head}: {msg}" if id_head else msg)
    return CapaianError(
        f"{path.name}: rubrik/target tidak valid: " + "; ".join(id_lines),
        f"{path.name}: invalid rubric/target file: " + "; ".join(en_lines),
    )


def rubric_from_file(path: str | Path) -> Rubric:
    """Load and validate one rubric file."""
    path = Path(path)
    return _validated_rubric(_read_yaml(path), path)


def rubric_from_text(text: str, name: str) -> Rubric:
    """Load and validate a rubric given as YAML text (e.g. an uploaded draft); `name` names it in errors."""
    return _validated_rubric(_parse_yaml(text, name), Path(name))


def _validated_rubric(data: dict, path: Path) -> Rubric:
    try:
        return Rubric.model_validate(data)
    except ValidationError as exc:
        raise _validation_error(path, data, exc) from None


def _rubric_paths() -> dict[str, Path]:
    return {p.stem: p for p in sorted(RUBRIC_DIR.glob("*.yaml"))}


def shipped_rubric_ids() -> list[str]:
    """Ids of the rubrics shipped with the package (the built-in ones)."""
    return sorted(_rubric_paths())


def list_rubrics() -> list[str]:
    """Ids of the shipped rubrics and of those added to the open store (`capaian.library`),
    oldest first."""
    from capaian.library import stored

    ids = set(_rubric_paths()) | set(stored().rubrics)
    return sorted(ids, key=lambda rid: (load_rubric(rid).in_force_from, rid))


def load_rubric(rubric_id: str) -> Rubric:
    """A rubric by id (e.g. `levelisasi-2020`): a shipped one, or one added to the open store."""
    from capaian.library import stored

    added = stored().rubrics.get(rubric_id)
    return added if added is not None else _shipped_rubric(rubric_id)


@lru_cache(maxsize=None)
def _shipped_rubric(rubric_id: str) -> Rubric:
    path = _rubric_paths().get(rubric_id)
    if path is None:
        from capaian.library import stored

        known = ", ".join(sorted({*_rubric_paths(), *stored().rubrics}))
        raise CapaianError(
            f"Rubrik '{rubric_id}' tidak dikenal (tersedia: {known}).",
            f"Unknown rubric '{rubric_id}' (available: {known}).",
        )
    rubric = rubric_from_file(path)
    if rubric.id != rubric_id:
        raise CapaianError(
            f"{path.name}: kolom 'id' berisi '{rubric.id}', harus '{rubric_id}' (sesuai nama berkas).",
            f"{path.name}: field 'id' is '{rubric.id}', expected '{rubric_id}' (the file name).",
        )
    return rubric


def rubric_in_force(cutoff) -> Rubric | None:
    """The rubric in force on the as-of date of `cutoff` (a Cutoff, its text, or a date): of those
    whose effective range holds it, the one that started last (a mid-year change). None if none."""
    import datetime as dt

    from capaian.periods import Cutoff

    day = cutoff if isinstance(cutoff, dt.date) else Cutoff.parse(str(cutoff)).as_of
    usable = [load_rubric(r) for r in list_rubrics()]
    usable = [r for r in usable if r.in_force_on(day)]
    return max(usable, key=lambda r: (r.in_force_from, r.id)) if usable else None


def rubric_for(cutoff) -> Rubric:
    """The rubric in force on the cut-off; when none is, the one `rubric_for_year` borrows
    (`capaian.library.rubric_warning` says so in one line)."""
    from capaian.periods import Cutoff

    found = rubric_in_force(cutoff)
    return found if found is not None else rubric_for_year(Cutoff.parse(str(cutoff)).year)


def rubric_for_year(year: int) -> Rubric:
    """The rubric of `year` (the one starting last when several); for a year without one, the
    latest rubric of an earlier year (a borrow: `capaian.library.rubric_warning` names it)."""
    rubrics = [load_rubric(r) for r in list_rubrics()]
    own = [r for r in rubrics if r.in_force_from.year <= year <= r.in_force_to.year]
    if own:
        return max(own, key=lambda r: (r.in_force_from, r.id))
    usable = [r for r in rubrics if r.year <= year]
    if not usable:
        raise CapaianError(
            f"Tidak ada rubrik untuk tahun {year} (rubrik tertua: {rubrics[0].year}).",
            f"No rubric for year {year} (the oldest rubric is for {rubrics[0].year}).",
        )
    return max(usable, key=lambda r: (r.year, r.in_force_from))


def target_set_from_file(path: str | Path) -> TargetSet:
    path = Path(path)
    data = _read_yaml(path)
    try:
        return TargetSet.model_validate(data)
    except ValidationError as exc:
        raise _validation_error(path, data, exc) from None


def shipped_target_set_ids() -> list[str]:
    return sorted(p.stem for p in TARGET_DIR.glob("*.yaml"))


def list_target_sets() -> list[str]:
    """Ids of the shipped regional target sets and of those added to the open store."""
    from capaian.library import stored

    return sorted({*shipped_target_set_ids(), *stored().target_sets})


def load_target_set(target_set_id: str) -> TargetSet:
    """A regional target set by id (shipped, or added to the open store), or a target-set file by path."""
    from capaian.library import stored

    added = stored().target_sets.get(target_set_id)
    return added if added is not None else _shipped_target_set(target_set_id)


@lru_cache(maxsize=None)
def _shipped_target_set(target_set_id: str) -> TargetSet:
    candidate = Path(target_set_id)
    if candidate.suffix in (".yaml", ".yml") and candidate.exists():
        return target_set_from_file(candidate)
    path = TARGET_DIR / f"{target_set_id}.yaml"
    if not path.exists():
        known = ", ".join(list_target_sets()) or "-"
        raise CapaianError(
            f"Set target '{target_set_id}' tidak dikenal (tersedia: {known}).",
            f"Unknown target set '{target_set_id}' (available: {known}).",
        )
    return target_set_from_file(path)
