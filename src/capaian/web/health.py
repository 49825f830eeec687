"""Health of a server process, for a load balancer, systemd or a monitor (no login, no store lock):

- `GET /healthz`: 200 while the process serves requests at all (it never reads the store);
- `GET /readyz`: 200 when the store answers, its schema is the one this code knows and the start-up
  warm-up is done; else 503 with `Retry-After` and which check failed.

Both answer JSON: `{"status": "alive" | "ready" | "not_ready", "checks": {...}}`.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from capaian.store.migrate import newest_schema
from capaian.web.common import web

router = APIRouter(include_in_schema=False)


@router.get("/healthz")
async def healthz():
    return JSONResponse({"status": "alive"})


@router.get("/readyz")
def readyz(request: Request):
    state = web(request)
    checks = {"store": "ok", "schema": "ok", "warm": "ok" if state.warmed else "pending"}
    try:
        with state.reader() as store:
            have, want = store.schema_version(), newest_schema(store.backend)
        if have != want:
            checks["schema"] = f"{have} (this capaian: {want})"
    except Exception as exc:  # noqa: BLE001 - the point is to say so, not to fail
        from capaian.store.faults import classify, detail

        fault = classify(exc)
        checks["store"] = f"{fault.kind if fault else 'error'}: {detail(exc, 120)}"
        checks["schema"] = "unknown"
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse({"status": "ready" if ready else "not_ready", "checks": checks},
                        status_code=200 if ready else 503, headers={} if ready else {"Retry-After": "2"})
