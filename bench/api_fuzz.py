"""A longer schemathesis run against the REST API, in-process, with every check.

The same harness as tests/test_api_schemathesis.py (tests/api_fuzz_support.py), with more examples:
an anonymous client (with made-up credentials, under the real login throttle) and a national user
(logged in), each over its own copy of the store.

    python bench/api_fuzz.py --db /tmp/demo.duckdb                 # 100 examples per operation
    python bench/api_fuzz.py --db /tmp/demo.duckdb --examples 500 --seed 7
    python bench/api_fuzz.py                                       # builds the demo into a temporary file first

Prints, per client, the cases sent, the operations covered, the time, and every failure with a curl
line to reproduce it; exits 1 when any failure or error was found.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent / "tests"
sys.path.insert(0, str(TESTS))

from api_fuzz_support import MAX_RESPONSE_SECONDS, fuzz_app, fuzz_store, national_headers, run_fuzz  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a store to copy (default: build the demo)")
    parser.add_argument("--examples", type=int, default=100, help="examples per operation and phase")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--who", choices=("anonymous", "national", "both"), default="both")
    parser.add_argument("--max-time", type=int, default=None,
                        help="stop each client's run after this many seconds (then fuzzes until it)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="capaian-fuzz-") as tmp:
        source = args.db
        if source is None:
            source = Path(tmp) / "demo.duckdb"
            print("building the demo store ...", flush=True)
            subprocess.run([sys.executable, "-m", "capaian", "--db", str(source), "demo", "build"], check=True,
                           stdout=subprocess.DEVNULL)
        results = []
        for who in ("anonymous", "national"):
            if args.who not in (who, "both"):
                continue
            db = fuzz_store(source, Path(tmp) / f"{who}.duckdb")
            if who == "anonymous":
                app = fuzz_app(db)
                result = run_fuzz(app, who=who, max_examples=args.examples, seed=args.seed, max_time=args.max_time,
                                  max_response_seconds=MAX_RESPONSE_SECONDS)
            else:
                app = fuzz_app(db, login_limit=1_000_000)
                result = run_fuzz(app, who=who, headers=national_headers(app), max_examples=args.examples,
                                  seed=args.seed, max_time=args.max_time, generated_credentials=False,
                                  max_response_seconds=MAX_RESPONSE_SECONDS)
            print(result.summary(), flush=True)
            for seconds, request in result.slowest:
                print(f"  slow: {seconds:.2f} s {request[:160]}")
            for failure in result.failures:
                print("  " + str(failure))
            for error in result.errors:
                print("  error: " + error)
            results.append(result)
    cases = sum(r.cases for r in results)
    failures = sum(len(r.failures) + len(r.errors) for r in results)
    print(f"total: {cases} cases, {failures} failures; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
