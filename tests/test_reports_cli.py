"""`capaian report` (in-process, as a user runs it) and the scope selection and format inference behind it."""

from __future__ import annotations

import io

import openpyxl
import pypdf
import pytest

from capaian.errors import CapaianError
from capaian.reports import FORMATS, build_report, infer_format, resolve_scope
from capaian.runs import pick
from capaian.service import evaluate_cutoff, get_run
from capaian.store import open_store
from cli_support import run_capaian
from web_support import KALTARA, PUBLISHED, SEED_CUTOFF, UNPUBLISHED, fresh_db


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return fresh_db(tmp_path_factory.mktemp("reports-cli"))


def capaian(db, *args: str, check: bool = True):
    """`capaian --db DB ARGS` in-process; stdout and stderr as bytes, as the report tests compare them."""
    ran = run_capaian(db, *args, check=check)
    ran.stdout, ran.stderr = ran.stdout_bytes, ran.stderr.encode()
    return ran


def test_markdown_to_stdout(db):
    out = capaian(db, "report", "--scope", "65", "--cutoff", SEED_CUTOFF, "--format", "md").stdout.decode()
    assert out.startswith("# Kalimantan Utara berada di level 3")
    assert "467.701" in out and "101,93 persen" in out


def test_english_text(db):
    out = capaian(db, "report", "--scope", "65", "--cutoff", SEED_CUTOFF, "--format", "txt", "--lang", "en").stdout
    assert b"467,701" in out and b"101.93 percent" in out
    root = capaian(db, "--lang", "en", "report", "--scope", "65", "--cutoff", SEED_CUTOFF, "--format", "txt").stdout
    assert root == out


def test_workbook_and_pdf_files(db, tmp_path):
    xlsx = tmp_path / "kaltara.xlsx"
    proc = capaian(db, "report", "--scope", "65", "--cutoff", SEED_CUTOFF, "-o", str(xlsx))  # format from suffix
    assert b"run " in proc.stdout
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames[0] == "Ringkasan"
    pdf = tmp_path / "nasional.pdf"
    capaian(db, "report", "--scope", "nasional", "--cutoff", SEED_CUTOFF, "--format", "pdf", "-o", str(pdf))
    text = pypdf.PdfReader(io.BytesIO(pdf.read_bytes())).pages[0].extract_text()
    assert "Nasional (Indonesia)" in text


def test_default_file_name(db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    capaian(db, "report", "--scope", "6571", "--cutoff", SEED_CUTOFF, "--format", "xlsx")
    files = [p.name for p in tmp_path.iterdir()]
    assert len(files) == 1 and files[0].startswith(f"capaian-65.71-kota-tarakan-{SEED_CUTOFF}-run") and files[0].endswith("-id.xlsx")


def test_format_from_the_output_suffix():
    assert infer_format(None, "laporan.PDF") == "pdf"
    assert infer_format(None, "kaltara.xlsx") == "xlsx"
    assert infer_format(None, "-") == "md" and infer_format(None, None) == "md"
    assert infer_format(None, "catatan.docx") == "md"  # unknown suffix: the default
    assert infer_format("TXT", "laporan.pdf") == "txt"  # --format wins over the suffix
    with pytest.raises(CapaianError, match="docx"):
        infer_format("docx", None)


def test_errors_are_one_line(db):
    bad_scope = capaian(db, "report", "--scope", "99", "--cutoff", SEED_CUTOFF, check=False)
    assert bad_scope.returncode == 1
    assert b"Wilayah 99 tidak ada" in bad_scope.stderr and b"Traceback" not in bad_scope.stderr
    bad_format = capaian(db, "report", "--scope", "65", "--cutoff", SEED_CUTOFF, "--format", "docx", check=False)
    assert bad_format.returncode == 1 and b"docx" in bad_format.stderr and b"Traceback" not in bad_format.stderr
    # without --cutoff: the newest published cut-off, as for `explain` (issue 23)
    newest = capaian(db, "report", "--scope", "65", "--format", "txt")
    assert newest.returncode == 0 and f"Cut-off {PUBLISHED[-1]}".encode() in newest.stdout


# -- library --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def store(db):
    s = open_store(db)
    yield s
    s.close()


def test_scopes(store):
    view, _ = pick(store, cutoff=SEED_CUTOFF)
    for text in ("ID", "id", "nasional", "national", "", None):
        scope = resolve_scope(view, text)
        assert (scope.code, scope.tier, scope.slug) == ("ID", "national", "nasional")
    province = resolve_scope(view, "65")
    assert (province.tier, province.name, province.title("id")) == ("province", "Kalimantan Utara",
                                                                     "Provinsi Kalimantan Utara")
    rows = province.regions(view)
    assert list(rows["region_code"])[0] == "65" and set(rows["region_code"]) == {"65", *KALTARA}
    regency = resolve_scope(view, "6571")
    assert (regency.code, regency.tier, regency.name) == ("65.71", "regency", "Kota Tarakan")
    assert list(regency.regions(view)["region_code"])[0] == "65.71"
    assert list(regency.indicators(view)["indicator"])[:9] == [i.id for i in view.rubric.indicators]
    national = resolve_scope(view, "ID").regions(view)
    assert list(national["tier"].drop_duplicates()) == ["national", "province", "regency"]
    with pytest.raises(CapaianError):
        resolve_scope(view, "99")
    with pytest.raises(CapaianError):
        resolve_scope(view, "65.x")
    malinau_district = view.regions[view.regions["tier"] == "district"]["region_code"].iloc[0]
    with pytest.raises(CapaianError, match="kabupaten/kota"):
        resolve_scope(view, malinau_district)


def test_build_report_names_its_run(store):
    published = build_report(store, "65", SEED_CUTOFF, "md")
    assert published.media_type == FORMATS["md"] and published.cutoff == SEED_CUTOFF
    assert f"run {published.run_id}" in published.text
    assert published.filename == f"capaian-65-kalimantan-utara-{SEED_CUTOFF}-run{published.run_id}-internal-id.md"
    with pytest.raises(CapaianError):
        build_report(store, "65", UNPUBLISHED, "md")
    provisional = build_report(store, "65", UNPUBLISHED, "md", draft=True)
    assert "belum diterbitkan" in provisional.text
    by_id = build_report(store, "65", None, "txt", run_id=published.run_id)
    assert by_id.run_id == published.run_id
    with pytest.raises(CapaianError):
        build_report(store, "65", SEED_CUTOFF, "docx")


def test_regional_target_set_on_the_demo(demo_db_copy):
    """A run with a regional target set (Kaltim 2022 example): reports name the set and its target."""
    from capaian.rubrics import load_target_set

    store = open_store(demo_db_copy)
    try:
        kaltim = (load_target_set("kaltim-2022"),)
        made = evaluate_cutoff(store, "2022-06-H1", target_sets=kaltim)
        national = build_report(store, "64.01", "2022-06-H1", "md", draft=True)
        assert national.run_id != made.run_id  # a regional set's run only when that set is asked for
        report = build_report(store, "64.01", "2022-06-H1", "md", draft=True, target_set="kaltim-2022")
        assert report.run_id == made.run_id
        view = get_run(store, run_id=report.run_id)
        assert view.meta["target_set"] == "kaltim-2022"
        assert "target daerah (kaltim-2022) 35 persen" in report.text
        pdf = build_report(store, "64.01", "2022-06-H1", "pdf", draft=True, target_set="kaltim-2022")
        assert pdf.run_id == report.run_id
    finally:
        store.close()
