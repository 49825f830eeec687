"""The published OpenAPI description of the REST API: error bodies, refusals, security, two languages.

- Every refusal has one JSON body, `ErrorBody` (`error` key, `status`, `message` in Indonesian and
  English; request-validation refusals add `detail`, whose `loc` is a list as FastAPI declares).
- `refusals(403, 404, ...)` documents, per operation, the refusal statuses it can give.
- Summaries and descriptions are written in English in the code, marked for the catalogue (`N_`),
  and published in Indonesian and English (`finish`); `x-summary-id` / `x-summary-en` keep each.
- Reads may be anonymous (the public) or authenticated; writes need an account (`READ`, `WRITE`).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from capaian.present.i18n import N_, tr

SEPARATOR = " — "

SECURITY_SCHEMES = {
    "basic": {"type": "http", "scheme": "basic",
              "description": N_("A user name and password, for scripts (no CSRF token needed).")},
    "session": {"type": "apiKey", "in": "cookie", "name": "capaian_session",
                "description": N_("The dashboard's login; state-changing calls also send the X-CSRF-Token header.")},
}
READ = {"security": [{}, {"basic": []}, {"session": []}]}  # the public too
WRITE = {"security": [{"basic": []}, {"session": []}]}


class Message(BaseModel):
    """A text in Indonesian and English."""

    id: str
    en: str


class ValidationIssue(BaseModel):
    """One way the request breaks its declared form."""

    loc: list[str | int] = Field(description=N_("Where: the part of the request, then the field."))
    msg: str
    type: str


class ErrorBody(BaseModel):
    """The body of every refusal."""

    error: str = Field(description=N_("What kind of refusal (forbidden, not_found, bad_request, ...)."))
    status: int = Field(description=N_("The HTTP status, repeated."))
    message: Message
    detail: list[ValidationIssue] | None = Field(
        None, description=N_("For a request that breaks its declared form: each problem."))
    parameter: str | None = Field(
        None, description=N_("For a value no spelling reads (422): the parameter (tier, cutoff, region, ...)."))
    expected: str | None = Field(None, description=N_("For a value no spelling reads (422): what is expected."))


class UploadProblem(BaseModel):
    """One thing wrong with an uploaded file, with its place."""

    model_config = ConfigDict(extra="allow")

    file: str
    rule: str
    message_id: str
    message_en: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    expected_id: str | None = None
    expected_en: str | None = None


class UploadRefusal(BaseModel):
    """An uploaded file that was not stored, with every problem found in it."""

    model_config = ConfigDict(extra="allow")

    ok: bool
    file: str
    problems: list[UploadProblem]
    total: int | None = None
    counts: dict[str, int] | None = None
    counts_text: Message | None = None


REFUSALS = {
    400: N_("Bad request: the request cannot be read."),
    401: N_("Wrong user name or password (HTTP Basic)."),
    403: N_("Not allowed: no account, no valid CSRF token, or outside your jurisdiction."),
    404: N_("Not found, or not visible to you."),
    409: N_("Conflicts with what is stored (e.g. the run is already published)."),
    413: N_("The file is too large."),
    422: N_("The request breaks the rules: every problem is named."),
    429: N_("Too many failed logins; try again in a few minutes."),
}


def refusals(*statuses: int, **models: type[BaseModel]) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of an operation for these refusal statuses (body `ErrorBody`, or
    `models["s422"]` etc. where the operation answers that status with another body)."""
    return {status: {"model": models.get(f"s{status}", ErrorBody), "description": REFUSALS[status]}
            for status in statuses}


def validation_detail(errors) -> list[dict]:
    """FastAPI's validation errors as JSON: `loc` a list, values that JSON cannot hold as text."""
    out = []
    for e in errors:
        item = {k: (v if isinstance(v, (str, int, float, bool, list, type(None))) else str(v))
                for k, v in e.items() if k not in ("ctx", "loc")}
        item["loc"] = [p if isinstance(p, (str, int)) else str(p) for p in e.get("loc", ())]
        out.append(item)
    return out


def both(text: str) -> tuple[str, str]:
    """(Indonesian, English) of a catalogue message."""
    return tr("id", text), tr("en", text)


def _bilingual(text: str, joiner: str = SEPARATOR) -> str:
    id_text, en_text = both(text)
    return en_text if id_text == en_text else f"{id_text}{joiner}{en_text}"


def finish(schema: dict) -> dict:
    """Make FastAPI's generated description the published one (in place): two languages, the
    security schemes, and `ErrorBody` instead of FastAPI's own validation-error schemas."""
    info = schema.setdefault("info", {})
    if info.get("description"):
        info["description"] = _bilingual(info["description"], "\n\n")
    components = schema.setdefault("components", {})
    components["securitySchemes"] = {
        name: {**scheme, "description": _bilingual(scheme["description"])} for name, scheme in SECURITY_SCHEMES.items()
    }
    schemas = components.get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        if unused in schemas and not _referenced(schema, f"#/components/schemas/{unused}"):
            del schemas[unused]
    for path_item in schema.get("paths", {}).values():
        for op in path_item.values():
            if not isinstance(op, dict):
                continue
            if op.get("summary"):
                op["x-summary-id"], op["x-summary-en"] = both(op["summary"])
                op["summary"] = _bilingual(op["summary"])
            if op.get("description"):
                op["description"] = _bilingual(op["description"], "\n\n")
            for param in op.get("parameters", []):
                if param.get("description"):
                    param["description"] = _bilingual(param["description"])
                if param.get("schema", {}).get("description"):
                    param["schema"]["description"] = _bilingual(param["schema"]["description"])
            for response in op.get("responses", {}).values():
                if response.get("description"):
                    response["description"] = _bilingual(response["description"])
            for media in op.get("requestBody", {}).get("content", {}).values():
                for prop in media.get("schema", {}).get("properties", {}).values():
                    if prop.get("description"):
                        prop["description"] = _bilingual(prop["description"])
    for model in schemas.values():
        for prop in model.get("properties", {}).values():
            if prop.get("description"):
                prop["description"] = _bilingual(prop["description"])
    return schema


def _referenced(node, ref: str) -> bool:
    if isinstance(node, dict):
        return node.get("$ref") == ref or any(_referenced(v, ref) for v in node.values())
    if isinstance(node, list):
        return any(_referenced(v, ref) for v in node)
    return False


def install(app) -> None:
    """Publish `finish(...)` of the app's generated description at /openapi.json (built once)."""
    generate = app.openapi

    def openapi() -> dict:
        if getattr(app.state, "published_openapi", None) is None:
            app.openapi_schema = None
            app.state.published_openapi = finish(generate())
            app.openapi_schema = app.state.published_openapi
        return app.state.published_openapi

    app.openapi = openapi
