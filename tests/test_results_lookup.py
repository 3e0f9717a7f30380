"""The buyer's "Was my ticket in the draw?" (shared.results.check_entry), on SQLite and PostgreSQL:
nothing is looked up before the winners are drawn; after, a ticket number answers for that ticket
alone (on the published sold list or not, which prize it holds, a prize a redraw took from it), a
booking reference (any case, with or without the dash) answers for that booking's own numbers, an
unpaid booking is never in the draw even when its number was later sold to someone else, and a
typo gets its own message. No answer carries a name or a mobile."""

import dataclasses
from datetime import timedelta

import pytest

from shared import results as published
from shared import winner_draw
from shared.booking import hold_tickets
from shared.db import utcnow
from shared.errors import InvalidInput, NotFound
from shared.payments import record_payment, sell_cash
from shared.results import EntryCheck, TicketEntry, check_entry
from tests.helpers.db import new_draw

BUYERS = [
    ("Asha Patel", "9876543210", [1, 2, 3]),
    ("Ravi Kumar", "9876543211", [10, 11]),
    ("Meena Iyer", "9876543212", [20, 21, 22, 23]),
]
PRIZES = ["1st: scooter", "2nd: phone"]


def sell_and_draw():
    """Three buyers by cash, one by UPI (Farhan, 40 and 41), and Lakshmi's booking of 50 that
    lapsed before Ravi bought 50. Returns (Farhan's booking, Lakshmi's lapsed booking)."""
    for name, mobile, numbers in BUYERS:
        sell_cash(name, mobile, numbers)
    upi = hold_tickets("Farhan Sheikh", "9876543213", [40, 41])
    record_payment(upi.payable_paise, "412345678901")
    lapsed = hold_tickets("Lakshmi Narayanan", "9876543214", [50], now=utcnow() - timedelta(minutes=30))
    sell_cash("Ravi Kumar", "9876543211", [50])
    winner_draw.set_prizes(PRIZES)
    winner_draw.close_sales()
    winner_draw.draw_winners()
    return upi, lapsed


def winners() -> dict[int, str]:
    """Ticket → prize, as the published results document says."""
    return {row["ticket"]: row["prize"] for row in published.published_results()["winners_by_prize"]}


def no_buyer_details(answer: EntryCheck) -> None:
    """Nothing of any buyer but the booking's own reference and numbers is in the answer."""
    values = repr(dataclasses.asdict(answer))
    for name, mobile, _ in BUYERS + [("Farhan Sheikh", "9876543213", []), ("Lakshmi Narayanan", "9876543214", [])]:
        first, last = name.split()
        for secret in (first, last, f"{first} {last[0]}.", mobile, mobile[-4:]):
            assert secret not in values, (secret, values)


def test_before_the_draw_nothing_is_looked_up(draw):
    hold = hold_tickets("Asha Patel", "9876543210", [5])
    record_payment(hold.payable_paise, "412345678901")
    for typed in (hold.reference, "LD-AAAAAA", "5", "6"):
        answer = check_entry(typed)
        assert answer == EntryCheck(draw.id, draw.name, answer.kind, drawn=False)
    assert [check_entry(t).kind for t in ("5", "ld-aaaaaa")] == ["ticket", "booking"]
    winner_draw.close_sales()
    assert check_entry(hold.reference).drawn is False, "closed is not drawn"


@pytest.mark.parametrize(
    "typed, message",
    [
        ("", "Please enter your booking reference (like LD-7K3Q2P) or a ticket number."),
        ("   ", "Please enter your booking reference (like LD-7K3Q2P) or a ticket number."),
        ("zz", "'zz' is neither a booking reference (like LD-7K3Q2P) nor a ticket number."),
        ("LD-7K3Q", "'LD-7K3Q' is neither a booking reference (like LD-7K3Q2P) nor a ticket number."),
        ("LD-7K3Q2O", "'LD-7K3Q2O' is neither a booking reference (like LD-7K3Q2P) nor a ticket number."),
        ("७", "'७' is neither a booking reference (like LD-7K3Q2P) nor a ticket number."),
        ("X" * 41, "'XXXXXXXXXXXXXXXXXXXX' is neither a booking reference (like LD-7K3Q2P) nor a ticket number."),
        ("0", "There is no ticket 0: numbers run from 1 to 100."),
        ("101", "There is no ticket 101: numbers run from 1 to 100."),
        (
            "234567",
            "234567 is not a ticket number here (they run from 1 to 100). "
            "If it is your booking reference, type it with LD- in front.",
        ),
    ],
)
def test_a_typo_gets_its_own_message(draw, typed, message):
    """Before and after the draw alike: the typed text is checked first."""
    with pytest.raises(InvalidInput) as before:
        check_entry(typed)
    assert before.value.message == message
    sell_and_draw()
    with pytest.raises(InvalidInput) as after:
        check_entry(typed)
    assert after.value.message == message


def test_a_ticket_number_answers_for_that_ticket_alone(draw):
    sell_and_draw()
    won = winners()
    assert len(won) == 2 and set(won) <= {1, 2, 3, 10, 11, 20, 21, 22, 23, 40, 41, 50}
    sold = set(published.published_results()["sold"])
    assert sold == {1, 2, 3, 10, 11, 20, 21, 22, 23, 40, 41, 50}
    for number in range(1, 101):
        for typed in (str(number), str(number).zfill(3), f" {number} "):
            answer = check_entry(typed)
            assert answer.kind == "ticket" and answer.drawn and answer.reference is None and not answer.paid
            prize = (won[number],) if number in won else ()
            assert answer.tickets == (TicketEntry(number, f"{number:03d}", number in sold, prize),), typed
        no_buyer_details(answer)


def test_a_reference_answers_for_that_bookings_own_numbers(draw):
    upi, _lapsed = sell_and_draw()
    won = winners()
    short = upi.reference.removeprefix("LD-")
    for typed in (upi.reference, upi.reference.lower(), short, short.lower(), f" ld {short} ", f"LD{short}"):
        answer = check_entry(typed)
        assert answer.kind == "booking" and answer.drawn and answer.paid and answer.reference == upi.reference
        assert answer.tickets == tuple(
            TicketEntry(n, f"{n:03d}", True, (won[n],) if n in won else ()) for n in (40, 41)
        ), typed
        no_buyer_details(answer)


def test_an_unpaid_booking_was_not_in_the_draw_even_if_its_number_was(draw):
    """Lakshmi's booking of 50 lapsed and Ravi then bought 50: by her reference 50 is not in the
    draw (it was not hers); by the number 50 is in the draw, and nothing says whose it is."""
    _upi, lapsed = sell_and_draw()
    mine = check_entry(lapsed.reference)
    assert mine.kind == "booking" and not mine.paid and mine.reference == lapsed.reference
    assert mine.tickets == (TicketEntry(50, "050", False),)
    by_number = check_entry("50")
    assert by_number.tickets[0].in_draw and by_number.reference is None
    no_buyer_details(mine)
    no_buyer_details(by_number)


def test_a_reference_no_booking_of_this_draw_has(draw, tmp_path):
    upi, _ = sell_and_draw()
    with pytest.raises(NotFound) as missing:
        check_entry("LD-AAAAAA")
    assert missing.value.message == "No booking of this draw has the reference LD-AAAAAA. Check it on your receipt."
    first = draw.id
    second = new_draw(tmp_path, name="Holi Mela")
    sell_cash("Asha Patel", "9876543210", [7])
    winner_draw.set_prizes(["1st: cooker"])
    winner_draw.close_sales()
    winner_draw.draw_winners()
    with pytest.raises(NotFound) as other_draw:
        check_entry(upi.reference)  # the current draw is the second one now
    assert other_draw.value.message == (
        f"No booking of this draw has the reference {upi.reference}. Check it on your receipt."
    )
    archived = check_entry(upi.reference, first)
    assert archived.draw_id == first and archived.draw_name == draw.name and archived.paid
    assert [t.number for t in archived.tickets] == [40, 41]
    assert check_entry("7").draw_id == second.id and check_entry("7").tickets[0].prizes == ("1st: cooker",)
    assert check_entry("7", first).tickets == (TicketEntry(7, "007", False),)


def test_a_prize_taken_by_a_redraw_is_told_as_such(draw):
    sell_and_draw()
    first_winner = published.published_results()["winners_by_prize"][1]["ticket"]
    winner_draw.redraw(["2nd: phone"], reason="not collected")
    now = published.published_results()["winners_by_prize"][1]
    assert now["ticket"] != first_winner and now["earlier"][0]["ticket"] == first_winner
    earlier = check_entry(str(first_winner)).tickets[0]
    assert earlier.in_draw and earlier.redrawn == (("2nd: phone", 1),)
    assert "2nd: phone" not in earlier.prizes
    assert check_entry(str(now["ticket"])).tickets[0].prizes == ("2nd: phone",)
