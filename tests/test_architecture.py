"""The layers of docs/architecture.md, checked: what each package may import.

engine <- importers <- adapter <- reports <- web, with charts drawing engine results. A
lower layer never imports a higher one, and views reach the engine only through the adapter
(they may name its types for annotations).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

DECIDER = Path(__file__).resolve().parent.parent / "decider"

# package -> decider packages it must never import
FORBIDDEN = {
    "engine": [
        "decider.importers",
        "decider.adapter",
        "decider.charts",
        "decider.reports",
        "decider.web",
        "decider.models",
        "decider.management",
        "decider.github",
    ],
    "importers": [
        "decider.adapter",
        "decider.charts",
        "decider.reports",
        "decider.web",
        "decider.management",
        "decider.github",
    ],
    # The GitHub client and sync: reads GitHub, writes through the importers' store.
    "github": [
        "decider.adapter",
        "decider.charts",
        "decider.reports",
        "decider.web",
        "decider.management",
    ],
    "charts": [
        "decider.importers",
        "decider.adapter",
        "decider.reports",
        "decider.web",
        "decider.models",
        "decider.management",
    ],
    "adapter": ["decider.reports", "decider.web", "decider.management", "decider.github"],
    "reports": ["decider.web", "decider.management", "decider.github"],
}


def _imports(path: Path) -> list[tuple[str, bool]]:
    """Every module `path` imports, and whether only under `if TYPE_CHECKING:`."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, typing_only: bool) -> None:
        if isinstance(node, ast.If) and ast.unparse(node.test) in {
            "TYPE_CHECKING",
            "typing.TYPE_CHECKING",
        }:
            for child in node.body:
                visit(child, True)
            for child in node.orelse:
                visit(child, typing_only)
            return
        if isinstance(node, ast.Import):
            found.extend((alias.name, typing_only) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, typing_only))
            # `from decider import web` imports decider.web
            found.extend((f"{node.module}.{alias.name}", typing_only) for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child, typing_only)

    visit(tree, False)
    return found


def _modules(package: str) -> list[Path]:
    return sorted((DECIDER / package).rglob("*.py"))


def _is_within(module: str, package: str) -> bool:
    return module == package or module.startswith(f"{package}.")


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_layer_imports_a_layer_above_it(package: str) -> None:
    offences = [
        f"{path.relative_to(DECIDER.parent)} imports {module}"
        for path in _modules(package)
        for module, _ in _imports(path)
        for forbidden in FORBIDDEN[package]
        if _is_within(module, forbidden)
    ]
    assert offences == []


def test_views_use_the_engine_only_for_type_annotations() -> None:
    offences = [
        f"{path.relative_to(DECIDER.parent)} imports {module}"
        for path in _modules("web/views")
        for module, typing_only in _imports(path)
        if _is_within(module, "decider.engine") and not typing_only
    ]
    assert offences == []


def test_every_package_is_covered() -> None:
    """A new package under decider/ needs its place in the layers above."""
    packages = {path.parent.name for path in DECIDER.glob("*/__init__.py")}
    assert packages == {*FORBIDDEN, "web", "management", "migrations"}


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "example.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "from decider import web\n"
        "if TYPE_CHECKING:\n"
        "    from decider.engine.inputs import Scenario\n"
        "def f():\n"
        "    import decider.reports.pdf\n"
    )
    assert _imports(module) == [
        ("typing", False),
        ("typing.TYPE_CHECKING", False),
        ("decider", False),
        ("decider.web", False),
        ("decider.engine.inputs", True),
        ("decider.engine.inputs.Scenario", True),
        ("decider.reports.pdf", False),
    ]
