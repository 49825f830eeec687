"""Parsing numbers as people type them in Indonesian spreadsheets.

Indonesian writes `467.701` (thousands) and `101,93` (decimal). A value is accepted only when its
reading is unambiguous for the column's kind:

- count: a whole number >= 0. `467.701` and `1.234.567` are thousands; `467701` is plain.
  `1,234` is refused (thousands in English, 1.234 in Indonesian), `101,93` is not whole.
- percent: `101,93` and `101.93` are decimals (a dot followed by other than 3 digits cannot be
  Indonesian thousands); `1.234` and `1,234` are refused as ambiguous; `1.234,5` / `1,234.5`
  (both separators) take the last one as the decimal mark.
- flag: 0 or 1 (also `ya`/`tidak`, `yes`/`no`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_PLAIN = re.compile(r"^[+-]?\d+$")
_DOT_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")
_COMMA_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+$")
_ID_FULL = re.compile(r"^[+-]?\d{1,3}(\.\d{3})*,\d+$|^[+-]?\d+,\d+$")
_EN_FULL = re.compile(r"^[+-]?\d{1,3}(,\d{3})*\.\d+$|^[+-]?\d+\.\d+$")
_FLAGS = {"1": 1, "0": 0, "ya": 1, "tidak": 0, "yes": 1, "no": 0, "y": 1, "t": 0, "n": 0}


class NumberProblem(ValueError):
    """Why a cell is not acceptable: `rule` plus Indonesian and English text."""

    def __init__(self, rule: str, id_message: str, en_message: str):
        super().__init__(en_message)
        self.rule = rule
        self.id_message = id_message
        self.en_message = en_message


EXPECTED = {
    "count": ("bilangan bulat >= 0, mis. 467701 atau 467.701",
              "a whole number >= 0, e.g. 467701 or 467.701"),
    "flag": ("0 atau 1 (ya/tidak)", "0 or 1 (yes/no)"),
    "percent": ("angka >= 0, mis. 75 atau 75,5", "a number >= 0, e.g. 75 or 75,5"),
}


@dataclass(frozen=True)
class Parsed:
    value: float


def _clean(text: str) -> str:
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    if text.endswith("%"):
        text = text[:-1]
    return text


def parse_number(text: str, kind: str) -> float:
    """The value of one cell (already known to be non-empty) for a fact of `kind`."""
    raw = _clean(text)
    if kind == "flag":
        flag = _FLAGS.get(raw.lower())
        if flag is None:
            raise NumberProblem("not_flag", "Nilai harus 0 atau 1.", "Value must be 0 or 1.")
        return float(flag)
    value = _read(raw, kind)
    if value < 0:
        raise NumberProblem("negative", "Nilai tidak boleh negatif.", "Value can't be negative.")
    if kind == "count" and value != int(value):
        raise NumberProblem(
            "not_whole", "Jumlah harus bilangan bulat.", "A count must be a whole number."
        )
    return value


def _read(raw: str, kind: str) -> float:
    if _PLAIN.match(raw):
        return float(int(raw))
    if _DOT_THOUSANDS.match(raw):
        if kind == "count":
            return float(int(raw.replace(".", "")))
        raise _ambiguous(raw)
    if _COMMA_THOUSANDS.match(raw):
        raise _ambiguous(raw)
    if _ID_FULL.match(raw):
        return float(raw.replace(".", "").replace(",", "."))
    if _EN_FULL.match(raw):
        return float(raw.replace(",", ""))
    try:
        value = float(raw)  # e.g. 1e3 from a spreadsheet export
    except ValueError:
        value = math.nan
    if math.isfinite(value) and re.match(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$", raw):
        return value
    raise NumberProblem("not_number", "Bukan angka.", "Not a number.")


def _ambiguous(raw: str) -> NumberProblem:
    return NumberProblem(
        "ambiguous",
        f"Angka {raw!r} bermakna ganda (ribuan atau desimal?); tulis tanpa pemisah ribuan, "
        "mis. 1234, atau dengan titik ribuan dan koma desimal, mis. 1.234 / 12,5.",
        f"Number {raw!r} is ambiguous (thousands or decimal?); write it without thousands "
        "separators, e.g. 1234, or with dot thousands and comma decimals, e.g. 1.234 / 12,5.",
    )


def parse_cell(value, kind: str) -> float:
    """Parse a cell from CSV (str) or XLSX (int/float/bool/str)."""
    if isinstance(value, bool):
        return float(value) if kind == "flag" else parse_number(str(int(value)), kind)
    if isinstance(value, (int, float)):
        number = float(value)
        if not math.isfinite(number):
            raise NumberProblem("not_number", "Bukan angka.", "Not a number.")
        if kind == "flag" and number not in (0.0, 1.0):
            raise NumberProblem("not_flag", "Nilai harus 0 atau 1.", "Value must be 0 or 1.")
        if number < 0:
            raise NumberProblem("negative", "Nilai tidak boleh negatif.", "Value can't be negative.")
        if kind == "count" and number != int(number):
            raise NumberProblem(
                "not_whole", "Jumlah harus bilangan bulat.", "A count must be a whole number."
            )
        return number
    return parse_number(str(value), kind)
