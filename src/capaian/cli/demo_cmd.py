"""`capaian demo build`: the synthetic national demo in the embedded store."""

from __future__ import annotations

import typer

from capaian.cli.app import app, console, open_db, state, sub_app

demo_app = sub_app("Data demo sintetis / synthetic demo data.")
app.add_typer(demo_app, name="demo")


@demo_app.command("build")
def demo_build(
    if_missing: bool = typer.Option(
        True, "--if-missing/--strict", help="Lewati bila demo sudah ada / skip when already built."
    ),
) -> None:
    """Bangun data demo nasional (sintetis) / build the synthetic national demo."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from capaian.demo.build import build_demo
    from capaian.present.i18n import tr

    store = open_db(create=True)
    if if_missing and store.is_demo():
        console.print(f"{state.db}: " + tr(state.lang, "demo data already built."), highlight=False)
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console.real, transient=False) as bar:
        tasks: dict[str, int] = {}

        def report(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=total)
            bar.update(tasks[step], completed=done)

        counts = build_demo(store, progress=report)
    console.print(
        f"{state.db}: {tr(state.lang, 'SYNTHETIC DATA')} — "
        + ", ".join(f"{k} {v}" for k, v in counts.items())
    )
