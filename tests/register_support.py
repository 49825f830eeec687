"""Shared by the register-facts tests: the bench's register generator, and plain-Python dates."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bench_module():
    """`bench/register_scale.py` as a module (its `generate` writes a synthetic register)."""
    spec = importlib.util.spec_from_file_location("register_scale", ROOT / "bench" / "register_scale.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` earlier; 29 Feb falls back to 28 Feb (an independent oracle)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 Feb
        return day.replace(year=day.year - years, day=28)
