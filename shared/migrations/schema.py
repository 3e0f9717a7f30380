"""What schema a database has, read from its own catalogue, and the differences between two schemas
or between a schema and the model classes, named one by one.

`describe(db)` returns nested dicts, the same shape for every database of one kind:

    {"tables": {table: {"columns": {column: {"type", "not null", "default", "primary key"}},
                        "indexes": {name: {"unique", "columns", "where", ...}},
                        "constraints": {key: {...}}}},   # foreign keys, checks (and PostgreSQL's unique/pk)
     "views": {name: sql}, "triggers": {name: sql}, "sequences": {name: {...}},
     "functions": {name(arguments): {"returns", "language", "body"}}}   # PostgreSQL's; none on SQLite

It reads SQLite through sqlite_master and its PRAGMAs, PostgreSQL through pg_catalog (the schema
in the search path). `differences(a, b)` lists what differs as `path: a has …, b has …` lines;
`model_mismatches(models, schema, db)` lists every model field whose column is missing or of
another type or nullability. The migration tests use them; they read only.
"""

import re

from peewee import PostgresqlDatabase

from .ddl import dialect

# ---------------------------------------------------------------- SQLite


def _squash(sql: str | None) -> str | None:
    return re.sub(r"\s+", " ", sql).strip() if sql else sql


def _checks(table_sql: str) -> list[str]:
    """The CHECK (...) clauses of a CREATE TABLE statement, whitespace squashed."""
    found: list[str] = []
    for match in re.finditer(r"\bCHECK\s*\(", table_sql, re.IGNORECASE):
        depth, start = 0, match.end() - 1
        for pos in range(start, len(table_sql)):
            depth += {"(": 1, ")": -1}.get(table_sql[pos], 0)
            if depth == 0:
                found.append(_squash(table_sql[start : pos + 1]) or "")
                break
    return found


def _sqlite_table(db, name: str, sql: str) -> dict:
    quoted = '"' + name.replace('"', '""') + '"'
    columns = {}
    for _cid, column, ctype, notnull, default, pk, hidden in db.execute_sql(f"PRAGMA table_xinfo({quoted})"):
        columns[column] = {
            "type": (ctype or "").upper(),
            "not null": bool(notnull),
            "default": default,
            "primary key": pk,
            "hidden": hidden,
        }
    indexes = {}
    for _seq, index, unique, origin, partial in db.execute_sql(f"PRAGMA index_list({quoted})"):
        index_quoted = '"' + index.replace('"', '""') + '"'
        keys = [
            (col if col is not None else "<expression>")
            + (" DESC" if desc else "")
            + ("" if coll == "BINARY" else f" COLLATE {coll}")
            for _n, _cid, col, desc, coll, key in db.execute_sql(f"PRAGMA index_xinfo({index_quoted})")
            if key
        ]
        row = db.execute_sql("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", (index,)).fetchone()
        where = None
        if partial and row and row[0]:
            where = _squash(re.split(r"\bWHERE\b", row[0], maxsplit=1, flags=re.IGNORECASE)[1])
        indexes[index] = {"unique": bool(unique), "origin": origin, "columns": keys, "where": where}
    constraints = {}
    foreign: dict = {}
    for fk_id, _seq, target, source, to, on_update, on_delete, match in db.execute_sql(
        f"PRAGMA foreign_key_list({quoted})"
    ):
        entry = foreign.setdefault(
            fk_id, {"from": [], "table": target, "to": [], "rule": (on_update, on_delete, match)}
        )
        entry["from"].append(source)
        entry["to"].append(to)
    for entry in foreign.values():
        on_update, on_delete, match = entry["rule"]
        key = (
            f"FOREIGN KEY ({', '.join(entry['from'])}) REFERENCES {entry['table']}({', '.join(map(str, entry['to']))})"
        )
        constraints[key] = {"on update": on_update, "on delete": on_delete, "match": match}
    for check in _checks(sql or ""):
        constraints[check] = {"check": True}
    return {"columns": columns, "indexes": indexes, "constraints": constraints}


def _describe_sqlite(db) -> dict:
    rows = db.execute_sql("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name")
    schema: dict[str, dict] = {"tables": {}, "views": {}, "triggers": {}, "sequences": {}, "functions": {}}
    for kind, name, sql in rows.fetchall():
        if kind == "table":
            schema["tables"][name] = _sqlite_table(db, name, sql)
        elif kind in ("view", "trigger"):
            schema[kind + "s"][name] = _squash(sql)
    return schema


# ---------------------------------------------------------------- PostgreSQL

_PG_TABLES = """
SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname"""

_PG_COLUMNS = """
SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid),
       a.attidentity, a.attgenerated, co.collname
FROM pg_attribute a
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 0 AND co.collname <> 'default'
WHERE a.attrelid = %s AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum"""

_PG_PRIMARY = """
SELECT a.attname, array_position(x.indkey::int2[], a.attnum) + 1 - array_lower(x.indkey::int2[], 1) FROM pg_index x
JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = ANY(x.indkey)
WHERE x.indrelid = %s AND x.indisprimary"""

_PG_INDEXES = """
SELECT i.relname, x.indisunique, x.indisprimary, pg_get_expr(x.indpred, x.indrelid), x.indnkeyatts,
       x.indexrelid, am.amname, x.indnullsnotdistinct
FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_am am ON am.oid = i.relam
WHERE x.indrelid = %s ORDER BY i.relname"""

_PG_CONSTRAINTS = """
SELECT conname, contype, pg_get_constraintdef(oid, true), condeferrable, condeferred, convalidated
FROM pg_constraint WHERE conrelid = %s ORDER BY conname"""

_PG_SEQUENCES = """
SELECT c.relname, s.seqtypid::regtype::text, s.seqincrement, s.seqstart, dep.refobjid::regclass::text, a.attname
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_sequence s ON s.seqrelid = c.oid
LEFT JOIN pg_depend dep ON dep.objid = c.oid AND dep.deptype IN ('a', 'i') AND dep.classid = 'pg_class'::regclass
LEFT JOIN pg_attribute a ON a.attrelid = dep.refobjid AND a.attnum = dep.refobjsubid
WHERE n.nspname = current_schema() AND c.relkind = 'S' ORDER BY c.relname"""

_PG_VIEWS = "SELECT viewname, definition FROM pg_views WHERE schemaname = current_schema()"

_PG_TRIGGERS = """
SELECT t.tgname, pg_get_triggerdef(t.oid, true) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND NOT t.tgisinternal"""

# The functions of the schema (a trigger's, say), without the schema's name in them.
_PG_FUNCTIONS = """
SELECT p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', pg_get_function_result(p.oid),
l.lanname, p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang WHERE n.nspname = current_schema()"""


def _pg_table(db, oid: int) -> dict:
    primary = dict(db.execute_sql(_PG_PRIMARY, (oid,)).fetchall())
    columns = {}
    for name, ctype, notnull, default, identity, generated, collation in db.execute_sql(_PG_COLUMNS, (oid,)):
        columns[name] = {
            "type": ctype,
            "not null": notnull,
            "default": default,
            "primary key": primary.get(name, 0),
            "identity": identity,
            "generated": generated,
            "collation": collation,
        }
    indexes = {}
    for name, unique, is_primary, where, nkeys, index_oid, method, nulls in db.execute_sql(_PG_INDEXES, (oid,)):
        keys = [
            db.execute_sql("SELECT pg_get_indexdef(%s, %s, true)", (index_oid, k)).fetchone()[0]
            for k in range(1, nkeys + 1)
        ]
        indexes[name] = {
            "unique": unique,
            "primary": is_primary,
            "columns": keys,
            "where": where,
            "method": method,
            "nulls not distinct": nulls,
        }
    constraints = {}
    for name, kind, definition, deferrable, deferred, validated in db.execute_sql(_PG_CONSTRAINTS, (oid,)):
        constraints[name] = {
            "kind": {"p": "primary key", "u": "unique", "f": "foreign key", "c": "check", "x": "exclusion"}.get(
                kind, kind
            ),
            "definition": definition,
            "deferrable": deferrable,
            "deferred": deferred,
            "validated": validated,
        }
    return {"columns": columns, "indexes": indexes, "constraints": constraints}


def _describe_postgres(db) -> dict:
    schema: dict[str, dict] = {"tables": {}, "views": {}, "triggers": {}, "sequences": {}, "functions": {}}
    for oid, name in db.execute_sql(_PG_TABLES).fetchall():
        schema["tables"][name] = _pg_table(db, oid)
    for name, kind, increment, start, owner_table, owner_column in db.execute_sql(_PG_SEQUENCES):
        owner = f"{owner_table}.{owner_column}" if owner_table else None
        schema["sequences"][name] = {"type": kind, "increment": increment, "start": start, "owned by": owner}
    schema["views"] = {name: _squash(sql) for name, sql in db.execute_sql(_PG_VIEWS)}
    schema["triggers"] = {name: _squash(sql) for name, sql in db.execute_sql(_PG_TRIGGERS)}
    schema["functions"] = {
        name: {"returns": returns, "language": language, "body": _squash(body)}
        for name, returns, language, body in db.execute_sql(_PG_FUNCTIONS)
    }
    return schema


def describe(db) -> dict:
    """The schema of the connected database (PostgreSQL: the schema first in its search path)."""
    return _describe_postgres(db) if isinstance(db, PostgresqlDatabase) else _describe_sqlite(db)


# ---------------------------------------------------------------- comparing


def differences(a: dict, b: dict, names: tuple[str, str] = ("a", "b"), path: str = "") -> list[str]:
    """Every difference between two described schemas, one line each, e.g.
    `tables.booking.columns.note: only in upgraded: {'type': 'TEXT', ...}` or
    `tables.booking.indexes.booking_state.unique: upgraded has False, fresh has True`."""
    first, second = names
    if not (isinstance(a, dict) and isinstance(b, dict)):
        return [] if a == b else [f"{path}: {first} has {a!r}, {second} has {b!r}"]
    lines = []
    for key in sorted(set(a) | set(b), key=str):
        where = f"{path}.{key}" if path else str(key)
        if key not in b:
            lines.append(f"{where}: only in {first}: {a[key]!r}")
        elif key not in a:
            lines.append(f"{where}: only in {second}: {b[key]!r}")
        else:
            lines.extend(differences(a[key], b[key], names, where))
    return lines


_PG_TYPE_NAMES = {
    "SERIAL": "integer",
    "BIGSERIAL": "bigint",
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "SMALLINT": "smallint",
    "TEXT": "text",
    "BOOLEAN": "boolean",
    "BYTEA": "bytea",
    "TIMESTAMP": "timestamp without time zone",
    "TIMESTAMPTZ": "timestamp with time zone",
    "DATE": "date",
    "TIME": "time without time zone",
    "REAL": "real",
    "DOUBLE PRECISION": "double precision",
    "UUID": "uuid",
    "JSONB": "jsonb",
    "JSON": "json",
}


def _catalogue_type(db, ddl_type: str) -> str:
    """The type as the catalogue of `db` names it, for a type as Peewee writes it in DDL."""
    if dialect(db) == "sqlite":
        return ddl_type.upper()
    upper = ddl_type.upper().replace(" ", "")
    sized = re.fullmatch(r"(VARCHAR|CHAR|NUMERIC|DECIMAL)\((\d+(?:,\d+)?)\)", upper)
    if sized:
        name = {"VARCHAR": "character varying", "CHAR": "character", "DECIMAL": "numeric"}.get(sized[1], "numeric")
        return f"{name}({sized[2]})"
    return _PG_TYPE_NAMES.get(ddl_type.upper(), ddl_type.lower())


def model_mismatches(models, schema: dict, db) -> list[str]:
    """Every field of `models` whose column is missing from `schema` (a `describe` of `db`) or
    differs in type or nullability, one line each; [] when the models and the schema agree."""
    lines = []
    for model in models:
        table = model._meta.table_name
        described = schema["tables"].get(table)
        if described is None:
            lines.append(f"{model.__name__}: table {table} is missing")
            continue
        for field in model._meta.sorted_fields:
            column = described["columns"].get(field.column_name)
            where = f"{model.__name__}.{field.name} ({table}.{field.column_name})"
            if column is None:
                lines.append(f"{where}: column is missing")
                continue
            ddl_type = db.get_sql_context().sql(field.ddl_datatype(db.get_sql_context())).query()[0]
            wanted = _catalogue_type(db, ddl_type)
            if column["type"] != wanted:
                lines.append(f"{where}: the model wants type {wanted}, the database has {column['type']}")
            not_null = not field.null or field.primary_key
            if column["not null"] != not_null:
                wants = "NOT NULL" if not_null else "NULL allowed"
                lines.append(f"{where}: the model wants {wants}, the database has the opposite")
    return lines
