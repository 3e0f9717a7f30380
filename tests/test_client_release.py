"""The organiser's side of "one client cannot hold the draw": the read model flags a client or a
mobile prefix holding a large share of the draw, and one action (core, CLI) releases every pending
hold of one client through the lifecycle's cancel transition, journalled."""

import pytest

from shared.booking import hold_tickets, release_client_holds
from shared.dashboard import concentration_threshold, take_snapshot
from shared.errors import InvalidInput
from shared.models import Event, Order, Ticket
from shared.states import OrderState, TicketState
from tests.helpers.db import CLI_NEW_DRAW, new_draw

IP = "203.0.113.50"


@pytest.fixture
def small_draw(db, tmp_path):
    """100 tickets, at most 10 a booking, so a client at the default cap (30) holds 30% of it."""
    return new_draw(tmp_path, ticket_count=100, max_per_order=10)


def test_a_client_with_a_large_share_is_flagged(small_draw):
    assert concentration_threshold(small_draw) == 20  # 20% of 100 (3 × the cap of 30 would be 90)
    for i in range(2):
        hold_tickets(f"B{i}", f"98{i:08d}", list(range(i * 10 + 1, i * 10 + 11)), client_key=IP)
    hold_tickets("Other", "7000000001", [50], client_key="198.51.100.1")
    flags = take_snapshot().concentration
    client = [f for f in flags if f.kind == "client"]
    assert [(f.key, f.tickets, f.bookings, f.percent) for f in client] == [(IP, 20, 2, 20)]
    prefix = [f for f in flags if f.kind == "mobile prefix"]
    assert [(f.key, f.tickets) for f in prefix] == [("98000", 20)]


def test_a_mobile_prefix_is_flagged_even_from_many_clients(small_draw):
    for i in range(3):
        hold_tickets(f"B{i}", f"91230{i:05d}", list(range(i * 10 + 1, i * 10 + 11)), client_key=f"10.0.0.{i}")
    flags = take_snapshot().concentration
    assert [(f.kind, f.key, f.tickets) for f in flags] == [("mobile prefix", "91230", 30)]


def test_nothing_is_flagged_for_ordinary_buyers(small_draw):
    for i in range(5):
        hold_tickets(f"B{i}", f"{6 + i % 4}{i:09d}", [i + 1, i + 50], client_key=f"10.0.1.{i}")
    assert take_snapshot().concentration == ()


def test_release_cancels_every_hold_of_that_client_only(small_draw):
    mine = [hold_tickets(f"B{i}", f"98{i:08d}", list(range(i * 10 + 1, i * 10 + 11)), client_key=IP) for i in range(3)]
    other = hold_tickets("Other", "7000000001", [90], client_key="198.51.100.1")
    cash = hold_tickets("Cash", "7000000002", [91])
    result = release_client_holds(f" {IP} ")
    assert result.client_key == IP and result.tickets == 30
    assert set(result.references) == {h.reference for h in mine}
    for hold in mine:
        order = Order.get_by_id(hold.order_id)
        assert order.state == OrderState.CANCELLED and order.amount_lock == hold.payable_paise  # kept reserved
        event = Event.get((Event.kind == "order_cancelled") & (Event.order == hold.order_id))
        assert event.data["reason"] == f"organiser released the holds of {IP}"
    assert Ticket.select().where((Ticket.number <= 30) & (Ticket.state == TicketState.FREE)).count() == 30
    assert Order.get_by_id(other.order_id).state == OrderState.PENDING
    assert Order.get_by_id(cash.order_id).state == OrderState.PENDING
    journal = Event.get(Event.kind == "client_holds_released")
    assert journal.data["client"] == IP and journal.data["tickets"] == 30
    assert release_client_holds(IP).references == ()
    with pytest.raises(InvalidInput, match="Name the client to release"):
        release_client_holds("  ")


def test_cli_release(cli):
    assert cli(*CLI_NEW_DRAW)[0] == 0
    hold_tickets("A", "9876543210", [1, 2], client_key=IP)
    hold_tickets("B", "9876543211", [3], client_key=IP)
    code, out, err = cli("release", "--client", IP)
    assert code == 0, err
    assert out.startswith(f"Released 2 bookings of client {IP} (") and out.endswith(": 3 tickets are free again.\n")
    code, out, _ = cli("release", "--client", IP)
    assert (code, out) == (0, f"Client {IP} holds no pending bookings; nothing changed.\n")
