"""No import cycle inside `capaian.web` (issue 24): the imports of every module, at the top and inside
functions alike, read from the source. A route module never imports another one back; what several
share (the API's caller and parameters, the run's flags, caches) lives in modules without routes."""

from __future__ import annotations

import ast
from pathlib import Path

WEB = Path(__file__).resolve().parents[1] / "src" / "capaian" / "web"


def _graph() -> dict[str, set[str]]:
    modules = {p.stem for p in WEB.glob("*.py")}
    graph = {}
    for path in WEB.glob("*.py"):
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("capaian.web"):
                parts = node.module.split(".")
                found |= {parts[2]} if len(parts) > 2 else {a.name for a in node.names}
            elif isinstance(node, ast.Import):
                found |= {a.name.split(".")[2] for a in node.names if a.name.startswith("capaian.web.")}
        graph[path.stem] = (found & modules) - {path.stem}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph (as a path that returns to its start), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_in_the_web_layer():
    graph = _graph()
    assert {"api", "quality", "state", "common"} <= set(graph)  # the scan reads the modules it should
    assert "quality" not in graph["api"] or "api" not in graph["quality"]
    cycle = _cycle(graph)
    assert cycle is None, " -> ".join(cycle)
