"""`write_template`: a submission file pre-filled with the region codes and names to report."""

from __future__ import annotations

import csv
from pathlib import Path

from capaian.errors import CapaianError
from capaian.intake.spec import BASE_COLUMN, CODE_COLUMN, CUTOFF_COLUMN, FACTS, NAME_COLUMN


def template_regions(cutoff, region_code: str) -> list[tuple[str, str]]:
    """(code, name) rows: a province's regencies/cities, or a regency itself."""
    from capaian.periods import Cutoff
    from capaian.regions import get_hierarchy, normalize_code, version_for_cutoff

    cut = cutoff if isinstance(cutoff, Cutoff) else Cutoff.parse(str(cutoff))
    hierarchy = get_hierarchy(version_for_cutoff(cut))
    region = hierarchy.get(normalize_code(region_code))
    if region.tier == "province":
        regions = hierarchy.descendants(region.code, "regency")
    elif region.tier == "regency":
        regions = [region]
    else:
        raise CapaianError(
            f"Templat hanya untuk provinsi atau kab/kota, bukan {region.tier} ({region.code}).",
            f"Templates are for a province or a regency/city, not a {region.tier} ({region.code}).",
        )
    return [(r.code, r.name) for r in sorted(regions, key=lambda r: r.code)]


def write_template(path, cutoff, region_code: str, facts=None, today=None) -> Path:
    """Write a .csv or .xlsx template (by extension); returns the path. A cut-off outside the
    allowed range (`capaian.periods.check_cutoff`; the latest as of `today`) is refused."""
    from capaian.periods import check_cutoff

    path = Path(path)
    cut = check_cutoff(cutoff, today)
    fact_columns = list(facts) if facts else list(FACTS)
    unknown = [f for f in fact_columns if f not in FACTS]
    if unknown:
        raise CapaianError(
            f"Fakta tidak dikenal: {', '.join(unknown)}.", f"Unknown facts: {', '.join(unknown)}."
        )
    from capaian.bases import base_for

    base = base_for(cut)
    header = [CODE_COLUMN, NAME_COLUMN, CUTOFF_COLUMN, BASE_COLUMN, *fact_columns]
    rows = [[code, name, str(cut), base.id if base is not None else ""] + [""] * len(fact_columns)
            for code, name in template_regions(cut, region_code)]
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
    elif suffix == ".xlsx":
        _write_xlsx(path, header, rows)
    else:
        raise CapaianError(
            f"Templat harus .csv atau .xlsx, bukan {suffix or '(tanpa akhiran)'}.",
            f"A template must be .csv or .xlsx, not {suffix or '(no suffix)'}.",
        )
    return path


def _write_xlsx(path: Path, header: list[str], rows: list[list[str]]) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    try:
        sheet = book.add_worksheet("pengiriman")
        bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        text = book.add_format({"num_format": "@"})
        count = book.add_format({"num_format": "#,##0"})
        sheet.write_row(0, 0, header, bold)
        for r, row in enumerate(rows, start=1):
            sheet.write_string(r, 0, row[0], text)
            sheet.write_string(r, 1, row[1])
            sheet.write_string(r, 2, row[2], text)
            sheet.write_string(r, 3, row[3], text)
        sheet.set_column(0, 0, 14, text)
        sheet.set_column(1, 1, 32)
        sheet.set_column(2, 3, 14, text)
        sheet.set_column(4, len(header) - 1, 16, count)
        sheet.freeze_panes(1, 2)
    finally:
        book.close()
