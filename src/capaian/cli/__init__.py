"""The `capaian` command line (Typer); see `capaian --help`."""

from capaian.cli.app import app, main

__all__ = ["app", "main"]
