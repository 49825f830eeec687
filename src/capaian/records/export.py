"""`capaian export site DIR`: the public's published runs as a static site, for any static host.

    export_site(store, "site/", cutoffs=["2020-11-H1"])   # None: every published cut-off

For each published cut-off, the run the public sees (`capaian.runs.pick` as the public):
- the pages an anonymous reader gets (overview, scorecard, table, quality and completeness when
  public, each province page the public may read) as `.html`, rendered by the web app itself
  (`capaian.web.site_pages`), every link made relative (links to nothing exported are dropped);
- each scope's record set as `.json`, `.csv` and `.parquet` (the pages' twins), through the one
  renderer of its format;
- the reports the public may download (`reports`: "national", the default, the national PDF,
  workbook and narrative; "all" adds each province's; "none");
and for the whole site: the vendored static assets, a Frictionless `datapackage.json` describing
every CSV and Parquet file with the schema of `schema.yaml`, a DCAT-US `data.json` catalogue for
open-data portals (one dataset per cut-off, a distribution per file), `sitemap.xml` (absolute
locations when `base_url` is given) and `index.html` linking everything. Every link is relative.
Nothing is written to the store.
"""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path
from urllib.parse import quote

from capaian.records.build import region_set
from capaian.records.render import FORMATS, render, results_table
from capaian.records.schema import schema, table_schema

DATA_FORMATS = ("json", "csv", "parquet")
REPORT_FORMATS = {"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  "md": "text/markdown"}
PAGES = (("/nasional", "nasional"), ("/nasional/kabkota", "nasional/kabkota"), ("/nasional/tabel", "nasional/tabel"),
         ("/kualitas", "kualitas"), ("/kelengkapan", "kelengkapan"))
REPORT_CHOICES = ("national", "all", "none")
KNOWN_SUFFIXES = (*DATA_FORMATS, *REPORT_FORMATS, "html")


def _public_flags(store, choice, view) -> dict:
    from capaian.access import allowed
    from capaian.quality.flags import by_row
    from capaian.quality.service import flags_for_choice

    return by_row([f for f in flags_for_choice(store, choice) if allowed(None, "view", f.region_code, view)])


def _write(folder: Path, relative: str, body: bytes) -> None:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)


class _Site:
    """What has been exported so far: files (site path -> title) and how server links map to them."""

    def __init__(self, folder: Path, default_cutoff: str | None):
        self.folder = folder
        self.default_cutoff = default_cutoff
        self.files: dict[str, str] = {}
        self.rubrics: dict[str, str] = {}  # cut-off -> the public run's rubric

    def write(self, relative: str, body: bytes, title: str = "") -> None:
        _write(self.folder, relative, body)
        self.files[relative] = title

    def resolve(self, path: str, query: dict, default: str | None = None) -> str | None:
        """The site file of a server link (path and query), or None when it was not exported. A
        link without a cut-off means `default` (the cut-off of the page it is on), else the
        server's default cut-off."""
        if path.startswith("/static/"):
            return path[1:] if path[1:] in self.files else None
        if path in ("/", ""):
            return "index.html"
        extra = set(query) - {"cutoff", "rubric", "target_set"}
        cutoff = query.get("cutoff", default or self.default_cutoff)
        if extra or cutoff not in self.rubrics or query.get("rubric", self.rubrics[cutoff]) != self.rubrics[cutoff] \
                or query.get("target_set", "national") != "national":
            return None
        stem, dot, fmt = path[1:].rpartition(".")
        if not dot or fmt not in KNOWN_SUFFIXES:  # /wilayah/65.01 is a page, /wilayah/65.json its twin
            stem, fmt = path[1:], "html"
        if stem.endswith("/laporan"):  # /nasional/laporan.pdf, /wilayah/65/laporan.pdf
            scope = stem.removesuffix("/laporan").removeprefix("wilayah/")
            target = f"{cutoff}/laporan/{scope}.{fmt}"
        else:
            target = f"{cutoff}/{stem}.{fmt}"
        return target if target in self.files else None


def export_site(store, folder, cutoffs=None, progress=None, reports: str = "national", base_url: str | None = None,
                pages: bool = True) -> dict:
    """Write the site into `folder`; returns {"cutoffs": [...], "files": n, "resources": n, "pages": n}."""
    from capaian.access import allowed
    from capaian.runs import Catalog, NoRun, choose, pick

    if reports not in REPORT_CHOICES:
        raise ValueError(f"reports must be one of {', '.join(REPORT_CHOICES)}, not {reports!r}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    catalog = Catalog.from_store(store)
    published = catalog.cutoffs(published_only=True)
    wanted = [c for c in published if cutoffs is None or c in cutoffs]
    try:
        default = choose(catalog).cutoff  # what a link without ?cutoff= shows on the server
    except NoRun:
        default = None
    site = _Site(folder, default)
    renderer = None
    if pages:
        from capaian.web.site_pages import PublicPages

        renderer = PublicPages(store)
    resources, sections, rendered = [], [], []
    for cutoff in wanted:
        try:  # the run the public sees, as every page picks it
            view, choice = pick(store, user=None, cutoff=cutoff)
        except NoRun:
            continue
        site.rubrics[cutoff] = choice.rubric
        ids = [i.id for i in view.rubric.indicators]
        flags = _public_flags(store, choice, view)
        provinces = sorted(view.regions.loc[view.regions["tier"] == "province", "region_code"])
        scopes = [("ID", "nasional")] + [(code, f"wilayah/{code}") for code in provinces
                                         if allowed(None, "view", code, view)]
        links = []
        for code, stem in scopes:
            rs = region_set(view, code, below=code == "ID", flags=flags)
            table = results_table(rs, ids)
            title = f"{rs['region']['name']} {cutoff}"
            for fmt in DATA_FORMATS:
                relative = f"{cutoff}/{stem}.{fmt}"
                site.write(relative, render(table, fmt)[0], title)
                if fmt != "json":
                    resources.append({
                        "name": f"{cutoff}-{stem.replace('/', '-')}-{fmt}".lower(), "path": relative,
                        "format": fmt, "mediatype": FORMATS[fmt].split(";")[0], "encoding": "utf-8",
                        "title": title, "schema": table_schema(ids)})
            links.append((rs["region"]["name"], stem))
        report_links = _reports(store, site, view, choice, cutoff, reports, scopes)
        page_links = []
        if renderer is not None:
            for path, stem in [*PAGES, *((f"/wilayah/{code}", stem) for code, stem in scopes[1:])]:
                body = renderer.get(path, cutoff=cutoff)
                if body is not None:
                    rendered.append((f"{cutoff}/{stem}.html", body))
                    site.files[f"{cutoff}/{stem}.html"] = f"{stem} {cutoff}"
                    page_links.append(stem)
        sections.append((cutoff, choice.rubric, links, report_links, page_links))
        if progress is not None:
            progress(cutoff)
    if rendered:  # pages last: every link can then be checked against the files written
        from capaian.web.site_pages import relink

        _copy_static(site)
        for relative, body in rendered:
            cutoff = relative.split("/", 1)[0]
            _write(folder, relative, relink(body, relative, lambda p, q: site.resolve(p, q, cutoff)).encode())
    package = {
        "name": "capaian-disdukcapil", "title": schema().get("title"), "profile": "data-package",
        "licenses": [LICENSE],
        "resources": resources,
    }
    site.write("datapackage.json", json.dumps(package, ensure_ascii=False, indent=1).encode())
    site.write("data.json", json.dumps(_catalog(sections, site, base_url), ensure_ascii=False, indent=1).encode())
    site.write("index.html", _index(sections).encode())
    site.write("sitemap.xml", _sitemap(site, base_url).encode())
    return {"cutoffs": [s[0] for s in sections], "files": len(site.files), "resources": len(resources),
            "pages": len(rendered)}


LICENSE = {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
           "title": "Creative Commons Attribution 4.0"}


def _reports(store, site: _Site, view, choice, cutoff: str, which: str, scopes) -> list[tuple[str, str]]:
    """The reports the public may download of this cut-off: [(scope code, file stem)]."""
    from capaian.access import allowed, report_tiers
    from capaian.reports import build_report

    if which == "none":
        return []
    wanted = [("ID", "nasional")] + ([(code, code) for code, _ in scopes[1:]] if which == "all" else [])
    out = []
    for code, stem in wanted:
        if not allowed(None, "report", code, view):
            continue
        for fmt in REPORT_FORMATS:
            report = build_report(store, code, fmt=fmt, picked=(view, choice), tiers=report_tiers(None, code))
            site.write(f"{cutoff}/laporan/{stem}.{fmt}", report.content, f"{report.scope.name} {cutoff}")
        out.append((code, stem))
    return out


def _copy_static(site: _Site) -> None:
    from capaian.web import common

    source = Path(common.__file__).parent / "static"
    for path in sorted(source.rglob("*")):
        if path.is_file():
            relative = "static/" + path.relative_to(source).as_posix()
            target = site.folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            site.files[relative] = ""


def _href(relative: str) -> str:
    return html.escape(quote(relative), quote=True)


def _index(sections) -> str:
    """The site's index: every cut-off, its pages, per scope its data files, and its reports."""
    items = []
    for cutoff, rubric, links, reports, pages in sections:
        page_items = " · ".join(f'<a href="{_href(f"{cutoff}/{stem}.html")}">{html.escape(stem)}</a>' for stem in pages)
        rows = "".join(
            f"<li>{html.escape(name)}: " + " · ".join(
                f'<a href="{_href(f"{cutoff}/{stem}.{fmt}")}">{fmt.upper()}</a>' for fmt in DATA_FORMATS) + "</li>"
            for name, stem in links)
        report_items = "".join(
            f"<li>{html.escape(code)}: " + " · ".join(
                f'<a href="{_href(f"{cutoff}/laporan/{stem}.{fmt}")}">{fmt.upper()}</a>' for fmt in REPORT_FORMATS)
            + "</li>" for code, stem in reports)
        items.append(f"<section id=\"c-{cutoff}\"><h2>{cutoff} ({html.escape(rubric)})</h2>"
                     + (f"<p>{page_items}</p>" if page_items else "")
                     + f"<ul>{rows}</ul>" + (f"<ul class=\"reports\">{report_items}</ul>" if report_items else "")
                     + "</section>")
    return ("<!doctype html><html lang=\"id\"><head><meta charset=\"utf-8\"><title>capaian</title></head><body>"
            "<h1>capaian</h1><p><a href=\"datapackage.json\">datapackage.json</a> · <a href=\"data.json\">data.json</a>"
            " · <a href=\"sitemap.xml\">sitemap.xml</a></p>" + "".join(items) + "</body></html>\n")


def _sitemap(site: _Site, base_url: str | None) -> str:
    """sitemap.xml of the HTML pages and the index (locations relative unless `base_url`)."""
    base = (base_url.rstrip("/") + "/") if base_url else ""
    pages = ["index.html"] + sorted(p for p in site.files if p.endswith(".html") and p != "index.html")
    urls = "".join(f"<url><loc>{html.escape(base + quote(p))}</loc></url>" for p in pages)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n')


def _catalog(sections, site: _Site, base_url: str | None) -> dict:
    """A DCAT-US 1.1 (Project Open Data) catalogue: one dataset per cut-off, a distribution per file."""
    base = (base_url.rstrip("/") + "/") if base_url else ""
    media = {**{k: v.split(";")[0] for k, v in FORMATS.items()}, **REPORT_FORMATS}
    datasets = []
    for cutoff, rubric, _links, _reports, _pages in sections:
        files = sorted(p for p in site.files if p.startswith(f"{cutoff}/") and p.rsplit(".", 1)[-1] in media)
        datasets.append({
            "@type": "dcat:Dataset", "identifier": f"capaian-{cutoff}",
            "title": f"Capaian kinerja Disdukcapil {cutoff} ({rubric})",
            "description": schema().get("title"), "keyword": ["adminduk", "disdukcapil", "levelisasi", cutoff],
            "modified": cutoff[:7], "temporal": cutoff, "accessLevel": "public", "license": LICENSE["path"],
            "publisher": {"@type": "org:Organization", "name": "Ditjen Dukcapil"},
            "distribution": [{"@type": "dcat:Distribution", "downloadURL": base + quote(p), "title": site.files[p],
                              "mediaType": media[p.rsplit(".", 1)[-1]], "format": p.rsplit(".", 1)[-1].upper()}
                             for p in files if not p.endswith(".html")],
        })
    return {"@context": "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld", "@type": "dcat:Catalog",
            "conformsTo": "https://project-open-data.cio.gov/v1.1/schema", "dataset": datasets}
