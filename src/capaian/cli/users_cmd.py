"""`capaian users ...`: dashboard accounts (argon2-hashed passwords, roles, jurisdiction)."""

from __future__ import annotations

import sys

import typer

from capaian.cli.app import app, console, open_db, state, sub_app

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
    """Ganti kata sandi / change a password."""
    from capaian.accounts import set_password

    store = open_db()
    set_password(store, name, _read_password(password_stdin), actor="cli")
    from capaian.present.i18n import tr

    console.print(f"{name}: " + tr(state.lang, "password changed"), highlight=False)


@users_app.command("revoke")
def users_revoke(name: str = typer.Argument(...)) -> None:
    """Akhiri semua sesi login pengguna / end every dashboard session of a user."""
    from capaian.accounts import get_user
    from capaian.errors import CapaianError
    from capaian.sessions import revoke_sessions

    store = open_db()
    if get_user(store, name) is None:
        raise CapaianError(f"Pengguna {name!r} tidak ada.", f"No user {name!r}.")
    ended = revoke_sessions(store, name)
    store.audit("cli", "user_revoke", name, {"sessions": ended})
    console.print(f"{name}: {ended} sesi diakhiri / sessions ended", highlight=False)


@users_app.command("remove")
def users_remove(name: str = typer.Argument(...)) -> None:
    """Hapus pengguna / remove a user."""
    from capaian.accounts import remove_user

    remove_user(open_db(), name, actor="cli")
    from capaian.present.i18n import tr

    console.print(f"{name}: " + tr(state.lang, "removed"), highlight=False)
