"""Imports every command module so that each registers its commands on the app."""

import importlib

COMMAND_MODULES = (
    "db_cmd",
    "regions_cmd",
    "intake_cmd",
    "evaluation_cmd",
    "bake_cmd",
    "facts_cmd",
    "demo_cmd",
    "report_cmd",
    "users_cmd",
    "serve_cmd",
    "settings_cmd",
    "quality_cmd",
    "export_cmd",
    "library_cmd",
    "quarter_cmd",
    "simulate_cmd",
    "submission_cmd",
    "secret_cmd",
)

for _name in COMMAND_MODULES:
    importlib.import_module(f"capaian.cli.{_name}")
