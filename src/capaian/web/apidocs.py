"""The API's documentation pages: `/api` (every operation in a table, in the reader's language) and
`/api/docs` (interactive Swagger UI, served from static/vendor/swagger-ui: no outside request)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from capaian.present.i18n import norm
from capaian.web.common import lang_of, render

router = APIRouter(include_in_schema=False)

METHODS = ("get", "put", "post", "delete", "patch")


def operations(spec: dict, lang: str) -> list[dict]:
    """(method, path, summary in `lang`, parameter names, whether it takes a body) of each operation."""
    out = []
    for path, item in spec.get("paths", {}).items():
        for method, op in item.items():
            if method not in METHODS:
                continue
            out.append({
                "method": method.upper(), "path": path,
                "summary": op.get(f"x-summary-{norm(lang)}") or op.get("summary") or "",
                "parameters": [p["name"] for p in op.get("parameters", [])],
                "body": "requestBody" in op,
            })
    return out


def description(spec: dict, lang: str) -> str:
    """The API's description in `lang` (the published one holds Indonesian, a blank line, English)."""
    parts = (spec.get("info", {}).get("description") or "").split("\n\n")
    return parts[-1] if norm(lang) == "en" else parts[0]


@router.get("/api")
def api_page(request: Request):
    spec = request.app.openapi()
    lang = lang_of(request)
    return render(request, "api.html", {"operations": operations(spec, lang),
                                        "description": description(spec, lang)})


@router.get("/api/docs")
def api_docs(request: Request):
    return render(request, "api_docs.html", {})
