"""Edges of what people type and forward: Indic names, pasted UTRs, control characters, huge amounts."""

import pytest

from shared.booking import cancel_order, hold_tickets
from shared.errors import Conflict, InvalidInput
from shared.models import Payment
from shared.money import parse_amount
from shared.payments import find_payment, record_payment
from shared.validation import clean_name


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("श्री\u200dमती", "श्री\u200dमती"),  # a zero-width joiner inside a Devanagari name
        ("ಕನ್ನ\u200cಡ", "ಕನ್ನ\u200cಡ"),  # a zero-width non-joiner
    ],
)
def test_indic_names_with_joiners_are_kept(typed, kept):
    assert clean_name(typed) == kept


@pytest.mark.parametrize("typed", ["Asha\u202eevil", "Asha\u0000", "Asha\u200b"])
def test_direction_overrides_and_controls_are_refused(typed):
    with pytest.raises(InvalidInput, match="cannot be used"):
        clean_name(typed)


def test_forwarded_reference_and_vpa_lose_control_characters(sqlite_draw):
    record_payment(parse_amount("7.00"), "123456789012", reference="LD-\x1b[31mX", payer_vpa="a@ok\x00icici\n")
    payment = Payment.get(Payment.utr == "123456789012")
    assert payment.reference == "LD-[31mX" and payment.payer_vpa == "a@okicici"


def test_a_utr_pasted_with_spaces_is_found(sqlite_draw):
    record_payment(parse_amount("7.00"), "123456789012")
    assert find_payment("1234 5678 9012").utr == "123456789012"


def test_an_amount_in_paise_beyond_a_crore_is_refused_and_nothing_is_kept(sqlite_draw):
    with pytest.raises(InvalidInput, match="too large"):
        record_payment(10**12, "123456789012")
    assert Payment.select().count() == 0


def test_cancelling_a_booking_that_is_not_pending_is_a_conflict(sqlite_draw):
    hold = hold_tickets("Asha", "9876543210", [1])
    cancel_order(hold.reference)
    with pytest.raises(Conflict, match="cancelled, so it cannot be cancelled"):
        cancel_order(hold.reference)


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="flock is POSIX-only")
def test_sqlite_writers_of_every_process_queue_on_one_file_lock(sqlite_draw, sqlite_url):
    """A writer in another process holds `<db>-writelock`: this process's write waits for it."""
    import fcntl
    import os
    import threading

    other = os.open(sqlite_url + "-writelock", os.O_RDWR | os.O_CREAT)  # another open file = another process
    fcntl.flock(other, fcntl.LOCK_EX)
    writer = threading.Thread(target=record_payment, args=(parse_amount("7.00"), "123456789055"))
    writer.start()
    writer.join(0.5)
    assert writer.is_alive() and Payment.select().count() == 0
    fcntl.flock(other, fcntl.LOCK_UN)
    os.close(other)
    writer.join(10)
    assert not writer.is_alive() and Payment.select().count() == 1
