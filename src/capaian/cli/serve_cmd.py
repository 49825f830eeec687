"""`capaian serve`: the dashboard and API (uvicorn on the FastAPI app factory)."""

from __future__ import annotations

import shutil

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
    read_only: bool = typer.Option(
        False, "--read-only",
        help="Sajikan penyimpanan DuckDB tanpa menulisnya (salinan analis; tanpa login dan unggahan) / "
             "serve a DuckDB store without writing to it (an analyst's copy; no logins or uploads).",
    ),
    workers: int = typer.Option(
        1, "--workers", min=1, max=64,
        help="Jumlah proses server (di atas 1 hanya dengan PostgreSQL) / server processes (above 1: PostgreSQL only).",
    ),
    forwarded_allow_ips: str = typer.Option(
        "", "--forwarded-allow-ips",
        help="Alamat proksi tepercaya (dipisah koma) yang boleh memberi X-Forwarded-For/-Proto; bawaan: "
             "tidak ada / comma-separated addresses of trusted reverse proxies; default: none.",
    ),
) -> None:
    """Sajikan dasbor dan API / serve the dashboard and REST API."""
    sock = listening_socket(host, port)  # first of all: the port opens at once (see its docstring)
    try:
        _serve(sock, host, port, geojson, log_level, read_only, workers, forwarded_allow_ips)
    finally:
        sock.close()  # also when the store could not be opened


def _serve(sock, host, port, geojson, log_level, read_only, workers, forwarded_allow_ips) -> None:
    from capaian.store.postgres import safe_url

    options = dict(host=host, port=port, log_level=log_level, access_log=False,
                   **proxy_options(forwarded_allow_ips), **timeout_options())
    if workers > 1:
        _prepare_workers(geojson)
        console.print(f"capaian: http://{host}:{port}/  ({safe_url(state.db)}, {workers} workers)",
                      highlight=False)
        from capaian.settings import raw
        from capaian.web.metrics import MULTIPROC_ENV, prepare_folder

        own = raw(MULTIPROC_ENV) is None
        folder = prepare_folder()  # the workers' shared figures (capaian.web.metrics)
        try:
            run_server("capaian.web.app:app_from_env", sock, factory=True, workers=workers, **options)
        finally:
            if own:
                shutil.rmtree(folder, ignore_errors=True)
        return
    from capaian.web import create_app
    from capaian.web.control import start_control

    if read_only:
        from capaian.errors import CapaianError
        from capaian.store import is_postgres, open_store

        if is_postgres(state.db):
            raise CapaianError("--read-only hanya untuk berkas DuckDB.", "--read-only is for a DuckDB file only.")

        store = open_store(state.db, create=False, read_only=True)
    else:
        store = open_db()  # a missing, locked, read-only or damaged store: one line
    import secrets

    # a read-only store can't keep a session secret: there are no logins to sign anyway
    web_app = create_app(store=store, geojson=geojson, secret=secrets.token_urlsafe(48) if read_only else None)
    console.print(f"capaian: http://{host}:{port}/  ({safe_url(state.db)})", highlight=False)
    control = None if read_only else start_control(web_app.state.web)  # the CLI's requests (db backup ...)
    try:
        run_server(web_app, sock, **options)
    finally:
        if control is not None:
            control.stop()


def run_server(app, sock, **options) -> None:
    """uvicorn on the socket `listening_socket` opened: `app` itself, or with `workers` above 1 an
    import string its worker processes load (uvicorn's supervisor, as `uvicorn.run` would)."""
    import uvicorn

    config = uvicorn.Config(app, **options)
    try:
        if config.workers > 1:
            from uvicorn.supervisors import Multiprocess

            Multiprocess(config, sockets=[sock]).run()
        else:
            uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()


def listening_socket(host: str, port: int):
    """The server's socket, bound and listening before anything slow (imports, opening the store,
    building the app): from then on connections wait in the backlog instead of being refused, and
    a `--workers` supervisor hands it to its workers (uvicorn would bind it only after its imports).
    A port in use or an address not of this host: one line."""
    import socket

    from capaian.errors import CapaianError

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family, kind, proto, _, address = infos[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        raise CapaianError(f"Tidak dapat membuka {host}:{port}: {exc.strerror or exc}.",
                           f"Cannot listen on {host}:{port}: {exc.strerror or exc}.") from None
    sock.set_inheritable(True)
    return sock


def _prepare_workers(geojson: str | None) -> None:
    """Check the store can be shared, migrate it and fix the session secret once, before the
    workers start (each would otherwise race to make its own)."""
    from capaian.errors import CapaianError
    from capaian.settings import hand_down
    from capaian.store import is_postgres, open_store
    from capaian.web.state import session_secret

    if not is_postgres(state.db):
        raise CapaianError(
            "--workers di atas 1 memerlukan PostgreSQL (--db postgresql://...): berkas DuckDB hanya "
            "dapat dibuka oleh satu proses.",
            "--workers above 1 needs PostgreSQL (--db postgresql://...): a DuckDB file can be opened "
            "by one process only.",
        )
    with open_store(state.db) as store:
        session_secret(store)
    # the workers are new processes: they find the store and the map in their environment
    hand_down("CAPAIAN_DB", state.db)
    if geojson:
        hand_down("CAPAIAN_GEOJSON", geojson)


def proxy_options(forwarded_allow_ips: str | None) -> dict:
    """uvicorn's options for forwarded headers: trusted only from the addresses given.

    uvicorn on its own trusts X-Forwarded-For from 127.0.0.1, which would let any local client
    choose its address (and so slip past the login throttle)."""
    ips = ",".join(p.strip() for p in (forwarded_allow_ips or "").split(",") if p.strip())
    return {"proxy_headers": bool(ips), "forwarded_allow_ips": ips}


def timeout_options() -> dict:
    """uvicorn's timeouts from the settings (CAPAIAN_TIMEOUT_KEEP_ALIVE, CAPAIAN_TIMEOUT_WORKER_HEALTHCHECK,
    CAPAIAN_TIMEOUT_GRACEFUL_SHUTDOWN), those this uvicorn knows."""
    import inspect

    import uvicorn

    from capaian.settings import value

    known = inspect.signature(uvicorn.Config).parameters
    wanted = {"timeout_keep_alive": value("CAPAIAN_TIMEOUT_KEEP_ALIVE"),
              "timeout_worker_healthcheck": value("CAPAIAN_TIMEOUT_WORKER_HEALTHCHECK"),
              "timeout_graceful_shutdown": value("CAPAIAN_TIMEOUT_GRACEFUL_SHUTDOWN")}
    return {name: v for name, v in wanted.items() if name in known}

