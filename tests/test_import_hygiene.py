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


def imported_modules(path: Path, package: str) -> set[str]:
    """Full names of the modules a file imports (relative imports resolved against `package`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _package_of(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    return ".".join(parts[:-1]) if parts[-1] != "__init__" else ".".join(parts[:-1])


FORBIDDEN_IN_FRONT_ENDS = ("peewee", "playhouse", "shared.hold_sql", "shared.models")


def _forbidden(name: str) -> bool:
    """peewee and playhouse, shared.hold_sql, and shared.models, shared.models_intake, ..."""
    return any(name == f or name.startswith(f + ".") for f in FORBIDDEN_IN_FRONT_ENDS) or name.startswith(
        "shared.models_"
    )


@pytest.mark.parametrize("package", ["buyerweb", "console"])
def test_front_ends_ask_the_core_never_the_database(package):
    """The front ends read through core functions (shared.reports, shared.dashboard, ...): they
    import no peewee, no shared.models*, no shared.hold_sql."""
    files = sorted((ROOT / package).rglob("*.py"))
    offenders = {
        str(f.relative_to(ROOT)): sorted(n for n in imported_modules(f, _package_of(f)) if _forbidden(n)) for f in files
    }
    assert {f: names for f, names in offenders.items() if names} == {}


def test_the_database_import_check_can_fail(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from peewee import fn\nfrom shared.models_winners import Drawing\nfrom shared import hold_sql\n"
        "import shared.models\nfrom shared.reports import buyer_bookings\n"
    )
    names = {n for n in imported_modules(sample, "buyerweb") if _forbidden(n)}
    assert names == {
        "peewee",
        "peewee.fn",
        "shared.models_winners",
        "shared.models_winners.Drawing",
        "shared.hold_sql",
        "shared.models",
    }


def test_buyerweb_route_modules_do_not_import_the_app_factory():
    """buyerweb/app.py builds the app from the route modules; none of them imports it back (only the
    entry points that start it do: the command, the server and the WSGI module)."""
    importers = sorted(
        str(f.relative_to(ROOT))
        for f in (ROOT / "buyerweb").rglob("*.py")
        if f.name not in ("app.py", "__main__.py", "server.py", "wsgi.py")
        and {"buyerweb.app"} & imported_modules(f, "buyerweb")
    )
    assert importers == []
