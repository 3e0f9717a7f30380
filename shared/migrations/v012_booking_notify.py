"""Version 12 (PostgreSQL only; nothing on SQLite): every change to a booking row is announced on
the channel `luckydraw_booking_<md5 of the schema's name>` (one channel per install, so installs
sharing a server never hear each other), the booking's session id as the payload (a truncated
table as an empty payload). Whoever writes (a web worker, the console, another machine, psql), each web
process that keeps recently polled bookings in memory hears exactly which one changed.
Plain DDL as of this step. Frozen once released: never edit this step."""

from . import ddl

VERSION = 12

FUNCTION = """CREATE OR REPLACE FUNCTION "booking_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    channel text := 'luckydraw_booking_' || md5(TG_TABLE_SCHEMA);
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify(channel, '');
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM pg_notify(channel, OLD.session_id);
    ELSE
        PERFORM pg_notify(channel, NEW.session_id);
        IF TG_OP = 'UPDATE' AND OLD.session_id IS DISTINCT FROM NEW.session_id THEN
            PERFORM pg_notify(channel, OLD.session_id);
        END IF;
    END IF;
    RETURN NULL;
END
$$"""

TRIGGERS = (
    'DROP TRIGGER IF EXISTS "booking_changed" ON "booking"',
    'CREATE TRIGGER "booking_changed" AFTER INSERT OR UPDATE OR DELETE ON "booking" '
    'FOR EACH ROW EXECUTE FUNCTION "booking_changed"()',
    'DROP TRIGGER IF EXISTS "booking_truncated" ON "booking"',
    'CREATE TRIGGER "booking_truncated" AFTER TRUNCATE ON "booking" '
    'FOR EACH STATEMENT EXECUTE FUNCTION "booking_changed"()',
)


def up(db) -> None:
    if ddl.dialect(db) == "postgres":
        db.execute_sql(FUNCTION)
        ddl.run(db, TRIGGERS)
