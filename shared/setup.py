"""Start-up: connect to the database named by a URL and bring its schema up to date.

The one place that joins the connection (`shared.db`) and the schema steps (`shared.migrations`), so
that neither has to know the other."""

from .db import bind
from .migrations import migrate


def connect(url: str | None = None, create: bool = True):
    """Bind the models to the database at `url` and (unless `create` is false) bring its schema up to date."""
    db = bind(url)
    if create:
        schema = getattr(db, "luckydraw_schema", None)
        if schema:
            db.execute_sql(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        migrate(db)
    return db
