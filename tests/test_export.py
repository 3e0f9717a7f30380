"""The Excel export (SPEC §5), read back with openpyxl: sheets, headers, text and number cells,
formula-safe buyer input, every payment and paid booking present, the winner draw (the seed only
once drawn, every drawing's winners), progress, and the file only ever appearing complete. Runs on
SQLite and PostgreSQL (the `db` fixture)."""

import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

import shared.export as export_module
from shared import results as published
from shared import winner_draw
from shared.booking import expire_due, hold_tickets
from shared.db import utcnow
from shared.draws import current_draw, get_draw, validate_settings
from shared.errors import NotFound
from shared.export import ExportFailed, export_draw, safe_text
from shared.models import Draw
from shared.money import format_rupees, parse_amount
from shared.new_draw import create_draw
from shared.payments import record_payment, refund_payment, sell_cash
from shared.winner_algorithm import ticket_list_hash
from tests.helpers.db import new_draw

MIN = timedelta(minutes=1)
IST = ZoneInfo("Asia/Kolkata")
RUPEES = '[>=10000000]"₹"##\\,##\\,##\\,##0.00;[>=100000]"₹"##\\,##\\,##0.00;"₹"#,##0.00'
EVIL = "=cmd|' /C calc'!A0"
SHEETS = ["Summary", "Bookings", "Tickets", "Payments", "Winners"]


class Scenario:
    """A draw of 1,000 tickets at ₹10 with every kind of booking and payment, then exported."""

    def __init__(self, tmp_path):
        self.draw = new_draw(tmp_path, name="Diwali Mela", ticket_count=1000, price="10")
        t0 = self.t0 = utcnow().replace(microsecond=0)
        at = self.at = lambda minute: t0 + minute * MIN
        self.a = hold_tickets(EVIL, "9876543210", [7, 8], now=at(0))  # ₹20.00, paid by UPI
        self.b = hold_tickets("Late Buyer", "9876543211", [1], now=at(0))  # ₹10.00, will expire
        self.c = hold_tickets("-2", "9876543212", [2], now=at(0))  # ₹10.01, paid by reference
        self.pay_a = record_payment(2000, "098765432101", payer="ASHA K", payer_vpa="asha@okicici", now=at(1))
        self.pay_c = record_payment(parse_amount("10.01"), "333344445555", reference=self.c.reference, now=at(2))
        self.cash = sell_cash("+1", "9123456789", [10, 11], now=at(2))
        self.e = hold_tickets("#N/A", "9876543213", [20], now=at(3))  # paid by a quick mark
        self.quick = record_payment(self.e.payable_paise, None, quick=True, now=at(4))
        self.stray = record_payment(
            parse_amount("7.77"), "111122223333", payer='=HYPERLINK("http://x")', reference="-LD 7K", now=at(5)
        )
        self.double = record_payment(2000, "222233334444", now=at(6))  # A paid twice
        expire_due(at(12))
        self.d = hold_tickets("@SUM(1)", "9876543214", [3], now=at(20))  # still held at export
        self.refunded = record_payment(parse_amount("5.55"), "444455556666", now=at(21))
        refund_payment("444455556666", note="-sent back by GPay", now=at(22))
        self.now = at(25)
        self.calls = []
        self.path = export_draw(
            self.draw.id,
            tmp_path / "out" / "nested" / "draw.xlsx",
            progress=lambda done, total: self.calls.append((done, total)),
            now=self.now,
            zone=IST,
        )
        self.wb = openpyxl.load_workbook(self.path)


@pytest.fixture
def scenario(db, tmp_path):
    return Scenario(tmp_path)


def rows(ws):
    return [list(row) for row in ws.iter_rows(min_row=2)]


def by_header(ws):
    """Data rows as dicts of header → cell."""
    headers = [cell.value for cell in ws[1]]
    return [dict(zip(headers, row, strict=True)) for row in rows(ws)]


def summary(wb):
    return {row[0].value: row[1] for row in rows(wb["Summary"]) if row[0].value}


def test_sheets_headers_are_bold_frozen_filtered_and_sized(scenario):
    wb = scenario.wb
    assert wb.sheetnames == SHEETS
    for name in SHEETS:
        ws = wb[name]
        assert ws.freeze_panes == "A2"
        assert all(cell.font.bold for cell in ws[1]), name
    for name in SHEETS[1:]:
        ws = wb[name]
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}"
    bookings = wb["Bookings"]
    headers = [c.value for c in bookings[1]]
    assert headers[:8] == ["Reference", "Name", "Mobile", "Tickets", "Ticket count", "Amount", "UTR", "Payment source"]
    assert headers[8:] == ["UTR claimed by buyer", "Booked at (IST)", "Paid at (IST)"]
    width = {c.value: bookings.column_dimensions[c.column_letter].width for c in bookings[1]}
    assert width["Name"] >= len(EVIL) + 1  # fits the longest name, quote included
    assert width["UTR"] >= len("NO UTR (internal id NOUTR-XXXXXXXXXX)")
    assert width["Mobile"] >= 10


def test_bookings_has_every_paid_order_with_its_utr(scenario):
    s = scenario
    found = {row["Reference"].value: row for row in by_header(s.wb["Bookings"])}
    assert set(found) == {s.a.reference, s.c.reference, s.cash.order_reference, s.e.reference}
    a = found[s.a.reference]
    assert a["Name"].value == "'" + EVIL and a["Name"].data_type == "s"
    assert a["Mobile"].value == "9876543210" and a["Mobile"].data_type == "s"
    assert a["Mobile"].number_format == "@"
    assert a["Tickets"].value == "0007, 0008" and a["Tickets"].number_format == "@"
    assert a["Ticket count"].value == 2
    assert a["UTR"].value == "098765432101" and a["UTR"].data_type == "s" and a["UTR"].number_format == "@"
    assert a["Payment source"].value == "manual"
    assert a["Amount"].value == 20 and a["Amount"].number_format == RUPEES
    assert a["Booked at (IST)"].value == s.at(0) + timedelta(hours=5, minutes=30)
    assert a["Paid at (IST)"].value == s.at(1) + timedelta(hours=5, minutes=30)
    c = found[s.c.reference]
    assert c["Name"].value == "'-2"
    assert isinstance(c["Amount"].value, float) and Decimal(str(c["Amount"].value)) == Decimal("10.01")
    assert c["Amount"].number_format == RUPEES
    cash = found[s.cash.order_reference]
    assert cash["UTR"].value == f"NO UTR (internal id {s.cash.utr})"
    assert cash["Payment source"].value == "cash" and cash["Tickets"].value == "0010, 0011"
    assert cash["Name"].value == "'+1" and cash["Mobile"].value == "9123456789"
    e = found[s.e.reference]
    assert e["Name"].value == "#N/A" and e["Name"].data_type == "s"  # a name, not an error value
    assert e["UTR"].value == f"NO UTR (internal id {s.quick.utr})" and e["Payment source"].value == "quick"


def test_tickets_lists_every_number_with_its_buyer(scenario):
    s = scenario
    ws = s.wb["Tickets"]
    assert ws.max_row == 1 + 1000
    tickets = by_header(ws)
    assert [t["Ticket"].value for t in tickets] == [f"{n:04d}" for n in range(1, 1001)]
    assert all(t["Ticket"].data_type == "s" and t["Ticket"].number_format == "@" for t in tickets)
    state = {t["Ticket"].value: t["State"].value for t in tickets}
    assert [n for n, st in state.items() if st == "sold"] == ["0002", "0007", "0008", "0010", "0011", "0020"]
    assert [n for n, st in state.items() if st == "held"] == ["0003"]
    seven = tickets[6]
    assert seven["Buyer name"].value == "'" + EVIL and seven["Buyer name"].data_type == "s"
    assert seven["Mobile"].value == "9876543210" and seven["Mobile"].number_format == "@"
    assert seven["Reference"].value == s.a.reference
    assert tickets[2]["Buyer name"].value == "'@SUM(1)" and tickets[2]["Reference"].value == s.d.reference
    expired = tickets[0]  # B's hold ran out: free, nobody's
    assert expired["State"].value == "free" and expired["Buyer name"].value is None


def test_payments_lists_every_payment_with_status_and_flags(scenario):
    s = scenario
    found = {row["UTR"].value: row for row in by_header(s.wb["Payments"])}
    assert len(found) == 7
    a = found["098765432101"]
    assert a["UTR"].data_type == "s" and a["UTR"].number_format == "@"
    assert a["Status"].value == "MATCHED" and a["Booking"].value == s.a.reference
    assert a["Payer"].value == "ASHA K" and a["Payer UPI ID"].value == "asha@okicici"
    assert a["No UTR"].value is None and a["Source"].value == "manual"
    assert a["Amount"].value == 20 and a["Amount"].number_format == RUPEES
    assert a["Received at (IST)"].value == s.at(1) + timedelta(hours=5, minutes=30)
    assert found["333344445555"]["Booking"].value == s.c.reference
    quick = found[f"NO UTR (internal id {s.quick.utr})"]
    assert quick["No UTR"].value == "NO UTR" and quick["Source"].value == "quick"
    assert quick["Status"].value == "MATCHED" and quick["Booking"].value == s.e.reference
    cash = found[f"NO UTR (internal id {s.cash.utr})"]
    assert cash["No UTR"].value == "NO UTR" and cash["Source"].value == "cash"
    stray = found["111122223333"]
    assert stray["Status"].value == "UNMATCHED" and stray["Booking"].value is None
    assert stray["Amount"].value == pytest.approx(7.77) and stray["Amount"].number_format == RUPEES
    assert stray["Payer"].value == '\'=HYPERLINK("http://x")' and stray["Payer"].data_type == "s"
    assert stray["Reference typed"].value == "'-LD 7K"
    double = found["222233334444"]
    assert double["Status"].value == "NEEDS ATTENTION"
    assert double["Attention reason"].value == "possible double payment"
    assert double["Booking"].value == s.a.reference  # the candidate it may have paid twice
    refunded = found["444455556666"]
    assert refunded["Status"].value == "REFUNDED" and refunded["Note"].value == "'-sent back by GPay"


def test_nothing_a_buyer_typed_becomes_a_formula(scenario):
    cells = [cell for name in SHEETS for row in scenario.wb[name].iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if isinstance(c.value, str)}
    for typed in (EVIL, "+1", "-2", "@SUM(1)", '=HYPERLINK("http://x")', "-LD 7K", "-sent back by GPay"):
        assert typed not in texts and "'" + typed in texts


def test_summary_has_settings_commitment_and_reconciled_statistics(scenario):
    s = scenario
    items = summary(s.wb)
    assert items["Name"].value == "Diwali Mela"
    assert items["Ticket count"].value == 1000
    assert items["Price per ticket"].value == 10 and items["Price per ticket"].number_format == RUPEES
    assert items["Payee UPI ID"].value == "organiser@okaxis" and items["Payee name"].value == "Asha Stores"
    assert items["Hold minutes"].value == 10 and items["Max tickets per order"].value == 20
    assert items["Late-payment window (minutes)"].value == 60
    assert items["State"].value == "open" and items["Archived"].value is None
    assert items["Created"].value.endswith(" IST")
    assert items["Draw commitment (SHA-256 of the secret seed)"].value == get_draw(s.draw.id).seed_hash
    assert (
        items["Tickets total"].value,
        items["Tickets sold"].value,
        items["Tickets held"].value,
        items["Tickets free"].value,
    ) == (1000, 6, 1, 993)
    assert items["Paid bookings"].value == 4
    assert Decimal(str(items["Revenue (matched payments)"].value)) == Decimal("60.03")  # 20 + 10.01 + 20 + 10.02
    assert items["Revenue (matched payments)"].number_format == RUPEES
    assert items["Pending bookings"].value == 1
    assert items["Unmatched payments"].value == 1
    assert Decimal(str(items["Unmatched total"].value)) == Decimal("7.77")
    assert items["Needs attention payments"].value == 1 and items["Needs attention total"].value == 20
    assert items["Reconciliation"].value.startswith("OK")
    local = s.now + timedelta(hours=5, minutes=30)
    assert items["Exported"].value == f"{local:%d %b %Y %H:%M:%S} IST"
    assert items["Times shown in"].value == "IST (UTC+05:30)"
    assert items["Terms and permit line"].value == "none"
    assert items["Sales planned to close"].value == "not set"


def test_summary_lists_the_terms_and_the_planned_closing_time(db, tmp_path):
    closes = utcnow().replace(second=0, microsecond=0) + timedelta(days=10)
    draw = new_draw(tmp_path, terms="Permit no. 12/2026, Collector Pune. One prize per ticket.")
    Draw.update(closes_at=closes).where(Draw.id == draw.id).execute()
    wb = openpyxl.load_workbook(export_draw(draw.id, tmp_path / "terms.xlsx", zone=IST))
    items = summary(wb)
    assert items["Terms and permit line"].value == "Permit no. 12/2026, Collector Pune. One prize per ticket."
    local = closes + timedelta(hours=5, minutes=30)
    assert items["Sales planned to close"].value == f"{local:%d %b %Y %H:%M:%S} IST"
    Draw.update(terms='=HYPERLINK("http://x") permit').where(Draw.id == draw.id).execute()
    items = summary(openpyxl.load_workbook(export_draw(draw.id, tmp_path / "evil.xlsx", zone=IST)))
    cell = items["Terms and permit line"]
    assert cell.value == '\'=HYPERLINK("http://x") permit' and cell.data_type == "s"


def test_progress_ends_at_total_and_no_temporary_file_is_left(scenario):
    s = scenario
    written = sum(s.wb[name].max_row - 1 for name in SHEETS)
    assert s.calls[-1] == (written, written)
    assert [done for done, _ in s.calls] == sorted(done for done, _ in s.calls)
    assert len(s.calls) >= written // 1000
    assert all(total == written for _, total in s.calls)
    assert sorted(p.name for p in s.path.parent.iterdir()) == ["draw.xlsx"]
    assert s.path == s.path.parent / "draw.xlsx" and s.path.stat().st_size > 0


WINNER_HEADERS = [
    "Drawing",
    "Prize",
    "Ticket",
    "Buyer name",
    "Mobile",
    "Booking reference",
    "Name as published",
    "Redraw reason",
    "Drawn at (IST)",
]
PRIZES = ["1st: scooter", "2nd: phone", "3rd: mixer"]
# With one prize per buyer, three prizes go to three different buyers and the redraw of one goes
# to the fourth: every buyer below is a winner, whatever the seed.
BUYERS = [
    ("=Asha Patel", "9876543210", [1, 2, 3]),
    ("Ravi Kumar", "9876543211", [4, 5]),
    ("Meena Iyer", "9876543212", [10]),
    ("Farhan Sheikh", "9876543213", [11, 12, 40]),
]


def every_text(wb):
    return [str(cell.value) for ws in wb.worksheets for row in ws.iter_rows() for cell in row if cell.value is not None]


class DrawnScenario:
    """A 50-ticket draw sold in cash to four buyers, closed with an announced public value; then
    (by `draw`) drawn with one prize per buyer and one prize redrawn as unclaimed."""

    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.draw = new_draw(tmp_path, name="Onam Draw", ticket_count=50, price="10")
        self.t0 = utcnow().replace(microsecond=0)
        self.sales = [sell_cash(name, mobile, tickets, now=self.t0) for name, mobile, tickets in BUYERS]
        self.sold = sorted(n for _, _, tickets in BUYERS for n in tickets)
        winner_draw.close_sales("drand round 5", now=self.t0 + MIN)
        self.seed = Draw.get_by_id(self.draw.id).seed

    def draw_and_redraw(self):
        self.first = winner_draw.draw_winners(
            PRIZES, public_value="abc", one_prize_per_buyer=True, now=self.t0 + 2 * MIN
        )
        self.second = winner_draw.redraw(["2nd: phone"], reason="unclaimed", now=self.t0 + 3 * MIN)

    def export(self, name):
        self.calls = []
        path = export_draw(
            self.draw.id,
            self.tmp_path / name,
            now=self.t0 + 4 * MIN,
            zone=IST,
            progress=lambda done, total: self.calls.append((done, total)),
        )
        return openpyxl.load_workbook(path)


@pytest.fixture
def drawn(db, tmp_path):
    return DrawnScenario(tmp_path)


def test_before_the_draw_the_seed_is_nowhere_in_the_workbook(drawn):
    wb = drawn.export("closed.xlsx")
    assert wb.sheetnames == SHEETS
    assert not [text for text in every_text(wb) if drawn.seed in text]
    items = summary(wb)
    assert items["Secret seed (revealed at the draw)"].value == "kept secret until the draw"
    assert items["Draw commitment (SHA-256 of the secret seed)"].value == Draw.get_by_id(drawn.draw.id).seed_hash
    assert items["Public value announced"].value == "drand round 5"
    local = drawn.t0 + MIN + timedelta(hours=5, minutes=30)
    assert items["Public value announced at"].value == f"{local:%d %b %Y %H:%M:%S} IST"
    assert items["Sales closed"].value == f"{local:%d %b %Y %H:%M:%S} IST"
    assert items["Public value used"].value == "not drawn yet"
    assert items["Sold-ticket list hash (SHA-256)"].value == "not drawn yet"
    assert items["Tickets in the draw"].value == "not drawn yet"
    assert items["Drawings (the draw, then redraws)"].value == 0
    assert items["One prize per buyer"].value.startswith("no")
    winners = wb["Winners"]
    assert [c.value for c in winners[1]] == WINNER_HEADERS and winners.max_row == 1
    assert winners.freeze_panes == "A2" and all(c.font.bold for c in winners[1])
    assert winners.auto_filter.ref == "A1:I1"


def test_after_the_draw_the_summary_reveals_the_seed_and_the_frozen_inputs(drawn):
    drawn.draw_and_redraw()
    wb = drawn.export("drawn.xlsx")
    items = summary(wb)
    assert items["State"].value == "drawn"
    assert items["Secret seed (revealed at the draw)"].value == drawn.seed
    assert items["Secret seed (revealed at the draw)"].data_type == "s"
    assert items["Draw commitment (SHA-256 of the secret seed)"].value == published.public_commitment()["commitment"]
    assert items["Sold-ticket list hash (SHA-256)"].value == ticket_list_hash(drawn.sold)
    assert items["Tickets in the draw"].value == len(drawn.sold) == 9
    assert items["Public value announced"].value == "drand round 5"
    assert items["Public value used"].value == "abc"
    drawn_at = drawn.t0 + 2 * MIN + timedelta(hours=5, minutes=30)
    assert items["Winners drawn"].value == f"{drawn_at:%d %b %Y %H:%M:%S} IST"
    assert items["Drawings (the draw, then redraws)"].value == 2
    assert items["One prize per buyer"].value.startswith("yes")


def test_winners_sheet_lists_every_drawing_with_contact_details(drawn):
    drawn.draw_and_redraw()
    wb = drawn.export("drawn.xlsx")
    ws = wb["Winners"]
    assert [c.value for c in ws[1]] == WINNER_HEADERS
    assert ws.freeze_panes == "A2" and all(c.font.bold for c in ws[1])
    assert ws.auto_filter.ref == f"A1:I{ws.max_row}"
    expected = [
        (
            d.number,
            w.prize,
            f"{w.ticket:02d}",
            w.buyer_name,
            w.mobile,
            w.reference,
            w.public_name,
            d.reason or None,
            d.drawn_at + timedelta(hours=5, minutes=30),
        )
        for d in winner_draw.drawings(drawn.draw.id)
        for w in d.winners
    ]
    assert len(expected) == 4
    found = [tuple(cell.value for cell in row) for row in ws.iter_rows(min_row=2)]
    # Names a spreadsheet could run as a formula carry the guarding apostrophe.
    assert [tuple("'" + v if isinstance(v, str) and v.startswith("=") else v for v in row) for row in expected] == found
    assert [row[0] for row in found] == [1, 1, 1, 2]
    assert found[3][1] == "2nd: phone" and found[3][7] == "unclaimed"
    assert [row[7] for row in found[:3]] == [None, None, None]
    assert {row[4] for row in found} == {mobile for _, mobile, _ in BUYERS}  # every buyer won once
    for row in by_header(ws):
        for header in ("Ticket", "Mobile", "Booking reference"):
            assert row[header].data_type == "s" and row[header].number_format == "@", header
    ravi = next(r for r in by_header(ws) if r["Buyer name"].value == "Ravi Kumar")
    assert ravi["Mobile"].value == "9876543211" and ravi["Name as published"].value == "Ravi K."
    asha = next(r for r in by_header(ws) if r["Mobile"].value == "9876543210")
    assert asha["Buyer name"].value == "'=Asha Patel" and asha["Buyer name"].data_type == "s"
    assert asha["Name as published"].value == "'=Asha P." and asha["Name as published"].data_type == "s"
    assert not [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]
    width = {c.value: ws.column_dimensions[c.column_letter].width for c in ws[1]}
    assert width["Buyer name"] >= len("'=Asha Patel") and width["Mobile"] >= 10


def test_progress_counts_the_winner_rows(drawn):
    drawn.draw_and_redraw()
    wb = drawn.export("drawn.xlsx")
    written = sum(wb[name].max_row - 1 for name in SHEETS)
    assert wb["Winners"].max_row - 1 == 4
    assert drawn.calls[-1] == (written, written)
    assert all(total == written for _, total in drawn.calls)


def test_a_hold_that_ran_out_reads_as_free(scenario, tmp_path):
    s = scenario
    path = export_draw(s.draw.id, tmp_path / "later.xlsx", now=s.at(40), zone=IST)
    wb = openpyxl.load_workbook(path)
    three = by_header(wb["Tickets"])[2]
    assert three["State"].value == "free" and three["Buyer name"].value is None
    items = summary(wb)
    assert (items["Tickets held"].value, items["Tickets free"].value) == (0, 994)


def test_small_pages_still_export_every_row(sqlite_db, tmp_path, monkeypatch):
    monkeypatch.setattr(export_module, "PAGE", 3)
    s = Scenario(tmp_path)
    assert [t["Ticket"].value for t in by_header(s.wb["Tickets"])] == [f"{n:04d}" for n in range(1, 1001)]
    assert len(rows(s.wb["Bookings"])) == 4
    assert len({row["UTR"].value for row in by_header(s.wb["Payments"])}) == 7


def test_a_failed_export_leaves_the_previous_file_and_no_temporary_file(sqlite_draw, tmp_path):
    target = tmp_path / "exports" / "draw.xlsx"
    target.parent.mkdir(exist_ok=True)
    target.write_bytes(b"previous export")

    def stop(done, total):
        raise KeyboardInterrupt

    hold_tickets("Ravi", "9876543210", [5])
    with pytest.raises(KeyboardInterrupt):
        export_draw(sqlite_draw.id, target, progress=stop)
    assert target.read_bytes() == b"previous export"
    assert sorted(p.name for p in target.parent.iterdir()) == ["draw.xlsx"]
    export_draw(sqlite_draw.id, target)
    assert openpyxl.load_workbook(target).sheetnames == SHEETS


def test_unknown_draw_and_unwritable_path_are_clear_errors(sqlite_draw, tmp_path):
    with pytest.raises(NotFound):
        export_draw(sqlite_draw.id + 99, tmp_path / "none" / "x.xlsx")
    assert not (tmp_path / "none").exists()
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(ExportFailed) as failed:
        export_draw(sqlite_draw.id, blocker / "x.xlsx")
    assert str(blocker / "x.xlsx") in failed.value.message


def test_an_empty_draw_exports_headers_only(sqlite_draw, tmp_path):
    calls = []
    path = export_draw(sqlite_draw.id, tmp_path / "empty.xlsx", progress=lambda *a: calls.append(a))
    wb = openpyxl.load_workbook(path)
    assert wb["Bookings"].max_row == 1 and wb["Payments"].max_row == 1
    assert wb["Bookings"].auto_filter.ref == "A1:K1"
    assert wb["Tickets"].max_row == 1 + 100
    assert calls[-1][0] == calls[-1][1] == wb["Summary"].max_row - 1 + 100


def test_new_draw_exports_the_old_one_into_the_exports_folder(db, tmp_path):
    old = new_draw(tmp_path, name="Navratri Draw")
    hold = hold_tickets("Meena", "9876543210", [4, 5])
    record_payment(hold.payable_paise, "555566667777")
    waiting = hold_tickets("Ravi", "9876543219", [9])
    exports = tmp_path / "exports-here"
    fresh = create_draw(
        validate_settings(
            name="Holi Draw", ticket_count=50, price_paise=500, payee_vpa="organiser@okaxis", payee_name="Asha Stores"
        ),
        exports_dir=exports,
    )
    files = list(exports.iterdir())
    assert len(files) == 1 and files[0].suffix == ".xlsx" and files[0].name.startswith(f"draw-{old.id}-")
    assert get_draw(old.id).export_path == str(files[0])
    wb = openpyxl.load_workbook(files[0])
    assert summary(wb)["Name"].value == "Navratri Draw"
    # The file is the archived draw's final state: archived, its unpaid booking cancelled.
    assert "archived" in str(summary(wb)["State"].value).lower()
    tickets = {row["Ticket"].value: row for row in by_header(wb["Tickets"])}
    assert tickets["009"]["State"].value == "free" and tickets["004"]["State"].value == "sold"
    assert waiting.reference not in [b["Reference"].value for b in by_header(wb["Bookings"])]
    booked = by_header(wb["Bookings"])
    assert [(b["Reference"].value, b["Tickets"].value, b["UTR"].value) for b in booked] == [
        (hold.reference, "004, 005", "555566667777")
    ]
    assert get_draw(fresh.id).state == "open"


@pytest.mark.parametrize(
    "typed, written",
    [
        ("=1+2", "'=1+2"),
        ("+91 98765", "'+91 98765"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rReturn", "'\rReturn"),
        ("Priya = Sharma", "Priya = Sharma"),
        ("O'Brien", "O'Brien"),
        ("bell\x07here", "bell\ufffdhere"),
        (9876543210, "9876543210"),
    ],
)
def test_safe_text(typed, written):
    assert safe_text(typed) == written


def test_exported_file_is_a_path(sqlite_draw, tmp_path):
    result = export_draw(sqlite_draw.id, str(tmp_path / "as-text.xlsx"))
    assert isinstance(result, Path) and result.exists()


def test_the_claimed_utr_is_in_bookings_and_payments(db, tmp_path):
    from shared.claims import claim_utr

    draw = new_draw(tmp_path, ticket_count=50, price="10")
    t0 = utcnow().replace(microsecond=0)
    a = hold_tickets("Asha", "9876543210", [1], now=t0)  # ₹10.00
    b = hold_tickets("=B Buyer", "9876543211", [2], now=t0)  # ₹10.01
    claim_utr(a.session_id, "412345678901", now=t0)
    claim_utr(b.session_id, "412345678902", now=t0)
    assert record_payment(1000, "412345678901", now=t0 + MIN).rule == 0
    assert record_payment(1500, "412345678902", now=t0 + MIN).outcome == "claim_mismatch"
    wb = openpyxl.load_workbook(export_draw(draw.id, tmp_path / "claims.xlsx", now=t0 + 2 * MIN, zone=IST))
    (booking,) = by_header(wb["Bookings"])
    assert (booking["Reference"].value, booking["UTR claimed by buyer"].value) == (a.reference, "412345678901")
    payments = {row["UTR"].value: row for row in by_header(wb["Payments"])}
    assert payments["412345678901"]["Claimed by booking"].value == f"{a.reference} (Asha)"
    mismatch = payments["412345678902"]
    assert mismatch["Claimed by booking"].value == f"{b.reference} (=B Buyer)"
    assert mismatch["Status"].value != "MATCHED" and "handed in" in mismatch["Attention reason"].value


def shown_as(number_format: str, value) -> str:
    """How a spreadsheet shows `value` in `number_format`, for the formats the export uses: its
    conditional sections ([>=N]), a quoted prefix, digits with literal commas (\\,) or a thousands
    separator, and two decimals."""
    for section in number_format.split(";"):
        condition = re.match(r"\[>=(\d+)\](.*)", section)
        if condition is None or value >= int(condition.group(1)):
            body = condition.group(2) if condition else section
            break
    prefix, digits = re.fullmatch(r'"([^"]*)"(.*)', body).groups()
    whole, decimals = digits.split(".")
    integer, fraction = f"{value:.{len(decimals)}f}".split(".")
    if "\\," in whole:  # literal commas: fill the groups from the right, the first takes the rest
        sizes = [len(group) for group in whole.split("\\,")][1:]
        groups = []
        for size in reversed(sizes):
            groups.insert(0, integer[-size:])
            integer = integer[:-size]
        text = ",".join([integer, *groups])
    else:
        text = f"{int(integer):,}"
    return f"{prefix}{text}.{fraction}"


def test_rupees_read_back_in_indian_digit_grouping(db, tmp_path):
    """The workbook's amounts, read back with their number format, show the way the web and the
    console do: ₹1,00,000.00, never ₹100,000.00."""
    new_draw(tmp_path, name="Big Mela", ticket_count=10, price="10", max_per_order=5)
    amounts = [parse_amount(a) for a in ("999.50", "99999.99", "100000", "1234567.8", "9876543.21", "10000000")]
    for n, amount in enumerate(amounts):
        record_payment(amount, f"5555000000{n:02d}")
    path = export_draw(current_draw().id, tmp_path / "big.xlsx", zone=IST)
    payments = by_header(openpyxl.load_workbook(path)["Payments"])
    shown = sorted(
        (row["Amount"].value, shown_as(row["Amount"].number_format, row["Amount"].value)) for row in payments
    )
    assert [text for _, text in shown] == [
        "₹999.50",
        "₹99,999.99",
        "₹1,00,000.00",
        "₹12,34,567.80",
        "₹98,76,543.21",
        "₹1,00,00,000.00",
    ]
    assert [format_rupees(a) for a in amounts] == [text for _, text in shown]  # as the web and console show them
