"""Upload page for operators: a submission file is validated whole; every problem is listed, or it is stored.

Shared by the page (`/unggah`) and the API (`POST /api/submissions`): `receive_upload` does the
work and audits every attempt (accepted imports are audited by intake itself, refusals here).
`UploadGate` refuses an upload before its body is read: no account that may upload (403, or
401/429 for HTTP Basic), a wrong `X-CSRF-Token` header (403), no Content-Length (411) or one
over the size limit (413). The form's CSRF field is checked once the (bounded) body is read.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from capaian.access import allowed
from capaian.present.i18n import N_
from capaian.errors import CapaianError
from capaian.web.common import PageError, check_csrf, current_user, render, web

router = APIRouter(include_in_schema=False)

MAX_BYTES = 20 * 1024 * 1024
SUFFIXES = (".csv", ".xlsx")
UPLOAD_PATHS = ("/unggah", "/api/submissions")
MULTIPART_SLACK = 64 * 1024  # form fields and part headers around the file


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
    if len(content) > MAX_BYTES:
        problem = {
            "file": name, "rule": "file_size", "row": None, "column": None, "value": str(len(content)),
            "message_id": "Berkas terlalu besar.", "message_en": "The file is too large.",
            "expected_id": "paling besar 20 MB", "expected_en": "at most 20 MB",
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
    if evaluate and result.status == "imported" and allowed(user, "evaluate"):
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


def require_uploader(request: Request):
    """The logged-in user who may upload for some region of theirs; 403 for anyone else."""
    user = current_user(request)
    if not allowed(user, "upload"):
        raise PageError(403, "forbidden")
    return user


def _form(user, outcome) -> dict:
    return {"outcome": outcome, "scope_name": _scope_name(user), "can_evaluate": allowed(user, "evaluate")}


@router.get("/unggah")
def upload_form(request: Request):
    user = require_uploader(request)
    return render(request, "upload.html", _form(user, None))


@router.post("/unggah")
async def upload(
    request: Request,
    file: UploadFile = File(...),
    csrf_token: str = Form(""),
    evaluate: str | None = Form(None),
):
    user = require_uploader(request)
    check_csrf(request, csrf_token)
    content = await file.read(MAX_BYTES + 1)
    from starlette.concurrency import run_in_threadpool

    outcome = await run_in_threadpool(receive_upload, request, user, file.filename, content, bool(evaluate))
    return render(
        request, "upload.html", _form(user, outcome),
        status=200 if outcome["ok"] else 422,
    )


@router.get("/unggah/templat.csv")
def template_csv(request: Request, cutoff: str):
    """A submission template pre-filled with the user's regions (national users: give `region`)."""
    user = require_uploader(request)
    region = request.query_params.get("region") or user.region_code
    if not region:
        raise PageError(404, "not_found")
    from capaian.intake import write_template
    from capaian.web.select import CUTOFF_RE, normalise

    region = normalise(region)
    if not CUTOFF_RE.match(cutoff):
        raise PageError(404, "not_found")
    if not allowed(user, "upload", region):
        raise PageError(403, "forbidden")
    with tempfile.TemporaryDirectory() as tmp:
        try:
            path = write_template(Path(tmp) / f"templat-{region}-{cutoff}.csv", cutoff, region)
        except CapaianError:
            raise PageError(404, "not_found")
        body = path.read_bytes()
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="templat-{region}-{cutoff}.csv"'})


class UploadGate:
    """ASGI middleware (inside the session middleware): refuse an upload before reading its body."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") != "POST" or scope.get("path") not in UPLOAD_PATHS:
            return await self.app(scope, receive, send)
        from starlette.concurrency import run_in_threadpool
        from starlette.requests import Request

        request = Request(scope)
        refusal = await run_in_threadpool(_refusal, request)
        if refusal is None:
            return await self.app(scope, receive, send)
        response = await run_in_threadpool(_refusal_response, request, *refusal)
        await response(scope, receive, send)


def _refusal(request: Request) -> tuple | None:
    """(status, key, message or None) when the upload must be refused unread, else None."""
    from capaian.web.api import api_user
    from capaian.web.common import CSRF_HEADER

    try:
        user, basic = api_user(request)
    except PageError as exc:
        return exc.status_code, exc.key, None
    if not allowed(user, "upload"):
        return 403, "forbidden", None
    given = request.headers.get(CSRF_HEADER)
    if not basic and given is not None:
        try:
            check_csrf(request, given)
        except PageError:
            return 403, "csrf_failed", None
    length = request.headers.get("content-length")
    if length is None or not length.isdigit():
        return 411, "bad_request", N_("No Content-Length given.")
    if int(length) > MAX_BYTES + MULTIPART_SLACK:
        return 413, "bad_request", N_("The file is too large: at most %(mb)s MB.")
    return None


def _refusal_response(request: Request, status: int, key: str, text: str | None):
    from fastapi.responses import JSONResponse

    from capaian.present.i18n import tr
    from capaian.web.common import lang_of
    from capaian.web.messages import message

    def said(lang: str) -> str | None:
        return tr(lang, text, mb=MAX_BYTES // (1024 * 1024)) if text else None

    headers = {"WWW-Authenticate": 'Basic realm="capaian"'} if status == 401 else None
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": key, "status": status,
                             "message": {"id": said("id") or message(key, "id"), "en": said("en") or message(key, "en")}},
                            status_code=status, headers=headers)
    detail = said(lang_of(request))
    return render(request, "error.html", {"status": status, "key": key, "detail": detail}, status=status)


def _scope_name(user) -> str:
    if user.region_code is None:
        return "Indonesia"
    try:
        from capaian.regions import get_hierarchy

        return f"{user.region_code} {get_hierarchy('2025').get(user.region_code).name}"
    except Exception:
        return user.region_code
