"""Serve published anonymous requests from the baked set (`capaian.web.bake`).

An anonymous GET (no session cookie, no Authorization) of a baked page or twin, whose query is
nothing or `cutoff=` only, is answered from the store's artefact of the run the public's picker
chooses, when that run's set is complete and made in the current context: `ETag` is the body's
SHA-256, `If-None-Match` gives 304, the gzip body goes to clients that accept it, and the
response is `Cache-Control: public`. Everything else (logged-in users, drafts, other queries, a
set not baked or not finished) goes on to the live renderers. Serving reads only.
"""

from __future__ import annotations

import gzip
import json
import re
import threading
import time
from urllib.parse import parse_qsl

from capaian.web.bake import BAKED_PARAMS, BAKING

CACHE_CONTROL = b"public, max-age=60"
PAGE_RE = re.compile(r"^/(nasional|nasional/kabkota|kualitas|wilayah/[0-9]{2})(\.(json|csv|parquet))?$")
CUTOFF_RE = re.compile(r"^20[0-9]{2}-(0[1-9]|1[0-2])-H[12]$")
SESSION_COOKIE = b"capaian_session="


class BakedSets:
    """A server's view of the baked sets: bake states (looked at again every `recheck` seconds)
    and the artefacts served lately (kept per run generation)."""

    def __init__(self, state, recheck: float = 2.0, size: int = 1024):
        from capaian.web.caching import LRU

        self.state = state
        self.recheck = recheck
        self._states: tuple[float, dict] | None = None
        self._context: tuple[object, str] | None = None  # (catalog, its context digest)
        self._bodies = LRU(size)
        self._lock = threading.Lock()

    def prime(self, app) -> None:
        """At server start, before anything else is warmed: the catalog, the bake states and the
        context digest, so that the first anonymous request of a baked page reads only its body."""
        from capaian.web.bake import renderer_digest

        renderer_digest()
        self.context(app, self.state.catalog())
        self.states()

    def forget(self) -> None:
        self._states = None
        self._context = None
        self._bodies.clear()

    def states(self) -> dict:
        held = self._states
        if held is not None and time.monotonic() - held[0] < self.recheck:
            return held[1]
        with self.state.reader() as store:
            found = store.bake_states()
        self._states = (time.monotonic(), found)
        return found

    def context(self, app, catalog) -> str:
        held = self._context
        if held is not None and held[0] is catalog:
            return held[1]
        from capaian.web.bake import context_of

        found = context_of(app)
        self._context = (catalog, found)
        return found

    def find(self, app, cutoff: str | None, target: str, fmt: str) -> dict | None:
        """The artefact serving this anonymous request, or None (render it live)."""
        from capaian.runs import NoRun, choose

        catalog = self.state.catalog()
        try:
            run_id = choose(catalog, cutoff=cutoff).run_id
        except NoRun:
            return None
        found = self.states().get(run_id)
        if found is None or found[0] != "complete" or found[1] != self.context(app, catalog):
            return None
        key = (run_id, found[2], target, fmt)
        hit = self._bodies.get(key)
        if hit is not None:
            return hit
        with self.state.reader() as store:
            art = store.artefact(run_id, target, fmt)
        if art is None:
            return None
        art["etag"] = f'"{art["digest"][:40]}"'.encode()
        art["extra"] = [(k.lower().encode(), v.encode()) for k, v in json.loads(art["headers"] or "{}").items()]
        self._bodies.put(key, art)
        return art


def _header(scope, name: bytes) -> bytes:
    for key, value in scope.get("headers") or ():
        if key == name:
            return value
    return b""


def _request(scope):
    """(cutoff, target, fmt) of a request the baked set may answer, else None."""
    if scope["type"] != "http" or scope.get("method") != "GET" or BAKING.get():
        return None
    found = PAGE_RE.match(scope.get("path", ""))
    if found is None:
        return None
    if SESSION_COOKIE in _header(scope, b"cookie") or _header(scope, b"authorization"):
        return None
    query = (scope.get("query_string") or b"").decode("latin-1")
    params = parse_qsl(query, keep_blank_values=True)
    if any(name not in BAKED_PARAMS for name, _ in params) or len(params) > 1:
        return None
    cutoff = params[0][1] if params else None
    if cutoff is not None and not CUTOFF_RE.match(cutoff):
        return None
    page = "/" + found.group(1)
    return cutoff, page + (f"?{query}" if query else ""), found.group(3) or "html"


def _matches(if_none_match: bytes, etag: bytes) -> bool:
    if not if_none_match:
        return False
    tags = [t.strip().removeprefix(b"W/") for t in if_none_match.split(b",")]
    return b"*" in tags or etag in tags


class BakedPages:
    """Pure ASGI middleware answering anonymous published requests from the baked set."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        asked = _request(scope)
        if asked is None:
            return await self.app(scope, receive, send)
        app = scope["app"]
        sets = app.state.web.baked
        art = await _find(sets, app, *asked)
        if art is None:
            return await self.app(scope, receive, send)
        headers = [(b"content-type", art["media_type"].encode()), (b"etag", art["etag"]),
                   (b"cache-control", CACHE_CONTROL), (b"vary", b"Accept-Encoding"), *art["extra"]]
        if _matches(_header(scope, b"if-none-match"), art["etag"]):
            await send({"type": "http.response.start", "status": 304,
                        "headers": [h for h in headers if h[0] != b"content-type"]})
            await send({"type": "http.response.body", "body": b""})
            return
        if b"gzip" in _header(scope, b"accept-encoding").lower():
            body = art["body_gzip"]
            headers.append((b"content-encoding", b"gzip"))
        else:
            body = art.get("raw")
            if body is None:
                body = art["raw"] = gzip.decompress(art["body_gzip"])
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})


async def _find(sets, app, cutoff, target, fmt):
    """The look-up on the event loop when nothing blocks (cached states and bodies), else in a thread."""
    from starlette.concurrency import run_in_threadpool

    from capaian.web.caching import INLINE, Cold

    token = INLINE.set(True)
    try:
        return sets.find(app, cutoff, target, fmt)
    except Cold:
        pass
    except Exception:  # noqa: BLE001 - the baked set is an optimisation: render live
        return None
    finally:
        INLINE.reset(token)
    try:
        return await run_in_threadpool(sets.find, app, cutoff, target, fmt)
    except Exception:  # noqa: BLE001
        return None
