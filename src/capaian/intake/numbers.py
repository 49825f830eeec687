"""Parsing numbers as people type them in Indonesian spreadsheets.

Indonesian writes `467.701` (thousands) and `101,93` (decimal). A value is accepted only when its
reading is unambiguous for the column's kind:

- count: a whole number >= 0. `467.701` and `1.234.567` are thousands; `467701` is plain.
  `1,234` is refused (thousands in English, 1.234 in Indonesian), `101,93` is not whole.
- percent: `101,93` and `101.93` are decimals (a dot followed by other than 3 digits cannot be
  Indonesian thousands); `1.234` and `1,234` are refused as ambiguous; `1.234,5` / `1,234.5`
  (both separators) take the last one as the decimal mark.
- flag: 0 or 1 (also `ya`/`tidak`, `yes`/`no`; a spreadsheet's TRUE/FALSE).

A percent sign (`98%`, or an XLSX cell formatted as percent, see `PercentCell`) is accepted only in
a percent column; TRUE/FALSE only in a flag column. Either anywhere else is refused, never read as
the bare number (98, 1).

Digits are ASCII 0-9 only: other scripts' digits (Arabic-Indic `٠`, which looks like a dot, or
full-width `１`) are refused as not a number, never read as what Python's int() makes of them.

Bounds: a count is at most `MAX_COUNT` (10^9, far above any region's population) and a percent at
most `MAX_PERCENT`; `1e308` or a 25-digit count is refused, so no stored value can overflow the
exact (Decimal) arithmetic of explanations and reports.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

_PLAIN = re.compile(r"^[+-]?\d+$", re.ASCII)
_DOT_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$", re.ASCII)
_COMMA_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+$", re.ASCII)
_ID_FULL = re.compile(r"^[+-]?\d{1,3}(\.\d{3})*,\d+$|^[+-]?\d+,\d+$", re.ASCII)
_EN_FULL = re.compile(r"^[+-]?\d{1,3}(,\d{3})*\.\d+$|^[+-]?\d+\.\d+$", re.ASCII)
MAX_COUNT = 10**9
MAX_PERCENT = 10_000.0
_FLAGS = {"1": 1, "0": 0, "ya": 1, "tidak": 0, "yes": 1, "no": 0, "y": 1, "t": 0, "n": 0}


class NumberProblem(ValueError):
    """Why a cell is not acceptable: `rule` plus Indonesian and English text."""

    def __init__(self, rule: str, id_message: str, en_message: str):
        super().__init__(en_message)
        self.rule = rule
        self.id_message = id_message
        self.en_message = en_message


EXPECTED = {
    "count": ("bilangan bulat 0 s.d. 1.000.000.000, mis. 467701 atau 467.701",
              "a whole number from 0 to 1,000,000,000, e.g. 467701 or 467.701"),
    "flag": ("0 atau 1 (ya/tidak)", "0 or 1 (yes/no)"),
    "percent": ("angka 0 s.d. 10.000, mis. 75 atau 75,5", "a number from 0 to 10,000, e.g. 75 or 75,5"),
}


@dataclass(frozen=True)
class Parsed:
    value: float


class PercentCell(str):
    """An XLSX number formatted as percent, as people typed and see it: 0.755 -> "75.5%" with
    `percent` 75.5 (exact in decimal: no 75.50000000000001)."""

    percent: float

    def __new__(cls, stored: float):
        shown = Decimal(repr(float(stored))).scaleb(2).normalize()
        cell = super().__new__(cls, f"{shown:f}%")
        cell.percent = float(shown)
        return cell


def _clean(text: str) -> str:
    return text.strip().replace("\u00a0", "").replace(" ", "")


_NOT_HERE = {"percent_not_allowed": ("Persen", "A percent"),
             "boolean_not_allowed": ("Nilai TRUE/FALSE", "TRUE/FALSE")}


def _not_here(rule: str, kind: str) -> NumberProblem:
    """A percent or TRUE/FALSE (`rule`) in a column of another kind."""
    what_id, what_en = _NOT_HERE[rule]
    kind_id = {"count": "jumlah", "flag": "0/1", "percent": "persen"}[kind]
    kind_en = {"count": "count", "flag": "0/1", "percent": "percent"}[kind]
    return NumberProblem(rule, f"{what_id} tidak boleh di kolom {kind_id}; tulis angkanya.",
                         f"{what_en} is not allowed in a {kind_en} column; type the number.")


def parse_number(text: str, kind: str) -> float:
    """The value of one cell (already known to be non-empty) for a fact of `kind`."""
    raw = _clean(text)
    if raw.endswith("%"):
        if kind != "percent":
            raise _not_here("percent_not_allowed", kind)
        raw = raw[:-1]
    if kind == "flag":
        flag = _FLAGS.get(raw.lower())
        if flag is None:
            raise NumberProblem("not_flag", "Nilai harus 0 atau 1.", "Value must be 0 or 1.")
        return float(flag)
    if len(raw) > 40:  # no valid count or percent is this long; keeps int()/float() cheap
        if re.fullmatch(r"\+?[0-9.,]+", raw):
            return _checked(math.inf, kind)
        raise NumberProblem("not_number", "Bukan angka.", "Not a number.")
    return _checked(_read(raw, kind), kind)


def _checked(value: float, kind: str) -> float:
    """Refuse what is not a number, negative, not whole (counts), not 0/1 (flags) or too large."""
    if math.isnan(value):
        raise NumberProblem("not_number", "Bukan angka.", "Not a number.")
    if value < 0:
        raise NumberProblem("negative", "Nilai tidak boleh negatif.", "Value can't be negative.")
    if kind == "flag":
        if value not in (0.0, 1.0):
            raise NumberProblem("not_flag", "Nilai harus 0 atau 1.", "Value must be 0 or 1.")
        return value
    limit = MAX_COUNT if kind == "count" else MAX_PERCENT
    if value > limit:
        id_limit = "1.000.000.000" if kind == "count" else "10.000"
        en_limit = "1,000,000,000" if kind == "count" else "10,000"
        raise NumberProblem(
            "too_large", f"Nilai melebihi batas {id_limit}.", f"Value exceeds the limit of {en_limit}."
        )
    if kind == "count" and value != int(value):
        raise NumberProblem(
            "not_whole", "Jumlah harus bilangan bulat.", "A count must be a whole number."
        )
    return value


def _read(raw: str, kind: str) -> float:
    if _PLAIN.match(raw):
        return float(int(raw))  # at most 40 characters: finite
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
    if math.isfinite(value) and re.match(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$", raw, re.ASCII):
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
    """Parse a cell from CSV (str) or XLSX (int/float/bool/str/PercentCell)."""
    if isinstance(value, PercentCell):
        if kind != "percent":
            raise _not_here("percent_not_allowed", kind)
        return _checked(value.percent, kind)
    if isinstance(value, bool):
        if kind != "flag":
            raise _not_here("boolean_not_allowed", kind)
        return float(value)
    if isinstance(value, (int, float)):
        try:
            number = float(value)
        except OverflowError:  # an int beyond float range
            number = math.inf if value > 0 else -math.inf
        return _checked(number, kind)
    return parse_number(str(value), kind)
