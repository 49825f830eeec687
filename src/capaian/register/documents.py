"""The designated document types ("18 dokumen") per year, shipped as data (`data/documents-*.yaml`).

No official list is published: the shipped list is an ASSUMPTION (see the YAML file's header).
A year without its own file uses the list of the latest earlier year that has one (and a year
before every list uses the earliest list); a new list is a new file, not new code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from capaian.errors import CapaianError

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built in: ~10x faster


@dataclass(frozen=True)
class DocumentList:
    """The designated document types of some years."""

    years: tuple[int, ...]
    codes: tuple[str, ...]
    names: dict
    status: str  # "assumption" or "official"
    source: str  # file name

    def __len__(self) -> int:
        return len(self.codes)


def document_code(text: str) -> str:
    """Fold a document type name or code to its code: 'Akta Kelahiran' -> 'akta_kelahiran'."""
    return re.sub(r"[^a-z0-9]+", "_", str(text).strip().lower()).strip("_")


@lru_cache(maxsize=None)
def _lists() -> tuple[DocumentList, ...]:
    out = []
    folder = resources.files("capaian.register") / "data"
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if not (entry.name.startswith("documents-") and entry.name.endswith(".yaml")):
            continue
        data = yaml.load(entry.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
        codes = tuple(document_code(d["code"]) for d in data["documents"])
        if len(set(codes)) != len(codes):
            raise CapaianError(
                f"Daftar dokumen {entry.name} memuat kode ganda.",
                f"Document list {entry.name} has duplicate codes.",
            )
        out.append(
            DocumentList(
                years=tuple(int(y) for y in data["years"]),
                codes=codes,
                names={document_code(d["code"]): d["name"] for d in data["documents"]},
                status=str(data.get("status", "assumption")),
                source=entry.name,
            )
        )
    if not out:
        raise CapaianError("Tidak ada daftar dokumen.", "No document list is shipped.")
    return tuple(sorted(out, key=lambda d: min(d.years)))


def document_list(year: int) -> DocumentList:
    """The designated document list in force in `year` (see the module doc for other years)."""
    lists = _lists()
    for item in lists:
        if year in item.years:
            return item
    earlier = [d for d in lists if min(d.years) <= year]
    return max(earlier, key=lambda d: max(d.years)) if earlier else lists[0]


def designated_documents(year: int) -> tuple[str, ...]:
    """Codes of the designated document types of `year` (18 for 2020-2022)."""
    return document_list(year).codes
