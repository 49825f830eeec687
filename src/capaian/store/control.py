"""Requests to the server that holds an embedded (DuckDB) store, through a folder it watches.

DuckDB lets one process open a store file. While `capaian serve` holds it, the commands that
must act on the live store (`db backup`, `users revoke`, `users passwd`) leave a request in
`<store>.control/` and the server carries it out (`ControlWatcher`, polling every
`POLL_SECONDS`), answering in the same folder; `ask` waits for that answer. The server also
leaves `server.json` there (its PID), so a command can tell at once whether the process holding
the store takes requests. The folder is private (mode 0700, the server's user): whoever can write
into it can already write the store file itself. Only the actions the server registered are
carried out; anything else is answered with an error.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from pathlib import Path
from typing import Callable

from capaian.errors import CapaianError

POLL_SECONDS = 0.5
SERVER_FILE = "server.json"
REQUEST = ".request.json"
ANSWER = ".answer.json"


def control_dir(store_path) -> Path:
    return Path(f"{store_path}.control")


def _write_json(path: Path, value: dict) -> None:
    """Write atomically (a reader never sees half a file)."""
    partial = path.with_name(path.name + ".tmp")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(value, fh)
    os.replace(partial, path)


def _private_dir(folder: Path) -> bool:
    """Make `folder` (mode 0700); False when it exists but belongs to another user."""
    folder.mkdir(mode=0o700, exist_ok=True)
    st = folder.stat()
    if st.st_uid != os.getuid():
        return False
    if st.st_mode & 0o077:
        os.chmod(folder, 0o700)
    return True


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class ControlWatcher:
    """The server's side: a daemon thread carrying out the requests left in the control folder.

    `handlers`: action -> callable(params dict) -> answer dict; a CapaianError it raises becomes an
    error answer with both messages."""

    def __init__(self, store_path, handlers: dict[str, Callable[[dict], dict]]):
        self.folder = control_dir(store_path)
        self.handlers = handlers
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> bool:
        """Start watching; False (nothing started) when the folder is not private to this user."""
        if not _private_dir(self.folder):
            return False
        _write_json(self.folder / SERVER_FILE, {"pid": os.getpid(), "started": time.time()})
        self._thread = threading.Thread(target=self._run, name="capaian-control", daemon=True)
        self._thread.start()
        return True

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        try:
            server = json.loads((self.folder / SERVER_FILE).read_text())
            if server.get("pid") == os.getpid():
                (self.folder / SERVER_FILE).unlink()
        except (OSError, ValueError):
            pass

    def _run(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            self.handle_pending()

    def handle_pending(self) -> int:
        """Carry out every waiting request; returns how many."""
        try:
            names = sorted(p.name for p in os.scandir(self.folder) if p.name.endswith(REQUEST))
        except OSError:
            return 0
        for name in names:
            request_path = self.folder / name
            try:
                request = json.loads(request_path.read_text(encoding="utf-8"))
                request_path.unlink()
            except (OSError, ValueError):
                continue
            answer = self._answer(request)
            _write_json(self.folder / (name[: -len(REQUEST)] + ANSWER), answer)
        return len(names)

    def _answer(self, request) -> dict:
        action = request.get("action") if isinstance(request, dict) else None
        handler = self.handlers.get(action) if isinstance(action, str) else None
        if handler is None:
            return {"ok": False, "id": f"Permintaan {action!r} tidak dikenal server.",
                    "en": f"The server does not know the request {action!r}."}
        try:
            return {"ok": True, "result": handler(dict(request.get("params") or {}))}
        except CapaianError as exc:
            return {"ok": False, "id": exc.id_message, "en": exc.en_message}
        except Exception as exc:  # noqa: BLE001 - the answer names it; the server keeps running
            detail = f"{type(exc).__name__}: {exc}"[:300]
            return {"ok": False, "id": f"Server gagal menjalankan {action}: {detail}",
                    "en": f"The server failed to carry out {action}: {detail}"}


def serving_pid(store_path) -> int | None:
    """The PID of the server watching the control folder of `store_path`, if it still runs."""
    try:
        server = json.loads((control_dir(store_path) / SERVER_FILE).read_text(encoding="utf-8"))
        pid = int(server["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return pid if _pid_alive(pid) else None


def ask(store_path, action: str, params: dict, holder: int | None = None, timeout: float = 120.0) -> dict:
    """Have the server holding `store_path` carry out `action`; its result. CapaianError when no
    server takes requests for that store (naming the process `holder` that holds it, if known),
    when it does not answer within `timeout` seconds, or with the server's own error."""
    pid = serving_pid(store_path)
    if pid is None or (holder is not None and pid != holder):
        who = f" (PID {holder})" if holder else ""
        raise CapaianError(
            f"Penyimpanan {store_path} dipegang proses lain{who} yang tidak menerima permintaan "
            "(bukan `capaian serve` versi ini). Hentikan proses itu lalu ulangi.",
            f"The store {store_path} is held by another process{who} that takes no requests (not a "
            "`capaian serve` of this version). Stop that process and try again.",
        )
    folder = control_dir(store_path)
    name = uuid.uuid4().hex
    try:
        _write_json(folder / (name + REQUEST), {"action": action, "params": params, "from": os.getpid()})
    except OSError as exc:
        raise CapaianError(
            f"Permintaan ke server tidak dapat ditulis di {folder}: {exc.strerror or exc}.",
            f"The request to the server can't be written in {folder}: {exc.strerror or exc}.",
        ) from None
    answer_path = folder / (name + ANSWER)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if answer_path.exists():
            try:
                answer = json.loads(answer_path.read_text(encoding="utf-8"))
            except ValueError:
                time.sleep(0.05)
                continue
            answer_path.unlink(missing_ok=True)
            if not answer.get("ok"):
                raise CapaianError(answer.get("id") or "?", answer.get("en") or answer.get("id") or "?")
            return answer.get("result") or {}
        time.sleep(0.1)
    (folder / (name + REQUEST)).unlink(missing_ok=True)
    raise CapaianError(
        f"Server (PID {pid}) tidak menjawab dalam {timeout:.0f} detik; periksa lognya.",
        f"The server (PID {pid}) did not answer within {timeout:.0f} s; check its log.",
    )
