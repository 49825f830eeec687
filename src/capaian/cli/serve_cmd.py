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
    forwarded_allow_ips: str = typer.Option(
        "", "--forwarded-allow-ips",
        help="Alamat proksi tepercaya (dipisah koma) yang boleh memberi X-Forwarded-For/-Proto; bawaan: "
             "tidak ada / comma-separated addresses of trusted reverse proxies; default: none.",
    ),
) -> None:
    """Sajikan dasbor dan API / serve the dashboard and REST API."""
    import uvicorn

    from capaian.web import create_app

    web_app = create_app(store=open_db(), geojson=geojson)  # a missing or locked store: one line
    console.print(f"capaian: http://{host}:{port}/  ({state.db})", highlight=False)
    uvicorn.run(web_app, host=host, port=port, log_level=log_level, access_log=False,
                **proxy_options(forwarded_allow_ips))


def proxy_options(forwarded_allow_ips: str | None) -> dict:
    """uvicorn's options for forwarded headers: trusted only from the addresses given.

    uvicorn on its own trusts X-Forwarded-For from 127.0.0.1, which would let any local client
    choose its address (and so slip past the login throttle)."""
    ips = ",".join(p.strip() for p in (forwarded_allow_ips or "").split(",") if p.strip())
    return {"proxy_headers": bool(ips), "forwarded_allow_ips": ips}
