"""Imports every command module so that each registers its commands on the app."""

from capaian.cli import (  # noqa: F401
    db_cmd,
    demo_cmd,
    evaluation_cmd,
    intake_cmd,
    regions_cmd,
    report_cmd,
    serve_cmd,
    users_cmd,
)
