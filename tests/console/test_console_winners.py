"""The winner draw driven through keys: close sales with an announcement, plan the prizes, a draw
refused while a booking is pending, letting pending bookings expire only with the typed word, the
draw's result equal to the published algorithm's, a redraw that keeps the first winner on record,
and a results file that verifies."""

from pathlib import Path

from shared.booking import hold_tickets
from shared.draws import current_draw
from shared.models import Order, Ticket
from shared.models_winners import Drawing, DrawingWinner, DrawResultMeta
from shared.payments import record_payment
from shared.winner_algorithm import pick_winners, verify_file
from shared.winner_draw import close_sales, draw_winners, prize_plan, set_prizes
from tests.helpers.console import RecordingApp, run, settle, started, table_rows, type_text, until

PRIZES = ["1st: scooter", "2nd: phone"]


BUYERS = (
    ("Asha Patel", "9876543210", [7, 8], "512345678901"),
    ("Ravi Kumar", "9876543211", [12], "512345678902"),
    ("Meena Iyer", "9876543212", [30, 31, 32], "512345678903"),
)


def sell_three() -> dict[int, tuple[str, str, str]]:
    """Three paid bookings; ticket -> (name, mobile, reference)."""
    owners = {}
    for name, mobile, tickets, utr in BUYERS:
        hold = hold_tickets(name, mobile, tickets)
        record_payment(hold.payable_paise, utr)
        owners.update({t: (name, mobile, hold.reference) for t in tickets})
    return owners


def run_and_return(scenario):
    """Run a Pilot scenario and hand back what it returned."""
    box = {}

    async def wrapped():
        box["value"] = await scenario()

    run(wrapped)
    return box["value"]


def sold_numbers() -> list[int]:
    sold = Ticket.select().where((Ticket.draw == current_draw().id) & (Ticket.state == "sold"))
    return sorted(t.number for t in sold)


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector).content)


async def open_winners(pilot):
    await pilot.press("d")
    screen = pilot.app.screen
    assert type(screen).__name__ == "WinnersScreen"
    await until(pilot, lambda: screen.view is not None, what="the draw read")
    return screen


def test_close_sales_with_an_announcement_then_the_draw_waits_for_the_pending_booking(draw, db_url):
    sell_three()
    waiting = hold_tickets("Late Payer", "9876543219", [40])

    async def scenario():
        app = RecordingApp(db_url)
        async with app.run_test(size=(100, 32)) as pilot:
            await started(pilot)
            screen = await open_winners(pilot)
            info = text_of(screen, "#winners-info")
            assert f"Commitment {draw.seed_hash}" in info and "Public value none announced" in info
            assert "Sales are still open: close sales first." in text_of(screen, "#winners-ready")
            await pilot.press("d")  # no draw while sales are open
            assert app.screen is screen

            await pilot.press("c")
            await type_text(pilot, "drand round 4512000")
            await pilot.press("enter")
            assert "can never be changed" in text_of(app.screen, "#confirm-message")
            await pilot.press("y")
            await settle(pilot)
            assert app.screen is screen
            assert "Public value announced: “drand round 4512000”." in screen.status_text
            await until(pilot, lambda: screen.view.state == "closed", what="the closed state on screen")
            assert "“drand round 4512000” announced" in text_of(screen, "#winners-info")
            assert text_of(screen, "#winners-ready").splitlines() == [
                "Before the draw:",
                "• 1 booking is still pending and may be paid: wait for them, or let them expire now.",
            ]

            await pilot.press("p")
            await type_text(pilot, PRIZES[0])
            await pilot.press("enter")
            await type_text(pilot, PRIZES[1])
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is screen and "Prizes saved: 1. 1st: scooter  2. 2nd: phone." in screen.status_text

            await pilot.press("d")
            dialog = app.screen
            assert type(dialog).__name__ == "DrawScreen"
            assert "1 booking is still pending" in text_of(dialog, "#draw-problems")
            assert app.screen.focused.id == "public-value"
            await type_text(pilot, "8f3c01e1")
            await pilot.press("enter")
            assert "Draw the winners of “Diwali Mela” now?" in text_of(app.screen, "#confirm-message")
            await pilot.press("y")
            await settle(pilot)
            assert app.screen is dialog  # refused: the dialog stays open
            assert dialog.status_text == (
                "1 booking is still pending and may be paid: wait for them, or let them expire now."
            )
            await pilot.press("escape")
            assert app.screen is screen

    run(scenario)
    assert current_draw().state == "closed"
    assert DrawResultMeta.get_by_id(current_draw().id).announcement == "drand round 4512000"
    assert prize_plan().prizes == tuple(PRIZES)
    assert Drawing.select().count() == 0
    assert Order.get(Order.reference == waiting.reference).state == "pending"


def test_letting_pending_expire_needs_the_typed_word_and_the_draw_is_the_algorithms(draw, db_url, monkeypatch):
    from console.screens.winners import WinnersScreen

    monkeypatch.setattr(WinnersScreen, "ROLL_SECONDS", 60.0)  # still rolling when checked, however busy the machine
    sold = sell_three()
    waiting = hold_tickets("Late Payer", "9876543219", [40, 41])
    close_sales("drand round 4512000")
    set_prizes(PRIZES)

    async def scenario():
        app = RecordingApp(db_url)
        async with app.run_test(size=(100, 32)) as pilot:
            await started(pilot)
            screen = await open_winners(pilot)
            await pilot.press("d")
            dialog = app.screen
            await type_text(pilot, "8f3c01e1")
            await pilot.press("tab")  # to "let pending bookings expire"
            assert app.screen.focused.id == "expire"
            await pilot.press("space")
            await pilot.press("ctrl+s")
            confirm = app.screen
            message = text_of(confirm, "#confirm-message")
            assert "Let 1 pending booking of “Diwali Mela” expire now?" in message and "CANCELLED" in message
            await pilot.press("enter")  # Enter alone does nothing
            assert app.screen is confirm
            await type_text(pilot, "EXPIRE")
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen is screen and dialog is not screen
            assert screen.revealing == 1  # the digits roll before the winners show
            assert screen.query_one("#winners-table").row_count == 0
            assert f"1 pending booking(s) let expire: {waiting.reference}" in screen.status_text
            await pilot.press("space")  # show all now
            await until(pilot, lambda: screen.query_one("#winners-table").row_count == 2, what="the winners")
            return table_rows(screen.query_one("#winners-table")), screen.query_one("#reveal").text

    rows, reveal = run_and_return(scenario)
    expected = pick_winners(current_draw().seed, "8f3c01e1", sold_numbers(), PRIZES)
    assert [(r[0], r[1], r[2]) for r in rows] == [("1", w.prize, f"{w.ticket:03d}") for w in expected]
    for row, line, winner in zip(rows, reveal.splitlines()[1:], expected, strict=True):
        assert row[3:6] == list(sold[winner.ticket])  # name, mobile, booking to contact them
        assert line.startswith(winner.prize) and f"ticket {winner.ticket:03d}" in line  # where the roll stopped
    assert [w.ticket for w in DrawingWinner.select().order_by(DrawingWinner.prize_index)] == [
        w.ticket for w in expected
    ]
    assert current_draw().state == "drawn"
    assert Order.get(Order.reference == waiting.reference).state == "cancelled"
    assert 40 not in sold_numbers()


def test_redraw_keeps_the_first_winner_and_the_results_file_verifies(sqlite_draw, sqlite_url, tmp_path, monkeypatch):
    from console.screens.winners import WinnersScreen

    monkeypatch.setattr(WinnersScreen, "ROLL_SECONDS", 0.05)
    sell_three()
    close_sales()
    first = draw_winners(PRIZES)

    async def scenario():
        app = RecordingApp(sqlite_url, exports_dir=tmp_path / "exports")
        async with app.run_test(size=(120, 36)) as pilot:
            await started(pilot)
            screen = await open_winners(pilot)
            table = screen.query_one("#winners-table")
            await until(pilot, lambda: table.row_count == 2, what="drawing 1's winners")
            assert "Drawn " in text_of(screen, "#winners-ready")
            await pilot.press("down")  # the 2nd prize
            await pilot.press("r")
            dialog = app.screen
            assert app.screen.focused.id == "reason"  # the prize is chosen already
            await type_text(pilot, "not collected in 7 days")
            await pilot.press("enter")
            message = text_of(app.screen, "#confirm-message")
            assert "Draw “2nd: phone” again?" in message and f"Ticket {first.winners[1].label}" in message
            await pilot.press("y")
            await settle(pilot)
            assert app.screen is screen and dialog is not screen
            await until(pilot, lambda: screen.revealing is None and table.row_count == 3, what="the redraw's rows")
            rows = table_rows(table)
            await pilot.press("f")
            await settle(pilot)
            await until(pilot, lambda: "Results written to" in screen.status_text, what="the results file")
            return rows, screen.status_text

    rows, status = run_and_return(scenario)
    assert Drawing.select().count() == 2
    kept = [
        w.ticket
        for w in DrawingWinner.select().join(Drawing).where(Drawing.number == 1).order_by(DrawingWinner.prize_index)
    ]
    assert kept == [w.ticket for w in first.winners]
    again = pick_winners(current_draw().seed, "", sold_numbers(), ["2nd: phone"], drawing_number=2, exclude=kept)
    assert [(r[0], r[1], r[2], r[7]) for r in rows] == [
        ("1", "1st: scooter", first.winners[0].label, ""),
        ("1→2", "2nd: phone", first.winners[1].label, "redrawn in drawing 2"),
        ("2", "2nd: phone", f"{again[0].ticket:03d}", "not collected in 7 days"),
    ]
    path = tmp_path / "exports" / f"results-draw-{current_draw().id}.json"
    assert status == f"Results written to {path.resolve()}. Anyone can check it: luckydraw verify {path.resolve()}"
    outcome = verify_file(path)
    assert outcome.ok, outcome.problems
    assert "9876543210" not in Path(path).read_text(encoding="utf-8")  # no mobile is published


def test_winner_screen_fits_80x24_and_says_when_the_results_file_cannot_be_written(sqlite_draw, sqlite_url, tmp_path):
    sell_three()
    close_sales()
    set_prizes(PRIZES)
    draw_winners()
    not_a_folder = tmp_path / "results-folder"  # tmp_path / "exports" is the draw fixture's own folder
    not_a_folder.write_text("a file where the exports folder should be")

    async def scenario():
        app = RecordingApp(sqlite_url, exports_dir=not_a_folder)
        async with app.run_test(size=(80, 24)) as pilot:
            await started(pilot)
            screen = await open_winners(pilot)
            table = screen.query_one("#winners-table")
            await until(pilot, lambda: table.row_count == 2, what="the winners")
            for name in ("#winners-title", "#winners-info", "#winners-ready", "#winners-table", "#screen-status"):
                region = screen.query_one(name).region
                assert region.right <= 80 and region.bottom <= 23, name
            assert table.region.height >= 5  # header and both winners visible
            info = text_of(screen, "#winners-info").splitlines()
            assert all(len(line) <= 78 for line in info)
            await pilot.press("f")
            await settle(pilot)
            assert screen.status_text.startswith(f"Cannot write the results file {not_a_folder.resolve()}/")
            await pilot.press("escape")
            assert app.screen is app.dashboard

    run(scenario)
