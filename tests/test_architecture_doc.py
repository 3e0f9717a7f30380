"""docs/architecture.md lists every module of the three packages (a new module gets its line there),
and every module says what it is for in a docstring."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
SUBPACKAGES_LISTED_AS_FOLDERS = ("console/screens/", "console/widgets/")


def modules():
    for package in ("shared", "buyerweb", "console"):
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/static/" not in relative:
                yield relative


def test_every_module_has_its_line():
    missing = [
        m
        for m in modules()
        if not m.endswith("__init__.py") and not m.startswith(SUBPACKAGES_LISTED_AS_FOLDERS) and f"`{m}`" not in PAGE
    ]
    assert missing == []


def test_every_listed_module_exists():
    listed = {line.split("`")[1] for line in PAGE.splitlines() if line.startswith("- `") and ".py`" in line}
    assert sorted(m for m in listed if not (ROOT / m).is_file()) == []


def test_every_module_says_what_it_is_for():
    undocumented = [m for m in modules() if not ast.get_docstring(ast.parse((ROOT / m).read_text(encoding="utf-8")))]
    assert undocumented == []
