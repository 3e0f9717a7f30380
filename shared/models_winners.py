"""The tables of the winner draw: planned prizes, what was announced and frozen for the draw,
each numbered drawing (the first and every redraw), and the winners each drawing picked.

Nothing here is ever updated after a drawing: a redraw adds a drawing, it never rewrites one.
"""

import json

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from .db import BaseModel, utcnow
from .fields import ticket_list_numbers
from .models import Draw, Order


class Prize(BaseModel):
    """The prizes planned for a draw, in the order they are drawn (position 0 = first prize)."""

    id = AutoField()
    draw = ForeignKeyField(Draw, backref="prizes", on_delete="RESTRICT")
    position = IntegerField()
    name = CharField(max_length=80)

    class Meta:
        indexes = ((("draw", "position"), True),)


class DrawResultMeta(BaseModel):
    """One row per draw that has been closed or drawn: the public-value announcement made at
    closing, the prize rule, and — from the first drawing on — the frozen inputs of the draw
    (the sold-ticket list, its hash, the public value, buyer ids when one prize per buyer)."""

    draw = ForeignKeyField(Draw, primary_key=True, backref="result_meta", on_delete="RESTRICT")
    announcement = TextField(null=True)  # e.g. "drand round 123456", made public at closing
    announced_at = DateTimeField(null=True)
    one_prize_per_buyer = BooleanField(default=False)
    public_value = TextField(null=True)  # typed at the draw; "" when nothing was announced
    sold = TextField(null=True)  # "2,13,40": the sold tickets at the first drawing, ascending
    list_hash = CharField(max_length=64, null=True)
    owners = TextField(null=True)  # JSON {"13": "9f2c…"} opaque buyer ids, only with one prize per buyer
    last_sale_at = DateTimeField(null=True)
    drawn_at = DateTimeField(null=True)

    @property
    def sold_numbers(self) -> list[int]:
        return list(ticket_list_numbers(self.sold))

    @property
    def owner_map(self) -> dict[int, str] | None:
        return {int(t): b for t, b in json.loads(self.owners).items()} if self.owners else None


class Drawing(BaseModel):
    """Drawing 1 is the draw; 2, 3, … are redraws of unclaimed prizes."""

    id = AutoField()
    draw = ForeignKeyField(Draw, backref="drawings", on_delete="RESTRICT")
    number = IntegerField()
    prizes = TextField()  # JSON list of prize names, in drawing order
    reason = TextField(default="")
    drawn_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("draw", "number"), True),)

    @property
    def prize_names(self) -> list[str]:
        return json.loads(self.prizes)


class DrawingWinner(BaseModel):
    """One prize of one drawing: the ticket picked, the counter that picked it, the booking it
    belongs to, and the name as published (first name and initial)."""

    id = AutoField()
    drawing = ForeignKeyField(Drawing, backref="winners", on_delete="RESTRICT")
    prize_index = IntegerField()
    prize = CharField(max_length=80)
    ticket = IntegerField()
    counter = IntegerField()
    order = ForeignKeyField(Order, null=True, on_delete="RESTRICT")
    public_name = CharField(max_length=40)

    class Meta:
        table_name = "drawing_winner"
        indexes = ((("drawing", "prize_index"), True),)


DRAW_MODELS = [Prize, DrawResultMeta, Drawing, DrawingWinner]
