"""The end of a draw (shared/winner_draw.py): closing rules, the refusal to draw with anything left to
settle, public-value rules, drawing and redrawing, and the published results that anyone can
verify — on SQLite and PostgreSQL."""

import copy
import hashlib
import json
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from shared import db as shared_db
from shared import results as published
from shared import setup, winner_draw
from shared.booking import hold_tickets
from shared.db import utcnow
from shared.errors import Conflict, InvalidInput, SalesClosed
from shared.migrations import CURRENT_VERSION
from shared.models import Draw, Event, Order, Payment, SchemaVersion, Ticket
from shared.models_winners import DRAW_MODELS, Drawing, DrawingWinner
from shared.money import parse_amount
from shared.payments import record_payment, refund_payment, sell_cash
from shared.winner_algorithm import commitment, pick_winners, ticket_list_hash, verify_results
from tests.helpers.db import new_draw

ROOT = Path(__file__).resolve().parents[1]
BUYERS = [
    ("Asha Patel", "9876543210"),
    ("Ravi Kumar", "9876543211"),
    ("Meena Iyer", "9876543212"),
    ("Farhan Sheikh", "9876543213"),
    ("Lakshmi Narayanan", "9876543214"),
]
PRIZES = ["1st: scooter", "2nd: phone", "3rd: mixer"]


def fix_seed(seed_hex="5e" * 32):
    """Tests pin the current draw's seed so that every outcome below is the same on every run."""
    Draw.update(seed=seed_hex, seed_hash=commitment(seed_hex)).where(Draw.state != "archived").execute()


def sell_some(per_buyer=4):
    """Cash sales: buyer i gets tickets i*per_buyer+1 .. (i+1)*per_buyer (and a pinned seed)."""
    fix_seed()
    for i, (name, mobile) in enumerate(BUYERS):
        sell_cash(name, mobile, list(range(i * per_buyer + 1, (i + 1) * per_buyer + 1)))
    return list(range(1, len(BUYERS) * per_buyer + 1))


def kinds():
    return [e.kind for e in Event.select().order_by(Event.id)]


def verify(doc):
    """Verify the document as a reader of the JSON file would see it."""
    return verify_results(json.loads(json.dumps(doc)))


# --- closing and opening sales -----------------------------------------------------------------


def test_close_sales_stops_holds_but_pending_bookings_can_still_pay(draw):
    pending = hold_tickets("Asha Patel", "9876543210", [5, 6])
    closed = winner_draw.close_sales()
    assert closed.state == "closed" and closed.closed_at is not None
    with pytest.raises(SalesClosed):
        hold_tickets("Ravi Kumar", "9876543211", [7])
    result = record_payment(pending.payable_paise, "123456789012")
    assert result.confirmed and result.order_reference == pending.reference
    assert Ticket.get((Ticket.draw == draw.id) & (Ticket.number == 5)).state == "sold"
    assert "sales_closed" in kinds()


def test_announcement_is_recorded_once_with_its_time(draw):
    winner_draw.close_sales("  drand   round 123456 ")
    public = published.public_commitment()
    assert public["announcement"] == "drand round 123456"
    assert public["announced_at"] and public["state"] == "closed" and not public["sales_open"]
    event = Event.get(Event.kind == "public_value_announced")
    assert event.data["announcement"] == "drand round 123456"
    with pytest.raises(Conflict, match="cannot be changed"):
        winner_draw.close_sales("drand round 999999")
    with pytest.raises(Conflict, match="already closed"):
        winner_draw.close_sales()
    assert published.public_commitment()["announcement"] == "drand round 123456"


def test_announcement_may_follow_closing_once(draw):
    winner_draw.close_sales()
    assert published.public_commitment()["announcement"] is None
    winner_draw.close_sales("Kerala Win-Win lottery, first prize, 5 May")
    assert published.public_commitment()["announcement"] == "Kerala Win-Win lottery, first prize, 5 May"


def test_reopening_keeps_the_announcement_and_closing_again_cannot_replace_it(draw):
    winner_draw.close_sales("drand round 1")
    assert winner_draw.open_sales().state == "open"
    with pytest.raises(Conflict, match="already open"):
        winner_draw.open_sales()
    with pytest.raises(Conflict, match="cannot be changed"):
        winner_draw.close_sales("drand round 2")
    assert Draw.get_by_id(draw.id).state == "open"  # the refusal changed nothing
    winner_draw.close_sales()
    assert published.public_commitment()["announcement"] == "drand round 1"


@pytest.mark.parametrize(
    "text, message",
    [
        ("x" * 201, "too long"),
        ("round\x00 1", "cannot be used"),
        (42, "must be text"),
    ],
)
def test_bad_announcement_changes_nothing(draw, text, message):
    with pytest.raises(InvalidInput, match=message):
        winner_draw.close_sales(text)
    assert Draw.get_by_id(draw.id).state == "open"


# --- the refusal to draw -------------------------------------------------------------------------


def test_draw_refuses_while_sales_are_open(draw):
    sell_some()
    with pytest.raises(Conflict, match="close sales first"):
        winner_draw.draw_winners(PRIZES)


def test_draw_refuses_with_pending_bookings_and_changes_nothing(draw):
    sell_some()
    pending = hold_tickets("Pending Buyer", "9123456789", [40])
    winner_draw.close_sales()
    with pytest.raises(Conflict, match="1 booking is still pending"):
        winner_draw.draw_winners(PRIZES)
    assert Order.get_by_id(pending.order_id).state == "pending"
    assert Draw.get_by_id(draw.id).state == "closed"
    assert not Drawing.select().exists() and published.published_results() is None
    ready = winner_draw.draw_readiness()
    assert not ready.ok and ready.pending_orders == 1


def test_expire_pending_lets_them_expire_with_an_event_then_draws(draw):
    sold = sell_some()
    pending = hold_tickets("Pending Buyer", "9123456789", [40, 41])
    winner_draw.close_sales()
    result = winner_draw.draw_winners(PRIZES, expire_pending=True)
    order = Order.get_by_id(pending.order_id)
    assert order.state == "cancelled" and result.cancelled_pending == (pending.reference,)
    assert [t.state for t in Ticket.select().where((Ticket.draw == draw.id) & Ticket.number.in_([40, 41]))] == [
        "free",
        "free",
    ]
    event = Event.get((Event.kind == "order_cancelled") & (Event.order == order.id))
    assert "winners were drawn" in event.data["reason"]
    doc = published.published_results()
    assert doc["sold"] == sold and 40 not in doc["sold"]


def test_expire_pending_refuses_while_a_payment_needs_attention(draw):
    sell_some()
    paid = hold_tickets("Twice Payer", "9123456780", [30])
    record_payment(paid.payable_paise, "111111111111")
    double = record_payment(paid.payable_paise, "222222222222")
    assert double.outcome == "double_payment"
    pending = hold_tickets("Pending Buyer", "9123456789", [40])
    winner_draw.close_sales()
    with pytest.raises(Conflict, match="1 payment needs attention: refund or assign"):
        winner_draw.draw_winners(PRIZES, expire_pending=True)
    assert Order.get_by_id(pending.order_id).state == "pending"  # nothing was let expire
    refund_payment("222222222222")
    assert winner_draw.draw_winners(PRIZES, expire_pending=True).number == 1


def test_unmatched_payment_blocks_the_draw_until_resolved(draw):
    sell_some()
    winner_draw.close_sales()
    record_payment(parse_amount("1.23"), "333333333333")
    with pytest.raises(Conflict, match="1 payment is unmatched"):
        winner_draw.draw_winners(PRIZES)
    assert winner_draw.draw_readiness().unmatched_payments == 1
    refund_payment("333333333333")
    assert winner_draw.draw_readiness().ok
    winner_draw.draw_winners(PRIZES)


def test_a_hold_that_has_run_out_does_not_block(draw):
    sell_some()
    start = utcnow()
    lapsed = hold_tickets("Late Buyer", "9123456789", [40], now=start)
    winner_draw.close_sales(now=start)
    winner_draw.draw_winners(PRIZES, now=start + timedelta(minutes=11))
    assert Order.get_by_id(lapsed.order_id).state == "expired"


def test_nothing_sold_refuses(draw):
    winner_draw.close_sales()
    with pytest.raises(Conflict, match="nobody to draw"):
        winner_draw.draw_winners(PRIZES)


def test_more_prizes_than_tickets_refuses_and_changes_nothing(draw):
    sell_cash("Asha Patel", "9876543210", [1, 2])
    winner_draw.close_sales()
    with pytest.raises(Conflict, match="3 prizes but only 2"):
        winner_draw.draw_winners(PRIZES)
    assert Draw.get_by_id(draw.id).state == "closed" and not Drawing.select().exists()


# --- public value ------------------------------------------------------------------------------


def test_announced_public_value_is_required(draw):
    sell_some()
    winner_draw.close_sales("drand round 123456")
    with pytest.raises(InvalidInput, match="type that public value"):
        winner_draw.draw_winners(PRIZES)
    result = winner_draw.draw_winners(PRIZES, public_value="  5f2a  9c ")
    assert result.public_value == "5f2a 9c"
    doc = published.published_results()
    assert doc["public_value"] == "5f2a 9c" and doc["public_value_description"] == "drand round 123456"


def test_unannounced_public_value_is_refused(draw):
    sell_some()
    winner_draw.close_sales()
    with pytest.raises(Conflict, match="No public value was announced"):
        winner_draw.draw_winners(PRIZES, public_value="lucky")
    assert winner_draw.draw_winners(PRIZES).public_value == ""


def test_public_value_changes_the_winners(draw):
    sold = sell_some(per_buyer=20)
    winner_draw.close_sales("drand round 7")
    result = winner_draw.draw_winners(PRIZES, public_value="value-a")
    other = pick_winners(Draw.get_by_id(draw.id).seed, "value-b", sold, PRIZES)
    assert [w.ticket for w in result.winners] != [w.ticket for w in other]


# --- drawing and publishing ------------------------------------------------------------------


def test_draw_picks_what_the_algorithm_picks_and_marks_the_draw_drawn(draw):
    sold = sell_some()
    winner_draw.close_sales("drand round 5")
    result = winner_draw.draw_winners(PRIZES, public_value="abc")
    stored = Draw.get_by_id(draw.id)
    expected = pick_winners(stored.seed, "abc", sold, PRIZES)
    assert [(w.prize, w.ticket, w.counter) for w in result.winners] == [
        (w.prize, w.ticket, w.counter) for w in expected
    ]
    assert stored.state == "drawn" and result.number == 1 and result.sold_count == len(sold)
    assert result.list_hash == ticket_list_hash(sold)
    winner = result.winners[0]
    order = Order.get_by_id(Ticket.get((Ticket.draw == draw.id) & (Ticket.number == winner.ticket)).order_id)
    assert (winner.buyer_name, winner.mobile, winner.reference) == (order.name, order.mobile, order.reference)
    assert winner.label == stored.label(winner.ticket)
    event = Event.get(Event.kind == "winners_drawn")
    assert event.data["winners"] == [w.ticket for w in expected] and event.data["list_hash"] == result.list_hash
    with pytest.raises(SalesClosed):
        hold_tickets("Too Late", "9123456789", [90])
    with pytest.raises(Conflict, match="already been drawn"):
        winner_draw.draw_winners(PRIZES, public_value="abc")
    with pytest.raises(Conflict, match="already been drawn"):
        winner_draw.open_sales()
    with pytest.raises(Conflict, match="already been drawn"):
        winner_draw.close_sales()


def test_published_results_verify_and_reveal_the_seed_only_after_the_draw(draw):
    sell_some()
    seed = Draw.get_by_id(draw.id).seed
    winner_draw.close_sales("drand round 5")
    before = published.public_commitment()
    assert before["commitment"] == hashlib.sha256(bytes.fromhex(seed)).hexdigest()
    assert seed not in json.dumps(before) and not before["drawn"]
    assert published.published_results() is None and published.results_json() is None
    assert published.sold_list_text() is None
    winner_draw.draw_winners(PRIZES, public_value="abc")
    doc = published.published_results()
    assert doc["seed"] == seed and doc["commitment"] == before["commitment"]
    assert verify(doc).ok, verify(doc).problems
    assert json.loads(published.results_json()) == doc
    assert seed not in json.dumps(published.public_commitment())
    text = published.sold_list_text()
    assert hashlib.sha256(text.encode("ascii")).hexdigest() == doc["list_hash"]


def test_published_results_hold_no_mobiles_or_full_names(draw):
    sell_some()
    sell_cash("9988776655", "9988776655", [50])  # a buyer who typed their mobile as their name
    winner_draw.close_sales()
    winner_draw.set_prizes(["A", "B", "C", "D", "E", "F"], one_prize_per_buyer=True)
    winner_draw.draw_winners()
    text = published.results_json()
    for name, mobile in BUYERS + [("9988776655", "9988776655")]:
        assert mobile not in text
        assert name.split()[-1] not in text  # surnames never appear
    names = {row["name"] for row in published.published_results()["winners_by_prize"]}
    assert names == {"Asha P.", "Ravi K.", "Meena I.", "Farhan S.", "Lakshmi N.", "Ticket holder"}


@pytest.mark.parametrize(
    "change, problem",
    [
        (
            lambda d: d.update(seed="ab" * 32, commitment=hashlib.sha256(bytes.fromhex("ab" * 32)).hexdigest()),
            "drawing 1, prize",
        ),
        (lambda d: d.update(public_value=d["public_value"] + "x"), "drawing 1, prize"),
        (lambda d: (d["sold"].append(99), d.update(list_hash=ticket_list_hash(d["sold"]))), "drawing 1, prize"),
        (
            lambda d: (
                d["sold"].remove(d["drawings"][0]["winners"][0]["ticket"] % 20 + 1),
                d.update(list_hash=ticket_list_hash(d["sold"])),
            ),
            "drawing 1, prize",
        ),
        (lambda d: d.update(commitment="0" * 64), "commitment mismatch"),
        (lambda d: d["sold"].append(99), "list hash mismatch"),
    ],
)
def test_verification_fails_when_any_single_input_changes(draw, change, problem):
    sell_some()
    winner_draw.close_sales("drand round 5")
    winner_draw.draw_winners(PRIZES, public_value="abc")
    doc = published.published_results()
    assert verify(doc).ok
    changed = copy.deepcopy(doc)
    change(changed)
    outcome = verify(changed)
    assert not outcome.ok
    assert any(p.startswith(problem) for p in outcome.problems), outcome.problems


def test_the_document_publishes_the_stored_winners_so_tampering_shows(draw):
    sell_some()
    winner_draw.close_sales()
    result = winner_draw.draw_winners(PRIZES)
    other = next(t for t in range(1, 21) if t not in [w.ticket for w in result.winners])
    row = DrawingWinner.get(DrawingWinner.prize_index == 0)
    DrawingWinner.update(ticket=other).where(DrawingWinner.id == row.id).execute()
    outcome = verify(published.published_results())
    assert not outcome.ok and "drawing 1, prize 1" in outcome.problems[0]


def test_the_draw_inputs_are_frozen_at_the_first_drawing(draw):
    """A late payment after the draw cannot change the published sold list or winners."""
    start = utcnow()
    sold = sell_some()
    late = hold_tickets("Late Payer", "9123456789", [60, 61], now=start)
    winner_draw.close_sales(now=start)
    winner_draw.draw_winners(PRIZES, now=start + timedelta(minutes=11))
    before = published.results_json()
    record_payment(late.payable_paise, "444444444444", now=start + timedelta(minutes=12))
    winner_draw.redraw(["2nd: phone"], now=start + timedelta(minutes=13))
    doc = published.published_results()
    assert doc["sold"] == sold and verify(doc).ok
    assert json.loads(before)["drawings"][0] == doc["drawings"][0]


def test_same_winners_recomputed_in_another_process(draw, tmp_path):
    sell_some(per_buyer=10)
    winner_draw.close_sales("drand round 5")
    result = winner_draw.draw_winners(PRIZES, public_value="abc")
    path = tmp_path / "results.json"
    path.write_text(published.results_json(), encoding="utf-8")
    code = (
        "import json, sys; from shared.winner_algorithm import pick_winners; d = json.load(open(sys.argv[1])); "
        "print(json.dumps([w.ticket for w in pick_winners(d['seed'], d['public_value'], d['sold'], d['prizes'])]))"
    )
    run = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    assert json.loads(run.stdout) == [w.ticket for w in result.winners]


def test_the_script_in_the_readme_recomputes_every_winner(draw, tmp_path):
    sell_some(per_buyer=6)
    sell_cash("Asha Patel", "9876543210", [40, 41])  # the same buyer again: one id for all her tickets
    winner_draw.close_sales("drand round 5")
    winner_draw.draw_winners(PRIZES, public_value="पब्लिक 42", one_prize_per_buyer=True)
    winner_draw.redraw(["2nd: phone"], reason="unclaimed")
    winner_draw.redraw(["1"], reason="unclaimed")
    doc = published.published_results()
    scripts = [
        (ROOT / name).read_text(encoding="utf-8").split("```python\n", 1)[1].split("```", 1)[0]
        for name in ("README.md", "docs/winners.md")
    ]
    assert scripts[0] == scripts[1], "README.md and docs/winners.md show the same script"
    script = scripts[0]
    (tmp_path / "recompute.py").write_text(script, encoding="utf-8")
    (tmp_path / "results.json").write_text(published.results_json(), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-I", "recompute.py", "results.json"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    expected = ["commitment matches: True", "list hash matches: True"] + [
        f"drawing {d['number']}, {w['prize']}: ticket {w['ticket']}" for d in doc["drawings"] for w in d["winners"]
    ]
    assert run.stdout.splitlines() == expected


# --- prizes and one prize per buyer ------------------------------------------------------------


def test_planned_prizes_are_public_and_used_by_the_draw(draw):
    sell_some()
    plan = winner_draw.set_prizes(["1st: scooter", "2nd: phone"], one_prize_per_buyer=True)
    assert plan.prizes == ("1st: scooter", "2nd: phone") and plan.one_prize_per_buyer
    public = published.public_commitment()
    assert public["prizes"] == ["1st: scooter", "2nd: phone"] and public["one_prize_per_buyer"]
    winner_draw.close_sales()
    result = winner_draw.draw_winners()
    assert result.prizes == ("1st: scooter", "2nd: phone") and result.one_prize_per_buyer
    with pytest.raises(Conflict, match="already been drawn"):
        winner_draw.set_prizes(["other"])


def test_prizes_given_at_the_draw_replace_the_plan(draw):
    sell_some()
    winner_draw.set_prizes(["old"], one_prize_per_buyer=True)
    winner_draw.close_sales()
    result = winner_draw.draw_winners(["new 1", "new 2"], one_prize_per_buyer=False)
    assert not result.one_prize_per_buyer and winner_draw.prize_plan().prizes == ("new 1", "new 2")


def test_draw_without_any_prizes_asks_for_them(draw):
    sell_some()
    winner_draw.close_sales()
    with pytest.raises(InvalidInput, match="Name the prizes"):
        winner_draw.draw_winners()


@pytest.mark.parametrize(
    "prizes, message",
    [
        ([], "at least one prize"),
        ("1st", "must be a list"),
        (["1st", " "], "enter the prize name"),
        (["Scooter", "scooter"], "both called"),
        (["x" * 81], "too long"),
        ([f"p{i}" for i in range(101)], "At most 100"),
    ],
)
def test_bad_prize_lists(prizes, message):
    with pytest.raises(InvalidInput, match=message):
        winner_draw.clean_prizes(prizes)


def test_one_prize_per_buyer_with_opaque_buyer_ids(draw):
    sell_cash("Big Buyer", "9876500000", list(range(1, 31)))
    sell_cash("Small One", "9876500001", [31])
    sell_cash("Small Two", "9876500002", [32])
    winner_draw.close_sales()
    result = winner_draw.draw_winners(PRIZES, one_prize_per_buyer=True)
    assert len({w.mobile for w in result.winners}) == 3
    doc = published.published_results()
    owners = doc["owners"]
    assert len(owners) == 32 and len({owners[str(t)] for t in range(1, 31)}) == 1
    assert len(set(owners.values())) == 3
    for buyer_id in owners.values():
        assert re.fullmatch(r"b[0-9a-f]{12}", buyer_id), buyer_id  # an opaque token, not the mobile
    assert verify(doc).ok
    with pytest.raises(Conflict, match="only 0 buyers"):
        winner_draw.redraw(["1st: scooter"])


def test_without_the_rule_owners_are_not_published(draw):
    sell_some()
    winner_draw.close_sales()
    winner_draw.draw_winners(PRIZES)
    assert published.published_results()["owners"] == {}


# --- redraw --------------------------------------------------------------------------------------


def test_redraw_keeps_history_and_excludes_earlier_winners(draw):
    sell_some(per_buyer=10)
    winner_draw.close_sales("drand round 5")
    first = winner_draw.draw_winners(PRIZES, public_value="abc")
    rows_before = list(DrawingWinner.select().order_by(DrawingWinner.id).tuples())
    second = winner_draw.redraw(["2nd: phone"], reason="unclaimed")
    assert second.number == 2 and second.reason == "unclaimed" and second.prizes == ("2nd: phone",)
    assert second.winners[0].ticket not in [w.ticket for w in first.winners]
    assert (
        list(
            DrawingWinner.select()
            .where(DrawingWinner.id.in_([r[0] for r in rows_before]))
            .order_by(DrawingWinner.id)
            .tuples()
        )
        == rows_before
    )
    third = winner_draw.redraw(["2", "3rd: MIXER"], reason="not collected")
    assert third.number == 3 and third.prizes == ("2nd: phone", "3rd: mixer")
    doc = published.published_results()
    assert [d["number"] for d in doc["drawings"]] == [1, 2, 3]
    assert doc["drawings"][2]["exclude"] == sorted([w.ticket for w in first.winners] + [second.winners[0].ticket])
    assert verify(doc).ok, verify(doc).problems
    standing = {row["prize"]: row for row in doc["winners_by_prize"]}
    assert standing["1st: scooter"]["drawing"] == 1 and standing["1st: scooter"]["earlier"] == []
    phone = standing["2nd: phone"]
    assert phone["drawing"] == 3 and phone["ticket"] == third.winners[0].ticket
    assert phone["redraw_reason"] == "not collected"
    assert [e["ticket"] for e in phone["earlier"]] == [first.winners[1].ticket, second.winners[0].ticket]
    assert [len(d.winners) for d in winner_draw.drawings()] == [3, 1, 2]
    assert [e.data["drawing"] for e in Event.select().where(Event.kind == "winners_redrawn")] == [2, 3]


def test_redraw_refusals(draw):
    sell_some()
    with pytest.raises(Conflict, match="nothing to redraw"):
        winner_draw.redraw(["1st: scooter"])
    winner_draw.close_sales()
    winner_draw.draw_winners(PRIZES)
    with pytest.raises(InvalidInput, match="not a prize of this draw; the prizes are: 1. 1st: scooter"):
        winner_draw.redraw(["bicycle"])
    with pytest.raises(InvalidInput, match="named twice"):
        winner_draw.redraw(["1st: scooter", "1"])
    assert Drawing.select().count() == 1


# --- names, schema -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "full, shown",
    [
        ("Asha Patel", "Asha P."),
        ("asha patel", "Asha P."),
        ("Asha", "Asha"),
        ("Dr. Meena Iyer", "Meena I."),
        ("Shri Ram Prasad Sharma", "Ram S."),
        ("आशा पटेल", "आशा प."),
        ("9876543210", "Ticket holder"),
        ("Ravi 9876543210", "Ravi"),
        ("", "Ticket holder"),
        (None, "Ticket holder"),
        ("Mr", "Mr"),
        ("Bartholomew-Alexander-Maximilian Smith", "Bartholomew-Alexande S."),
    ],
)
def test_public_name(full, shown):
    assert winner_draw.public_name(full) == shown


def test_a_version_1_database_gains_the_draw_tables(db_url, db, tmp_path):
    new_draw(tmp_path)
    sell_cash("Asha Patel", "9876543210", [1])
    db.drop_tables(DRAW_MODELS)
    SchemaVersion.delete().where(SchemaVersion.version > 1).execute()  # as a version 1 database was
    shared_db.close()
    reopened = setup.connect(db_url)
    assert [v.version for v in SchemaVersion.select().order_by(SchemaVersion.version)] == list(
        range(1, CURRENT_VERSION + 1)
    )
    assert all(reopened.table_exists(m._meta.table_name) for m in DRAW_MODELS)
    assert Order.select().count() == 1 and Payment.select().count() == 1
    winner_draw.close_sales()
    assert winner_draw.draw_winners(["only prize"]).winners[0].ticket == 1
    reopened.close()


def test_a_late_payment_after_the_draw_never_sells_tickets_that_were_not_in_it(draw):
    start = utcnow()
    sold = sell_some()
    late = hold_tickets("Late Payer", "9123456780", [60, 61], now=start)
    winner_draw.close_sales()
    winner_draw.draw_winners(PRIZES, now=start + timedelta(minutes=11))  # the hold ran out unpaid
    result = record_payment(late.payable_paise, "444444444444", now=start + timedelta(minutes=12))
    assert not result.confirmed
    payment = Payment.get(Payment.utr == "444444444444")
    assert payment.status in ("attention", "unmatched")  # kept for a refund, never dropped
    assert Ticket.select().where((Ticket.draw == draw.id) & (Ticket.state == "sold")).count() == len(sold)
    from shared.payments import assign_payment

    with pytest.raises(Conflict):
        assign_payment("444444444444", late.reference, now=start + timedelta(minutes=13))
    assert Ticket.get((Ticket.draw == draw.id) & (Ticket.number == 60)).state == "free"
