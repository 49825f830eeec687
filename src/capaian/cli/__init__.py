"""The `capaian` command line (Typer); see `capaian --help`.

Importing this package registers every command on `app`, so `typer.testing.CliRunner().invoke(app, ...)`
runs the same command line a user runs.
"""

from capaian.cli.app import app, main
from capaian.cli import commands  # noqa: F401,E402  (registers the sub-commands)

__all__ = ["app", "main"]
