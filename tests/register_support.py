"""Shared by the register-facts tests: the bench's register generator, edge rows around two dates,
and plain-Python dates."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
D = dt.date
ONE = dt.timedelta(days=1)
NEW_VILLAGE = "65.99.99.2999"  # its only residents are born in the window of one pair
EDGE_VILLAGE = "65.01.01.2001"


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


def row(birth, village=EDGE_VILLAGE, married=False, ktp=None, kia=None, akta=None, died=None, moved=None,
        moved_in=None, married_on=None):
    return {"nik": None, "birth_date": birth, "sex": "P", "ever_married": married, "village_code": village,
            "ktp_recorded_on": ktp, "kia_issued_on": kia, "birth_cert_issued_on": akta,
            "died_on": died, "moved_out_on": moved, "moved_in_on": moved_in, "married_on": married_on}


def edge_rows(a: dt.date, b: dt.date) -> list[dict]:
    """Rows on the edges of the window (a, b]: birthdays, deaths, births, records on a and b."""
    out = []
    for day in (a, b):
        b17, b18, b16 = (years_before(day, n) for n in (17, 18, 16))
        out += [
            row(b17, ktp=day, kia=day - ONE, akta=b17 + ONE),  # 17th birthday on the day
            row(b17 + ONE, ktp=day + ONE, kia=day, akta=day),  # 17 the day after
            row(b18, akta=day),  # 18th birthday on the day
            row(b18 + ONE, akta=day + ONE),
            row(b16 - 100 * ONE, married=True, kia=day - 10 * ONE),  # married at 16
            row(b16 + ONE, married=None, kia=day),  # unknown marital status
            row(D(1970, 5, 5), ktp=D(2012, 1, 1), died=day - ONE),
            row(D(1970, 5, 5), ktp=D(2012, 1, 1), died=day),  # death on the day
            row(D(1970, 5, 5), ktp=D(2012, 1, 1), died=day + ONE),
            row(D(1990, 1, 1), ktp=D(2012, 1, 1), moved=day),  # moved out on the day
            row(D(2010, 3, 3), kia=D(2018, 1, 1), moved_in=day),  # moved in on the day
            row(D(1991, 1, 1), ktp=D(2012, 1, 1), moved_in=day + ONE),
            row(b16 - 30 * ONE, married=True, married_on=day, kia=day - 20 * ONE),  # married on the day
            row(b16 - 30 * ONE, married=True, married_on=day + ONE),
            row(day, akta=day),  # born on the day
            row(day + ONE, akta=day + ONE),
        ]
    out += [
        row(D(2008, 2, 29), kia=D(2016, 5, 1)),  # born 29 Feb: 17 on 1 Mar 2025, 16 on 29 Feb 2024
        row(D(2007, 2, 28)),
        row(D(2007, 2, 28) + ONE),  # 1 Mar 2007
        row(D(2006, 2, 28), akta=D(2006, 3, 1)),  # 18 on 28 Feb 2024
        row(D(2004, 2, 29), married=True, ktp=D(2021, 3, 1)),
        row(min(a, b) + ONE, village=NEW_VILLAGE, akta=max(a, b)),  # a village that is new in (a, b]
    ]
    return out
