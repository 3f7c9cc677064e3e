"""The package's shape: layers that point one way (no import circles) and small modules.

The graph is built from the source with ast, counting every import: at the top, inside
functions and under `if TYPE_CHECKING`, since each one ties two modules together all the same.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "tinbai"
MAX_LINES = 400  # migrations aside


def modules() -> dict[str, Path]:
    out = {}
    for f in PACKAGE.rglob("*.py"):
        if "migrations" in f.parts:
            continue
        parts = list(f.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = f
    return out


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    is_package = path.name == "__init__.py"
    base = name.split(".") if is_package else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                module = ".".join(base[: len(base) - node.level + 1] + ([module] if module else []))
            targets = [module] + [f"{module}.{a.name}" for a in node.names]
        else:
            continue
        for t in targets:
            while t and t not in known:
                t = t.rpartition(".")[0]
            if t and t != name:
                found.add(t)
    return found


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    # a package's __init__ importing its own modules is the package, not a circle
    return {m: {t for t in imports(m, f, known) if not t.startswith(m + ".")} for m, f in mods.items()}


def circles(g: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in g.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return found


def test_no_import_circles_between_modules() -> None:
    assert circles(graph()) == []


def test_no_import_circles_between_packages() -> None:
    def top(m: str) -> str:
        return ".".join(m.split(".")[:2])

    packages: dict[str, set[str]] = {}
    for m, targets in graph().items():
        packages.setdefault(top(m), set()).update(top(t) for t in targets if top(t) != top(m))
    assert circles(packages) == []


@pytest.mark.parametrize(("lower", "upper"), [
    ("tinbai.extract", "tinbai.rules"),  # facts are found before rules decide
    ("tinbai.parsers", "tinbai.extract"),  # files are read before facts are found in them
    ("tinbai.rules", "tinbai.queue"),  # rules never touch the database
    ("tinbai.queue", "tinbai.notifier"),  # the queue records; the notifier composes the emails
])
def test_layers_point_one_way(lower: str, upper: str) -> None:
    wrong = sorted(f"{m} -> {t}" for m, targets in graph().items() if m.startswith(lower)
                   for t in targets if t == upper or t.startswith(upper + "."))
    assert wrong == []


def test_modules_stay_small() -> None:
    big = {m: n for m, f in modules().items() if (n := len(f.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert big == {}


def test_the_graph_sees_imports_inside_functions(tmp_path: Path) -> None:
    """The test itself: an import hidden in a function or under TYPE_CHECKING counts."""
    probe = tmp_path / "probe.py"
    probe.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import tinbai.a\n"
                     "def f():\n    from tinbai import b\n", encoding="utf-8")
    assert imports("tinbai.probe", probe, {"tinbai.a", "tinbai.b"}) == {"tinbai.a", "tinbai.b"}
    assert circles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
