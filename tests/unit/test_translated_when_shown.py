"""No user text is translated when a module is imported.

A class attribute such as ``Binding(..., _("Export"))`` is translated once, in whatever
language is set when its module is first imported: a Vietnamese session that imports it
first shows Vietnamese to the English one after it. Such labels are marked with ``N_`` and
translated where they are shown (the footer, F1, the palette)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TRANSLATE_NOW = {"_", "ngettext"}


def _calls_at_import(tree: ast.AST, path: Path) -> list[str]:
    found: list[str] = []

    def walk(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if (
                not in_function
                and isinstance(child, ast.Call)
                and isinstance(child.func, ast.Name)
                and child.func.id in TRANSLATE_NOW
            ):
                found.append(f"{path.relative_to(ROOT)}:{child.lineno}")
            walk(child, inside)

    walk(tree, False)
    return found


def test_no_text_is_translated_at_import_time():
    found = [
        place
        for package in ("shoptui", "screens", "hardware")
        for path in sorted((ROOT / package).rglob("*.py"))
        for place in _calls_at_import(ast.parse(path.read_text(encoding="utf-8")), path)
    ]
    assert found == [], "translated at import time (mark with N_ and translate where shown): " + ", ".join(found)


def test_the_check_finds_a_label_translated_in_a_class_body():
    tree = ast.parse(
        'class M:\n    BINDINGS = [Binding("ctrl+s", "save", _("Export"))]\n    def f(self):\n        return _("ok")\n'
    )
    assert _calls_at_import(tree, ROOT / "x.py") == ["x.py:2"]
