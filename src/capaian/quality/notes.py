"""Notes on data-quality flags: a national user marks a flag as explained, with a note. Notes are
kept in the store (`quality_notes`, newest wins) and every one is audited (`flag_explained`)."""

from __future__ import annotations

from capaian.errors import CapaianError
from capaian.store.core import utcnow

MAX_NOTE = 2000


def explain_flag(store, key: str, note: str, actor: str) -> None:
    """Store `note` for the flag `key` by `actor` and audit it (the caller checked the access rule)."""
    note = (note or "").strip()
    if not note:
        raise CapaianError("Catatan penjelasan kosong: tulis mengapa angka ini wajar.",
                           "The explanation note is empty: write why this figure is sound.")
    if len(note) > MAX_NOTE:
        raise CapaianError(f"Catatan terlalu panjang ({len(note)} karakter; paling banyak {MAX_NOTE}).",
                           f"The note is too long ({len(note)} characters; at most {MAX_NOTE}).")
    parts = (key or "").split("|")
    if len(parts) != 4 or not all(parts):
        raise CapaianError(f"Kunci tanda {key!r} tidak sah (jenis|cut-off|wilayah|indikator).",
                           f"Flag key {key!r} is not valid (type|cut-off|region|indicator).")
    with store.transaction():
        store.con.execute("INSERT INTO quality_notes VALUES (?, ?, ?, ?)", [key, note, actor, utcnow()])
        store.audit(actor, "flag_explained", key, {"note": note})


def notes(store) -> dict:
    """The newest note of every explained flag: key -> {note, actor, at}."""
    frame = store.query_df('SELECT flag_key, note, actor, "at" FROM quality_notes ORDER BY "at"')
    return {r["flag_key"]: {"note": r["note"], "actor": r["actor"], "at": str(r["at"])}
            for r in frame.to_dict("records")}


def attach(flags, found: dict):
    """The flags with their notes (`Flag.explained`) set: copies where that changes a flag, the
    flag itself where not (most have no note; a copy of each of a run's 2,500 flags took ~0.1 s)."""
    from dataclasses import replace

    out = []
    for flag in flags:
        note = found.get(flag.key) if found else None
        out.append(flag if note is None and flag.explained is None else replace(flag, explained=note))
    return out
