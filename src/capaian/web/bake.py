"""Bake at publish: every public rendering of a published run, made once and kept in the store.

    result = bake_run(app, run_id, progress=lambda done, total: ...)   # at publish, or `capaian bake`
    rebuild_flag(app, "outlier|2020-11-H1|65|kia")                      # after a note on that flag

Each artefact is what the app itself answers to an anonymous request (in-process, through the
whole middleware stack, with the one renderer of each format), so a baked body is byte for byte
the live one. What is baked, per run, for the public's URLs of it (the bare URL when the run is
the public's default, and `?cutoff=`): the overview `/nasional`, each province page
`/wilayah/NN`, the regency/city scorecard `/nasional/kabkota` and the quality page `/kualitas`,
each as HTML and its `.json`/`.csv` twins, and the national tables as `.parquet`. Reports (PDF,
xlsx) stay with the report jobs (`capaian.reports.jobs`). A twin does not depend on the query
that chose its run, so the bare URL's and `?cutoff=`'s twins are one rendering stored twice.

A set is written as `building` and marked `complete` at the end (`capaian.store.bake`): an
interrupted bake is never served, and running it again skips what was written. Pages also show
what else is published (the cut-off picker, the previous run), so a set carries the `context` it
was made in; when another run is published, older sets are served live until baked again.
Which data-quality flags each artefact shows is recorded as it renders (`note_shown`), so that a
note on a flag rebuilds only those artefacts.
"""

from __future__ import annotations

import contextvars
import gzip
import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

# Set while the baker asks the app: the baked set is not served to it, and the flags each
# rendering shows are gathered into SHOWN.
BAKING: contextvars.ContextVar[bool] = contextvars.ContextVar("capaian_baking", default=False)
SHOWN: contextvars.ContextVar[set | None] = contextvars.ContextVar("capaian_shown_flags", default=None)

PAGES = (  # path, formats (html first)
    ("/nasional", ("html", "json", "csv", "parquet")),
    ("/nasional/kabkota", ("html", "json", "csv", "parquet")),
    ("/kualitas", ("html", "json", "csv")),
)
PROVINCE_FORMATS = ("html", "json", "csv")  # bulk users take the national tables' Parquet
BAKED_PARAMS = ("cutoff",)  # the only query a baked URL may carry
BAKE_VERSION = "1"
BATCH = 16  # artefacts written per transaction (a resumed bake redoes at most one batch)


def note_shown(keys) -> None:
    """Record flag keys a rendering shows (a no-op outside a bake)."""
    found = SHOWN.get()
    if found is not None:
        found.update(keys)


@dataclass
class BakeResult:
    run_id: int
    total: int
    built: int = 0
    skipped: int = 0
    seconds: float = 0.0
    complete: bool = False
    failures: list = field(default_factory=list)


@lru_cache(maxsize=1)
def renderer_digest() -> str:
    """What the renderings are made with: this package's templates, message catalogues and version."""
    import capaian

    here = Path(__file__).parent
    digest = hashlib.sha256((getattr(capaian, "__version__", "") + BAKE_VERSION).encode())
    files = sorted(list((here / "templates").rglob("*.html")) +
                   list((here.parent / "present" / "locale").rglob("*.mo")))
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def context_of(app) -> str:
    """The digest of everything besides the run that the baked pages show: the published runs
    (cut-off picker, previous run, quarters), the map, the demo banner, the renderer."""
    state = app.state.web
    catalog = state.catalog()
    rows = sorted((r["id"], r["cutoff"], r["rubric"], r["target_set"], r["final_quarter"])
                  for r in catalog.select(published_only=True, target_set=None))
    text = json.dumps([rows, getattr(app.state, "geojson_url", None), state.is_demo(), renderer_digest()],
                      default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def queries(catalog, run_id: int) -> list[str]:
    """The public's query strings that show run `run_id`: "" when it is the default, `cutoff=C`
    when it is that cut-off's run (the run picker for the public decides)."""
    from capaian.runs import NoRun, choose

    meta = catalog.meta(run_id)
    if meta is None or not catalog.published(run_id):
        return []
    out = []
    for query, ask in (("", {}), (f"cutoff={meta['cutoff']}", {"cutoff": str(meta["cutoff"])})):
        try:
            if choose(catalog, **ask).run_id == run_id:
                out.append(query)
        except NoRun:
            continue
    return out


def targets(app, run_id: int) -> list[tuple[str, str]]:
    """(target, fmt) of every artefact of a run: target is the page's path with its query."""
    state = app.state.web
    catalog = state.catalog()
    found = queries(catalog, run_id)
    if not found:
        return []
    regions = state.view(run_id).regions
    provinces = sorted(regions.loc[regions["tier"] == "province", "region_code"])
    pages = list(PAGES) + [(f"/wilayah/{code}", PROVINCE_FORMATS) for code in provinces]
    return [(path + (f"?{query}" if query else ""), fmt) for query in found for path, fmts in pages for fmt in fmts]


def url_of(target: str, fmt: str) -> str:
    path, _, query = target.partition("?")
    return path + ("" if fmt == "html" else f".{fmt}") + (f"?{query}" if query else "")


def encoded(body: bytes) -> tuple[str, bytes]:
    """(digest, gzip body) of a rendering: the SHA-256 of the body as served, and its gzip
    (deterministic: no time stamp)."""
    return hashlib.sha256(body).hexdigest(), gzip.compress(body, compresslevel=6, mtime=0)


async def _render(client, target: str, fmt: str):
    """(body, media type, headers, flags shown) of one anonymous request to the app."""
    shown: set = set()
    token, flags = BAKING.set(True), SHOWN.set(shown)
    try:
        response = await client.get(url_of(target, fmt), headers={"accept-encoding": "identity"})
    finally:
        BAKING.reset(token)
        SHOWN.reset(flags)
    if response.status_code != 200:
        raise RuntimeError(f"{url_of(target, fmt)}: HTTP {response.status_code}")
    if "set-cookie" in response.headers:
        raise RuntimeError(f"{url_of(target, fmt)}: the anonymous page sets a cookie; it can't be shared")
    keep = {k: v for k, v in response.headers.items() if k.lower() == "content-disposition"}
    return response.content, response.headers["content-type"], json.dumps(keep, sort_keys=True), shown


def _run(coroutine_fn):
    """Run an async function to its end from synchronous code (a thread of its own if a loop runs here)."""
    import asyncio
    import threading

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine_fn())
    box: dict = {}

    def main():
        try:
            box["value"] = asyncio.run(coroutine_fn())
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller
            box["error"] = exc

    thread = threading.Thread(target=main, name="capaian-bake")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


def _client(app):
    import httpx

    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://capaian.bake")


def bake_run(app, run_id: int, progress=None, limit: int | None = None) -> BakeResult:
    """Bake the public renderings of published run `run_id` into the store (resuming a bake left
    unfinished: artefacts written for the same context are skipped). `progress(done, total)` after
    each one. `limit`: stop after writing that many (an interrupted bake, for tests). Nothing to
    do for a run that is not published."""
    import time

    state = app.state.web
    state.invalidate()  # the catalog as it is now (the run was just published)
    todo = targets(app, run_id)
    result = BakeResult(int(run_id), len(todo))
    if not todo:
        return result
    started = time.perf_counter()
    context = context_of(app)
    with state.db() as store:
        done = store.begin_bake(run_id, context, len(todo))
    state.forget_baked()

    twins: dict = {}  # (path, fmt) -> a data twin's rendering (the same for every query)
    batch: list = []

    def flush():
        if batch:
            with state.db() as store:
                store.put_artefacts(run_id, batch)
            result.built += len(batch)
            batch.clear()
            if progress is not None:
                progress(result.built + result.skipped, result.total)

    async def main():
        async with _client(app) as client:
            for target, fmt in todo:
                if (target, fmt) in done:
                    result.skipped += 1
                    continue
                if limit is not None and result.built + len(batch) >= limit:
                    flush()
                    return
                path = target.partition("?")[0]
                rendered = twins.get((path, fmt)) if fmt != "html" else None
                if rendered is None:
                    body, media, headers, shown = await _render(client, target, fmt)
                    digest, packed = encoded(body)
                    rendered = (digest, media, headers, len(body), packed, shown)
                    if fmt != "html":
                        twins[(path, fmt)] = rendered
                batch.append((target, fmt, *rendered))
                if len(batch) >= BATCH:
                    flush()
        flush()
        with state.db() as store:
            store.finish_bake(run_id)
        result.complete = True

    _run(main)
    state.forget_baked()
    result.seconds = time.perf_counter() - started
    return result


def bake_in_background(app, run_id: int):
    """Start `bake_run` in a daemon thread (the web's publish action); its progress is the run's
    bake-state row, which the runs page shows. Returns the thread."""
    import logging
    import threading

    def work():
        try:
            bake_run(app, run_id)
        except Exception as exc:  # noqa: BLE001 - the set stays unfinished (unserved); `capaian bake` resumes
            logging.getLogger("capaian.web").warning("capaian: bake of run %s stopped: %s", run_id, exc)

    thread = threading.Thread(target=work, name=f"capaian-bake-{run_id}", daemon=True)
    thread.start()
    return thread


def rebuild_flag(app, flag_key: str) -> int:
    """After a note on the flag `flag_key`: render again only the artefacts of complete sets
    (of the current context) that show it. Returns how many were rebuilt."""
    state = app.state.web
    state.invalidate()  # the notes and the pages built from them
    context = context_of(app)
    with state.db() as store:
        found = store.artefacts_showing(flag_key)
        states = store.bake_states()
    todo = [(run, target, fmt) for run, target, fmt in found
            if states.get(run, ("", "", 0))[:2] == ("complete", context)]
    if not todo:
        return 0

    async def main():
        async with _client(app) as client:
            for run_id, target, fmt in todo:
                body, media, headers, shown = await _render(client, target, fmt)
                digest, packed = encoded(body)
                with state.db() as store:
                    store.put_artefact(run_id, target, fmt, digest, media, headers, len(body), packed, shown,
                                       progress=False)

    _run(main)
    state.forget_baked()
    return len(todo)
