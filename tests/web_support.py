"""A small real store for the web tests, built once per test process through the real pieces.

Two provinces submit through `capaian.intake` (Kalimantan Utara 65 with the seed's totals at
2020-11-H1, Kalimantan Timur 64), three villages of Malinau (65.02) get register-style facts for
the outreach list, and three cut-offs are evaluated with `capaian.service`:
2020-10-H2 and 2020-11-H1 published, 2020-11-H2 not.

Kaltara at 2020-11-H1: KTP-el 467,701 / 458,845 (101.93 %), KIA 91,763 / 205,011 (44.76 %),
akta 218,142 / 226,735 (96.21 %); one regency (Tana Tidung) still prints on coloured paper, so
8 of 9 indicators are met (KIA meets the 20 % levelisasi threshold; 50 % is a program target):
level 3, and the path to level 4 is white paper in Tana Tidung.
"""

from __future__ import annotations

import atexit
import functools
import re
import shutil
import tempfile
from pathlib import Path

import pandas as pd

PUBLISHED = ("2020-10-H2", "2020-11-H1")
UNPUBLISHED = "2020-11-H2"
CUTOFFS = (*PUBLISHED, UNPUBLISHED)
SEED_CUTOFF = "2020-11-H1"
PASSWORD = "rahasia-123"

# Kaltara regencies: shares of the province totals (sum 1).
KALTARA = {
    "65.01": 0.26,  # Bulungan
    "65.02": 0.18,  # Malinau: coverage facts from villages (register path), see below
    "65.03": 0.26,  # Nunukan
    "65.04": 0.05,  # Tana Tidung
    "65.71": 0.25,  # Tarakan
}
MALINAU = "65.02"
TANA_TIDUNG = "65.04"
SEED = {  # fact: province total at the seed cut-off
    "ktp_terekam": 467_701, "wajib_ktp": 458_845,
    "kia_dimiliki": 91_763, "anak_lt17": 205_011,
    "akta_lahir_dimiliki": 218_142, "anak_lt18": 226_735,
}
IMPLEMENTATION = {
    "dokumen_kertas_putih": 18, "dokumen_tte": 18, "layanan_online": 1, "layanan_terintegrasi": 1,
    "pks": 15, "akses_data": 15,
}
# Kalimantan Timur, KIA as of 15 June 2021 (domain brief) reused as plain test numbers.
KALTIM = {
    "64.01": (86_085, 53_614), "64.02": (239_563, 53_864), "64.03": (81_273, 41_405),
    "64.07": (50_845, 16_502), "64.08": (133_155, 52_269), "64.09": (57_466, 38_734),
    "64.11": (10_035, 7_651), "64.71": (209_687, 119_780), "64.72": (248_415, 84_068),
    "64.74": (58_324, 31_206),
}
GROWTH = {"2020-10-H2": 0.985, "2020-11-H1": 1.0, "2020-11-H2": 1.004}


def _split(total: int, shares: dict[str, float]) -> dict[str, int]:
    codes = list(shares)
    out = {c: int(round(total * shares[c])) for c in codes[:-1]}
    out[codes[-1]] = total - sum(out.values())
    return out


def kaltara_rows(cutoff: str) -> tuple[list[dict], dict[str, int]]:
    """Submission rows of Kaltara (Malinau without coverage facts) and Malinau's coverage totals."""
    g = GROWTH[cutoff]
    split = {fact: _split(int(round(v * (g if fact in ("ktp_terekam", "kia_dimiliki", "akta_lahir_dimiliki") else 1))), KALTARA)
             for fact, v in SEED.items()}
    rows = []
    for code in KALTARA:
        row = {"kode_wilayah": code, "cutoff": cutoff}
        if code != MALINAU:
            row.update({fact: split[fact][code] for fact in SEED})
        row.update(IMPLEMENTATION)
        if code == TANA_TIDUNG:
            row["dokumen_kertas_putih"] = 12  # still printing some documents the old way
        rows.append(row)
    return rows, {fact: split[fact][MALINAU] for fact in SEED}


def kaltim_rows(cutoff: str) -> list[dict]:
    g = GROWTH[cutoff]
    rows = []
    for i, (code, (children, kia)) in enumerate(KALTIM.items()):
        adults = children * 2
        row = {
            "kode_wilayah": code, "cutoff": cutoff,
            "wajib_ktp": adults, "ktp_terekam": int(adults * (0.97 + 0.004 * i) * g),
            "anak_lt17": children, "kia_dimiliki": int(kia * g),
            "anak_lt18": int(children * 1.08), "akta_lahir_dimiliki": int(children * 1.08 * (0.9 + 0.008 * i)),
        }
        row.update(IMPLEMENTATION)
        if code == "64.11":
            row["layanan_online"] = 0
        rows.append(row)
    return rows


def malinau_villages(totals: dict[str, int], cutoff: str) -> pd.DataFrame:
    """Malinau's coverage facts spread over three of its villages (the register path's level)."""
    from capaian.regions import get_hierarchy

    hierarchy = get_hierarchy("2020")
    villages = []
    for district in hierarchy.children(MALINAU):
        kids = hierarchy.children(district.code)
        if kids:
            villages.append(kids[0].code)
        if len(villages) == 3:
            break
    shares = dict(zip(villages, (0.5, 0.3, 0.2)))
    records = []
    for fact, total in totals.items():
        parts = _split(total, shares)
        for code, value in parts.items():
            records.append({"region_code": code, "cutoff": cutoff, "fact": fact, "value": float(value)})
    frame = pd.DataFrame(records)
    # make the villages differ in what they lack: the last village has few KIA holders
    last = villages[-1]
    mask = (frame["region_code"] == last) & (frame["fact"] == "kia_dimiliki")
    moved = float(frame.loc[mask, "value"].iloc[0]) * 0.5
    frame.loc[mask, "value"] -= moved
    first = (frame["region_code"] == villages[0]) & (frame["fact"] == "kia_dimiliki")
    frame.loc[first, "value"] += moved
    return frame


def _write_csv(rows: list[dict], path: Path) -> Path:
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


@functools.lru_cache(maxsize=1)
def template_db() -> Path:
    """Build the test store once per process; returns its file (copy it before writing: `fresh_db`,
    or the `small_store` / `app` fixtures of conftest.py)."""
    from capaian.accounts import add_user
    from capaian.intake import import_submission
    from capaian.service import evaluate_cutoff
    from capaian.store import open_store

    tmp = Path(tempfile.mkdtemp(prefix="capaian-webtest-"))
    atexit.register(shutil.rmtree, tmp, ignore_errors=True)  # the template lives as long as the process
    db = tmp / "template.duckdb"
    store = open_store(db)
    for cutoff in CUTOFFS:
        rows, malinau = kaltara_rows(cutoff)
        import_submission(store, _write_csv(rows, tmp / f"kaltara-{cutoff}.csv"), actor="op65", operator_scope="65")
        import_submission(store, _write_csv(kaltim_rows(cutoff), tmp / f"kaltim-{cutoff}.csv"), actor="op64",
                          operator_scope="64")
        store.write_facts(malinau_villages(malinau, cutoff), source="register:test", actor="test")
        view = evaluate_cutoff(store, cutoff, actor="test")
        if cutoff in PUBLISHED:
            store.publish_run(view.run_id, "test")
    add_user(store, "nasional", PASSWORD, "national")
    add_user(store, "kaltara", PASSWORD, "province", "65", lang="id")
    add_user(store, "kaltim", PASSWORD, "province", "64", lang="en")
    add_user(store, "malinau", PASSWORD, "regency", MALINAU)
    add_user(store, "tarakan", PASSWORD, "regency", "65.71")
    store.close()
    return db


def fresh_db(directory: Path) -> Path:
    """A private copy of the template store."""
    Path(directory).mkdir(parents=True, exist_ok=True)
    target = Path(directory) / "capaian.duckdb"
    shutil.copy(template_db(), target)
    return target


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf-token" content="([^"]*)"', html)
    assert match, "no CSRF token in page"
    return match.group(1)


def login(client, name: str, password: str = PASSWORD):
    page = client.get("/masuk")
    return client.post(
        "/masuk", data={"name": name, "password": password, "csrf_token": csrf_of(page.text), "next": "/nasional"},
        follow_redirects=False,
    )


def run_async(main, *args):
    """`anyio.run(main, *args)` on a thread of its own.

    The browser tests' session-wide Playwright (sync API) keeps an event loop running on the main
    thread, so a plain `asyncio.run`/`anyio.run` there fails with "already running" depending on
    which tests ran before.
    """
    import anyio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(anyio.run, main, *args).result()
