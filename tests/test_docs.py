"""The documents name only files that exist (issue 24): every repository path written in
backticks in README.md and docs/*.md (`src/…`, `tests/…`, `bench/…`, `docs/…`, …) is there."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOP_FOLDERS = ("src/", "tests/", "bench/", "docs/", "examples/", "scripts/", ".ci/")
PATH_IN_BACKTICKS = re.compile(r"`([^`\s]+)`")
BARE_FILE = re.compile(r"[\w-]+\.(md|toml|cfg)")


def _named_paths(text: str) -> set[str]:
    found = set()
    for token in PATH_IN_BACKTICKS.findall(text):
        token = token.split("::")[0].rstrip(".,;:)")
        if token.startswith(TOP_FOLDERS) and "{" not in token and "<" not in token:
            found.add(token)
        elif BARE_FILE.fullmatch(token):  # `design.md`: a file of this name somewhere in the tree
            found.add("**/" + token)
    return found


def _exists(path: str) -> bool:
    if path.startswith("**/"):  # a bare file name: at the top or in one of the project's folders
        name = path.removeprefix("**/")
        return (ROOT / name).exists() or any(any((ROOT / top).rglob(name)) for top in TOP_FOLDERS)
    return any(ROOT.glob(path)) if any(c in path for c in "*?[") else (ROOT / path).exists()


def test_every_path_the_documents_name_exists():
    documents = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    missing = {f"{doc.relative_to(ROOT)}: {path}" for doc in documents
               for path in _named_paths(doc.read_text(encoding="utf-8")) if not _exists(path)}
    assert not missing, sorted(missing)


def test_the_check_finds_a_missing_path():
    assert _named_paths("see `src/capaian/nothing_here.py` and `tests/x.py::test_y`, not `make test`") == {
        "src/capaian/nothing_here.py", "tests/x.py"}
    assert not _exists("src/capaian/nothing_here.py") and _exists("src/capaian/store/*.py")
    assert _named_paths("built on `design.md`") == {"**/design.md"} and not _exists("**/design.md")
