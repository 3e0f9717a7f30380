"""The database errors a front end answers with "busy, try again" (a locked or lost database,
a dropped connection), so that front ends catch them without importing the driver layer."""

from peewee import DatabaseError, InterfaceError

DATABASE_ERRORS: tuple[type[Exception], ...] = (DatabaseError, InterfaceError)

__all__ = ["DATABASE_ERRORS"]
