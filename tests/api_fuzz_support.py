"""Schemathesis over the app in-process (ASGI), with every check: shared by
tests/test_api_schemathesis.py (bounded, in the suite) and bench/api_fuzz.py (a longer run).

`fuzz_store` copies a store and adds a national account; `fuzz_app` opens the app over it;
`national_headers` logs that account in (session cookie and CSRF header, as the dashboard's own
scripts call the API); `run_fuzz` runs every phase of schemathesis (examples, coverage, fuzzing,
stateful) with all its checks and returns the cases it sent and the failures it found.

Two settings, each with its reason:
- POST /api/evaluations and POST /api/submissions answer 422 to some requests the schema cannot rule
  out (a cut-off in the future or without facts, a file whose content breaks the submission rules),
  so for those two `positive_data_acceptance` also expects 422, which both operations document. So do
  GET /api/results, /api/regions, /api/completeness and /api/flags: a region (`region=Kaltara`) or a tier (`tier=kabkota`) is
  free text in any spelling the CLI takes (issue 23); one that names none is a 422 naming the parameter.
- The national run raises the failed-login limit: `ignored_auth` sends many invalid credentials and
  expects 401 each time, while the throttle rightly answers 429 after five (documented, and tested in
  tests/test_web_sessions.py). The anonymous run keeps the real limit.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

PASSWORD = "rahasia-123"
NATIONAL = "nasional"
OPERATIONS_WITH_CONTENT_RULES = (("POST", "/api/evaluations"), ("POST", "/api/submissions"),
                                 ("GET", "/api/results"), ("GET", "/api/regions"), ("GET", "/api/completeness"),
                                 ("GET", "/api/flags"))
POSITIVE_EXPECTED = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]  # schemathesis' default
MAX_RESPONSE_SECONDS = 30.0  # bench/api_fuzz.py's bound on one answer; the tests check conformance only
HANG_SECONDS = 900.0  # the tests' read timeout: a hang, never a slow answer on a busy machine


@dataclass
class Failure:
    operation: str
    check: str
    title: str
    message: str
    curl: str

    def __str__(self) -> str:
        return f"{self.operation} [{self.check}] {self.title}: {self.message.splitlines()[0]}\n    {self.curl}"


@dataclass
class FuzzResult:
    who: str
    cases: int = 0
    seconds: float = 0.0
    failures: list[Failure] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    operations: set[str] = field(default_factory=set)
    stop_reason: str = ""
    slowest: list[tuple[float, str]] = field(default_factory=list)  # (seconds, "METHOD uri"), slowest first
    over_2s: int = 0  # answers that took more than 2 s

    def summary(self) -> str:
        slowest = f"; slowest answer {self.slowest[0][0]:.2f} s, {self.over_2s} over 2 s" if self.slowest else ""
        return (f"{self.who}: {self.cases} cases over {len(self.operations)} operations in {self.seconds:.1f} s, "
                f"{len(self.failures)} failures, {len(self.errors)} errors ({self.stop_reason}){slowest}")

    def note_answers(self, interactions) -> None:
        """Keep the five slowest answers and count those over 2 s (the API's speed goal)."""
        for interaction in interactions:
            if interaction.response is None:
                continue
            elapsed = float(interaction.response.elapsed)
            self.over_2s += elapsed > 2.0
            self.slowest.append((elapsed, f"{interaction.request.method} {interaction.request.uri}"))
        self.slowest = sorted(self.slowest, reverse=True)[:5]


def fuzz_store(source: Path, target: Path) -> Path:
    """A copy of `source` (e.g. the demo store) with the national account `nasional`."""
    from capaian.accounts import add_user
    from capaian.store import open_store

    shutil.copy(source, target)
    store = open_store(target)
    try:
        add_user(store, NATIONAL, PASSWORD, "national")
    finally:
        store.close()
    return target


def fuzz_app(db: Path, *, login_limit: int | None = None):
    from capaian.web import create_app
    from capaian.web.state import LoginLimiter

    app = create_app(db, secret="fuzz-secret", warm=False)
    if login_limit is not None:
        app.state.web.limiter = LoginLimiter(app.state.web, limit=login_limit)
    return app


def national_headers(app) -> dict[str, str]:
    """Cookie and CSRF headers of a logged-in national user."""
    from fastapi.testclient import TestClient

    from web_support import csrf_of, login

    client = TestClient(app, follow_redirects=False)
    response = login(client, NATIONAL, PASSWORD)
    assert response.status_code == 303, response.text[:300]
    token = csrf_of(client.get("/masuk").text)
    return {"Cookie": f"capaian_session={client.cookies['capaian_session']}", "X-CSRF-Token": token}


def config(*, headers: dict[str, str], max_examples: int, seed: int, max_time: int | None,
           generated_credentials: bool = True, max_response_seconds: float | None = None):
    from schemathesis.config import SchemathesisConfig

    operations = [
        {"include-method": method, "include-path": path,
         "checks": {"positive_data_acceptance": {"expected-statuses": [*POSITIVE_EXPECTED, "422"]}}}
        for method, path in OPERATIONS_WITH_CONTENT_RULES
    ]
    data = {
        "seed": seed,
        "headers": headers,
        "generation": {"max-examples": max_examples, "mode": "all", "database": "none",
                       "with-security-parameters": generated_credentials},
        # schemathesis' own 10 s read timeout fails slow-but-correct answers on a busy machine:
        # speed is the benchmark's to measure (max_response_seconds), a hang is still caught
        "request-timeout": max_response_seconds or HANG_SECONDS,
        "operations": operations,
    }
    if max_response_seconds is not None:
        data["checks"] = {"max_response_time": max_response_seconds}
    if max_time is not None:
        data["max-time"] = max_time
    return SchemathesisConfig.from_dict(data)


def run_fuzz(app, *, who: str, headers: dict[str, str] | None = None, max_examples: int = 10, seed: int = 1,
             max_time: int | None = None, generated_credentials: bool = True,
             max_response_seconds: float | None = None) -> FuzzResult:
    """Every schemathesis phase and check against `app` (ASGI, in-process).

    `generated_credentials`: also send made-up Basic credentials and session cookies (each costs an
    argon2 check); a run that logs in as a user sends its own instead."""
    import schemathesis
    from schemathesis.engine import Status, events, from_schema

    cfg = config(headers=headers or {}, max_examples=max_examples, seed=seed, max_time=max_time,
                 generated_credentials=generated_credentials, max_response_seconds=max_response_seconds)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=cfg)
    result = FuzzResult(who)
    started = time.monotonic()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            result.cases += len(event.recorder.cases)
            result.note_answers(event.recorder.interactions.values())
            if event.label:
                result.operations.add(event.label)
            if event.status == Status.ERROR:
                result.errors.append(f"{event.label}: scenario error")
            for case_id, checks in event.recorder.checks.items():
                for check in checks:
                    if check.status != Status.FAILURE or check.failure_info is None:
                        continue
                    failure = check.failure_info.failure
                    result.failures.append(Failure(
                        operation=getattr(failure, "operation", None) or event.label or "?",
                        check=check.name, title=failure.title, message=failure.message,
                        curl=check.failure_info.code_sample,
                    ))
        elif isinstance(event, (events.NonFatalError, events.FatalError)):
            result.errors.append(str(getattr(event, "info", event)))
        elif isinstance(event, events.EngineFinished):
            result.stop_reason = str(event.stop_reason)
    result.seconds = time.monotonic() - started
    return result


def phase_times(app, **kwargs) -> dict[str, float]:
    """Seconds per schemathesis phase (for tuning the bounded test)."""
    import schemathesis
    from schemathesis.engine import events, from_schema

    cfg = config(headers=kwargs.pop("headers", {}), **kwargs)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=cfg)
    out, started = {}, {}
    for event in from_schema(schema).execute():
        if isinstance(event, events.PhaseStarted):
            started[event.phase.name] = time.monotonic()
        elif isinstance(event, events.PhaseFinished):
            out[str(event.phase.name)] = time.monotonic() - started[event.phase.name]
    return out
