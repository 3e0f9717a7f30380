"""Draws (SQLite and PostgreSQL): settings checked field by field, a fresh draw with every ticket
free, settings that change safely, sales closed and opened, and a new draw that archives (never
deletes) the old one."""

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest

from shared.booking import hold_tickets
from shared.draws import (
    DrawSettings,
    current_draw,
    get_draw,
    list_draws,
    set_sales_open,
    update_settings,
    validate_settings,
)
from shared.errors import Conflict, DuplicateUTR, InvalidInput, NotFound, SalesClosed
from shared.models import Draw, Event, Order, Payment, Ticket
from shared.new_draw import create_draw
from shared.payments import record_payment
from tests.helpers.db import DEFAULT_DRAW, draw_form, new_draw

GOOD = dict(name="Diwali Mela", ticket_count=500, price="5", payee_vpa="organiser@okaxis", payee_name="Asha Stores")


def test_validate_settings_defaults():
    s = validate_settings(**draw_form(GOOD))
    assert s == DrawSettings(
        name="Diwali Mela",
        ticket_count=500,
        price_paise=500,
        payee_vpa="organiser@okaxis",
        payee_name="Asha Stores",
        hold_minutes=10,
        max_per_order=20,
        max_pending_per_mobile=2,
        late_window_minutes=60,
    )


@pytest.mark.parametrize(
    "field, value, expected",
    [
        ("price", "₹10.50", ("price_paise", 1050)),
        ("price_paise", 700, ("price_paise", 700)),  # the core takes paise
        ("ticket_count", " 1000 ", ("ticket_count", 1000)),
        ("ticket_count", 20, ("ticket_count", 20)),
        ("ticket_count", 100000, ("ticket_count", 100000)),
        ("name", "  Ganesh   Mela ", ("name", "Ganesh Mela")),
        ("hold_minutes", "240", ("hold_minutes", 240)),
        ("late_window_minutes", 0, ("late_window_minutes", 0)),
        ("max_pending_per_mobile", 50, ("max_pending_per_mobile", 50)),
    ],
)
def test_validate_settings_accepts(field, value, expected):
    s = validate_settings(**draw_form({**GOOD, field: value}))
    assert getattr(s, expected[0]) == expected[1]


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("name", "", "Please enter a draw name"),
        ("ticket_count", 0, "Ticket count must be between 1 and 100000; got 0"),
        ("ticket_count", 100001, "between 1 and 100000"),
        ("ticket_count", "lots", "Ticket count must be a whole number"),
        ("ticket_count", "10.5", "whole number"),
        ("price", "0", "more than zero"),
        ("price", "ten", "is not an amount"),
        ("payee_vpa", "organiser", "is not a UPI ID"),
        ("payee_name", "", "Please enter a payee name"),
        ("hold_minutes", 0, "Hold minutes must be between 1 and 240"),
        ("hold_minutes", 241, "Hold minutes"),
        ("max_per_order", 0, "Max tickets per order"),
        ("max_per_order", 501, "Max tickets per order must be between 1 and 500"),
        ("max_pending_per_mobile", 0, "Pending bookings per mobile"),
        ("late_window_minutes", -1, "Late-payment window"),
    ],
)
def test_validate_settings_rejects(field, value, message):
    with pytest.raises(InvalidInput) as caught:
        validate_settings(**draw_form({**GOOD, field: value}))
    assert message in caught.value.message


def test_create_draw_has_every_ticket_free(db, tmp_path):
    draw = new_draw(tmp_path, ticket_count=1234)
    assert current_draw().id == draw.id and get_draw(draw.id).id == draw.id and get_draw().id == draw.id
    tickets = Ticket.select().where(Ticket.draw == draw.id)
    assert tickets.count() == 1234
    assert sorted(t.number for t in tickets) == list(range(1, 1235))
    assert {t.state for t in tickets} == {"free"}
    assert draw.state == "open" and draw.label(7) == "0007" and draw.label(1234) == "1234"
    assert hashlib.sha256(bytes.fromhex(draw.seed)).hexdigest() == draw.seed_hash
    assert Event.get(Event.kind == "draw_created").data["seed_hash"] == draw.seed_hash
    assert [d.id for d in list_draws()] == [draw.id]


def test_no_draw(db):
    assert current_draw(required=False) is None
    with pytest.raises(NotFound, match="no draw yet"):
        current_draw()
    with pytest.raises(NotFound, match="no draw #42"):
        get_draw(42)


def test_update_settings(draw):
    updated = update_settings({"hold_minutes": 15, "payee_name": "Asha General Stores", "ticket_count": 120})
    assert (updated.hold_minutes, updated.payee_name, updated.ticket_count) == (15, "Asha General Stores", 120)
    assert Ticket.select().where(Ticket.draw == draw.id).count() == 120
    assert Ticket.select().where((Ticket.draw == draw.id) & (Ticket.number == 120)).get().state == "free"
    event = Event.select().where(Event.kind == "draw_settings_changed").get()
    assert event.data == {"hold_minutes": 15, "payee_name": "Asha General Stores", "ticket_count": 120}
    # the price may change while nothing is booked
    assert update_settings({"price_paise": 1200}).price_paise == 1200
    hold = hold_tickets("Asha", "9876543210", [120])
    assert hold.base_paise == 1200 and hold.expires_at - Order.get_by_id(hold.order_id).created_at == timedelta(
        minutes=15
    )


@pytest.mark.parametrize(
    "changes, error, message",
    [
        ({"ticket_count": 99}, Conflict, "can only grow"),
        ({"price_paise": 2000}, Conflict, "price cannot change once bookings exist"),
        ({"hold_minutes": 0}, InvalidInput, "Hold minutes"),
        ({"payee_vpa": "nope"}, InvalidInput, "is not a UPI ID"),
        ({"max_per_order": 101}, InvalidInput, "Max tickets per order"),
    ],
)
def test_update_settings_refusals_change_nothing(draw, changes, error, message):
    hold_tickets("Asha", "9876543210", [1])
    before = {
        f: getattr(Draw.get_by_id(draw.id), f)
        for f in ("ticket_count", "price_paise", "hold_minutes", "payee_vpa", "max_per_order")
    }
    tickets = Ticket.select().count()
    with pytest.raises(error) as caught:
        update_settings(changes)
    assert message in caught.value.message
    assert {f: getattr(Draw.get_by_id(draw.id), f) for f in before} == before
    assert Ticket.select().count() == tickets


def test_sales_closed_and_opened(draw):
    hold = hold_tickets("Asha", "9876543210", [1])
    closed = set_sales_open(False)
    assert closed.state == "closed" and closed.closed_at is not None
    with pytest.raises(SalesClosed):
        hold_tickets("Ravi", "9123456789", [2])
    # a pending booking can still be paid after sales close
    assert record_payment(hold.payable_paise, "123456789012").confirmed
    assert set_sales_open(False).state == "closed"  # idempotent, one event
    assert Event.select().where(Event.kind == "sales_closed").count() == 1
    opened = set_sales_open(True)
    assert opened.state == "open" and opened.closed_at is None
    hold_tickets("Ravi", "9123456789", [2])
    Draw.update(state="drawn").where(Draw.id == draw.id).execute()
    with pytest.raises(Conflict, match="already been drawn"):
        set_sales_open(True)


def test_new_draw_archives_and_exports_the_old_one(db, tmp_path):
    old = new_draw(tmp_path)
    paid = hold_tickets("Asha", "9876543210", [1, 2])
    record_payment(paid.payable_paise, "123456789012")
    pending = hold_tickets("Ravi", "9123456789", [3])
    record_payment(4321, "210987654321")
    fresh = create_draw(
        validate_settings(**draw_form({**DEFAULT_DRAW, "name": "Holi Mela", "ticket_count": 50})),
        exports_dir=str(tmp_path / "exports"),
    )
    archived = Draw.get_by_id(old.id)
    assert archived.state == "archived" and archived.archived_at is not None
    assert archived.export_path and (tmp_path / "exports").exists()
    assert Path(archived.export_path).is_file()
    assert current_draw().id == fresh.id and fresh.seed_hash != archived.seed_hash
    assert Ticket.select().where(Ticket.draw == fresh.id).count() == 50
    assert {t.state for t in Ticket.select().where(Ticket.draw == fresh.id)} == {"free"}
    # nothing of the old draw is deleted: its sale stays, its pending booking is cancelled
    assert Order.get_by_id(paid.order_id).state == "paid"
    assert Order.get_by_id(pending.order_id).state == "cancelled"
    assert Ticket.select().where((Ticket.draw == old.id) & (Ticket.state == "sold")).count() == 2
    assert Ticket.select().where((Ticket.draw == old.id) & (Ticket.state == "held")).count() == 0
    assert Payment.select().where(Payment.draw == old.id).count() == 2
    assert [d.id for d in list_draws()] == [fresh.id, old.id]
    # the UTR stays unique across draws
    with pytest.raises(DuplicateUTR):
        record_payment(1000, "123456789012")
