"""Command-line interface: a thin Typer layer over the library.

Every command opens the store given by `--db` (or `CAPAIAN_DB`, default `./capaian.duckdb`): a
DuckDB file, or a `postgresql://` URL for the server deployment (docs/deploy.md). Only the commands
that write (`db init`, `demo build`, imports, `facts`, `users add`) create it.
Errors a user can act on print one line (Indonesian / English) and exit 1, usage errors one line
and exit 2, never a traceback; so do database errors (`capaian.store.faults`: the server away, a
timeout, a lost connection). That mapping lives in the app itself (`CapaianGroup.main`), so
`typer.testing.CliRunner` sees exactly what a user sees.

Start-up is kept short (`bench/cli_start.py`): this module and the command modules import only
Typer; Rich is loaded on first output, and pandas, Ibis, DuckDB, matplotlib and WeasyPrint inside
the commands that need them.
"""

from __future__ import annotations

import sys
from typing import Optional

import typer
from typer.core import TyperGroup

from capaian.errors import CapaianError


def fail(message: str, code: int) -> None:
    """Print `error: message` on one line to stderr and exit with `code`."""
    typer.echo(f"error: {' '.join(message.split())}", err=True)
    sys.exit(code)


def _store_error(exc: BaseException):
    """The one-line error for a DuckDB store found unwritable or damaged mid-command, else None."""
    if type(exc).__module__.lstrip("_") != "duckdb":
        return None
    from capaian.store import is_postgres, store_error

    return None if is_postgres(state.db) else store_error(str(state.db), exc)


class CapaianGroup(TyperGroup):
    """The root command: known errors become one line on stderr and an exit code."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        localise_help(self, help_language(list(sys.argv[1:] if args is None else args)))
        try:
            rv = super().main(args=args, prog_name=prog_name, complete_var=complete_var,
                              standalone_mode=False, **extra)
        except CapaianError as exc:
            if not standalone_mode:
                raise
            fail(exc.text(), 1)
        except typer.TyperException as exc:  # usage errors: bad option, unknown command ...
            if not standalone_mode:
                raise
            if type(exc).__name__ == "NoArgsIsHelpError":  # `capaian db` alone: its help, as click does
                if exc.format_message().strip():
                    typer.echo(exc.format_message(), err=True)
                sys.exit(exc.exit_code)
            ctx = getattr(exc, "ctx", None)
            hint = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
            fail(exc.format_message() + hint, exc.exit_code)
        except typer.Abort:
            if not standalone_mode:
                raise
            fail("dibatalkan / aborted", 1)
        except Exception as exc:  # a damaged store or a database error (away, timeout, ...): one line
            if not standalone_mode:
                raise
            damaged = _store_error(exc)
            if damaged is not None:
                fail(damaged.text(), 1)
            from capaian.store.faults import classify, detail

            fault = classify(exc)
            if fault is None:
                raise
            fail(f"{fault.text()} ({detail(exc)})", 1)
        if not standalone_mode:
            return rv
        sys.exit(rv if isinstance(rv, int) else 0)


SUMMARY_MAX = 60  # a command's one-line summary in `--help`: fits 80 columns beside the longest name


def help_language(argv: list[str]) -> str:
    """The language of the help pages: the root's `--lang en` / `--lang=en`, else Indonesian."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1] if argv[i + 1] in HELP_SIDE else "id"
        if arg.startswith("--lang="):
            return arg[7:] if arg[7:] in HELP_SIDE else "id"
    return "id"


HELP_SIDE = {"id": 0, "en": 1}  # which side of an `Indonesian / English` help text a language reads


def one_language(text: str | None, lang: str) -> str | None:
    """`Indonesian / English` help text -> the side `lang` reads (a text without ` / ` is kept)."""
    if not text or " / " not in text:
        return text
    side = HELP_SIDE.get(lang, 0)
    chosen = text.split(" / ", 1)[side].strip()
    if side == 0 and not chosen.endswith((".", ")")):
        chosen += "."
    return chosen if chosen.startswith("capaian") else chosen[:1].upper() + chosen[1:]


def summary(text: str | None) -> str:
    """A command's one-line summary: the first sentence of its help, at most SUMMARY_MAX characters
    (cut at a word, never mid-word)."""
    import textwrap

    first = (text or "").strip().split("\n")[0]
    first = first.split(". ")[0].rstrip(".")
    return textwrap.shorten(first, SUMMARY_MAX, placeholder=" …") if len(first) > SUMMARY_MAX else first


def localise_help(group, lang: str) -> None:
    """Every command's and option's help in one language (`one_language`), and short summaries, on
    the click commands of this invocation (Typer builds them afresh for each)."""
    stack = [group]
    while stack:
        command = stack.pop()
        command.help = one_language(command.help, lang)
        command.short_help = summary(command.help)
        for param in command.params:
            if getattr(param, "help", None):
                param.help = one_language(param.help, lang)
        stack.extend(getattr(command, "commands", {}).values())


app = typer.Typer(
    cls=CapaianGroup,
    help="capaian: capaian kinerja dan levelisasi Disdukcapil / performance levels of "
    "civil-registration offices.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,  # plain help: Typer's Rich help formatter alone costs ~0.1 s of start-up
)


def sub_app(help: str) -> typer.Typer:
    """A command group (`capaian db ...`) with the root's settings."""
    return typer.Typer(help=help, no_args_is_help=True, rich_markup_mode=None, add_completion=False)


class LazyConsole:
    """A Rich console created on first use (importing Rich's console is not free at start-up)."""

    def __init__(self, **options):
        self._options = options
        self._real = None

    @property
    def real(self):
        if self._real is None:
            from rich.console import Console

            self._real = Console(**self._options)
        return self._real

    def __getattr__(self, name):
        return getattr(self.real, name)


console = LazyConsole()
err_console = LazyConsole(stderr=True)


class State:
    db: Optional[str] = None
    lang: str = "id"


state = State()


@app.callback()
def _root(
    db: Optional[str] = typer.Option(
        None, "--db",
        help="Store: a DuckDB file or a postgresql://user@host/db URL (default: $CAPAIAN_DB or ./capaian.duckdb).",
    ),
    lang: str = typer.Option("id", "--lang", help="Language of output: id (default) or en."),
) -> None:
    """capaian: capaian kinerja Disdukcapil / civil-registration office performance."""
    from capaian.settings import value

    state.db = db or value("CAPAIAN_DB")
    state.lang = lang if lang in ("id", "en") else "id"


def open_db(create: bool = False):
    """The store named by --db, migrated. Only commands that write pass `create=True`; for the
    others a missing file is a one-line error naming it (never a new empty database)."""
    from capaian.store import open_store

    return open_store(state.db, create=create)


def load_library() -> None:
    """Make the rubrics and denominator bases added to the store known (`capaian.library`), when
    the store exists; a command that only reads them never creates one."""
    from pathlib import Path

    from capaian.store import is_postgres

    if is_postgres(state.db) or Path(str(state.db)).is_file():
        open_db().close()


def open_db_or_server():
    """(store, None), or (None, PID) when a running server holds the DuckDB file: the commands that
    can, then ask that server (`capaian.store.control.ask`)."""
    from capaian.store import StoreLocked

    try:
        return open_db(), None
    except StoreLocked as exc:
        return None, exc.pid


def main() -> None:
    """Console-script entry point (`capaian`, `python -m capaian`)."""
    app()
