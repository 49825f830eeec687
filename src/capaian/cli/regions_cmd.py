"""`capaian regions ...`: the official region hierarchy."""

from __future__ import annotations

import typer

from capaian.cli.app import app, console, state, sub_app

regions_app = sub_app("Wilayah Kemendagri / official regions.")
app.add_typer(regions_app, name="regions")

VERSION_HELP = "Versi hierarki / hierarchy version: 2025 (38 provinsi), 2022 (37) or 2020 (34)."


def _label(region) -> str:
    return f"{region.code}  {region.name}  [dim]({region.kind})[/dim]"


@regions_app.command("show")
def regions_show(
    code: str = typer.Argument(..., help="Kode, nama atau singkatan / region code, name or abbreviation: 65.71, Kaltara."),
    version: str = typer.Option("2025", "--version", help=VERSION_HELP),
    depth: int = typer.Option(1, "--depth", min=0, max=3, help="Tingkat turunan / levels below."),
) -> None:
    """Pohon wilayah / a region and the regions below it."""
    from rich.tree import Tree

    from capaian.regions import TIERS, get_hierarchy
    from capaian.regions.lookup import resolve

    hierarchy = get_hierarchy(version)
    region = resolve(code, version=version, tiers=TIERS)
    tree = Tree(_label(region))

    def grow(node: Tree, parent_code: str, left: int) -> None:
        if left <= 0:
            return
        for child in hierarchy.children(parent_code):
            grow(node.add(_label(child)), child.code, left - 1)

    grow(tree, region.code, depth)
    console.print(tree)


@regions_app.command("find")
def regions_find(
    text: str = typer.Argument(..., help="Nama atau bagian nama / a name or part of it."),
    version: str = typer.Option("2025", "--version", help=VERSION_HELP),
    tier: str = typer.Option(None, "--tier", help="province|regency|district|village"),
    limit: int = typer.Option(20, "--limit", min=1, max=500),
) -> None:
    """Cari wilayah menurut nama / find regions by name (case- and accent-insensitive)."""
    from rich.table import Table

    from capaian.present.i18n import tr
    from capaian.regions import get_hierarchy

    hierarchy = get_hierarchy(version)
    found = hierarchy.find(text, tier=tier, limit=limit)
    if not found:
        console.print(tr(state.lang, "Not found: %(text)s", text=repr(text)), highlight=False)
        raise typer.Exit(1)
    lang = state.lang
    table = Table(tr(lang, "code"), tr(lang, "name"), tr(lang, "tier"), tr(lang, "kind"), tr(lang, "parent"))
    for region in found:
        parent = hierarchy.get(region.parent).name if region.parent else ""
        table.add_row(region.code, region.name, region.tier, region.kind, parent)
    console.print(table)
