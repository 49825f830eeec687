"""`capaian settings`: every setting (environment variable) with its current value, default and help."""

from __future__ import annotations

import typer

from capaian.cli.app import app, console, state


@app.command("settings")
def settings_cmd(
    markdown: bool = typer.Option(
        False, "--markdown", help="Tabel Markdown untuk docs/settings.md / the Markdown table of docs/settings.md."
    ),
) -> None:
    """Daftar pengaturan dan nilainya / list the settings and their current values."""
    from rich.table import Table

    from capaian.settings import listing, markdown as markdown_text

    if markdown:
        typer.echo(markdown_text(), nl=False)
        return
    en = state.lang == "en"
    table = Table("variable", "nilai / value" if not en else "value", "bawaan / default" if not en else "default",
                  "keterangan / help" if not en else "help")
    for row in listing(state.lang):
        value = row["value"] + (" (env)" if row["from_env"] else "")
        table.add_row(row["env"], value, row["default"], row["help"])
    console.print(table)
