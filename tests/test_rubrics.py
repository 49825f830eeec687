"""Rubrics are data: shipped YAML files load, validate, and bad files fail with a precise message."""

from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from capaian.errors import CapaianError
from capaian.rubrics import (
    KNOWN_FACTS,
    TargetSet,
    list_rubrics,
    list_target_sets,
    load_rubric,
    load_target_set,
    rubric_for_year,
    rubric_from_file,
    target_set_from_file,
)
from capaian.rubrics.loader import RUBRIC_DIR


def test_shipped_rubrics_listed_in_year_order():
    assert list_rubrics() == ["levelisasi-2020", "levelisasi-2021", "levelisasi-2022", "levelisasi-2023"]


@pytest.mark.parametrize(
    "year, expected",
    [(2020, "levelisasi-2020"), (2021, "levelisasi-2021"), (2022, "levelisasi-2022"), (2023, "levelisasi-2023"),
     (2026, "levelisasi-2023")],
)
def test_rubric_for_year_is_latest_not_after(year, expected):
    assert rubric_for_year(year).id == expected


def test_no_rubric_before_2020():
    with pytest.raises(CapaianError, match="2019"):
        rubric_for_year(2019)


def test_unknown_rubric_names_the_available_ones():
    with pytest.raises(CapaianError) as err:
        load_rubric("levelisasi-1999")
    assert "levelisasi-2020" in err.value.en_message


def test_2020_rubric_content():
    r = load_rubric("levelisasi-2020")
    assert r.year == 2020 and len(r.indicators) == 9
    assert [i.id for i in r.indicators][:3] == ["ktp_el", "kia", "akta_kelahiran"]
    ktp, kia, akta = (r.indicator(i) for i in ("ktp_el", "kia", "akta_kelahiran"))
    assert (ktp.numerator, ktp.denominator, float(ktp.target.value)) == ("ktp_terekam", "wajib_ktp", 98.0)
    # KIA: the levelisasi threshold is 20 %; the seed's 50 % is a program target (decides nothing)
    assert (kia.numerator, kia.denominator, float(kia.threshold.value)) == ("kia_dimiliki", "anak_lt17", 20.0)
    assert kia.target is kia.threshold
    assert [float(p.value) for p in kia.program_targets] == [50.0]
    assert {s.date for s in kia.threshold.sources} == {"2020-11", "2020-10"}
    assert all(s.publisher and s.quote for s in kia.threshold.sources)
    assert "44,76 persen dari penentuan target 50 persen" in kia.program_targets[0].sources[0].quote
    assert (akta.numerator, akta.denominator, float(akta.target.value)) == ("akta_lahir_dimiliki", "anak_lt18", 92.0)
    kp = r.indicator("kertas_putih")
    assert (kp.kind, kp.fact, kp.comparison, kp.rollup, float(kp.target.value)) == (
        "implementation", "dokumen_kertas_putih", ">=", "all_children", 18.0)
    assert float(r.indicator("pks").target.value) == 1
    assert r.bands.assumption is True
    assert r.age_bounds.wajib_ktp_min_age == 17
    assert r.age_bounds.kia_max_age_exclusive == 17
    assert r.age_bounds.akta_max_age_exclusive == 18
    assert all(t.label.id and t.label.en for t in r.indicators)


def test_2022_and_2023_rubrics():
    r22 = load_rubric("levelisasi-2022")
    assert len(r22.indicators) == 10 and r22.bands.assumption is False
    assert [float(r22.indicator(i).target.value) for i in ("ktp_el", "kia", "akta_kelahiran")] == [99.3, 40, 97]
    assert {s.publisher for s in r22.indicator("kia").threshold.sources} == {"infosumbar.net", "medcom.id", "portalbontang.com"}
    assert "472.12/1242" in r22.indicator("bpp").threshold.source
    assert r22.indicator("bpp").fact == "bpp" and float(r22.indicator("bpp").target.value) == 10
    r23 = load_rubric("levelisasi-2023")
    assert r23.bands.assumption is True
    ikd = r23.indicator("ikd")
    assert (ikd.numerator, ikd.denominator, float(ikd.target.value)) == ("ikd_aktif", "ktp_terekam", 25)
    assert float(r23.indicator("pks").target.value) == 15
    assert float(r23.indicator("akses_data").target.value) == 15
    assert r23.indicator("bpp").fact == "bpp_persen" and float(r23.indicator("bpp").target.value) == 75
    assert float(r23.indicator("inovasi").target.value) == 2
    assert all(s.date == "2023-03-15" for i in r23.indicators for s in i.threshold.sources)


@pytest.mark.parametrize(
    "rubric_id, met, level, label",
    [
        ("levelisasi-2022", 10, 4, "terbaik"), ("levelisasi-2022", 9, 3, "baik"), ("levelisasi-2022", 7, 3, "baik"),
        ("levelisasi-2022", 6, 2, "buruk"), ("levelisasi-2022", 5, 2, "buruk"), ("levelisasi-2022", 4, 1, "terburuk"),
        ("levelisasi-2022", 0, 1, "terburuk"),
        ("levelisasi-2020", 9, 4, "terbaik"), ("levelisasi-2020", 8, 3, "baik"), ("levelisasi-2020", 7, 3, "baik"),
        ("levelisasi-2020", 6, 2, "buruk"), ("levelisasi-2020", 4, 1, "terburuk"),
    ],
)
def test_band_edges(rubric_id, met, level, label):
    band = load_rubric(rubric_id).band_for(met)
    assert band.level == level and band.label.id == label


def test_band_labels_in_english():
    r = load_rubric("levelisasi-2022")
    assert [r.band_of_level(k).label.en for k in (4, 3, 2, 1)] == ["best", "good", "poor", "worst"]
    assert r.next_band(3).level == 4 and r.next_band(4) is None


def test_targets_are_exact_fractions():
    assert load_rubric("levelisasi-2022").indicator("ktp_el").target.fraction == Fraction(993, 10)
    assert load_rubric("levelisasi-2023").indicator("ktp_el").target.fraction == Fraction(497, 5)


def test_rubric_facts_are_known():
    for rid in list_rubrics():
        assert set(load_rubric(rid).facts) <= KNOWN_FACTS


def _write(tmp_path: Path, mutate) -> Path:
    data = yaml.safe_load((RUBRIC_DIR / "levelisasi-2020.yaml").read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "broken-rubric.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _error(path: Path) -> CapaianError:
    with pytest.raises(CapaianError) as err:
        rubric_from_file(path)
    return err.value


def test_missing_denominator_names_file_indicator_and_field(tmp_path):
    path = _write(tmp_path, lambda d: d["indicators"][1].pop("denominator"))
    err = _error(path)
    assert "broken-rubric.yaml" in err.en_message
    assert "indicator 'kia'" in err.en_message and "denominator" in err.en_message
    assert "indikator 'kia'" in err.id_message


def test_unknown_fact_is_rejected(tmp_path):
    path = _write(tmp_path, lambda d: d["indicators"][0].update(numerator="ktp_dicetak"))
    err = _error(path)
    assert "indicator 'ktp_el'" in err.en_message and "numerator" in err.en_message and "ktp_dicetak" in err.en_message


def test_bad_target_value_names_the_field(tmp_path):
    path = _write(tmp_path, lambda d: d["indicators"][2]["threshold"].update(value="banyak"))
    err = _error(path)
    assert "indicator 'akta_kelahiran'" in err.en_message and "threshold.value" in err.en_message


def test_misspelt_field_is_rejected(tmp_path):
    path = _write(tmp_path, lambda d: d["indicators"][3].update(rolup="sum"))
    err = _error(path)
    assert "indicator 'kertas_putih'" in err.en_message and "rolup" in err.en_message


def test_rollup_must_fit_the_kind(tmp_path):
    path = _write(tmp_path, lambda d: d["indicators"][3].update(rollup="sum"))
    assert "rollup" in _error(path).en_message


def test_bands_must_cover_every_count(tmp_path):
    path = _write(tmp_path, lambda d: d["bands"]["levels"][1].update(met_from=8))
    assert "bands" in _error(path).en_message


def test_invalid_yaml_names_the_file(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("id: [unclosed", encoding="utf-8")
    with pytest.raises(CapaianError, match="bad.yaml"):
        rubric_from_file(path)


def test_shipped_target_set():
    assert "kaltim-2022" in list_target_sets()
    ts = load_target_set("kaltim-2022")
    assert (ts.scope, ts.year, float(ts.targets["kia"].value)) == ("64", 2022, 35.0)
    assert ts.covers("64.01") and ts.covers("64.01.01.2001") and not ts.covers("64") and not ts.covers("65.01")


def test_target_set_from_pairs_and_validation(tmp_path):
    ts = TargetSet(id="kaltara-kia", scope="65", year=2020, targets={"kia": (20, "Kemendagri 2020 (other source)")})
    assert ts.targets["kia"].fraction == 20 and ts.targets["kia"].source.startswith("Kemendagri")
    path = tmp_path / "ts.yaml"
    path.write_text("id: x\nscope: '6'\nyear: 2020\ntargets: {kia: {value: 20, source: s}}\n", encoding="utf-8")
    with pytest.raises(CapaianError, match="scope"):
        target_set_from_file(path)


def test_program_targets_only_on_coverage_and_old_target_key_loads(tmp_path):
    path = _write(tmp_path, lambda d: d["indicators"][3].update(program_targets=[{"value": 18, "source": "x"}]))
    err = _error(path)
    assert "indicator 'kertas_putih'" in err.en_message and "program_targets" in err.en_message

    def old_style(d):
        d["indicators"][0]["target"] = d["indicators"][0].pop("threshold")

    rubric = rubric_from_file(_write(tmp_path, old_style))
    assert float(rubric.indicator("ktp_el").threshold.value) == 98
