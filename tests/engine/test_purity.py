"""The engine is pure Python: nothing under decider/engine imports Django."""

import ast
import subprocess
import sys
from pathlib import Path

import decider.engine

ENGINE = Path(decider.engine.__file__).parent
MODULES = sorted(
    "decider.engine" + ("" if path.stem == "__init__" else f".{path.stem}")
    for path in ENGINE.glob("*.py")
)


def test_no_engine_file_imports_django() -> None:
    offenders = []
    for path in ENGINE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "django"]
    assert offenders == []


def test_importing_every_engine_module_loads_no_django() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ENGINE.parent.parent,
    )
    assert done.stdout.strip() == "[]"
