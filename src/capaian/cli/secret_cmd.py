"""`capaian secret rotate`: a new session-signing key, the current logins kept for a grace period."""

from __future__ import annotations

import typer

from capaian.cli.app import app, console, open_db, state, sub_app

secret_app = sub_app("Kunci sesi dasbor / the dashboard's session key.")
app.add_typer(secret_app, name="secret")


@secret_app.command("rotate")
def secret_rotate(
    grace_hours: float = typer.Option(
        None, "--grace-hours",
        help="Jam kunci lama masih diterima (bawaan CAPAIAN_SECRET_GRACE_HOURS) / hours the old key is "
             "still accepted (default CAPAIAN_SECRET_GRACE_HOURS).",
    ),
) -> None:
    """Ganti kunci sesi; sesi yang berjalan tetap sah selama masa tenggang / a new session key;
    current logins stay valid during the grace period (running servers pick it up within seconds)."""
    from capaian.present.i18n import tr
    from capaian.web.session_keys import rotate

    from capaian.formatting import format_datetime

    until = format_datetime(rotate(open_db(), grace_hours), state.lang)
    console.print(tr(state.lang, "Session key rotated; the previous key is accepted until %(until)s.", until=until),
                  highlight=False)
