"""The three layers: the core never loads the UI or the devices, the devices never load
the UI, and the screens hold no SQL. Each module is imported in a fresh interpreter so
that one module's imports cannot hide another's."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The composition root may wire screens and hardware; nothing else in shoptui may.
COMPOSITION_ROOT = {"shoptui.cli", "shoptui.__main__"}


def module_names(package: str) -> list[str]:
    names = []
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if any(not p.isidentifier() for p in parts):  # migrations are files the runner loads by path
            continue
        names.append(".".join(parts))
    return names


def core_modules() -> list[str]:
    return [
        name
        for name in module_names("shoptui")
        if name not in COMPOSITION_ROOT and not name.startswith("shoptui.commands")
    ]


def loaded_after_import(modules: list[str], forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    """For each module, the forbidden top-level packages a fresh interpreter has after importing it."""
    code = (
        "import importlib, sys\n"
        "importlib.import_module(sys.argv[1])\n"
        "print(' '.join(m for m in sys.argv[2:] if m in sys.modules))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def run(module: str) -> tuple[str, list[str]]:
        done = subprocess.run(
            [sys.executable, "-c", code, module, *forbidden],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            timeout=120,
        )
        if done.returncode != 0:
            return module, [f"import failed: {done.stderr.strip().splitlines()[-1:]}"]
        return module, done.stdout.split()

    with ThreadPoolExecutor(max_workers=max(2, (os.cpu_count() or 2) * 2)) as pool:
        return dict(pool.map(run, modules))


def test_the_core_never_loads_the_ui_or_the_devices():
    modules = core_modules()
    assert {"shoptui.services.checkout", "shoptui.models", "shoptui.db", "shoptui.money"} <= set(modules)
    found = loaded_after_import(modules, ("textual", "screens", "hardware"))
    assert {m: bad for m, bad in found.items() if bad} == {}


def test_the_devices_never_load_the_ui():
    modules = module_names("hardware")
    assert modules
    found = loaded_after_import(modules, ("textual", "screens"))
    assert {m: bad for m, bad in found.items() if bad} == {}


# Query building on a model class (Customer.select(...)), raw SQL, or peewee itself.
SQL_IN_SCREENS = [
    re.compile(r"\.execute_sql\("),
    re.compile(r"^\s*(from|import)\s+(peewee|playhouse)\b", re.M),
    re.compile(
        r"\b[A-Z]\w*\.(select|insert|insert_many|insert_from|update|delete|delete_instance|create|"
        r"get_or_none|get_or_create|get_by_id|raw|bulk_create|bulk_update|replace)\("
    ),
    re.compile(r"\.atomic\("),
    # A transaction of its own: a use case stitched together in the screen (one service call instead).
    re.compile(r"\bwrite_transaction\b"),
]


def sql_in(source: str) -> list[str]:
    return [m.group(0) for pattern in SQL_IN_SCREENS for m in pattern.finditer(source)]


def test_the_screens_hold_no_sql():
    files = sorted((ROOT / "screens").rglob("*.py"))
    assert files
    found = {str(f.relative_to(ROOT)): sql_in(f.read_text(encoding="utf-8")) for f in files}
    assert {f: hits for f, hits in found.items() if hits} == {}


def test_the_sql_scan_sees_what_it_must():
    assert sql_in("rows = Customer.select().where(x)\nReceipt.update(total=1).execute()\n")
    assert sql_in("from peewee import fn\n") and sql_in("db.execute_sql('SELECT 1')")
    assert sql_in("with database.atomic():\n")
    assert sql_in("from shoptui.services.ledger import write_transaction\n")
    assert not sql_in("self.query_one(Static).update(text)\nlabel.update('x')\nservices.customers.update(c, v)\n")


def test_import_linter_contracts_hold():
    """``lint-imports`` with the contracts of pyproject.toml (the core never imports textual,
    screens or hardware; hardware never imports textual or screens; the core's layers; the
    screens import no models)."""
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    if lint is None:
        pytest.fail("lint-imports is not installed: pip install import-linter")
    done = subprocess.run(
        [lint, "--no-cache"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def import_circles(package: str) -> list[list[str]]:
    """The circles among ``package``'s modules (strongly connected sets of two or more), as
    grimp reads the imports: those inside functions and under ``TYPE_CHECKING`` count."""
    import grimp

    graph = grimp.build_graph(package, include_external_packages=False)
    imports = {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's strongly connected components
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in imports[module]:
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            circle = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                circle.append(other)
                if other == module:
                    break
            if len(circle) > 1:
                circles.append(sorted(circle))

    for module in sorted(imports):
        if module not in index:
            visit(module)
    return circles


@pytest.mark.parametrize("package", ["shoptui", "screens", "hardware"])
def test_no_import_circle(package):
    """No circle among a package's modules, counting imports inside functions and under
    TYPE_CHECKING (a function-level import must not hide one)."""
    assert import_circles(package) == []


def test_the_circle_finder_sees_a_function_level_import(tmp_path, monkeypatch):
    package = tmp_path / "circled"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from . import b\n")
    (package / "b.py").write_text("def later():\n    from . import a\n")
    (package / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert import_circles("circled") == [["circled.a", "circled.b"]]


def test_every_module_of_the_three_packages_imports():
    """Each module imports on its own, in a fresh interpreter: a name a module offers to
    others (a re-export a linter took for unused, say) is found missing here, not when a
    shop starts the app."""
    import subprocess
    import sys

    script = (
        "import importlib, pkgutil\n"
        "bad = []\n"
        "for package in ('shoptui', 'screens', 'hardware'):\n"
        "    root = importlib.import_module(package)\n"
        "    for info in pkgutil.walk_packages(root.__path__, prefix=package + '.'):\n"
        "        if '.migrations.' in info.name:\n"
        "            continue  # loaded by the migration runner, by file\n"
        "        try:\n"
        "            importlib.import_module(info.name)\n"
        "        except Exception as exc:\n"
        "            bad.append(f'{info.name}: {exc!r}')\n"
        "print('\\n'.join(bad))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", done.stdout
