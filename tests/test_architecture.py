"""The layout shows the architecture, and the code keeps to it.

* every module imports in a fresh interpreter;
* no import cycle between our modules (function-level imports included);
* the dependency rule of ``docs/ARCHITECTURE.md``: a layer imports only the
  layers below it, and the core never touches SQL, Streamlit or settings;
* no private cross-module imports (``from x import _y``);
* no source file over :data:`MAX_LINES` lines;
* ``ruff`` is clean and ``mypy`` passes on the core packages.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 500  # "a file over ~500 lines is a sign to split" (developers' guide)
NOT_SOURCE = {"tests", "bench", "docs", ".git", "test-artifacts", ".ruff_cache", ".mypy_cache", "__pycache__"}
ENTRY_SCRIPTS = {"app"}  # runs the page when imported: checked by the AppTest suites instead

# Layers, lowest first: a module may import its own layer and the layers below it.
LAYERS: dict[str, int] = {
    "domain": 0,
    "inventory": 1, "inventory_math": 1, "capacity": 1, "cooperation": 1, "resilience": 1,
    "forecasting": 1, "simulation": 2, "planning": 3, "seed_data": 3,
    "importing": 4, "storage": 4, "db": 4,
    "services": 5,
    "presentation": 6, "assistant": 6, "ai_brain": 6, "report": 7,
    "views": 8, "app": 9,
}
CORE = {name for name, layer in LAYERS.items() if layer <= 3}
CORE_FORBIDDEN = ("sqlalchemy", "psycopg2", "streamlit", "dotenv", "services", "storage", "db")


def _source_files() -> Iterator[Path]:
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in NOT_SOURCE or any(p in NOT_SOURCE for p in rel.parts) or rel.name == "tests.py":
            continue
        yield path


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in _source_files()}
TOP_LEVEL = {name.split(".")[0] for name in MODULES}


def _imports(path: Path) -> Iterator[tuple[str, list[str], int]]:
    """(imported module, imported names, line) of every import statement, at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, [], node.lineno
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module, [a.name for a in node.names], node.lineno


def _edges() -> dict[str, set[str]]:
    """Our module -> our modules it imports (``from pkg import sub`` points at ``pkg.sub``)."""
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for name, path in MODULES.items():
        for module, names, _ in _imports(path):
            if module.split(".")[0] not in TOP_LEVEL:
                continue
            targets = [f"{module}.{n}" for n in names if f"{module}.{n}" in MODULES]
            if len(targets) < len(names) or not names:
                targets.append(module)
            graph[name].update(t for t in targets if t in MODULES and t != name)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan 1972)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]
    sys.setrecursionlimit(max(10_000, sys.getrecursionlimit()))

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_every_module_imports_in_a_fresh_interpreter() -> None:
    names = sorted(n for n in MODULES if n.split(".")[0] not in ENTRY_SCRIPTS)
    code = ("import importlib, sys\nfailed = []\n"
            f"for name in {names!r}:\n"
            "    try:\n        importlib.import_module(name)\n"
            "    except Exception as exc:\n        failed.append(f'{name}: {exc!r}')\n"
            "print('\\n'.join(failed)); sys.exit(1 if failed else 0)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_graph_has_no_import_cycle() -> None:
    assert _cycles(_edges()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_every_top_level_name_has_a_layer() -> None:
    assert TOP_LEVEL - set(LAYERS) == set()


def test_layers_import_only_downwards() -> None:
    wrong = []
    for name, targets in _edges().items():
        src = name.split(".")[0]
        for target in targets:
            dst = target.split(".")[0]
            if LAYERS[dst] > LAYERS[src]:
                wrong.append(f"{name} (layer {LAYERS[src]}) imports {target} (layer {LAYERS[dst]})")
    assert wrong == []


def test_the_core_touches_no_sql_ui_or_settings() -> None:
    wrong = [f"{_module_name(path)}:{line} imports {module}"
             for name, path in MODULES.items() if name.split(".")[0] in CORE
             for module, _, line in _imports(path)
             if module.split(".")[0] in CORE_FORBIDDEN or module in ("services.config", "os.environ")]
    assert wrong == []


def test_no_private_cross_module_imports() -> None:
    wrong = [f"{_module_name(path)}:{line} imports {n} from {module}"
             for path in MODULES.values()
             for module, names, line in _imports(path)
             if module.split(".")[0] in TOP_LEVEL
             for n in names if n.startswith("_") and not n.startswith("__")]
    assert wrong == []


def test_no_source_file_is_over_the_limit() -> None:
    sizes = {str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines())
             for p in _source_files()}
    assert {f: n for f, n in sizes.items() if n > MAX_LINES} == {}


def test_ruff_is_clean() -> None:
    ruff = shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed (requirements-dev.txt installs it)")
    done = subprocess.run([ruff, "check", "."], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_the_core_type_checks() -> None:
    pytest.importorskip("mypy", reason="mypy is not installed (requirements-dev.txt installs it)")
    # mypy.ini names the files: domain, the math packages, planning, simulation, storage, services
    done = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-2000:]
