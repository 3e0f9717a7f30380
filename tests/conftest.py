"""Shared fixtures: a fresh database per test, on SQLite and (when configured) on PostgreSQL.

The PostgreSQL half runs when LUCKYDRAW_TEST_POSTGRES_URL is set (CI sets it); each test gets its
own schema, dropped afterwards. LUCKYDRAW_REQUIRE_POSTGRES=1 turns the skip into a failure.
"""

import os

import pytest
from hypothesis import settings

from shared import db as shared_db
from shared import setup
from tests.helpers.db import make_url, new_draw

# In CI the property tests replay the same examples on every run (a landing never depends on
# luck); on a developer's machine they explore new ones each time.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path):
    """A URL of an empty database, once on SQLite and once on PostgreSQL."""
    url, cleanup = make_url(request.param, tmp_path)
    yield url
    shared_db.close()
    cleanup()


@pytest.fixture
def sqlite_url(tmp_path):
    return str(tmp_path / "luckydraw.db")


@pytest.fixture
def db(db_url):
    """Connected (both databases), schema created, no draw yet."""
    database = setup.connect(db_url)
    yield database
    database.close()


@pytest.fixture
def sqlite_db(sqlite_url):
    """Connected to a fresh SQLite file only (for rules that do not depend on the database)."""
    database = setup.connect(sqlite_url)
    yield database
    database.close()


@pytest.fixture
def draw(db, tmp_path):
    return new_draw(tmp_path)


@pytest.fixture
def sqlite_draw(sqlite_db, tmp_path):
    return new_draw(tmp_path)


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    """Run `luckydraw --db <tmp file> ARGS` in-process; returns (exit code, stdout, stderr)."""
    from console.cli import main

    monkeypatch.chdir(tmp_path)
    url = str(tmp_path / "cli.db")

    def run(*args):
        code = main(["--db", url, *args])
        out, err = capsys.readouterr()
        return code, out, err

    yield run
    shared_db.close()
