"""Column types of our own: the "7,8,9" ticket-list text, read and written in one place."""

from collections.abc import Iterable

from peewee import TextField


def ticket_list_text(numbers: Iterable[int]) -> str:
    """Ticket numbers as stored: "7,8,9" (what plain-SQL writers put in the column too)."""
    return ",".join(str(int(n)) for n in numbers)


def ticket_list_numbers(text: str | None) -> tuple[int, ...]:
    """The stored "7,8,9" text as (7, 8, 9); empty or NULL is ()."""
    return tuple(int(n) for n in (text or "").split(",") if n)


class TicketListField(TextField):
    """A tuple of ticket numbers kept in a TEXT column as "7,8,9" (the column type is unchanged)."""

    def db_value(self, value):
        if value is None or isinstance(value, str):
            return value
        return ticket_list_text(value)

    def python_value(self, value):
        return None if value is None else ticket_list_numbers(value)
