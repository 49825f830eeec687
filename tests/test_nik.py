"""Tests of capaian.nik: parsing on top of stdnum, sex and century, reasons of refusal."""

from __future__ import annotations

import datetime as dt

import pytest

from capaian.errors import CapaianError
from capaian.nik import Nik, NikError, mask, parse_nik

REF = dt.date(2024, 6, 1)


def test_valid_male():
    nik = parse_nik("3171011708450001", reference=REF)
    assert nik == Nik("3171011708450001", "31.71.01", dt.date(1945, 8, 17), "L", "0001")


def test_valid_female_day_plus_40():
    nik = parse_nik("6571015708900123", reference=REF)
    assert (nik.region_code, nik.birth_date, nik.sex, nik.serial) == ("65.71.01", dt.date(1990, 8, 17), "P", "0123")
    assert parse_nik("6571016902000001", reference=REF).birth_date == dt.date(2000, 2, 29)  # 29+40
    assert parse_nik("6571017112990001", reference=REF).birth_date == dt.date(1999, 12, 31)  # 31+40
    assert parse_nik("6571014101000001", reference=REF).birth_date == dt.date(2000, 1, 1)  # 1+40


def test_separators_are_stripped():
    assert parse_nik(" 31.7101-1708 450001 ", reference=REF).nik == "3171011708450001"
    # stdnum's compact also maps full-width digits to ASCII
    assert parse_nik("３１７１０１１７０８４５０００１", reference=REF).nik == "3171011708450001"


def test_century_is_the_latest_not_after_reference():
    assert parse_nik("6571010101250001", reference=dt.date(2025, 1, 1)).birth_date == dt.date(2025, 1, 1)
    assert parse_nik("6571010101250001", reference=dt.date(2024, 12, 31)).birth_date == dt.date(1925, 1, 1)
    assert parse_nik("6571011506230001", reference=REF).birth_date == dt.date(2023, 6, 15)
    assert parse_nik("6571011506990001", reference=REF).birth_date == dt.date(1999, 6, 15)
    # 29 Feb "00": 2000 is a leap year; with a reference before 2000 it cannot be 1900
    assert parse_nik("3171012902000001", reference=REF).birth_date == dt.date(2000, 2, 29)
    with pytest.raises(NikError) as info:
        parse_nik("3171012902000001", reference=dt.date(1999, 1, 1))
    assert info.value.reason == "date"
    # default reference: today, so never a future birth date
    assert parse_nik("3171010101990001").birth_date <= dt.date.today()


def test_age_on():
    nik = parse_nik("6571011708070001", reference=REF)
    assert nik.birth_date == dt.date(2007, 8, 17)
    assert nik.age_on(dt.date(2024, 8, 16)) == 16
    assert nik.age_on(dt.date(2024, 8, 17)) == 17


@pytest.mark.parametrize("text, reason", [
    ("317101170845000", "length"),
    ("31710117084500011", "length"),
    ("", "length"),
    ("31710117084500x1", "digits"),
    ("3171O11708450001", "digits"),
    ("31710117/8450001", "digits"),
    ("3171013102450001", "date"),  # 31 Feb
    ("3171017202450001", "date"),  # day 72 -> 32 Feb for a woman
    ("3171010008450001", "date"),  # day 0
    ("3171014008450001", "date"),  # day 40 (neither 1-31 nor 41-71)
    ("3171011713450001", "date"),  # month 13
    ("3171011700450001", "date"),  # month 0
    ("3171012902010001", "date"),  # 29 Feb 2001/1901
    ("0071011708450001", "region"),
    ("9971011708450001", "region"),
    ("3971011708450001", "region"),
])
def test_invalid(text, reason):
    with pytest.raises(NikError) as info:
        parse_nik(text, reference=REF)
    err = info.value
    assert err.reason == reason
    assert isinstance(err, CapaianError)
    assert err.id_message.startswith("NIK ") and "tidak valid" in err.id_message
    assert err.en_message.startswith("Invalid NIK ")


def test_new_papua_province_is_known():
    assert parse_nik("9301011708450001", reference=REF).region_code == "93.01.01"
    assert parse_nik("9601011708450001", reference=REF).region_code == "96.01.01"


def test_messages_mask_the_middle():
    with pytest.raises(NikError) as info:
        parse_nik("3171013102450001", reference=REF)
    assert "3171013102450001" not in str(info.value)
    assert "3171********0001" in info.value.id_message and "3171********0001" in info.value.en_message
    assert mask("12345") == "*****"
