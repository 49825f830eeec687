"""`capaian serve`: the dashboard and API (uvicorn on the FastAPI app factory)."""

from __future__ import annotations

import typer

from capaian.cli.app import app, console, open_db, state


@app.command("serve")
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Alamat / address to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535),
    geojson: str = typer.Option(
        None, "--geojson", help="Berkas batas provinsi (GeoJSON) pengganti peta petak / province boundaries."
    ),
    log_level: str = typer.Option("info", "--log-level"),
) -> None:
    """Sajikan dasbor dan API / serve the dashboard and REST API."""
    import uvicorn

    from capaian.web import create_app

    web_app = create_app(store=open_db(), geojson=geojson)  # a missing or locked store: one line
    console.print(f"capaian: http://{host}:{port}/  ({state.db})", highlight=False)
    uvicorn.run(web_app, host=host, port=port, log_level=log_level, access_log=False)
