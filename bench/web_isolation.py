"""No single client slows everyone: p95 of a cheap probe while heavy clients work (issue 16, item 13).

Starts `capaian serve` on loopback over a copy of a store (the demo), adds a national user, then
probes `/wilayah/65.json` at a steady rate (one client, keep-alive) and reports its p50/p95:

- baseline: the probe alone;
- pdf: two clients each asking for national PDFs of distinct published cut-offs, one after another
  (each a real build: distinct cut-offs never hit the report cache);
- upload: one 19 MB CSV posted to `/api/submissions` (HTTP Basic, a national user);
- Basic: HTTP Basic requests to `/api/cutoffs`, 6 per second, with the right password (each one an
  argon2 check), then with wrong passwords (a spray: after the throttle's limit, refused with 429).

Bounded in time (`--seconds` per phase) and count; loopback only. Goal: each loaded p95 ≤ 3× the
baseline p95.

    python bench/web_isolation.py --db /tmp/demo.duckdb [--seconds 12] [--rate 20]
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from serve_support import start, stop

PROBE = "/wilayah/65.json"
USER, PASSWORD = "bench-national", "bench-password-123"


def capaian(db: Path, *args: str, **kw):
    return subprocess.run([sys.executable, "-m", "capaian", "--db", str(db), *args], check=True, **kw)


def start_server(db: Path) -> tuple[subprocess.Popen, int]:
    """The server, up and past its first overview (the baseline measures warm pages)."""
    proc, port, _ = start(db)
    status, _ = get(port, "/nasional")
    if status != 200:
        stop(proc)
        raise SystemExit(f"capaian serve answered {status} for /nasional")
    return proc, port


def get(port: int, path: str, headers: dict | None = None, conn=None, timeout: float = 120):
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    conn.request("GET", path, headers=headers or {})
    resp = conn.getresponse()
    body = resp.read()
    if own:
        conn.close()
    return resp.status, body


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, int(round(q / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


def probe(port: int, seconds: float, rate: float) -> list[float]:
    """Latencies (ms) of the probe at a steady rate for `seconds`, from the time each was due."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    out = []
    interval = 1.0 / rate
    start = time.perf_counter()
    n = 0
    while time.perf_counter() - start < seconds:
        # measured from the time the request was due, not sent: a stalled server delays the next
        # probes too, and they count (no coordinated omission)
        due = start + n * interval
        status, _ = get(port, PROBE + "?cutoff=2020-11-H1", conn=conn)
        if status != 200:
            raise SystemExit(f"probe answered {status}")
        out.append((time.perf_counter() - due) * 1000)
        n += 1
        wait = start + n * interval - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
    conn.close()
    return out


def basic(name: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{name}:{password}".encode()).decode()}


def load_pdf(port: int, stop: threading.Event, stats: dict, cutoffs: list[str], offset: int) -> None:
    for cutoff in cutoffs[offset::2][:12]:  # bounded: at most 12 builds per client
        if stop.is_set():
            return
        t0 = time.perf_counter()
        status, body = get(port, f"/nasional/laporan.pdf?cutoff={cutoff}", timeout=300)
        stats.setdefault("pdf", []).append((status, len(body), time.perf_counter() - t0))


def load_spray(port: int, stop: threading.Event, stats: dict, right: bool = False, rate: float = 6.0) -> None:
    start = time.perf_counter()
    n = 0
    while not stop.is_set() and n < 600:
        name, password = (USER, PASSWORD) if right else (f"nobody{n % 50}", "wrong-password")
        t0 = time.perf_counter()
        status, _ = get(port, "/api/cutoffs", headers=basic(name, password))
        stats.setdefault("spray", []).append((status, time.perf_counter() - t0))
        n += 1
        wait = start + n / rate - time.perf_counter()
        if wait > 0:
            time.sleep(wait)


def upload_body(size: int) -> tuple[bytes, str]:
    example = Path(__file__).resolve().parent.parent / "examples" / "submission-65-2020-11-H1.csv"
    lines = example.read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    out = [header]
    total = len(header)
    i = 0
    while total < size:
        out.append(rows[i % len(rows)])
        total += len(out[-1]) + 1
        i += 1
    csv = ("\n".join(out) + "\n").encode()
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n"
            f"Content-Type: text/csv\r\n\r\n").encode() + csv + f"\r\n--{boundary}--\r\n".encode()
    return body, boundary


def load_upload(port: int, stop: threading.Event, stats: dict, size: int) -> None:
    body, boundary = upload_body(size)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    t0 = time.perf_counter()
    conn.request("POST", "/api/submissions", body=body,
                 headers={**basic(USER, PASSWORD), "Content-Type": f"multipart/form-data; boundary={boundary}"})
    resp = conn.getresponse()
    resp.read()
    stats["upload"] = [(resp.status, len(body), time.perf_counter() - t0)]
    conn.close()


def cpu_seconds(pid: int) -> tuple[float, float]:
    """CPU seconds (user + system) of process `pid` and of its descendants alive now (Linux /proc;
    the report renderer is a child of the server)."""
    tick = os.sysconf("SC_CLK_TCK")

    def own(p: int) -> float:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / tick

    def children(p: int) -> list[int]:
        out = []
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                out += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                pass
        return out

    below, todo = 0.0, children(pid)
    while todo:
        child = todo.pop()
        below += own(child)
        todo += children(child)
    return own(pid), below


def phase(port: int, name: str, seconds: float, rate: float, loads: list, server_pid: int | None = None) -> dict:
    cpu0 = cpu_seconds(server_pid) if server_pid else None
    stop = threading.Event()
    stats: dict = {}
    threads = [threading.Thread(target=fn, args=(port, stop, stats, *args), daemon=True) for fn, args in loads]
    for t in threads:
        t.start()
    time.sleep(0.5 if loads else 0)
    lat = probe(port, seconds, rate)
    stop.set()
    for t in threads:
        t.join(300)
    out = {"name": name, "n": len(lat), "p50": pct(lat, 50), "p95": pct(lat, 95), "max": max(lat),
           "stats": {k: _summary(v) for k, v in stats.items()}}
    if cpu0 is not None:  # where the CPU went: the server process, and its children (the renderer)
        cpu1 = cpu_seconds(server_pid)
        out["stats"]["cpu"] = f"server {cpu1[0] - cpu0[0]:.1f} s, renderer {max(0.0, cpu1[1] - cpu0[1]):.1f} s"
    return out


def _summary(rows: list[tuple]) -> str:
    statuses: dict = {}
    for r in rows:
        statuses[r[0]] = statuses.get(r[0], 0) + 1
    secs = [r[-1] for r in rows]
    return (f"{len(rows)} requests, status {statuses}, "
            f"mean {sum(secs) / len(secs):.2f} s, max {max(secs):.2f} s")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, help="a demo store (copied; the original is untouched)")
    ap.add_argument("--seconds", type=float, default=12.0, help="probe seconds per phase")
    ap.add_argument("--rate", type=float, default=20.0, help="probe requests per second")
    ap.add_argument("--upload-mb", type=float, default=19.0)
    ap.add_argument("--only", help="comma-separated phases: pdf,spray,upload")
    ap.add_argument("--json", help="write the figures here")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="capaian-iso-"))
    proc = None
    try:
        db = tmp / "bench.duckdb"
        shutil.copy(args.db, db)
        capaian(db, "users", "add", USER, "--role", "national", "--password-stdin",
                input=PASSWORD + "\n", text=True, stdout=subprocess.DEVNULL)
        proc, port = start_server(db)
        cutoffs = [c["cutoff"] for c in json.loads(get(port, "/api/cutoffs")[1])["cutoffs"] if c["published"]]
        for _ in range(30):  # warm the probe's page
            get(port, PROBE + "?cutoff=2020-11-H1")
        time.sleep(2)
        print(f"server 127.0.0.1:{port}; probe {PROBE} at {args.rate:g}/s for {args.seconds:g} s per phase; "
              f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}", flush=True)
        only = set((args.only or "pdf,spray,upload").split(","))
        phases = [("baseline", [])]
        if "pdf" in only:
            phases.append(("2 national PDF builds", [(load_pdf, (cutoffs, 0)), (load_pdf, (cutoffs, 1))]))
        if "upload" in only:
            phases.append((f"one {args.upload_mb:g} MB upload", [(load_upload, (int(args.upload_mb * 1e6),))]))
        if "spray" in only:  # last: wrong passwords block this client address for the throttle's window
            phases.append(("Basic 6/s right password", [(load_spray, (True,))]))
            phases.append(("Basic spray 6/s wrong pw", [(load_spray, (False,))]))
        results = []
        base = None
        for name, loads in phases:
            res = phase(port, name, args.seconds, args.rate, loads, server_pid=proc.pid)
            if base is None:
                base = res["p95"]
            res["ratio"] = res["p95"] / base
            results.append(res)
            goal = "" if name == "baseline" else ("  goal ≤ 3×: " + ("met" if res["ratio"] <= 3 else "NOT met"))
            print(f"{name:24s} n={res['n']:4d} p50={res['p50']:7.1f} ms p95={res['p95']:7.1f} ms "
                  f"max={res['max']:7.1f} ms  ×{res['ratio']:.2f}{goal}", flush=True)
            for k, v in res["stats"].items():
                print(f"    {k}: {v}", flush=True)
            time.sleep(1)
        print(f"load average after: {os.getloadavg()[0]:.2f}")
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=2, default=str))
    finally:
        stop(proc)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
