"""Fresh databases for the tests (SQLite files; PostgreSQL schemas when
LUCKYDRAW_TEST_POSTGRES_URL is set) and the draw most tests start from."""

import os
import uuid

import pytest

from shared.draws import validate_settings
from shared.money import parse_amount
from shared.new_draw import create_draw

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
