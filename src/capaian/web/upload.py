"""Upload page for operators: a submission file is validated whole; every problem is listed, or it is stored.

Shared by the page (`/unggah`) and the API (`POST /api/submissions`): `receive_upload` does the
work and audits every attempt (accepted imports are audited by intake itself, refusals here).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from capaian.errors import CapaianError
from capaian.web.common import PageError, check_csrf, render, require_user, web

router = APIRouter(include_in_schema=False)

SUFFIXES = (".csv", ".xlsx")


def max_bytes() -> int:
    """The upload size limit (setting CAPAIAN_UPLOAD_MAX_MB)."""
    from capaian.settings import value

    return value("CAPAIAN_UPLOAD_MAX_MB") * 1024 * 1024


def _safe_name(name: str | None) -> str:
    base = Path(name or "unggahan.csv").name
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._") or "unggahan.csv"
    return base[:120]


def receive_upload(request: Request, user, filename: str | None, content: bytes, evaluate: bool) -> dict:
    """Validate and import one file for `user`; a dict with `ok`, `problems` or `result`."""
    from capaian.intake import SubmissionInvalid, import_submission, validate_submission

    name = _safe_name(filename)
    state = web(request)
    if not name.lower().endswith(SUFFIXES):
        problem = {
            "file": name, "rule": "file_type", "row": None, "column": None, "value": Path(name).suffix,
            "message_id": "Jenis berkas tidak didukung.", "message_en": "Unsupported file type.",
            "expected_id": "berkas .csv atau .xlsx", "expected_en": "a .csv or .xlsx file",
        }
        _audit_refusal(state, user, name, [problem])
        return {"ok": False, "file": name, "problems": [problem]}
    limit_mb = max_bytes() // (1024 * 1024)
    if len(content) > max_bytes():
        problem = {
            "file": name, "rule": "file_size", "row": None, "column": None, "value": str(len(content)),
            "message_id": "Berkas terlalu besar.", "message_en": "The file is too large.",
            "expected_id": f"paling besar {limit_mb} MB", "expected_en": f"at most {limit_mb} MB",
        }
        _audit_refusal(state, user, name, [problem])
        return {"ok": False, "file": name, "problems": [problem]}
    with tempfile.TemporaryDirectory(prefix="capaian-upload-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(content)
        try:
            # Validate against the user's scope first: intake treats identical bytes as a duplicate
            # before it checks the scope, and an office must not get "accepted" for another's file.
            report = validate_submission(path, operator_scope=user.scope)
            if not report.ok:
                raise SubmissionInvalid(report)
            with state.db() as store:
                result = import_submission(store, path, actor=user.name, operator_scope=user.scope)
        except SubmissionInvalid as exc:
            problems = [p.to_dict() for p in exc.report.problems]
            _audit_refusal(state, user, name, problems)
            return {"ok": False, "file": name, "problems": problems}
        except CapaianError as exc:
            problem = {
                "file": name, "rule": "error", "row": None, "column": None, "value": None,
                "message_id": exc.id_message, "message_en": exc.en_message,
                "expected_id": None, "expected_en": None,
            }
            _audit_refusal(state, user, name, [problem])
            return {"ok": False, "file": name, "problems": [problem]}
    out = {
        "ok": True,
        "file": name,
        "result": {
            "submission_id": result.submission_id,
            "status": result.status,
            "cutoff": result.cutoff,
            "rows": result.rows,
            "facts_written": result.facts_written,
            "revision": result.revision,
            "supersedes": list(result.supersedes),
            "changes": result.changes,
            "summary": {"id": result.summary("id"), "en": result.summary("en")},
        },
        "run_id": None,
    }
    # Only the national team creates evaluation runs (as POST /api/evaluations); an office's
    # upload must not make a new "latest" national run for everyone.
    if evaluate and result.status == "imported" and user.is_national:
        from capaian.service import evaluate_cutoff

        try:
            with state.db() as store:
                view = evaluate_cutoff(store, result.cutoff, actor=user.name)
            out["run_id"] = int(view.run_id)
        except CapaianError as exc:
            out["evaluation_error"] = {"id": exc.id_message, "en": exc.en_message}
    state.invalidate()
    return out


def _audit_refusal(state, user, name: str, problems: list[dict]) -> None:
    with state.db() as store:
        store.audit(
            user.name, "submission.rejected", f"file:{name}",
            {"scope": user.scope, "problems": len(problems),
             "first": problems[0].get("message_en") if problems else None},
        )


@router.get("/unggah")
def upload_form(request: Request):
    user = require_user(request)
    return render(request, "upload.html", {"outcome": None, "scope_name": _scope_name(user)})


@router.post("/unggah")
async def upload(
    request: Request,
    file: UploadFile = File(...),
    csrf_token: str = Form(""),
    evaluate: str | None = Form(None),
):
    user = require_user(request)
    check_csrf(request, csrf_token)
    content = await file.read(max_bytes() + 1)
    from starlette.concurrency import run_in_threadpool

    outcome = await run_in_threadpool(receive_upload, request, user, file.filename, content, bool(evaluate))
    return render(
        request, "upload.html", {"outcome": outcome, "scope_name": _scope_name(user)},
        status=200 if outcome["ok"] else 422,
    )


@router.get("/unggah/templat.csv")
def template_csv(request: Request, cutoff: str):
    """A submission template pre-filled with the user's regions (national users: give `region`)."""
    user = require_user(request)
    region = request.query_params.get("region") or user.region_code
    if not region:
        raise PageError(404, "not_found")
    from capaian.accounts import can_upload
    from capaian.intake import write_template
    from capaian.web.select import CUTOFF_RE, normalise

    region = normalise(region)
    if not CUTOFF_RE.match(cutoff):
        raise PageError(404, "not_found")
    if not can_upload(user, region):
        raise PageError(403, "forbidden")
    with tempfile.TemporaryDirectory() as tmp:
        try:
            path = write_template(Path(tmp) / f"templat-{region}-{cutoff}.csv", cutoff, region)
        except CapaianError:
            raise PageError(404, "not_found")
        body = path.read_bytes()
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="templat-{region}-{cutoff}.csv"'})


def _scope_name(user) -> str:
    if user.region_code is None:
        return "Indonesia"
    try:
        from capaian.regions import get_hierarchy

        return f"{user.region_code} {get_hierarchy('2025').get(user.region_code).name}"
    except Exception:
        return user.region_code
