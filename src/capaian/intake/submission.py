"""`import_submission`: validate a whole file, then store it whole (or not at all).

One transaction writes the submission row, its facts and the audit entry. Re-importing the same
bytes is a no-op while its values are the current ones; once a later file replaced some of them,
re-sending it (or `revert_submission`) is the undo: its values become current again, as a new
submission naming the one it reverts (audit `submission.revert`). A corrected file for the same region(s) and cut-off supersedes the earlier
values fact by fact: both stay stored (see `capaian.store.facts`), the audit entry lists every
old -> new change, and the earlier submissions get status `superseded` / `partly_superseded`.

Against the stored facts of the same regions and cut-off, before anything is written: a value
more than MAX_NUMERATOR_RATIO x its stored partner (or the reverse) is refused, and a value whose
partner (numerator <-> denominator of a coverage indicator) is neither in the file nor stored is
stored but listed in the summary as not usable in the evaluation yet. A figure above 100 % (any
coverage indicator) is accepted and named in the summary; the evaluation flags it. A refused file leaves one
`submission.rejected` audit entry and nothing else.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from capaian.access import covers
from capaian.intake.report import SubmissionInvalid, ValidationReport
from capaian.intake.spec import checked_pairs, coverage_pairs
from capaian.intake.validate import check_ratio, validate_submission
from capaian.present.i18n import N_

UNUSABLE_LISTED = 10

# The words of a stored submission's status (catalogue msgids; translate with `tr` / `_` when shown).
SUBMISSION_STATUS = {"current": N_("current"), "partly_superseded": N_("partly replaced by a later file"),
                     "superseded": N_("replaced by a later file"), "no_change": N_("no change")}


@dataclass
class ImportResult:
    """What `import_submission` did. `status`: imported | unchanged | duplicate | reverted
    (`reverts`: the earlier submission whose values are current again)."""

    submission_id: int
    status: str
    cutoff: str
    file_name: str
    rows: int = 0
    facts_written: int = 0
    revision: int | None = None
    supersedes: list[int] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)  # region_code, fact, old, new
    unusable: list[dict] = field(default_factory=list)  # region_code, fact, missing
    above_100: list[dict] = field(default_factory=list)  # region_code, fact, numerator, denominator
    reverts: int | None = None

    def summary(self, lang: str = "id") -> str:
        if self.status == "reverted":
            if lang == "en":
                return (f"{self.file_name}: the values of submission {self.reverts} are current again "
                        f"(submission {self.submission_id} for {self.cutoff}, {len(self.changes)} values "
                        "restored).")
            return (f"{self.file_name}: nilai pengiriman {self.reverts} berlaku lagi (pengiriman "
                    f"{self.submission_id} untuk {self.cutoff}, {len(self.changes)} nilai dipulihkan).")
        if self.status == "duplicate":
            if lang == "en":
                return (f"{self.file_name}: already imported as submission {self.submission_id}; "
                        "nothing changed.")
            return (f"{self.file_name}: sudah pernah diimpor sebagai pengiriman "
                    f"{self.submission_id}; tidak ada perubahan.")
        if lang == "en":
            text = (f"{self.file_name}: submission {self.submission_id} for {self.cutoff}, "
                    f"{self.rows} rows, {self.facts_written} values stored")
            if self.changes:
                text += f", {len(self.changes)} earlier values replaced"
            return text + "." + self._above_100_text(lang) + self._unusable_text(lang)
        text = (f"{self.file_name}: pengiriman {self.submission_id} untuk {self.cutoff}, "
                f"{self.rows} baris, {self.facts_written} nilai disimpan")
        if self.changes:
            text += f", {len(self.changes)} nilai sebelumnya diganti"
        return text + "." + self._above_100_text(lang) + self._unusable_text(lang)

    def _above_100_text(self, lang: str) -> str:
        """The figures above 100 % the file brings (accepted and flagged), if any."""
        from capaian.formatting import format_pct

        if not self.above_100:
            return ""
        listed = self.above_100[:UNUSABLE_LISTED]
        more = len(self.above_100) - len(listed)
        items = "; ".join(f"{a['region_code']} {a['fact']} "
                          f"{format_pct(100.0 * a['numerator'] / a['denominator'], 2, lang)}" for a in listed)
        if lang == "en":
            return (f" {len(self.above_100)} figures above 100 % (accepted, flagged): {items}"
                    + (f"; and {more} more" if more else "") + ".")
        return (f" {len(self.above_100)} angka di atas 100 % (diterima, ditandai): {items}"
                + (f"; dan {more} lainnya" if more else "") + ".")

    def _unusable_text(self, lang: str) -> str:
        """The values stored but not usable in the evaluation yet (partner missing), if any."""
        if not self.unusable:
            return ""
        listed = self.unusable[:UNUSABLE_LISTED]
        more = len(self.unusable) - len(listed)
        if lang == "en":
            items = "; ".join(f"{u['region_code']} {u['fact']} (no {u['missing']})" for u in listed)
            return (f" {len(self.unusable)} values can't be used in the evaluation yet: their "
                    f"numerator/denominator partner is neither in the file nor stored for "
                    f"{self.cutoff}: {items}" + (f"; and {more} more" if more else "") + ".")
        items = "; ".join(f"{u['region_code']} {u['fact']} (tanpa {u['missing']})" for u in listed)
        return (f" {len(self.unusable)} nilai belum dapat dipakai dalam evaluasi: pasangan "
                f"pembilang/penyebutnya tidak ada di berkas maupun tersimpan untuk {self.cutoff}: "
                f"{items}" + (f"; dan {more} lainnya" if more else "") + ".")


def content_hash(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _facts_frame(report) -> pd.DataFrame:
    records = [
        {"region_code": code, "cutoff": report.cutoff, "fact": fact, "value": value}
        for _, code, values in report.rows
        for fact, value in values.items()
    ]
    return pd.DataFrame(records, columns=["region_code", "cutoff", "fact", "value"])


def record_refusal(store, actor: str, report: ValidationReport, scope: str | None) -> None:
    """The one audit entry of a refused file (its data is not stored)."""
    first = report.problems[0] if report.problems else None
    store.audit(
        actor, "submission.rejected", f"file:{report.file}",
        {"scope": scope, "problems": report.total, "rules": dict(report.counts),
         "first": first.text("en") if first else None},
    )


def _refuse(store, actor: str, report: ValidationReport, scope: str | None):
    record_refusal(store, actor, report, scope)
    return SubmissionInvalid(report)


def stored_values(store, report: ValidationReport) -> dict[str, dict[str, float]]:
    """The stored facts of the file's regions and cut-off: {region: {fact: value}}."""
    stored: dict[str, dict[str, float]] = {}
    regions = {code for _, code, _ in report.rows}
    regions |= {code.split(".")[0] for code in regions}  # a province's denominator serves its regencies
    frame = store.current_facts(report.cutoff, regions=regions)
    for code, fact, value in zip(frame["region_code"], frame["fact"], frame["value"]):
        if code in regions and value == value:
            stored.setdefault(code, {})[fact] = float(value)
    return stored


def check_against_stored(store, report: ValidationReport, stored=None) -> list[dict]:
    """Compare the file's values with the stored ones of the same regions and cut-off.

    Adds a problem to `report` for a value implausible (`implausible_ratio`, over
    MAX_NUMERATOR_RATIO x) next to its stored partner, either way round;
    returns the values that can't be used in the evaluation (partner neither in file nor stored).
    """
    from capaian.periods import Cutoff

    stored = stored_values(store, report) if stored is None else stored
    in_file = {code: values for _, code, values in report.rows}
    unusable = []
    for number, code, values in report.rows:
        kept = stored.get(code, {})
        for part, whole in checked_pairs(Cutoff.parse(report.cutoff)):
            if part in values and whole in values:
                continue  # checked within the row
            if part in values and whole in kept:
                check_ratio(report, number, part, values[part], whole, kept[whole], stored=whole)
            elif whole in values and part in kept:
                check_ratio(report, number, part, kept[part], whole, values[whole], stored=part)
        province = code.split(".")[0]
        above = {**stored.get(province, {}), **in_file.get(province, {})} if province != code else {}
        below = {f for c, v in in_file.items() if c != code and covers(code, c) for f in v}
        unusable += _unusable(code, values, kept, coverage_pairs(Cutoff.parse(report.cutoff)), above, below)
    return unusable


def _unusable(code: str, values: dict, kept: dict, pairs, above: dict, below: set) -> list[dict]:
    """The file's coverage facts of one region with no partner in the file or stored. A regency's
    numerator is usable beside its province's denominator, and a province's denominator beside its
    regencies' numerators in the file (the shape Bengkulu published, 14 Nov 2020). A fact in one
    complete pair (ktp_terekam of KTP-el) is usable even when another pair it belongs to (IKD
    activations over ktp_terekam) lacks its partner."""
    def have(fact: str) -> bool:
        return fact in values or fact in kept

    paired = {f for pair in pairs if all(have(x) for x in pair) for f in pair}
    out = []
    for part, whole in pairs:
        if part in values and not have(whole) and part not in paired and whole not in above:
            out.append({"region_code": code, "fact": part, "missing": whole})
        elif whole in values and not have(part) and whole not in paired and part not in below:
            out.append({"region_code": code, "fact": whole, "missing": part})
    return out


def above_100(report: ValidationReport, stored: dict) -> list[dict]:
    """The file's coverage figures above 100 % (accepted, flagged): region, numerator fact,
    numerator, denominator (each from the file or, for the partner, stored)."""
    from capaian.periods import Cutoff

    out = []
    for _, code, values in report.rows:
        kept = {**stored.get(code, {}), **values}
        for part, whole in coverage_pairs(Cutoff.parse(report.cutoff)):
            if (part in values or whole in values) and part in kept and whole in kept and kept[part] > kept[whole]:
                out.append({"region_code": code, "fact": part, "numerator": kept[part],
                            "denominator": kept[whole]})
    return out


def import_submission(store, path, actor: str, operator_scope: str | None = None,
                      sheet: str | None = None, today=None, upload_key: str | None = None) -> ImportResult:
    """Validate `path` and store it in one transaction; raises SubmissionInvalid (nothing stored
    but the refusal's audit entry). `sheet`: the XLSX sheet to read; `today`: see validation.
    `upload_key`: the sending's idempotency key, recorded in the same transaction as the submission,
    so that a retry learns the file was stored even when the reply was lost (a crash in between)."""
    path = Path(path)
    scope = report_scope(operator_scope)
    # Validate first (jurisdiction included): a file outside the submitter's area is refused
    # even when the same bytes were imported before by someone entitled to them.
    report = validate_submission(path, operator_scope=operator_scope, sheet=sheet, today=today)
    if not report.ok:
        raise _refuse(store, actor, report, scope)
    stored = stored_values(store, report)
    unusable = check_against_stored(store, report, stored)
    over = above_100(report, stored)
    if not report.ok:
        raise _refuse(store, actor, report, scope)
    digest = content_hash(path)
    facts = _facts_frame(report)
    existing = store.find_submission_by_hash(digest)
    if existing is not None and _all_current(store, report.cutoff, facts):
        return _duplicate(store, existing, path.name)
    if existing is not None:  # an earlier file sent again to undo a later correction: a revert
        digest = _revert_hash(store, digest, report.cutoff)
    try:
        return _store_file(store, report, facts, path.name, digest, actor, scope, unusable, over,
                           reverts=existing, upload_key=upload_key)
    except Exception as exc:  # a copy sent at the same time won (unique constraint submissions_once)
        from capaian.store.faults import is_unique_violation

        won = store.find_submission_by_hash(digest) if is_unique_violation(exc) else None
        if won is None:
            raise
        return _duplicate(store, won, path.name)


def _duplicate(store, submission_id: int, name: str) -> ImportResult:
    row = store.get_submission(submission_id)
    return ImportResult(submission_id, "duplicate", row["cutoff"], name, rows=row["rows"] or 0)


def _revert_hash(store, digest: str, cutoff: str) -> str:
    """The stored hash of a revert: the file's own, marked with the fact revision it undoes, so
    that the same undo sent twice at once is stored once (submissions_once), and a later undo of
    a later correction is a new submission."""
    return f"{digest}:revert:{store.fact_revision(cutoff) or 0}"


def _all_current(store, cutoff: str, facts: pd.DataFrame) -> bool:
    """Are these values the current ones (nothing a write would change)?"""
    current = store.current_facts(cutoff, regions=set(facts["region_code"]))
    now = {(c, f): v for c, f, v in zip(current["region_code"], current["fact"], current["value"])}
    return all(now.get((c, f)) == v for c, f, v in zip(facts["region_code"], facts["fact"], facts["value"]))


def submission_scope(scope_region: str | None, cutoff: str) -> str | None:
    """The write scope of a submission: its province and cut-off (a regency file and its province's
    file supersede each other's values, so they share it); None (the whole store) for a national
    file or one without a region."""
    if not scope_region or scope_region == "ID":
        return None
    return f"submission:{str(scope_region).split('.')[0]}:{cutoff}"


def _store_file(store, report, facts: pd.DataFrame, name: str, digest: str, actor: str, scope,
                unusable: list[dict], over: list[dict], reverts: int | None = None,
                upload_key: str | None = None) -> ImportResult:
    """Write a validated file's values as a new submission, in one transaction with its audit
    entry (`submission.import`, or `submission.revert` when it brings back submission `reverts`),
    or a duplicate when a copy of the same bytes was committed since the first look (the check is
    repeated inside the transaction). On PostgreSQL the transaction locks the file's province and
    cut-off only (`submission_scope`): files of other provinces are stored beside it."""
    with store.transaction(scope=submission_scope(scope, report.cutoff)):
        existing = store.find_submission_by_hash(digest)
        if existing is not None:
            return _duplicate(store, existing, name)
        submission_id = store.add_submission(
            report.cutoff, actor, name, digest, len(report.rows), scope
        )
        if upload_key:
            store.reserve_upload_key(upload_key, actor, submission_id)
        written = store.write_facts(
            facts, source=f"submission:{submission_id}:{name}", actor=actor,
            submission_id=submission_id, audit=False,
        )
        store.add_submission_bases(submission_id, report.bases)
        superseded = written.superseded_submissions
        store.update_submission(submission_id, supersedes=superseded or None,
                                revision=written.revision)
        for earlier in superseded:
            store.refresh_submission_status(earlier)
        status = store.refresh_submission_status(submission_id)
        replaced = [
            {k: c[k] for k in ("region_code", "fact", "old", "new", "old_source")}
            for c in written.changes if c.get("old") is not None
        ]
        detail = {"file": name, "cutoff": report.cutoff, "scope": scope, "rows": len(report.rows),
                  "regions": report.regions, "facts": report.facts, "values": len(facts),
                  "written": written.inserted, "revision": written.revision,
                  "supersedes": superseded, "changes": replaced, "content_hash": digest,
                  "unusable": unusable, "above_100": over}
        if reverts is not None:
            detail["reverts"] = reverts
        store.audit(actor, "submission.revert" if reverts is not None else "submission.import",
                    f"submission:{submission_id}", detail)
    if reverts is not None:
        status = "reverted"
    return ImportResult(
        submission_id, {"reverted": "reverted", "no_change": "unchanged"}.get(status, "imported"), report.cutoff,
        name, rows=len(report.rows), facts_written=written.inserted,
        revision=written.revision, supersedes=superseded, changes=replaced, unusable=unusable,
        above_100=over, reverts=reverts,
    )


def revert_submission(store, submission_id: int, actor: str, operator_scope: str | None = None) -> ImportResult:
    """Make the values of stored submission `submission_id` current again (the undo of a later
    correction), as re-sending its file would: a new submission, audited `submission.revert`.
    A submission outside `operator_scope` is refused; one whose values are all current is a
    `duplicate` (nothing changes)."""
    from capaian.access import covers
    from capaian.errors import CapaianError
    from capaian.store.core import not_found

    row = store.get_submission(submission_id)
    scope = report_scope(operator_scope)
    if scope is not None and not covers(scope, row["scope_region"] or ""):
        raise not_found("Pengiriman", "Submission", submission_id)  # as if absent: no hint of others' files
    stored = store.query_df(
        "SELECT region_code, cutoff, fact, value FROM facts WHERE submission_id = ? ORDER BY region_code, fact",
        [int(submission_id)])
    if stored.empty:
        raise CapaianError(f"Pengiriman {submission_id} tidak menyimpan nilai apa pun; tidak ada yang dipulihkan.",
                           f"Submission {submission_id} stored no values; there is nothing to bring back.")
    facts = stored[["region_code", "cutoff", "fact", "value"]].reset_index(drop=True)
    if _all_current(store, row["cutoff"], facts):
        return ImportResult(int(submission_id), "duplicate", row["cutoff"], row["file_name"] or "",
                            rows=row["rows"] or 0)
    values: dict[str, dict] = {}
    for code, fact, value in zip(facts["region_code"], facts["fact"], facts["value"]):
        values.setdefault(code, {})[fact] = float(value)
    report = ValidationReport(row["file_name"] or f"submission-{submission_id}", cutoff=row["cutoff"],
                              facts=sorted(set(facts["fact"])), regions=sorted(values),
                              rows=[(None, code, v) for code, v in values.items()])
    digest = _revert_hash(store, row["content_hash"].split(":revert:")[0], row["cutoff"])
    return _store_file(store, report, facts, row["file_name"] or report.file, digest, actor,
                       scope if scope is not None else row["scope_region"], [], [], reverts=int(submission_id))


def report_scope(operator_scope: str | None) -> str | None:
    if operator_scope is None:
        return None
    from capaian.regions import normalize_code

    return normalize_code(operator_scope)
