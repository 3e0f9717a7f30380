"""The `luckydraw` command line: what a script or an organiser at a prompt relies on."""

import json
import re
import subprocess
import sys

import pytest

from shared.models import Event, Order, Payment
from tests.helpers.db import CLI_NEW_DRAW

NEW_DRAW = CLI_NEW_DRAW


def test_new_draw_then_stats_json(cli):
    code, out, _ = cli(*NEW_DRAW)
    assert code == 0
    assert "Draw #1 'Ganesh Utsav' is open: 50 tickets at ₹10.00" in out
    code, out, _ = cli("stats", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["tickets_total"] == 50 and data["tickets_free"] == 50
    assert data["reconciliation"]["ok"] is True


def test_pay_confirms_the_booking_with_that_amount(cli):
    from shared.booking import hold_tickets

    cli(*NEW_DRAW)
    first = hold_tickets("Asha", "9876543210", [1])
    second = hold_tickets("Bala", "9876543211", [2])
    assert (first.payable_paise, second.payable_paise) == (1000, 1001)
    code, out, _ = cli("pay", "--amount", "10.01", "--utr", "123456789012", "--json")
    result = json.loads(out)
    assert code == 0
    assert result["outcome"] == "matched" and result["order_reference"] == second.reference
    assert Order.get(Order.reference == second.reference).state == "paid"
    assert Order.get(Order.reference == first.reference).state == "pending"


@pytest.mark.parametrize(
    "args, message",
    [
        (("pay", "--amount", "10.005", "--utr", "123456789012"), "more than two decimal places"),
        (("pay", "--amount", "abc", "--utr", "123456789012"), "is not an amount"),
        (("pay", "--amount", "0", "--utr", "123456789012"), "more than zero"),
        (("pay", "--amount", "10", "--utr", "12345"), "UTR must be exactly 12 digits"),
        (("pay", "--amount", "10"), "A UTR (12 digits) is needed"),
        (("sell", "--name", "X", "--mobile", "12345", "--tickets", "1"), "Mobile number must have 10 digits"),
        (("sell", "--name", "X", "--mobile", "9876543210", "--tickets", "51"), "There is no ticket 51"),
        (("assign", "--utr", "999999999999", "--order", "LD-ABCDEF"), "No payment with UTR"),
        (("new-draw", "--name", "Y", "--upi-id", "not a vpa", "--payee", "P"), "is not a UPI ID"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_changes_nothing(cli, args, message):
    cli(*NEW_DRAW)
    before = (Payment.select().count(), Order.select().count(), Event.select().count())
    code, out, err = cli(*args)
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert (Payment.select().count(), Order.select().count(), Event.select().count()) == before


def test_duplicate_utr_is_refused_and_confirms_nothing_twice(cli):
    cli(*NEW_DRAW)
    assert cli("pay", "--amount", "10", "--utr", "111111111111")[0] == 0
    code, _, err = cli("pay", "--amount", "10", "--utr", "111111111111")
    assert code == 2 and "already recorded" in err
    assert Payment.select().where(Payment.utr == "111111111111").count() == 1


def test_quick_mark_assign_and_cash_sale(cli):
    from shared.booking import hold_tickets

    cli(*NEW_DRAW)
    code, out, _ = cli("pay", "--amount", "99", "--quick", "--json")
    quick = json.loads(out)
    assert code == 0 and quick["outcome"] == "unmatched" and quick["utr"].startswith("NOUTR-")
    hold = hold_tickets("Chitra", "9876543212", [5, 6])
    code, out, _ = cli("assign", "--utr", quick["utr"], "--order", hold.reference, "--accept-overpayment", "--json")
    assert code == 0 and json.loads(out)["order_reference"] == hold.reference
    code, out, _ = cli("sell", "--name", "Dev", "--mobile", "+91 98765 43213", "--tickets", "7,8,9")
    assert code == 0 and "Cash sale: 3 tickets for Dev" in out
    cash = Order.get(Order.source == "cash")
    assert cash.state == "paid" and cash.mobile == "9876543213"
    code, out, _ = cli("stats")
    assert code == 0 and "Reconciliation OK" in out
    assert re.findall(r"(?<!\d)(\d+) sold\b", out) == ["5"]


def test_stats_exits_non_zero_when_reconciliation_fails(cli):
    cli(*NEW_DRAW)
    cli("sell", "--name", "Dev", "--mobile", "9876543213", "--tickets", "1")
    Order.update(state="pending").execute()  # tampering behind the application's back
    code, out, _ = cli("stats")
    assert code == 1 and "RECONCILIATION FAILED" in out


def test_demo_shows_every_state_and_reconciles(cli):
    code, out, _ = cli("demo")
    assert code == 0
    states = {o.state for o in Order.select()}
    assert states == {"paid", "pending", "expired"}
    statuses = {p.status for p in Payment.select()}
    assert {"matched", "unmatched", "attention"} <= statuses
    assert Payment.select().where(Payment.utr_missing).count() >= 2  # quick mark and cash
    assert cli("stats")[0] == 0


def test_demo_refuses_to_archive_a_real_draw(cli):
    cli(*NEW_DRAW)
    cli("sell", "--name", "Dev", "--mobile", "9876543213", "--tickets", "1")
    code, _, err = cli("demo")
    assert code == 2 and "already has bookings" in err


def test_console_script_runs_as_a_program(tmp_path):
    exe = [sys.executable, "-m", "console.cli", "--db", str(tmp_path / "p.db")]
    done = subprocess.run(exe + ["stats"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "There is no draw yet" in done.stderr
    done = subprocess.run(exe + ["nonsense"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1


def test_pay_after_a_quick_mark_attaches_the_utr_and_says_so(cli):
    """Issue 10, item 6: `pay --quick`, then `pay --utr` for the same money is not a double payment."""
    from shared.booking import hold_tickets

    cli(*NEW_DRAW)
    hold = hold_tickets("Asha", "9876543210", [1])
    assert cli("pay", "--amount", "10.00", "--quick")[0] == 0
    code, out, _ = cli("pay", "--amount", "10.00", "--utr", "123456789012")
    assert code == 0
    assert "the UTR was attached to it; nothing new was confirmed" in out
    assert f"confirmed booking {hold.reference}" in out and "double" not in out
    payment = Payment.get(Payment.utr == "123456789012")
    assert payment.order.reference == hold.reference and Payment.select().count() == 1


def test_assign_an_overpayment_needs_the_flag(cli):
    """Issue 10, item 8: exit 2 with one line naming --accept-overpayment; nothing changes."""
    from shared.booking import hold_tickets

    cli(*NEW_DRAW)
    hold = hold_tickets("Asha", "9876543210", [1])
    assert cli("pay", "--amount", "13.37", "--utr", "123456789012")[0] == 0
    code, out, err = cli("assign", "--utr", "123456789012", "--order", hold.reference)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "--accept-overpayment" in err and "₹13.37" in err
    assert Order.get(Order.reference == hold.reference).state == "pending"
    code, out, _ = cli("assign", "--utr", "123456789012", "--order", hold.reference, "--accept-overpayment")
    assert code == 0 and Order.get(Order.reference == hold.reference).state == "paid"


def test_postgresql_without_its_driver_says_what_to_install(tmp_path):
    """Issue 10, item 10: psycopg2 unimportable (a plain install): exit 2, one line naming the extra."""
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text(
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('psycopg2', 'psycopg'):\n"
        "            raise ImportError(f'No module named {name!r} (blocked for the test)')\n"
        "sys.meta_path.insert(0, Block())\n"
    )
    env = {**__import__("os").environ, "PYTHONPATH": str(blocker)}
    exe = [sys.executable, "-m", "console.cli", "--db", "postgresql://postgres@127.0.0.1:1/none", "stats"]
    done = subprocess.run(exe, capture_output=True, text=True, timeout=60, env=env, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "pip install 'luckydraw[postgres]'" in lines[0]
    assert "ImproperlyConfigured" not in done.stderr
