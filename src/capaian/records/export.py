"""`capaian export site DIR`: the public's published data as static files, for any static host.

    export_site(store, "site/", cutoffs=["2020-11-H1"])   # None: every published cut-off

For each published cut-off, the run the public sees (`capaian.runs.choose` as the public): the
national record set and each province's (as the public reads them: no regency figures), each as
`.json`, `.csv` and `.parquet` through the one renderer of its format; a Frictionless
`datapackage.json` describing every CSV and Parquet file with the schema of `schema.yaml`; an
`index.html` linking everything. Every link is relative. Nothing is written to the store.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from capaian.records.build import region_set
from capaian.records.render import FORMATS, render, results_table
from capaian.records.schema import schema, table_schema

DATA_FORMATS = ("json", "csv", "parquet")


def _public_flags(store, choice, view) -> dict:
    from capaian.access import allowed
    from capaian.quality.flags import by_row
    from capaian.quality.service import flags_for_choice

    return by_row([f for f in flags_for_choice(store, choice) if allowed(None, "view", f.region_code, view)])


def _write(folder: Path, relative: str, body: bytes) -> None:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)


def export_site(store, folder, cutoffs=None, progress=None) -> dict:
    """Write the site into `folder`; returns {"cutoffs": [...], "files": n, "resources": n}."""
    from capaian.access import allowed
    from capaian.runs import Catalog, NoRun, pick

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    catalog = Catalog.from_store(store)
    published = catalog.cutoffs(published_only=True)
    wanted = [c for c in published if cutoffs is None or c in cutoffs]
    resources, pages, files = [], [], 0
    for cutoff in wanted:
        try:  # the run the public sees, as every page picks it
            view, choice = pick(store, user=None, cutoff=cutoff)
        except NoRun:
            continue
        ids = [i.id for i in view.rubric.indicators]
        flags = _public_flags(store, choice, view)
        scopes = [("ID", "nasional")] + [
            (code, f"wilayah/{code}") for code in sorted(view.regions.loc[view.regions["tier"] == "province",
                                                                          "region_code"])
            if allowed(None, "view", code, view)]
        links = []
        for code, stem in scopes:
            rs = region_set(view, code, below=code == "ID", flags=flags)
            table = results_table(rs, ids)
            for fmt in DATA_FORMATS:
                relative = f"{cutoff}/{stem}.{fmt}"
                _write(folder, relative, render(table, fmt)[0])
                files += 1
                if fmt != "json":
                    resources.append({
                        "name": f"{cutoff}-{stem.replace('/', '-')}-{fmt}".lower(), "path": relative,
                        "format": fmt, "mediatype": FORMATS[fmt].split(";")[0], "encoding": "utf-8",
                        "title": f"{rs['region']['name']} {cutoff}", "schema": table_schema(ids)})
            links.append((rs["region"]["name"], stem))
        pages.append((cutoff, choice.rubric, links))
        if progress is not None:
            progress(cutoff)
    package = {
        "name": "capaian-disdukcapil", "title": schema().get("title"), "profile": "data-package",
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                      "title": "Creative Commons Attribution 4.0"}],
        "resources": resources,
    }
    _write(folder, "datapackage.json", json.dumps(package, ensure_ascii=False, indent=1).encode())
    _write(folder, "index.html", _index(pages).encode())
    return {"cutoffs": [p[0] for p in pages], "files": files + 2, "resources": len(resources)}


def _index(pages) -> str:
    """The site's index: every cut-off, and per scope its data files (relative links)."""
    items = []
    for cutoff, rubric, links in pages:
        rows = "".join(
            f"<li>{html.escape(name)}: " + " · ".join(
                f'<a href="{cutoff}/{stem}.{fmt}">{fmt.upper()}</a>' for fmt in DATA_FORMATS) + "</li>"
            for name, stem in links)
        items.append(f"<section id=\"{cutoff}\"><h2>{cutoff} ({html.escape(rubric)})</h2><ul>{rows}</ul></section>")
    return ("<!doctype html><html lang=\"id\"><head><meta charset=\"utf-8\"><title>capaian</title></head><body>"
            "<h1>capaian</h1><p><a href=\"datapackage.json\">datapackage.json</a></p>" + "".join(items)
            + "</body></html>\n")
