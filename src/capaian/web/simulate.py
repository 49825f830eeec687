"""The rubric impact simulator for the national team (`/simulasi`): a draft rubric (a stored one, one
threshold changed, or an uploaded YAML file) applied to a cut-off's stored facts, against the rubric
in force, with an optional sensitivity sweep. Thin over `capaian.evaluate.simulate` and
`capaian.present.simulation`; nothing is stored, so the page is a GET (and a POST only to carry a file)."""

from __future__ import annotations

from fastapi import APIRouter, File, Form, Request, UploadFile

from capaian.access import allowed
from capaian.errors import CapaianError
from capaian.web.common import PageError, check_csrf, lang_of, render, require_user, web

router = APIRouter(include_in_schema=False)

DRAFT_LIMIT = 512 * 1024  # a rubric is a few KB of YAML


def _national(request: Request):
    user = require_user(request)
    if not allowed(user, "simulate"):
        raise PageError(403, "forbidden")
    return user


def _choices(request: Request) -> dict:
    from capaian.rubrics.loader import list_rubrics

    with web(request).reader() as store:
        cutoffs = store.list_cutoffs()
    return {"cutoffs": list(reversed(cutoffs)), "rubrics": list_rubrics()}


def _draft(cutoff, form: dict, upload: tuple[str, bytes] | None):
    """The draft rubric the form asks for: an uploaded file, a stored rubric, or the rubric in force
    (or the one to compare with) with one threshold changed."""
    from capaian.evaluate.simulate import with_threshold
    from capaian.rubrics import load_rubric
    from capaian.rubrics.loader import rubric_from_text
    from capaian.service import resolve_rubric

    if upload is not None:
        name, body = upload
        if not name:
            raise CapaianError("Pilih berkas rubrik draf (YAML) untuk diunggah.",
                               "Choose a draft rubric file (YAML) to upload.")
        if len(body) > DRAFT_LIMIT:
            raise CapaianError(f"{name}: lebih dari {DRAFT_LIMIT // 1024} KB; rubrik hanya beberapa KB YAML.",
                               f"{name}: over {DRAFT_LIMIT // 1024} KB; a rubric is a few KB of YAML.")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise CapaianError(f"{name}: bukan teks UTF-8.", f"{name}: not UTF-8 text.") from None
        return rubric_from_text(text, name)
    if form.get("draft"):
        return load_rubric(form["draft"])
    indicator, value = form.get("indicator"), form.get("threshold")
    if not indicator or value in (None, ""):
        raise CapaianError(
            "Pilih rubrik draf, unggah berkas YAML, atau isi indikator dan ambang barunya.",
            "Choose a draft rubric, upload a YAML file, or give an indicator and its new threshold.")
    try:
        number = float(str(value).replace(",", "."))
    except ValueError:
        raise CapaianError(f"Ambang {value!r} bukan angka.", f"Threshold {value!r} is not a number.") from None
    base = resolve_rubric(cutoff, form.get("rubric") or None)
    changed = with_threshold(base, indicator, number)
    return changed.model_copy(update={"id": f"{base.id}+{indicator}={value}"})


def _simulation(request: Request, form: dict, upload=None):
    """(model, error text) for the form's choices; (None, None) when nothing was asked yet."""
    from capaian.evaluate.simulate import simulate_facts
    from capaian.periods import Cutoff
    from capaian.present.simulation import simulation_model

    lang = lang_of(request)
    if not form.get("cutoff"):
        return None, None
    try:
        cut = Cutoff.parse(form["cutoff"])
        draft = _draft(cut, form, upload)
        with web(request).reader() as store:
            facts = store.current_facts(str(cut))
        sim = simulate_facts(facts, cut, draft, rubric_id=form.get("rubric") or None,
                             sweep=form.get("sweep") or None)
    except CapaianError as exc:
        return None, exc.text(lang)
    return simulation_model(sim, lang), None


def _page(request: Request, form: dict, upload=None):
    from capaian.rubrics.loader import rubric_in_force

    choices = _choices(request)
    newest = choices["cutoffs"][0] if choices["cutoffs"] else None
    if upload is not None and not form.get("cutoff"):  # a file sent without a cut-off: the newest one
        form = {**form, "cutoff": newest}
    model, error = _simulation(request, form, upload)
    indicators = []
    shown = form.get("cutoff") or newest
    rubric = rubric_in_force(shown) if shown else None
    if rubric is not None:
        indicators = [(i.id, i.label.get(lang_of(request))) for i in rubric.indicators]
    form = {"cutoff": newest, **{k: v for k, v in form.items() if v}}
    return render(request, "simulate.html", {"sim": model, "error": error, "form": form, "indicators": indicators,
                                             **choices}, status=422 if error else 200)


@router.get("/simulasi")
def simulate_page(request: Request):
    _national(request)
    keys = ("cutoff", "rubric", "draft", "indicator", "threshold", "sweep")
    return _page(request, {k: request.query_params.get(k, "").strip() for k in keys})


@router.post("/simulasi")
async def simulate_upload(request: Request, csrf_token: str = Form(""), cutoff: str = Form(""),
                          rubric: str = Form(""), sweep: str = Form(""), file: UploadFile | None = File(None)):
    from starlette.concurrency import run_in_threadpool

    _national(request)
    check_csrf(request, csrf_token)
    form = {"cutoff": cutoff.strip(), "rubric": rubric.strip(), "sweep": sweep.strip()}
    if file is None or not file.filename:
        upload = ("", b"")
    else:
        body = await file.read(DRAFT_LIMIT + 1)
        upload = (file.filename, body)
    return await run_in_threadpool(_page, request, form, upload)
