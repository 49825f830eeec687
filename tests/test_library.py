"""Rubrics and denominator bases as data the national team adds (`capaian rubric ...`, `capaian base ...`).

The done-when of issue 20: a 2025 rubric (KIA 60 %) drafted with `rubric new`, checked and imported,
`base add dkb-2024-s2`, then a 2025-06-H1 file naming dkb-2024-s2 is accepted and evaluated against
KIA 60 %.
"""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from cli_support import run_capaian

KIA_60 = {"value": 60, "source": "KIA 2025 target 60 %",
          "sources": [{"publisher": "Ditjen Dukcapil, via press", "date": "2025-01",
                       "quote": "target kepemilikan KIA 60 persen"}]}

# Kaltara at 2025-06-H1: Bulungan's KIA is 55 % (met at the 2023 threshold of 50 %, not at 60 %)
SUBMISSION = """kode_wilayah,cutoff,basis_penyebut,wajib_ktp,ktp_terekam,anak_lt17,kia_dimiliki,anak_lt18,akta_lahir_dimiliki,ikd_aktif,layanan_online,layanan_terintegrasi,pks,akses_data,bpp_persen,inovasi
65.01,2025-06-H1,dkb-2024-s2,100000,99500,40000,22000,43000,42200,30000,1,1,15,15,80,2
65.02,2025-06-H1,dkb-2024-s2,60000,59800,20000,13000,21000,20700,16000,1,1,15,15,80,2
65.03,2025-06-H1,dkb-2024-s2,150000,149500,60000,37000,64000,63000,40000,1,1,15,15,80,2
65.04,2025-06-H1,dkb-2024-s2,20000,19950,8000,4700,8500,8400,5200,1,1,15,15,80,2
65.71,2025-06-H1,dkb-2024-s2,180000,179900,70000,43000,75000,74000,50000,1,1,15,15,80,2
"""


def _draft(db, tmp_path):
    path = tmp_path / "levelisasi-2025.yaml"
    ran = run_capaian(db, "rubric", "new", "--from", "levelisasi-2023", "--year", "2025", "-o", str(path))
    assert path.exists() and "rubric check" in ran.stdout
    return path


def _with_kia_60(draft, tmp_path):
    data = yaml.safe_load(draft.read_text(encoding="utf-8"))
    kia = next(i for i in data["indicators"] if i["id"] == "kia")
    assert kia["threshold"]["value"] == 50 and kia["threshold"]["assumption"] is True  # copied, marked
    kia["threshold"] = KIA_60
    path = tmp_path / "r25.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "lib.duckdb"
    run_capaian(path, "db", "init")
    return path


def test_2025_rubric_and_base_added_then_a_2025_file_is_evaluated_against_kia_60(db, tmp_path):
    draft = _draft(db, tmp_path)
    text = draft.read_text(encoding="utf-8")
    assert "id: levelisasi-2025" in text and "effective_from: 2025-01-01" in text
    rubric = _with_kia_60(draft, tmp_path)
    assert "valid (levelisasi-2025)" in run_capaian(db, "--lang", "en", "rubric", "check", str(rubric)).stdout
    assert "levelisasi-2025 version 1 stored" in run_capaian(db, "--lang", "en", "rubric", "import", str(rubric)).stdout
    assert "version 1 unchanged" in run_capaian(db, "--lang", "en", "rubric", "import", str(rubric)).stdout
    listed = run_capaian(db, "rubric", "list").stdout
    assert "levelisasi-2025" in listed and "stored v1" in listed and "levelisasi-2020" in listed
    shown = run_capaian(db, "--lang", "en", "rubric", "show", "levelisasi-2025").stdout
    assert "kia: 60 %" in shown and "target kepemilikan KIA 60 persen" in shown
    assert "ktp_el: 99.4 % [assumption]" in shown  # copied from 2023, not yet sourced

    added = run_capaian(db, "--lang", "en", "base", "add", "dkb-2024-s2", "--population-date", "2024-06-30",
                        "--in-force", "2024-09-01", "--source", "Ditjen Dukcapil", "--assumption").stdout
    assert "dkb-2024-s2 version 1 stored" in added and "in force from" in added

    template = tmp_path / "t.csv"
    run_capaian(db, "template", "submission", "--cutoff", "2025-06-H1", "--region", "65", "-o", str(template))
    assert set(pd.read_csv(template)["basis_penyebut"]) == {"dkb-2024-s2"}  # the base in force, pre-filled

    sub = tmp_path / "kaltara-2025-06-H1.csv"
    sub.write_text(SUBMISSION, encoding="utf-8")
    run_capaian(db, "import", "submission", str(sub))
    run_capaian(db, "evaluate", "--cutoff", "2025-06-H1")
    out = run_capaian(db, "--lang", "en", "explain", "65", "--cutoff", "2025-06-H1", "--draft").stdout
    assert "Rubric: levelisasi-2025" in out and "DKB Semester II 2024" in out
    assert "KIA: 60.45 % (119,700 of 198,000; target 60 %)" in out

    from capaian.service import evaluate_cutoff
    from capaian.store import open_store

    with open_store(db) as store:
        run = evaluate_cutoff(store, "2025-06-H1")
        kia = run.indicators[(run.indicators["indicator"] == "kia")].set_index("region_code")
    assert run.meta["rubric"] == "levelisasi-2025"
    assert float(kia.loc["65.01", "target"]) == 60 and kia.loc["65.01", "value"] == pytest.approx(55.0)
    assert kia.loc["65.01", "status"] == "not_met"  # 55 % meets 2023's 50 %, not 2025's 60 %
    assert kia.loc["65", "status"] == "met" and kia.loc["65", "denominator_base"] == "dkb-2024-s2"


def test_rubric_check_names_every_error_with_its_line(db, tmp_path):
    text = _draft(db, tmp_path).read_text(encoding="utf-8")
    text = text.replace("effective_to: 2025-12-31", "effective_to: 2024-12-31")
    text = text.replace("numerator: kia_dimiliki", "numerator: kia_punya")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    ran = run_capaian(db, "rubric", "check", str(bad), check=False)
    assert ran.returncode == 1
    errors = ran.stderr.strip().splitlines()
    assert len(errors) == 2
    want = {lines.index("effective_to: 2024-12-31") + 1: "before the start",
            next(i for i, line in enumerate(lines) if "kia_punya" in line) + 1: "unknown fact 'kia_punya'"}
    for (line, message), error in zip(sorted(want.items()), errors):
        assert error.startswith(f"bad.yaml:{line}: ") and message in error


def test_an_unsourced_threshold_is_refused_unless_marked_an_assumption(db, tmp_path):
    data = yaml.safe_load(_draft(db, tmp_path).read_text(encoding="utf-8"))
    kia = next(i for i in data["indicators"] if i["id"] == "kia")
    kia["threshold"] = {"value": 60, "source": "said somewhere"}
    path = tmp_path / "unsourced.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    ran = run_capaian(db, "rubric", "import", str(path), check=False)
    line = path.read_text().splitlines().index("    value: 60") + 1
    assert ran.returncode == 1 and f"unsourced.yaml:{line - 1}" in ran.stderr or f"unsourced.yaml:{line}" in ran.stderr
    assert "needs `sources`" in ran.stderr and "levelisasi-2025" not in run_capaian(db, "rubric", "list").stdout


def test_a_built_in_rubric_or_base_is_not_replaced(db, tmp_path):
    from capaian.rubrics.loader import RUBRIC_DIR

    ran = run_capaian(db, "rubric", "import", str(RUBRIC_DIR / "levelisasi-2022.yaml"), check=False)
    assert ran.returncode == 1 and "built-in" in ran.stderr
    ran = run_capaian(db, "base", "add", "dkb-2023-s1", "--population-date", "2023-06-30", "--in-force",
                      "2023-09-01", "--source", "x", check=False)
    assert ran.returncode == 1 and "built-in" in ran.stderr


def test_a_new_rubric_version_is_audited_and_a_mid_year_rubric_takes_over(db, tmp_path):
    from capaian.rubrics import rubric_for
    from capaian.store import open_store

    rubric = _with_kia_60(_draft(db, tmp_path), tmp_path)
    run_capaian(db, "rubric", "import", str(rubric))
    data = yaml.safe_load(rubric.read_text(encoding="utf-8"))
    data.update(id="levelisasi-2025-b", effective_from="2025-07-01")
    next(i for i in data["indicators"] if i["id"] == "kia")["threshold"]["value"] = 65
    later = tmp_path / "r25b.yaml"
    later.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    run_capaian(db, "rubric", "import", str(later))
    data["label"]["en"] += " (revised)"
    later.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert "version 2 stored" in run_capaian(db, "--lang", "en", "rubric", "import", str(later)).stdout
    with open_store(db) as store:
        assert rubric_for("2025-06-H2").id == "levelisasi-2025"
        assert rubric_for("2025-07-H1").id == "levelisasi-2025-b"
        assert rubric_for("2025-07-H1").indicator("kia").threshold.value == 65
        audit = store.list_audit(action="library_import")
        assert list(audit["object"]) == ["rubric:levelisasi-2025", "rubric:levelisasi-2025-b",
                                         "rubric:levelisasi-2025-b"]
        assert list(store.library_versions("rubric", "levelisasi-2025-b")["version"]) == [1, 2]


def test_base_import_keeps_a_dkb_release_per_region_and_names_bad_rows(db, tmp_path):
    run_capaian(db, "base", "add", "dkb-2024-s2", "--population-date", "2024-06-30", "--in-force", "2024-09-01",
                "--source", "Ditjen Dukcapil", "--url", "https://dukcapil.kemendagri.go.id", "--source-date", "2024-08")
    bad = tmp_path / "dkb-bad.csv"
    bad.write_text("kode_wilayah,wajib_ktp,anak_lt17\n65.01,100000,40000\n99.99,5,5\n65.02,12x,4\n", encoding="utf-8")
    ran = run_capaian(db, "base", "import", str(bad), "--base", "dkb-2024-s2", check=False)
    assert ran.returncode == 1
    assert "row 3, column kode_wilayah" in ran.stderr and "row 4, column wajib_ktp" in ran.stderr
    good = tmp_path / "dkb.csv"
    good.write_text("kode_wilayah,wajib_ktp,anak_lt17,anak_lt18\n65.01,100000,40000,43000\n6502,60000,20000,21000\n",
                    encoding="utf-8")
    out = run_capaian(db, "--lang", "en", "base", "import", str(good), "--base", "dkb-2024-s2").stdout
    assert "version 2: 6 denominators stored" in out
    from capaian.store import open_store

    with open_store(db) as store:
        dens = store.base_denominators("dkb-2024-s2").set_index(["region_code", "fact"])["value"]
    assert dens[("65.02", "anak_lt18")] == 21000 and len(dens) == 6


def test_stored_records_on_both_backends(store_target, tmp_path):
    from capaian.bases import DenominatorBase, base_for, get_base
    from capaian.library import add_base, draft_rubric, import_rubric
    from capaian.rubrics import load_rubric
    from capaian.store import open_store

    if store_target == ":memory:":
        store_target = str(tmp_path / "both.duckdb")  # opened twice
    path = tmp_path / "r.yaml"
    path.write_text(draft_rubric("levelisasi-2023", 2026), encoding="utf-8")
    with open_store(store_target) as store:
        import_rubric(store, path, actor="pusat")
        add_base(store, DenominatorBase(id="dkb-2025-s1", label={"id": "DKB Semester I 2025", "en": "DKB Semester I 2025"},
                                        population_as_of="2025-06-30", in_force_from="2025-09-01", source="Ditjen Dukcapil"),
                 actor="pusat")
    with open_store(store_target) as store:  # a fresh process-like open reads them back
        assert load_rubric("levelisasi-2026").year == 2026
        assert get_base("dkb-2025-s1").population_as_of.isoformat() == "2025-06-30"
        assert base_for("2026-01-H1").id == "dkb-2025-s1"
        assert len(store.list_audit(action="library_import")) == 2


def test_a_file_naming_an_older_known_base_is_accepted_evaluated_on_it_and_the_difference_shown(db, tmp_path):
    run_capaian(db, "rubric", "import", str(_with_kia_60(_draft(db, tmp_path), tmp_path)))
    run_capaian(db, "base", "add", "dkb-2024-s2", "--population-date", "2024-06-30", "--in-force", "2024-09-01",
                "--source", "Ditjen Dukcapil")
    release = tmp_path / "dkb-2024-s2.csv"
    release.write_text("kode_wilayah,wajib_ktp,anak_lt17,anak_lt18\n65.01,101000,41000,44000\n", encoding="utf-8")
    run_capaian(db, "base", "import", str(release), "--base", "dkb-2024-s2")
    sub = tmp_path / "older.csv"
    sub.write_text(SUBMISSION.replace("dkb-2024-s2", "dkb-2023-s1"), encoding="utf-8")
    run_capaian(db, "import", "submission", str(sub))  # accepted, not refused as wrong_base
    run_capaian(db, "evaluate", "--cutoff", "2025-06-H1")
    out = run_capaian(db, "--lang", "en", "explain", "65.01", "--cutoff", "2025-06-H1", "--draft").stdout
    assert "DKB Semester I 2023" in out and "named by the office; the base in force is DKB Semester II 2024" in out
    assert "KIA 53.66 %" in out  # 22,000 over the in-force release's 41,000 children
    assert "KIA: 55.00 % (22,000 of 40,000" in out  # evaluated on the base the office named
    from capaian.service import evaluate_cutoff
    from capaian.store import open_store

    with open_store(db) as store:
        rows = evaluate_cutoff(store, "2025-06-H1").indicators
    kia = rows[rows["indicator"] == "kia"].set_index("region_code")
    assert kia.loc["65.01", "denominator_base"] == "dkb-2023-s1" and kia.loc["65.01", "base_in_force"] == "dkb-2024-s2"
    assert "65.01 dkb-2023-s1" in kia.loc["65", "bases_below"]


def test_an_unknown_or_later_base_is_refused(db, tmp_path):
    from capaian.intake import validate_submission

    path = tmp_path / "bases.csv"
    path.write_text("kode_wilayah,cutoff,basis_penyebut,wajib_ktp,ktp_terekam\n"
                    "65.01,2020-11-H2,dkb-2020-s1,100,99\n"
                    "65.02,2020-11-H2,dkb-2099-s1,100,99\n"
                    "65.03,2020-11-H2,dkb-2021-s1,100,99\n", encoding="utf-8")
    report = validate_submission(path)
    assert {(p.row, p.rule) for p in report.problems} == {(3, "unknown_base"), (4, "wrong_base")}
    assert "capaian base add" in next(p for p in report.problems if p.rule == "unknown_base").message_en


def test_2021_has_its_own_rubric_from_public_quotes_each_threshold_an_assumption():
    from capaian.library import check_rubric_text
    from capaian.rubrics import rubric_for
    from capaian.rubrics.loader import RUBRIC_DIR

    rubric = rubric_for("2021-06-H1")
    assert rubric.id == "levelisasi-2021"
    values = {i.id: float(i.threshold.value) for i in rubric.indicators}
    assert (values["ktp_el"], values["kia"], values["akta_kelahiran"]) == (99, 30, 95)
    assert all(i.threshold.assumption and i.threshold.source for i in rubric.indicators)
    kia = rubric.indicator("kia").threshold.sources[0]
    assert "Kalimantan Timur" in kia.publisher and kia.assumption and "30" in kia.quote
    path = RUBRIC_DIR / "levelisasi-2021.yaml"
    assert check_rubric_text(path.read_text(encoding="utf-8"), path.name)[1] == []


def test_a_cutoff_without_a_rubric_in_force_is_refused_naming_the_fix(db, tmp_path):
    sub = tmp_path / "s.csv"
    sub.write_text(SUBMISSION, encoding="utf-8")
    run_capaian(db, "base", "add", "dkb-2024-s2", "--population-date", "2024-06-30", "--in-force", "2024-09-01",
                "--source", "Ditjen Dukcapil")
    run_capaian(db, "import", "submission", str(sub))
    ran = run_capaian(db, "--lang", "en", "evaluate", "--cutoff", "2025-06-H1", check=False)
    assert ran.returncode == 1 and len(ran.stderr.strip().splitlines()) == 1
    assert "No rubric is in force on cut-off 2025-06-H1" in ran.stderr
    assert "capaian rubric new --from levelisasi-2023 --year 2025" in ran.stderr
    # a rubric chosen by hand for another year is used, with one line saying so
    ran = run_capaian(db, "--lang", "en", "evaluate", "--cutoff", "2025-06-H1", "--rubric", "levelisasi-2023")
    warnings = [line for line in ran.stderr.splitlines() if line.strip()]
    assert len(warnings) == 2  # the rubric, and the base past its successor (2024-12-31, in force 2025-03)
    assert warnings[0].startswith("Warning: rubric levelisasi-2023 is in force 2023-01-01 to 2023-12-31, not on cut-off 2025-06-H1")
    assert "dkb-2024-s2 (population as of 2024-06-30) is past its expected successor" in warnings[1]
    assert "capaian base add dkb-2024-12-31 --population-date 2024-12-31" in warnings[1]  # s2 is taken


def test_a_rubric_of_another_year_and_an_old_base_warn_in_one_line_each(tmp_path):
    from capaian.library import base_warning, rubric_problem

    assert rubric_problem("2022-06-H1", "levelisasi-2022") is None
    warning = rubric_problem("2022-06-H1", "levelisasi-2023").text("en")
    assert "not on cut-off 2022-06-H1; in force: levelisasi-2022" in warning and "\n" not in warning
    assert base_warning("2023-11-H1") is None  # dkb-2023-s1 is the newest expected
    late = base_warning("2025-06-H1").text("en")
    assert "dkb-2023-s1" in late and "capaian base add dkb-2023-s2 --population-date 2023-12-31" in late


def test_a_target_set_added_to_the_store_is_used_by_evaluate(db, tmp_path):
    run_capaian(db, "rubric", "import", str(_with_kia_60(_draft(db, tmp_path), tmp_path)))
    run_capaian(db, "base", "add", "dkb-2024-s2", "--population-date", "2024-06-30", "--in-force", "2024-09-01",
                "--source", "Ditjen Dukcapil")
    sub = tmp_path / "s.csv"
    sub.write_text(SUBMISSION, encoding="utf-8")
    run_capaian(db, "import", "submission", str(sub))
    regional = tmp_path / "kaltara-2025.yaml"
    regional.write_text(yaml.safe_dump({
        "id": "kaltara-2025", "scope": "65", "year": 2025,
        "targets": {"kia": {"value": 55, "source": "Disdukcapil Kaltara regional target 2025 (test)"}}}), encoding="utf-8")
    assert "kaltara-2025 version 1 stored" in run_capaian(
        db, "--lang", "en", "rubric", "import", "--target-set", str(regional)).stdout
    out = run_capaian(db, "--lang", "en", "evaluate", "--cutoff", "2025-06-H1", "--tier", "regency",
                      "--province", "65", "--target-set", "kaltara-2025", "--format", "json").stdout
    import json

    rows = {(r["code"], ind): cell for r in json.loads(out)["regions"] for ind, cell in r["indicators"].items()}
    assert rows[("65.01", "kia")]["target"] == 55 and rows[("65.01", "kia")]["met"] is True  # 55 % meets 55 %
