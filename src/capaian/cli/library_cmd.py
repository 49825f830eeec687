"""`capaian rubric ...` and `capaian base ...`: rubrics and denominator bases as data (`capaian.library`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Optional

import typer

from capaian.cli.app import app, console, err_console, load_library, open_db, state, sub_app
from capaian.cli.rubric_group import rubric_app  # the one `rubric` group (also `rubric simulate`)
from capaian.errors import CapaianError, output_error

base_app = sub_app("Basis penyebut (DKB) sebagai data / denominator bases as data (add, import, list).")
app.add_typer(base_app, name="base")


def _print(text: str, err: bool = False) -> None:
    (err_console if err else console).print(text, highlight=False, markup=False, soft_wrap=True)


def _stored_text(record_id: str, version: int, new: bool) -> str:
    from capaian.present.i18n import tr

    if new:
        return tr(state.lang, "%(id)s version %(version)s stored.", id=record_id, version=version)
    return tr(state.lang, "%(id)s version %(version)s unchanged.", id=record_id, version=version)


def _assumption_mark(assumed: bool, brackets: str = "()") -> str:
    """` (asumsi)` beside a record or figure that is assumed, else nothing."""
    from capaian.present.i18n import tr

    word = tr(state.lang, "assumption")
    return f" {brackets[0]}{word}{brackets[1]}" if assumed else ""


@rubric_app.command("new")
def rubric_new(
    source: str = typer.Option(..., "--from", help="Rubrik asal / the rubric to copy, e.g. levelisasi-2023."),
    year: int = typer.Option(..., "--year", help="Tahun rubrik baru / year of the new rubric."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Berkas YAML / YAML file (default: stdout)."),
) -> None:
    """Draf YAML rubrik baru untuk disunting / a YAML draft of a new rubric to edit."""
    from capaian.library import draft_rubric

    load_library()  # the rubric to copy may be one added to the store
    text = draft_rubric(source, year)
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise output_error(output, exc) from None
    from capaian.present.i18n import tr

    _print(tr(state.lang, "%(file)s written: edit it, then `capaian rubric check %(file)s`.", file=output))


@rubric_app.command("check")
def rubric_check(
    file: Path = typer.Argument(..., help="Berkas YAML rubrik / rubric YAML file."),
    target_set: bool = typer.Option(False, "--target-set", help="Berkas set target / a target-set file."),
) -> None:
    """Periksa berkas rubrik; setiap galat dengan barisnya / check a rubric file, every error with its line."""
    from capaian.library import RUBRIC, TARGET_SET, check_rubric_text, read_text
    from capaian.present.i18n import tr

    record, problems = check_rubric_text(read_text(file), file.name, TARGET_SET if target_set else RUBRIC)
    if problems:
        for problem in problems:
            _print(problem.text(), err=True)
        raise typer.Exit(1)
    _print(tr(state.lang, "%(file)s: valid (%(id)s).", file=file.name, id=record.id))


@rubric_app.command("import")
def rubric_import(
    file: Path = typer.Argument(..., help="Berkas YAML rubrik / rubric YAML file."),
    target_set: bool = typer.Option(False, "--target-set", help="Berkas set target / a target-set file."),
    actor: str = typer.Option("cli", "--as", help="Siapa yang mengimpor / who imports."),
) -> None:
    """Simpan rubrik di penyimpanan (berversi, diaudit) / keep a rubric in the store (versioned, audited)."""
    from capaian.library import RUBRIC, TARGET_SET, import_rubric

    record, version, new = import_rubric(open_db(create=True), file, actor,
                                         TARGET_SET if target_set else RUBRIC)
    _print(_stored_text(record.id, version, new))


@rubric_app.command("list")
def rubric_list() -> None:
    """Rubrik bawaan dan yang ditambahkan / built-in and added rubrics."""
    from capaian.library import has_assumption, rubric_origin
    from capaian.present import numbers
    from capaian.rubrics import list_rubrics, load_rubric

    load_library()
    for rid in list_rubrics():
        rubric = load_rubric(rid)
        span = f"{numbers.date(rubric.in_force_from, state.lang)} – {numbers.date(rubric.in_force_to, state.lang)}"
        flag = _assumption_mark(has_assumption(rubric))
        _print(f"{rid}  {span}  {len(rubric.indicators)}  {rubric_origin(rid)}{flag}")


@rubric_app.command("show")
def rubric_show(rubric_id: str = typer.Argument(..., help="Id rubrik / rubric id.")) -> None:
    """Indikator, ambang dan sumbernya / indicators, thresholds and their sources."""
    from capaian.library import rubric_origin
    from capaian.present import numbers
    from capaian.present.i18n import tr
    from capaian.rubrics import load_rubric

    load_library()
    rubric = load_rubric(rubric_id)
    lang = state.lang
    _print(f"{rubric.id}: {rubric.label.get(lang)} ({rubric_origin(rubric.id)})")
    _print(tr(lang, "In force: %(start)s – %(end)s", start=numbers.date(rubric.in_force_from, lang),
              end=numbers.date(rubric.in_force_to, lang)))
    for ind in rubric.indicators:
        for target in (ind.threshold, *ind.program_targets):
            shown = numbers.threshold(target.value, lang) if ind.kind == "coverage" else \
                numbers.requirement(ind.kind, target.value, lang)
            flag = _assumption_mark(target.assumption, "[]")
            _print(f"  {ind.id}: {shown}{flag}  {target.source}")
            for src in target.sources:
                bits = [src.publisher, src.date, src.url or "", f"\u201c{src.quote}\u201d" if src.quote else ""]
                _print("      " + ", ".join(b for b in bits if b))


def _date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CapaianError(f"{option}: tanggal {text!r} tidak valid (YYYY-MM-DD).",
                           f"{option}: invalid date {text!r} (YYYY-MM-DD).") from None


@base_app.command("add")
def base_add(
    base_id: str = typer.Argument(..., help="Id basis / base id, e.g. dkb-2024-s2."),
    population_date: str = typer.Option(..., "--population-date", help="Penduduk per tanggal / population as of (YYYY-MM-DD)."),
    in_force: str = typer.Option(..., "--in-force", help="Berlaku sejak / in force from (YYYY-MM-DD)."),
    source: str = typer.Option(..., "--source", help="Sumber (penerbit) / source: the publisher, e.g. 'Ditjen Dukcapil'."),
    source_date: Optional[str] = typer.Option(None, "--source-date", help="Tanggal sumber / date of the source (YYYY[-MM[-DD]])."),
    url: Optional[str] = typer.Option(None, "--url", help="Alamat sumber / address of the source."),
    quote: Optional[str] = typer.Option(None, "--quote", help="Kutipan / the quote that states it."),
    label: Optional[str] = typer.Option(None, "--label", help="Nama basis / label (default from the id)."),
    assumption: bool = typer.Option(False, "--assumption", help="Tanggal diasumsikan / the dates are assumed."),
    actor: str = typer.Option("cli", "--as", help="Siapa yang menambahkan / who adds it."),
) -> None:
    """Tambah basis penyebut / add a denominator base (DKB release)."""
    from pydantic import ValidationError

    from capaian.bases import DenominatorBase
    from capaian.library import add_base, base_label

    population, since = _date(population_date, "--population-date"), _date(in_force, "--in-force")
    summary = source + (f", {source_date}" if source_date else "") + (f": \u201c{quote}\u201d" if quote else "")
    try:
        base = DenominatorBase(
            id=base_id, label={"id": label, "en": label} if label else base_label(base_id),
            population_as_of=population, in_force_from=since, assumption=assumption, source=summary,
            sources=[{"publisher": source, "date": source_date or since.isoformat(), "url": url, "quote": quote,
                      "assumption": assumption}])
    except ValidationError as exc:
        detail = "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())
        raise CapaianError(f"Basis {base_id} tidak valid: {detail}", f"Invalid base {base_id}: {detail}") from None
    version, new = add_base(open_db(create=True), base, actor)
    _print(_stored_text(base.id, version, new) + " " + base.describe(state.lang))


@base_app.command("import")
def base_import(
    file: Path = typer.Argument(..., help="Rilis DKB: CSV/XLSX, kode_wilayah + wajib_ktp/anak_lt17/anak_lt18."),
    base_id: str = typer.Option(..., "--base", help="Basis yang dimuat / the base this release is (add it first)."),
    actor: str = typer.Option("cli", "--as", help="Siapa yang mengimpor / who imports."),
) -> None:
    """Impor penyebut agregat per wilayah dari rilis DKB / import a DKB release's denominators per region."""
    from capaian.library import import_base_release
    from capaian.present.i18n import tr

    version, rows = import_base_release(open_db(create=True), file, base_id, actor)
    _print(tr(state.lang, "%(id)s version %(version)s: %(rows)s denominators stored.",
              id=base_id, version=version, rows=rows))


@base_app.command("list")
def base_list() -> None:
    """Basis penyebut yang dikenal / the known denominator bases."""
    from capaian.bases import list_bases
    from capaian.library import BASE, stored

    load_library()
    for base in list_bases():
        version = stored().versions.get((BASE, base.id))
        origin = f"stored v{version}" if version else "built-in"
        flag = _assumption_mark(base.assumption)
        _print(f"{base.id}  {base.describe(state.lang)}  {origin}{flag}")
