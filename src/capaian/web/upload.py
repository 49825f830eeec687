"""Upload page for operators: a submission file is validated whole; every problem is listed, or it is stored.

Shared by the page (`/unggah`) and the API (`POST /api/submissions`): `receive_upload` does the
work and audits every attempt (refusals through `capaian.intake.record_refusal`).

The multipart body is read only after the user, the CSRF token (header `X-CSRF-Token` or query
`csrf_token`; the page's form posts it in its action URL) and the declared size are checked:
`read_upload_form` refuses a Content-Length over the limit with 413 and stops reading a body that
grows past it (chunked, or lying about its length), so nothing big reaches the temporary folder.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from capaian.access import allowed
from capaian.errors import CapaianError
from capaian.intake.submission import SUBMISSION_STATUS
from capaian.web.common import (CSRF_FIELD, CSRF_HEADER, PageError, check_csrf, current_user, render,
                                render_fragment, web)

router = APIRouter(include_in_schema=False)

FORM_OVERHEAD = 64 * 1024  # multipart boundaries, part headers and the small fields
SUFFIXES = (".csv", ".xlsx")


def max_bytes() -> int:
    """The upload size limit: intake's one limit (setting CAPAIAN_UPLOAD_MAX_MB)."""
    from capaian.intake.reader import max_file_bytes

    return max_file_bytes()


def _too_large(size: int | None = None) -> PageError:
    shown = "" if size is None else f" ({size:,} byte)".replace(",", ".")
    limit_mb = max_bytes() // (1024 * 1024)
    return PageError(
        413, "bad_request",
        f"Berkas terlalu besar{shown}; batasnya {limit_mb} MB.",
        f"The file is too large{shown.replace('byte', 'bytes')}; the limit is {limit_mb} MB.",
    )


def check_declared_size(request: Request) -> None:
    """413 before any byte of the body is read when Content-Length is over the limit."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            size = int(declared)
        except ValueError:
            raise PageError(400, "bad_request") from None
        if size > max_bytes() + FORM_OVERHEAD:
            raise _too_large(size)


def header_csrf_token(request: Request) -> str | None:
    return request.headers.get(CSRF_HEADER) or request.query_params.get(CSRF_FIELD)


async def read_upload_form(request: Request):
    """The multipart form, read with a running cap on the body's size (413 past it).

    Call only after the user and the declared size were checked. The caller closes the form."""
    from starlette.requests import Request as StarletteRequest

    limit = max_bytes() + FORM_OVERHEAD
    received = 0
    receive = request.receive

    async def capped():
        nonlocal received
        message = await receive()
        if message.get("type") == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise _too_large()  # the parser closes its temporary files on the way out
        return message

    capped_request = StarletteRequest(request.scope, capped)
    return await capped_request.form(max_files=1, max_fields=10, max_part_size=64 * 1024)


async def upload_content(form) -> tuple[str | None, bytes | None]:
    """(file name, bytes) of the form's `file` part; (None, None) when there is none."""
    from starlette.datastructures import UploadFile as StarletteUpload

    part = form.get("file")
    if not isinstance(part, StarletteUpload):
        return None, None
    return part.filename, await part.read(max_bytes() + 1)


YES = ("1", "true", "on", "yes", "ya")


async def process_upload(request: Request, user, *, csrf_in_form: bool = False) -> dict:
    """The one upload path of the page and the API, after the user (and a header CSRF token) passed:
    the declared size, the form (bounded), its fields, then validation and import off the event loop.

    `csrf_in_form`: an older page form posting the token in the body, checked once the body is read."""
    from starlette.concurrency import run_in_threadpool

    check_declared_size(request)
    form = await read_upload_form(request)
    try:
        if csrf_in_form:
            check_csrf(request, str(form.get(CSRF_FIELD) or ""))
        filename, content = await upload_content(form)
        evaluate = str(form.get("evaluate") or "").strip().lower() in YES
        sheet = str(form.get("sheet") or "").strip() or None
        key = upload_key(request, form)
    finally:
        await form.close()
    if content is None:
        return missing_file_outcome()
    if key is None:
        return await run_in_threadpool(receive_upload, request, user, filename, content, evaluate, sheet)
    return await run_in_threadpool(receive_once, request, user, key, filename, content, evaluate, sheet)


KEY_FIELD = "upload_key"
KEY_HEADER = "idempotency-key"


def upload_key(request: Request, form) -> str | None:
    """The sending's idempotency key: the form's one-time `upload_key`, or the API's
    `Idempotency-Key` header (at most 200 characters); None without one."""
    key = str(form.get(KEY_FIELD) or request.headers.get(KEY_HEADER) or "").strip()
    return key[:200] or None


def new_upload_key() -> str:
    """A fresh key for one upload form (a retry of that form's sending carries it again)."""
    import secrets

    return secrets.token_urlsafe(18)


def receive_once(request: Request, user, key: str, filename, content: bytes, evaluate: bool, sheet) -> dict:
    """`receive_upload` once per key: a sending repeated with the same key (double click, proxy
    retry, a reply lost on the way) gets the first answer again, marked `already_received`."""
    from capaian.store.submissions import PENDING_ANSWER

    state = web(request)
    with state.reader() as store:
        first = store.upload_answer(key, user.name)
    if first == PENDING_ANSWER:  # stored, but the answer was lost (a crash right after the commit)
        first = _answer_kept_late(state, user, key, filename)
    if first is None:
        outcome = receive_upload(request, user, filename, content, evaluate, sheet, key=key)
        if not outcome["ok"]:
            return outcome
        with state.db() as store:
            store.keep_upload_answer(key, user.name, outcome["result"]["submission_id"], outcome)
            first = store.upload_answer(key, user.name)  # another copy may have been kept first
        if first == data_clean(outcome):
            return outcome
    return {**first, "already_received": True}


def _answer_kept_late(state, user, key: str, filename) -> dict:
    """The answer to a sending whose submission was committed but whose answer was never kept: the
    submission, as received (`duplicate`: "sudah diterima")."""
    from capaian.intake.submission import _duplicate

    with state.db() as store:
        submission_id = store.upload_key_submission(key, user.name)
        result = _duplicate(store, submission_id, _safe_name(filename))
        outcome = _outcome(result.file_name, result)
        store.keep_upload_answer(key, user.name, submission_id, outcome)
        return store.upload_answer(key, user.name)


def data_clean(outcome: dict) -> dict:
    """`outcome` as it reads back from its JSON copy."""
    import json

    from capaian.store.core import to_json

    return json.loads(to_json(outcome))


def missing_file_outcome() -> dict:
    problem = {
        "file": "", "rule": "no_file", "row": None, "column": None, "value": None,
        "message_id": "Tidak ada berkas yang dikirim.", "message_en": "No file was sent.",
        "expected_id": "satu berkas .csv atau .xlsx di kolom 'file'",
        "expected_en": "one .csv or .xlsx file in the field 'file'",
    }
    return {"ok": False, "file": "", "problems": [problem], "total": 1}


def _safe_name(name: str | None) -> str:
    base = Path(name or "unggahan.csv").name
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._") or "unggahan.csv"
    return base[:120]


def receive_upload(request: Request, user, filename: str | None, content: bytes, evaluate: bool,
                   sheet: str | None = None, key: str | None = None) -> dict:
    """Validate and import one file for `user`; a dict with `ok`, `problems` or `result`. `key`:
    the sending's idempotency key, recorded with the submission (`receive_once`)."""
    from capaian.intake import SubmissionInvalid, import_submission, record_refusal, validate_submission

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
            report = validate_submission(path, operator_scope=user.scope, sheet=sheet)
            if not report.ok:
                with state.db() as store:
                    record_refusal(store, user.name, report, user.scope)
                raise SubmissionInvalid(report)
            with state.db() as store:  # refusals found against the stored facts audit themselves
                result = import_submission(store, path, actor=user.name, operator_scope=user.scope,
                                           sheet=sheet, upload_key=key)
        except SubmissionInvalid as exc:
            report = exc.report
            return {"ok": False, "file": name, "problems": [p.to_dict() for p in report.problems],
                    "total": report.total, "counts": dict(report.counts),
                    "counts_text": {"id": report.counts_text("id"), "en": report.counts_text("en")}}
        except CapaianError as exc:
            problem = {
                "file": name, "rule": "error", "row": None, "column": None, "value": None,
                "message_id": exc.id_message, "message_en": exc.en_message,
                "expected_id": None, "expected_en": None,
            }
            _audit_refusal(state, user, name, [problem])
            return {"ok": False, "file": name, "problems": [problem]}
    out = _outcome(name, result)
    # Only the national team creates evaluation runs (as POST /api/evaluations); an office's
    # upload must not make a new "latest" national run for everyone.
    if evaluate and result.status in ("imported", "reverted") and allowed(user, "evaluate"):
        from capaian.service import evaluate_cutoff

        try:
            with state.db() as store:
                view = evaluate_cutoff(store, result.cutoff, actor=user.name)
            out["run_id"] = int(view.run_id)
        except CapaianError as exc:
            out["evaluation_error"] = {"id": exc.id_message, "en": exc.en_message}
    state.invalidate()
    return out


def _outcome(name: str, result) -> dict:
    """The answer to an upload stored (or found already stored) as `result` (an ImportResult)."""
    return {
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
            "unusable": result.unusable,
            "summary": {"id": result.summary("id"), "en": result.summary("en")},
        },
        "run_id": None,
    }


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




def recent_cutoffs(today=None, n: int = 6) -> list[str]:
    """The `n` latest cut-offs whose as-of date has passed, newest first (the template's choices)."""
    import datetime as dt

    from capaian.periods import Cutoff

    today = today or dt.date.today()
    cut = Cutoff(today.year, today.month, 2)
    while cut.as_of > today:
        cut = cut.previous()
    out = []
    for _ in range(n):
        out.append(str(cut))
        cut = cut.previous()
    return out


def submissions_of(request: Request, user, limit: int = 20) -> list[dict]:
    """The office's earlier submissions (its jurisdiction), newest first, with their status."""
    from capaian.web.data import clean

    with web(request).db() as store:
        frame = store.list_submissions()
    rows = [{k: clean(v) for k, v in r.items()} for r in frame.to_dict("records")
            if allowed(user, "view_submission", clean(r.get("scope_region")))]
    return sorted(rows, key=lambda r: r["id"], reverse=True)[:limit]


def _form(user, outcome, request: Request | None = None, cutoff: str | None = None) -> dict:
    choices = recent_cutoffs()
    if request is not None:  # and the cut-offs already evaluated, newest first
        known = reversed(web(request).catalog().cutoffs())
        choices = list(dict.fromkeys([*choices, *known]))
    if cutoff not in choices:
        cutoff = choices[0]
    return {"outcome": outcome, "scope_name": _scope_name(user), "can_evaluate": allowed(user, "evaluate"),
            "cutoff_choices": choices, "template_cutoff": cutoff, "template_region": user.region_code,
            "submissions": submissions_of(request, user) if request is not None else [],
            "status_words": SUBMISSION_STATUS, "upload_key": new_upload_key()}


@router.get("/unggah")
def upload_form(request: Request, cutoff: str | None = None):
    user = require_uploader(request)
    return render(request, "upload.html", _form(user, None, request, cutoff))


@router.post("/unggah")
async def upload(request: Request):
    # Everything that can refuse without the body comes first: user, CSRF token, size.
    from starlette.concurrency import run_in_threadpool

    user = await run_in_threadpool(require_uploader, request)  # reads the store: not on the event loop
    token = header_csrf_token(request)
    if token:
        check_csrf(request, token)
    outcome = await process_upload(request, user, csrf_in_form=not token)
    if outcome.get("ok"):
        outcome = await run_in_threadpool(after_upload, request, user, outcome)
    return render(
        request, "upload.html", _form(user, outcome, request),
        status=200 if outcome["ok"] else 422,
    )


def after_upload(request: Request, user, outcome: dict) -> dict:
    """An accepted file: where its facts stand (received -> evaluated -> published) and the draft
    preview of the office's figures from the new facts (`capaian.records.preview`)."""
    from capaian.records.preview import draft_preview, progress

    result = outcome.get("result") or {}
    cutoff = result.get("cutoff")
    if not cutoff:
        return outcome
    state = web(request)
    out = dict(outcome)
    try:
        with state.db() as store:
            out["progress"] = progress(store, cutoff, result.get("revision"))
            out["preview"] = draft_preview(store, cutoff, user.region_code or "ID")
    except CapaianError as exc:  # e.g. no rubric for the cut-off yet: the upload stands, no preview
        out["preview_error"] = {"id": exc.id_message, "en": exc.en_message}
    return out


@router.post("/unggah/evaluasi")
def evaluate_from_web(request: Request, cutoff: str | None = Form(None), csrf_token: str | None = Form(None)):
    """National users evaluate a cut-off from the web (as POST /api/evaluations); with htmx the
    answer replaces the progress line, without it the upload page shows it."""
    from capaian.service import evaluate_cutoff
    from capaian.web.select import CUTOFF_RE

    user = require_uploader(request)
    check_csrf(request, csrf_token)
    if not allowed(user, "evaluate"):
        raise PageError(403, "forbidden")
    if not CUTOFF_RE.match(cutoff or ""):
        raise PageError(404, "not_found")
    state = web(request)
    try:
        with state.db() as store:
            view = evaluate_cutoff(store, cutoff, actor=user.name)
        answer = {"ok": True, "run_id": int(view.run_id), "cutoff": view.cutoff, "published": view.published}
    except CapaianError as exc:
        answer = {"ok": False, "cutoff": cutoff, "error": {"id": exc.id_message, "en": exc.en_message}}
    state.invalidate()
    if request.headers.get("HX-Request"):
        return HTMLResponse(render_fragment(request, None, "_evaluate_result.html", {"answer": answer}))
    return render(request, "upload.html", {**_form(user, None, request, cutoff), "answer": answer})


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
    if not CUTOFF_RE.fullmatch(cutoff):
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


def _scope_name(user) -> str:
    if user.region_code is None:
        return "Indonesia"
    try:
        from capaian.regions import get_hierarchy

        return f"{user.region_code} {get_hierarchy('2025').get(user.region_code).name}"
    except Exception:
        return user.region_code
