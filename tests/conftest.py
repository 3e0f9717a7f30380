"""Shared fixtures: a fresh database per test, on SQLite and (when configured) on PostgreSQL.

The PostgreSQL half runs when LUCKYDRAW_TEST_POSTGRES_URL is set (CI sets it); each test gets its
own schema, dropped afterwards. LUCKYDRAW_REQUIRE_POSTGRES=1 turns the skip into a failure.
"""

import os
import uuid

import pytest
from hypothesis import settings

from shared import db as shared_db
from shared.draws import validate_settings
from shared.money import parse_amount
from shared.new_draw import create_draw

# In CI the property tests replay the same examples on every run (a landing never depends on
# luck); on a developer's machine they explore new ones each time.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

PG_URL = os.environ.get("LUCKYDRAW_TEST_POSTGRES_URL")
PG_REQUIRED = os.environ.get("LUCKYDRAW_REQUIRE_POSTGRES") == "1"


def pg_schema_url(base: str) -> tuple[str, str]:
    schema = "t_" + uuid.uuid4().hex[:12]
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}schema={schema}", schema


def _drop_schema(schema: str) -> None:
    import psycopg2

    conn = psycopg2.connect(PG_URL)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    conn.close()


def _create_schema(schema: str) -> None:
    import psycopg2

    conn = psycopg2.connect(PG_URL)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"CREATE SCHEMA {schema}")
    conn.close()


def make_url(kind: str, tmp_path):
    """(url, cleanup) for a fresh database of `kind` ('sqlite' or 'postgres')."""
    if kind == "sqlite":
        return str(tmp_path / "luckydraw.db"), lambda: None
    if not PG_URL:
        if PG_REQUIRED:
            pytest.fail("LUCKYDRAW_REQUIRE_POSTGRES=1 but LUCKYDRAW_TEST_POSTGRES_URL is not set")
        pytest.skip(
            "PostgreSQL half skipped: set LUCKYDRAW_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test"
        )
    url, schema = pg_schema_url(PG_URL)
    _create_schema(schema)
    return url, lambda: _drop_schema(schema)


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
    database = shared_db.connect(db_url)
    yield database
    database.close()


@pytest.fixture
def sqlite_db(sqlite_url):
    """Connected to a fresh SQLite file only (for rules that do not depend on the database)."""
    database = shared_db.connect(sqlite_url)
    yield database
    database.close()


DEFAULT_DRAW = dict(
    name="Diwali Mela",
    ticket_count=100,
    price="10",
    payee_vpa="organiser@okaxis",
    payee_name="Asha Stores",
    hold_minutes=10,
    max_per_order=20,
)


def draw_form(fields: dict) -> dict:
    """Draw settings as a person types them: the price in rupees text, parsed here at the edge."""
    fields = dict(fields)
    if "price" in fields:
        price = fields.pop("price")
        fields.setdefault("price_paise", parse_amount(price))  # given in paise, the paise win
    return fields


def new_draw(tmp_path=None, **overrides):
    settings = validate_settings(**draw_form({**DEFAULT_DRAW, **overrides}))
    return create_draw(settings, exports_dir=str(tmp_path / "exports") if tmp_path else "exports")


@pytest.fixture
def draw(db, tmp_path):
    return new_draw(tmp_path)


@pytest.fixture
def sqlite_draw(sqlite_db, tmp_path):
    return new_draw(tmp_path)


CLI_NEW_DRAW = (
    "new-draw",
    "--name",
    "Ganesh Utsav",
    "--tickets",
    "50",
    "--price",
    "10",
    "--upi-id",
    "utsav@okhdfc",
    "--payee",
    "Utsav Samiti",
)


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
