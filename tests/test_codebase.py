"""The code base itself: the linter passes, no import cycles, the tests need nothing outside the repository."""
from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing():
    try:
        result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", "."],
                                cwd=ROOT, capture_output=True, text=True, timeout=120)
    except FileNotFoundError:  # pragma: no cover
        pytest.fail("cannot run ruff")
    if "No module named ruff" in result.stderr:
        pytest.fail("ruff is not installed: run `bash tests/install.sh` (pip install -e '.[test]')")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


# ------------------------------------------------------------------ import cycles
def package_modules() -> dict[str, Path]:
    """Every module of the installed package `budgetkg`, by dotted name, from pyproject's package-dir."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    modules: dict[str, Path] = {}
    for package in config["packages"]:
        folder = ROOT / config["package-dir"][package]
        for path in folder.glob("*.py"):
            name = package if path.stem == "__init__" else f"{package}.{path.stem}"
            modules[name] = path
    return modules


def imports(path: Path, name: str, modules: Iterable[str]) -> set[str]:
    """The package's modules that `name` imports, at the top or inside functions (a cycle through a
    function-level import is still a cycle: it only moves the failure to run time)."""
    known = set(modules)
    package = name if path.stem == "__init__" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return {m for m in found if m in known and m != name}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph.get(node, ())):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles():
    modules = package_modules()
    assert {"budgetkg.cli", "budgetkg.stores.remote", "budgetkg.api.app", "budgetkg.ingest.pipeline"} <= set(modules)
    graph = {name: imports(path, name, modules) for name, path in modules.items()}
    assert graph["budgetkg.api.app"], "the import graph is empty: the module names are wrong"
    assert cycles(graph) == []


def test_every_package_folder_is_packaged():
    packaged = {path.resolve() for path in package_modules().values()}
    sources = [p for folder in ("budgetkg", "api", "query", "ingest", "ontology") for p in (ROOT / folder).rglob("*.py")]
    missing = [str(p.relative_to(ROOT)) for p in sources if p.resolve() not in packaged]
    assert missing == []


# ------------------------------------------------------------------ one interface per concept
def package_sources(outside: str) -> dict[str, str]:
    """The package's source files outside the folder `outside`, by path relative to the repository."""
    return {str(path.relative_to(ROOT)): path.read_text(encoding="utf-8") for path in package_modules().values()
            if not str(path.relative_to(ROOT)).startswith(outside)}


def test_nothing_outside_the_stores_asks_which_store_it_has():
    """Callers use the Store protocol: no backend class, no type test, no reaching into a backend's insides."""
    backend = re.compile(r"EmbeddedStore|RemoteStore|OxigraphStore|stores\.(embedded|remote)\b|\.oxigraph\b|"
                         r"(getattr|hasattr)\(\s*(self\.)?store\b|isinstance\(\s*(self\.)?store\b")
    found = {path: match.group(0) for path, text in package_sources("budgetkg/stores/").items()
             if (match := backend.search(text))}
    assert found == {}


def test_only_the_settings_read_the_environment():
    reads = re.compile(r"""(environ\.get|getenv)\(\s*["']BUDGETKG_|environ\[\s*["']BUDGETKG_""")
    found = [path for path, text in package_sources("budgetkg/settings.py").items() if reads.search(text)]
    assert found == []


# ------------------------------------------------------------------ the tests stand alone
def test_tests_read_nothing_beside_the_repository():
    """A fresh clone runs its tests: nothing is read from ../shared or other folders beside the repository."""
    beside = re.compile(r"""\.parent\s*/\s*["']shared["']|\.\./shared|parents\[\d\]\.parent""")
    offenders = [p.name for p in sorted((ROOT / "tests").glob("*.py"))
                 if p.name != Path(__file__).name and beside.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
    assert (ROOT / "tests" / "questions" / "dev.jsonl").is_file()
