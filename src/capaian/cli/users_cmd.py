"""`capaian users ...`: dashboard accounts (argon2-hashed passwords, roles, jurisdiction)."""

from __future__ import annotations

import sys

import typer

from capaian.cli.app import app, console, open_db, open_db_or_server, state, sub_app

users_app = sub_app("Akun pengguna dasbor / dashboard user accounts.")
app.add_typer(users_app, name="users")

ROLE_HELP = "national | province | regency"


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("Kata sandi / password", hide_input=True, confirmation_prompt=True)


@users_app.command("add")
def users_add(
    name: str = typer.Argument(..., help="Nama pengguna / user name."),
    role: str = typer.Option(..., "--role", help=ROLE_HELP),
    region: str = typer.Option(None, "--region", help="Kode wilayah / region code (province or regency users)."),
    lang: str = typer.Option("id", "--lang", help="Bahasa antarmuka / interface language: id or en."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Baca kata sandi dari stdin / read the password from stdin."
    ),
) -> None:
    """Tambah pengguna / add a user (the password is asked for, or read with --password-stdin)."""
    from capaian.accounts import add_user

    store = open_db(create=True)
    password = _read_password(password_stdin)
    user = add_user(store, name, password, role, region, lang=lang, actor="cli")
    console.print(f"{user.name}: {user.role} {user.region_code or 'ID'}", highlight=False)


@users_app.command("list")
def users_list() -> None:
    """Daftar pengguna / list users."""
    from rich.table import Table

    from capaian.accounts import list_users
    from capaian.present.i18n import tr

    lang = state.lang
    table = Table(tr(lang, "name"), tr(lang, "role"), tr(lang, "region"), tr(lang, "language"))
    for user in list_users(open_db()):
        table.add_row(user.name, user.role, user.region_code or "ID", user.lang)
    console.print(table)


@users_app.command("passwd")
def users_passwd(
    name: str = typer.Argument(...),
    password_stdin: bool = typer.Option(False, "--password-stdin"),
) -> None:
    """Ganti kata sandi / change a password (also while `capaian serve` runs on a DuckDB file: the
    server sets it, from the hash made here)."""
    from capaian.accounts import checked_password_hash, set_password_hash

    password_hash = checked_password_hash(_read_password(password_stdin))
    store, holder = open_db_or_server()
    if store is None:
        _ask_server(holder, "passwd", {"name": name, "password_hash": password_hash})
    else:
        set_password_hash(store, name, password_hash, actor="cli")
    from capaian.present.i18n import tr

    console.print(f"{name}: " + tr(state.lang, "password changed"), highlight=False)


@users_app.command("revoke")
def users_revoke(name: str = typer.Argument(...)) -> None:
    """Akhiri semua sesi login pengguna / end every dashboard session of a user (also while
    `capaian serve` runs on a DuckDB file: the server does it at once)."""
    from capaian.accounts import revoke_user

    store, holder = open_db_or_server()
    ended = (_ask_server(holder, "revoke", {"name": name})["sessions"] if store is None
             else revoke_user(store, name, actor="cli"))
    console.print(f"{name}: {ended} sesi diakhiri / sessions ended", highlight=False)


def _ask_server(holder: int | None, action: str, params: dict) -> dict:
    from capaian.store.control import ask

    return ask(state.db, action, params, holder=holder, timeout=30)


@users_app.command("remove")
def users_remove(name: str = typer.Argument(...)) -> None:
    """Hapus pengguna / remove a user."""
    from capaian.accounts import remove_user

    remove_user(open_db(), name, actor="cli")
    from capaian.present.i18n import tr

    console.print(f"{name}: " + tr(state.lang, "removed"), highlight=False)
