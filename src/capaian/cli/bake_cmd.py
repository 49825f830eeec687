"""`capaian bake RUN`: the public renderings of a published run, made once into the store (`capaian.web.bake`).

`capaian publish` bakes the run it publishes; this command resumes an interrupted bake (what was
written is skipped) or bakes again runs whose set no longer matches what is published (`--all`).
"""

from __future__ import annotations

import typer

from capaian.cli.app import app, console, open_db, state
from capaian.present.i18n import tr


def bake_with_bar(store, run_id: int):
    """Bake run `run_id` of `store` with a progress bar; returns the `BakeResult`."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from capaian.web import create_app
    from capaian.web.bake import bake_run

    web = create_app(store=store, warm=False)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console.real, transient=False) as bar:
        task = bar.add_task(tr(state.lang, "Baking run %(run)s", run=run_id), total=None)

        def report(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        result = bake_run(web, run_id, progress=report)
    from capaian.formatting import format_number

    seconds = format_number(result.seconds, 1, state.lang)
    console.print(tr(state.lang, "Run %(run)s: %(built)s renderings baked, %(skipped)s already there, in %(seconds)s s.",
                     run=run_id, built=result.built, skipped=result.skipped, seconds=seconds),
                  highlight=False)
    return result


@app.command("bake")
def bake_cmd(
    run_id: int = typer.Argument(None, help="Nomor run terbit / a published run id."),
    every: bool = typer.Option(False, "--all", help="Semua run terbit yang belum dipanggang / every published "
                                                     "run whose baked set is missing, unfinished or outdated."),
) -> None:
    """Panggang halaman publik run terbit / bake a published run's public pages and their twins
    (resumes an interrupted bake)."""
    from capaian.errors import CapaianError
    from capaian.runs import Catalog

    store = open_db()
    if every:
        from capaian.web import create_app
        from capaian.web.bake import context_of

        catalog = Catalog.from_store(store)
        context = context_of(create_app(store=store, warm=False))
        states = store.bake_states()
        ids = [r for r in catalog.ids() if catalog.published(r) and states.get(r, ("", ""))[:2] != ("complete", context)]
    elif run_id is None:
        raise CapaianError("Sebutkan nomor run atau --all.", "Give a run id or --all.")
    else:
        if not store.is_published(run_id):
            raise CapaianError(f"Run {run_id} belum terbit; hanya run terbit yang dipanggang.",
                               f"Run {run_id} is not published; only published runs are baked.")
        ids = [run_id]
    for one in ids:
        bake_with_bar(store, one)
