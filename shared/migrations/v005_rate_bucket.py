"""Version 5: the table of rate-limit buckets that every web worker and machine shares."""

from . import ddl

VERSION = 5

DOUBLE = {"sqlite": "REAL", "postgres": "DOUBLE PRECISION"}

STATEMENTS = (
    'CREATE TABLE IF NOT EXISTS "rate_bucket" ('
    '"key" VARCHAR(200) NOT NULL PRIMARY KEY, '
    '"tokens" {DOUBLE} NOT NULL, '
    '"at" {DOUBLE} NOT NULL, '
    '"full_at" {DOUBLE} NOT NULL, '
    '"allowed" {BOOL} NOT NULL'
    ")",
    'CREATE INDEX IF NOT EXISTS "rate_bucket_full_at" ON "rate_bucket" ("full_at")',
)


def up(db) -> None:
    double = DOUBLE[ddl.dialect(db)]
    ddl.run(db, [statement.replace("{DOUBLE}", double) for statement in STATEMENTS])
