"""Problems found in a submission file, reported all at once, in Indonesian and English.

Every problem is counted by its rule; the first `MAX_LISTED_PROBLEMS` are kept with their place
and value (a 50 MB file of garbage must not become half a million lines).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

from capaian.errors import CapaianError

MAX_LISTED_PROBLEMS = 200


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: where (file, row, column, value), what is expected, why."""

    file: str
    rule: str
    message_id: str
    message_en: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    expected_id: str | None = None
    expected_en: str | None = None

    def where(self, lang: str = "id") -> str:
        row_word, col_word = ("baris", "kolom") if lang == "id" else ("row", "column")
        parts = [self.file]
        if self.row is not None:
            parts.append(f"{row_word} {self.row}")
        if self.column:
            parts.append(f"{col_word} {self.column}")
        return ", ".join(parts)

    def text(self, lang: str | None = None) -> str:
        """One line: place, value, message and expected form (both languages unless `lang`)."""

        def one(lang_: str) -> str:
            message = self.message_id if lang_ == "id" else self.message_en
            expected = self.expected_id if lang_ == "id" else self.expected_en
            value_word, exp_word = ("nilai", "seharusnya") if lang_ == "id" else ("value", "expected")
            out = f"{self.where(lang_)}: {message}"
            if self.value is not None:
                out += f" ({value_word} {self.value!r})"
            if expected:
                out += f" [{exp_word}: {expected}]"
            return out

        if lang in ("id", "en"):
            return one(lang)
        return f"{one('id')} / {self.message_en}"

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class ValidationReport:
    """Result of `validate_submission`: the problems and, when there are none, the rows."""

    file: str
    problems: list[Problem] = field(default_factory=list)
    cutoff: str | None = None
    columns: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)
    # (row number, region code, {fact: value}) of the rows that parsed cleanly
    rows: list[tuple[int, str, dict]] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)  # rule -> problems, listed or not
    sheet: str | None = None
    bases: dict[str, str] = field(default_factory=dict)  # region code -> the denominator base its row names

    @property
    def ok(self) -> bool:
        return not self.counts

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def unlisted(self) -> int:
        return self.total - len(self.problems)

    def add(self, rule: str, message_id: str, message_en: str, **where) -> None:
        self.counts[rule] += 1
        if len(self.problems) < MAX_LISTED_PROBLEMS:
            self.problems.append(Problem(self.file, rule, message_id, message_en, **where))

    def rules(self) -> set[str]:
        return set(self.counts)

    def counts_text(self, lang: str | None = None) -> str:
        """`N problems (rule: n, ...)`, with `of which M not listed` when the list was cut."""
        kinds = ", ".join(f"{rule}: {n}" for rule, n in self.counts.most_common())

        def one(lang_: str) -> str:
            if lang_ == "id":
                out = f"{self.total} masalah ({kinds})"
                return out + (f"; {self.unlisted} tidak dicantumkan" if self.unlisted else "")
            out = f"{self.total} problems ({kinds})"
            return out + (f"; {self.unlisted} not listed" if self.unlisted else "")

        return one(lang) if lang in ("id", "en") else f"{one('id')} / {one('en')}"

    def text(self, lang: str | None = None) -> str:
        lines = [p.text(lang) for p in self.problems]
        if self.unlisted:
            lines.append(self.counts_text(lang))
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {
            "file": self.file,
            "ok": self.ok,
            "cutoff": self.cutoff,
            "facts": self.facts,
            "rows": len(self.rows),
            "problems": [p.to_dict() for p in self.problems],
            "total": self.total,
            "counts": dict(self.counts),
        }


class SubmissionInvalid(CapaianError):
    """The submission has problems; nothing was stored. `report` lists all of them."""

    def __init__(self, report: ValidationReport):
        self.report = report
        n = report.total
        first = report.problems[0] if report.problems else None
        super().__init__(
            f"Berkas {report.file} ditolak: {n} masalah, tidak ada yang disimpan."
            + (f" Pertama: {first.text('id')}" if first else ""),
            f"File {report.file} rejected: {n} problems, nothing stored."
            + (f" First: {first.text('en')}" if first else ""),
        )
