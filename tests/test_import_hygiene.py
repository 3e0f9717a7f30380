"""The boundaries of the tree hold: the domain core (`shared`) loads neither Bottle nor Textual,
and the buyer web and the admin console never import each other."""

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import shared

ROOT = Path(__file__).resolve().parent.parent


def test_shared_loads_neither_bottle_nor_textual():
    names = sorted(f"shared.{m.name}" for m in pkgutil.iter_modules(shared.__path__))
    assert "shared.booking" in names and "shared.payments" in names
    script = (
        "import importlib, json, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('bottle', 'textual',"
        " 'buyerweb', 'console'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def imported_packages(path: Path) -> set[str]:
    """Top-level packages a Python file imports (absolute imports, anywhere in the file)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            found.add(str(node.args[0].value).split(".")[0])
    return found


@pytest.mark.parametrize(
    "package, forbidden",
    [
        ("buyerweb", {"console", "textual"}),
        ("console", {"buyerweb"}),
        ("shared", {"buyerweb", "console", "bottle", "textual"}),
    ],
)
def test_front_ends_never_import_each_other(package, forbidden):
    files = sorted((ROOT / package).rglob("*.py"))
    if not files:
        pytest.skip(f"{package}/ has no Python files yet")
    offenders = {str(f.relative_to(ROOT)): sorted(imported_packages(f) & forbidden) for f in files}
    assert {f: names for f, names in offenders.items() if names} == {}


def test_the_import_check_can_fail(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\nfrom console.app import LuckyDrawApp\n"
        "def f():\n    import importlib\n    importlib.import_module('buyerweb.app')\n"
    )
    assert imported_packages(sample) >= {"os", "console", "buyerweb"}
