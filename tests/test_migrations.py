"""Migrations that stay true, on SQLite and PostgreSQL: a database of every earlier version upgrades
to exactly the schema of a fresh one and of today's models; the released steps still build the
released schema; and an organiser's released database (tests/fixtures/) upgrades with every row
kept and the core working on it."""

import ast
import importlib
import pkgutil
import re
import sqlite3
from datetime import timedelta
from pathlib import Path

import psycopg2
import pytest
from peewee import Model, Table, TextField

import shared
from shared import db as shared_db
from shared import migrations, setup
from shared.booking import expire_due, hold_tickets
from shared.db import BaseModel
from shared.draws import update_settings
from shared.migrations import CURRENT_VERSION, STEPS, SchemaTooNew, current_version, migrate
from shared.migrations.schema import describe, differences, model_mismatches
from shared.payments import record_payment
from shared.stats import reconcile

FIXTURES = Path(__file__).parent / "fixtures"
RELEASED_VERSION = 3


def today_models() -> list[type[Model]]:
    """Every table class of the core: the subclasses of BaseModel in the shared.models* modules."""
    for info in pkgutil.iter_modules(shared.__path__):
        if info.name.startswith("models"):
            importlib.import_module(f"shared.{info.name}")
    found, todo = [], list(BaseModel.__subclasses__())
    while todo:
        model = todo.pop()
        todo.extend(model.__subclasses__())
        if model.__module__.startswith("shared.models"):
            found.append(model)
    return sorted(found, key=lambda m: m._meta.table_name)


@pytest.fixture
def databases(db_url, tmp_path):
    """`new(name)`: the URL of another empty database of the same kind as `db_url` (a sibling
    file on SQLite, a sibling schema on PostgreSQL, dropped afterwards)."""
    made = []
    admin = shared_db.make_database(db_url)

    def new(name: str) -> str:
        if db_url.startswith("postgresql://"):
            base, schema = db_url.split("?schema=")
            admin.execute_sql(f"CREATE SCHEMA {schema}_{name}")
            made.append(f"{schema}_{name}")
            return f"{base}?schema={schema}_{name}"
        folder = tmp_path / name
        folder.mkdir()
        return str(folder / "luckydraw.db")

    yield new
    shared_db.close()
    for schema in made:
        admin.execute_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    admin.close()


def schema_of(url: str) -> dict:
    db = shared_db.make_database(url)
    try:
        return describe(db)
    finally:
        db.close()


def migrate_in_steps(url: str, *versions: int) -> None:
    """Bring the database at `url` to each version in turn, a new connection each time, as
    successive releases would."""
    for version in versions:
        database = setup.connect(url, create=False)
        assert migrate(database, target=version) == version
        assert current_version(database) == version
        database.close()


def create_from_models(url: str) -> None:
    database = setup.connect(url, create=False)
    database.create_tables(today_models())
    database.close()


def same(a: dict, b: dict, names: tuple[str, str]) -> None:
    found = differences(a, b, names)
    assert not found, "the schemas differ:\n" + "\n".join(found)


# ------------------------------------------------------------------ the steps themselves


def test_steps_are_numbered_in_order_and_current_version_is_the_last():
    assert [step.VERSION for step in STEPS] == list(range(1, len(STEPS) + 1))
    assert CURRENT_VERSION == STEPS[-1].VERSION >= RELEASED_VERSION
    with pytest.raises(RuntimeError, match="VERSION = 2"):
        migrations.check_steps((STEPS[0], STEPS[2]))


@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.__name__.rsplit(".", 1)[-1])
def test_no_step_imports_the_models_of_today(step):
    """A step describes the schema of its own time; today's model classes change after it."""
    tree = ast.parse(Path(step.__file__).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = ("." * node.level) + (node.module or "")
            imported.update([module] + [f"{module}.{alias.name}" for alias in node.names])
    assert not [name for name in imported if re.search(r"(^|\.)models", name)]


# ------------------------------------------------------------------ upgrade paths


@pytest.mark.parametrize("start", range(1, CURRENT_VERSION))
def test_a_database_of_every_earlier_version_upgrades_to_the_fresh_schema(databases, start):
    fresh, upgraded, models = databases("fresh"), databases("upgraded"), databases("models")
    setup.connect(fresh).close()
    migrate_in_steps(upgraded, *range(start, CURRENT_VERSION + 1))
    create_from_models(models)
    same(schema_of(upgraded), schema_of(fresh), ("upgraded", "fresh"))
    same(schema_of(upgraded), schema_of(models), ("upgraded", "created from today's models"))
    database = setup.connect(upgraded)
    rows = database.execute_sql('SELECT "version" FROM "schema_version" ORDER BY "version"').fetchall()
    assert [r[0] for r in rows] == list(range(1, CURRENT_VERSION + 1))


def test_every_model_field_has_its_column_in_the_migrated_database(db):
    models = today_models()
    assert {"draw", "booking", "ticket", "payment", "drawing", "inbox_message"} <= {m._meta.table_name for m in models}
    assert model_mismatches(models, describe(db), db) == []


def test_a_model_change_without_a_step_is_named(db):
    class Ticket(BaseModel):  # today's ticket with a column that no step adds
        no_step_adds_this = TextField(null=True)
        number = TextField()

        class Meta:
            table_name = "ticket"

    found = model_mismatches([Ticket], describe(db), db)
    assert len(found) == 2
    assert found[0] == "Ticket.no_step_adds_this (ticket.no_step_adds_this): column is missing"
    assert found[1].startswith("Ticket.number (ticket.number): the model wants type ")


def test_the_comparison_names_each_difference(databases):
    left, right = databases("left"), databases("right")
    setup.connect(left).close()
    setup.connect(right).close()
    db = shared_db.make_database(right)
    db.execute_sql('ALTER TABLE "ticket" ADD COLUMN "no_step_adds_this" TEXT')
    db.execute_sql('DROP INDEX "ticket_draw_id_state"')
    db.execute_sql('CREATE INDEX "booking_live" ON "booking" ("draw_id") WHERE "state" = \'pending\'')
    db.close()
    found = differences(schema_of(left), schema_of(right), ("upgraded", "fresh"))
    assert [line.split(":")[0] for line in found] == [
        "tables.booking.indexes.booking_live",
        "tables.ticket.columns.no_step_adds_this",
        "tables.ticket.indexes.ticket_draw_id_state",
    ]
    assert found[0].startswith("tables.booking.indexes.booking_live: only in fresh: ")
    assert "'where': " in found[0] and "pending" in found[0]
    assert found[1].startswith("tables.ticket.columns.no_step_adds_this: only in fresh: ")
    assert found[2].startswith("tables.ticket.indexes.ticket_draw_id_state: only in upgraded: ")


def test_a_database_newer_than_the_code_is_refused_and_left_alone(db):
    versions = Table("schema_version", ("version", "applied_at")).bind(db)
    versions.insert(version=CURRENT_VERSION + 1, applied_at=shared_db.utcnow()).execute()
    with pytest.raises(SchemaTooNew, match=f"schema version {CURRENT_VERSION + 1}"):
        migrate(db)
    assert current_version(db) == CURRENT_VERSION + 1


def test_the_command_line_says_when_the_database_is_newer(cli, tmp_path):
    assert cli("hooks") == (0, "sms: off\nrazorpay: off\n", "")
    db = shared_db.make_database(str(tmp_path / "cli.db"))
    versions = Table("schema_version", ("version", "applied_at")).bind(db)
    versions.insert(version=CURRENT_VERSION + 1, applied_at=shared_db.utcnow()).execute()
    db.close()
    shared_db.close()
    code, out, err = cli("hooks")
    assert (code, out) == (2, "")
    assert err == (
        f"luckydraw: This database has schema version {CURRENT_VERSION + 1}, newer than this Lucky Draw knows "
        f"({CURRENT_VERSION}). Install the newer Lucky Draw that upgraded it.\n"
    )


# ------------------------------------------------------------------ the released database


def load_released(url: str) -> None:
    """The organiser's database as the released code left it (tests/fixtures/make_released.py)."""
    if url.startswith("postgresql://"):
        base, schema = url.split("?schema=")
        lines = (FIXTURES / "released_v3.postgres.sql").read_text().splitlines(keepends=True)
        script = "".join(line for line in lines if not line.startswith("--"))
        script = script.replace("CREATE SCHEMA released_v3;", "").replace("released_v3.", f"{schema}.")
        assert "released_v3" not in script
        conn = psycopg2.connect(base)
        try:
            with conn, conn.cursor() as cur:
                cur.execute(script)
        finally:
            conn.close()
    else:
        conn = sqlite3.connect(url)
        conn.executescript((FIXTURES / "released_v3.sqlite.sql").read_text())
        conn.close()


def all_rows(url: str) -> dict[str, list[dict]]:
    db = shared_db.make_database(url)
    try:
        rows = {}
        for table in describe(db)["tables"]:
            cursor = db.execute_sql(f'SELECT * FROM "{table}" ORDER BY 1')
            names = [c[0] for c in cursor.description]
            rows[table] = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        return rows
    finally:
        db.close()


def test_the_released_steps_still_build_the_released_schema(databases):
    released, rebuilt = databases("released"), databases("rebuilt")
    load_released(released)
    migrate_in_steps(rebuilt, *range(1, RELEASED_VERSION + 1))
    same(schema_of(rebuilt), schema_of(released), ("steps 1-3 of today", "the released database"))


def test_the_released_database_upgrades_with_every_row_and_the_core_works(databases):
    url = databases("organiser")
    load_released(url)
    before = all_rows(url)
    assert before["schema_version"] and len(before["booking"]) == 11 and len(before["inbox_message"]) == 2
    assert {r["state"] for r in before["draw"]} == {"archived", "open"}
    assert {r["state"] for r in before["booking"]} == {"paid", "pending", "expired", "cancelled"}
    assert {r["status"] for r in before["payment"]} == {"matched", "unmatched", "attention"}
    assert len(before["drawing"]) == 2 and len(before["drawing_winner"]) == 3

    database = setup.connect(url)
    assert current_version(database) == CURRENT_VERSION
    after = all_rows(url)
    for table, rows in before.items():
        kept = [{k: row[k] for k in rows[0]} for row in after[table][: len(rows)]] if rows else []
        assert kept == rows, f"rows of {table} changed in the upgrade"
        if table != "schema_version":
            assert len(after[table]) == len(rows), f"rows added to {table} by the upgrade"

    # step 10: the released draws have no terms and no closing time until the organiser gives them
    assert [(r["terms"], r["closes_at"]) for r in after["draw"]] == [(None, None)] * len(before["draw"])
    live = next(r["id"] for r in before["draw"] if r["state"] == "open")
    closes = shared_db.utcnow().replace(microsecond=0, second=0) + timedelta(days=7)
    changed = update_settings({"terms": "Permit no. 7/2026, Collector Pune", "closes_at": closes})
    assert (changed.id, changed.terms, changed.closes_at) == (live, "Permit no. 7/2026, Collector Pune", closes)
    expire_due()
    hold = hold_tickets("Kavya Nair", "9876500099", [40, 41])
    assert hold.order_id > max(r["id"] for r in before["booking"])  # the id sequence carried over
    result = record_payment(hold.payable_paise, "700000000001")
    assert result.outcome == "matched" and result.order_reference == hold.reference
    for draw in before["draw"]:
        check = reconcile(draw["id"])
        assert check.ok, check.problems
    assert reconcile(live).paid_orders == 1 + sum(
        1 for r in before["booking"] if r["draw_id"] == live and r["state"] == "paid"
    )
    database.close()


def test_several_open_draws_upgrade_to_one_current_the_others_archived(databases):
    """Step 9 (one current draw): a database where a race left two draws open keeps the newest."""
    url = databases("raced")
    migrate_in_steps(url, 8)
    database = setup.connect(url, create=False)
    for name in ("First", "Second"):
        database.execute_sql(
            'INSERT INTO "draw" ("name", "ticket_count", "price_paise", "payee_vpa", "payee_name", '
            '"hold_minutes", "max_per_order", "max_pending_per_mobile", "late_window_minutes", "state", '
            '"created_at", "seed", "seed_hash") VALUES (\'' + name + "', 10, 500, 'a@okaxis', 'A', 10, 5, 2, 60, "
            "'open', '2026-01-01 00:00:00', 'x', 'y')"
        )
    database.close()
    migrate_in_steps(url, 9)
    database = setup.connect(url)
    rows = database.execute_sql('SELECT "name", "state" FROM "draw" ORDER BY "id"').fetchall()
    assert rows == [("First", "archived"), ("Second", "open")]
    kinds = database.execute_sql('SELECT "kind", "draw_id" FROM "event"').fetchall()
    assert kinds == [("draw_archived", 1)]


def test_step_10_adds_only_the_columns_a_database_lacks(databases):
    """Step 10 (terms and closing time) on a database where a half-recorded upgrade already added one
    of its columns: the other is added, the row kept, and the schema is the fresh one."""
    url, fresh = databases("half"), databases("fresh")
    setup.connect(fresh).close()
    migrate_in_steps(url, 9)
    database = setup.connect(url, create=False)
    database.execute_sql('ALTER TABLE "draw" ADD COLUMN "terms" TEXT')
    database.execute_sql(
        'INSERT INTO "draw" ("name", "ticket_count", "price_paise", "payee_vpa", "payee_name", "hold_minutes", '
        '"max_per_order", "max_pending_per_mobile", "late_window_minutes", "state", "created_at", "seed", '
        "\"seed_hash\", \"terms\") VALUES ('Mela', 10, 500, 'a@okaxis', 'A', 10, 5, 2, 60, 'open', "
        "'2026-01-01 00:00:00', 'x', 'y', 'Permit no. 1')"
    )
    database.close()
    migrate_in_steps(url, 10)
    migrate_in_steps(url, 10)  # once more: nothing to do
    migrate_in_steps(url, *range(11, CURRENT_VERSION + 1))  # and the steps that came after it
    same(schema_of(url), schema_of(fresh), ("half-upgraded", "fresh"))
    database = setup.connect(url)
    assert database.execute_sql('SELECT "name", "terms", "closes_at" FROM "draw"').fetchall() == [
        ("Mela", "Permit no. 1", None)
    ]
    database.close()
