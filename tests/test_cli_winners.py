"""The winner-draw commands of `luckydraw`: close-sales / open-sales, prizes, draw-status,
draw-winners, redraw, results and verify — exit codes and what an organiser reads."""

import json
import subprocess
from pathlib import Path

import pytest

from console.cli import main
from shared.booking import hold_tickets
from shared.models import Draw, Order
from shared.payments import sell_cash
from shared.winner_algorithm import commitment
from tests.helpers.db import CLI_NEW_DRAW

ROOT = Path(__file__).resolve().parents[1]
LUCKYDRAW = ROOT / ".venv" / "bin" / "luckydraw"
NEW_DRAW = CLI_NEW_DRAW


@pytest.fixture
def sold(cli):
    """A draw with three cash buyers (tickets 1-12) and sales still open."""
    cli(*NEW_DRAW)
    seed = "5e" * 32  # pinned so that every outcome below is the same on every run
    Draw.update(seed=seed, seed_hash=commitment(seed)).execute()
    sell_cash("Asha Patel", "9876543210", [1, 2, 3, 4])
    sell_cash("Ravi Kumar", "9876543211", [5, 6, 7, 8])
    sell_cash("Meena Iyer", "9876543212", [9, 10, 11, 12])
    return cli


def test_close_sales_with_announcement_then_open_again(sold):
    code, out, _ = sold("close-sales", "--announce", "drand round 123456")
    assert code == 0
    assert "Sales for draw #1 'Ganesh Utsav' are closed" in out
    assert "Announced public value: drand round 123456" in out
    code, _, err = sold("close-sales", "--announce", "drand round 7")
    assert code == 2 and err.count("\n") == 1 and "cannot be changed" in err
    code, out, _ = sold("open-sales")
    assert code == 0 and "are open" in out and "'drand round 123456' stays on record" in out
    code, _, err = sold("open-sales")
    assert code == 2 and "already open" in err


def test_draw_refused_with_pending_booking_exit_2_one_line(sold):
    hold_tickets("Pending Buyer", "9123456789", [40])
    sold("close-sales")
    code, out, err = sold("draw-winners", "--prize", "1st: scooter")
    assert code == 2 and out == ""
    assert err == "luckydraw: 1 booking is still pending and may be paid: wait for them, or let them expire now.\n"
    code, out, _ = sold("draw-status")
    assert code == 0 and "Waiting: 1 booking is still pending" in out and "Commitment" in out


def test_draw_status_json_before_closing(sold):
    code, out, _ = sold("draw-status", "--json")
    data = json.loads(out)
    assert code == 0 and not data["ok"] and data["sold_tickets"] == 12
    assert data["problems"] == ["Sales are still open: close sales first."]
    assert "seed" not in data["commitment"] and len(data["commitment"]["commitment"]) == 64


def test_public_value_rules_on_the_command_line(sold):
    sold("close-sales", "--announce", "drand round 5")
    code, _, err = sold("draw-winners", "--prize", "1st")
    assert code == 2 and "type that public value" in err
    code, out, _ = sold("draw-winners", "--prize", "1st", "--public-value", "ab12", "--json")
    assert code == 0 and json.loads(out)["public_value"] == "ab12"


def test_draw_expire_pending_prints_winners_with_contacts(sold):
    pending = hold_tickets("Pending Buyer", "9123456789", [40])
    sold("close-sales")
    code, out, _ = sold(
        "draw-winners", "--prize", "1st: scooter", "--prize", "2nd: phone", "--expire-pending", "--one-prize-per-buyer"
    )
    assert code == 0, out
    assert "Drawing 1 of draw #1: 12 sold tickets" in out and "no public value" in out
    assert f"Let expire: 1 pending bookings ({pending.reference})" in out
    lines = [line for line in out.splitlines() if "ticket " in line]
    assert len(lines) == 2 and lines[0].lstrip().startswith("1st: scooter") and 'published as "' in lines[0]
    assert Order.get_by_id(pending.order_id).state == "cancelled"
    mobiles = [m for m in ("9876543210", "9876543211", "9876543212") if any(m in line for line in lines)]
    assert len(mobiles) == 2  # one prize per buyer: two different buyers, shown to the organiser


def test_draw_json_then_redraw_and_results(sold, tmp_path):
    sold("close-sales")
    code, out, _ = sold("draw-winners", "--prize", "1st: scooter", "--prize", "2nd: phone", "--json")
    first = json.loads(out)
    assert code == 0 and first["number"] == 1 and len(first["winners"]) == 2
    code, out, _ = sold("redraw", "--prize", "2nd: phone", "--reason", "unclaimed")
    assert code == 0 and "Redraw (drawing 2)" in out and "Reason: unclaimed" in out
    code, _, err = sold("redraw", "--prize", "bicycle")
    assert code == 2 and "'bicycle' is not a prize of this draw" in err
    out_file = tmp_path / "results.json"
    code, out, _ = sold("results", "--out", str(out_file))
    assert code == 0 and f"Wrote {out_file}" in out and "(redraw 2: unclaimed)" in out
    doc = json.loads(out_file.read_text(encoding="utf-8"))
    assert [d["number"] for d in doc["drawings"]] == [1, 2]
    assert doc["drawings"][0]["winners"][0]["ticket"] == first["winners"][0]["ticket"]
    code, out, _ = sold("results", "--json")
    assert code == 0 and json.loads(out) == doc
    code, out, _ = sold("verify", str(out_file))
    assert code == 0 and "matches" in out and "3 winners in 2 drawing(s)" in out


def test_results_before_the_draw_is_a_refusal(sold):
    code, out, err = sold("results")
    assert code == 2 and "has no winners yet" in err and out == ""


def test_prizes_command_sets_and_shows_the_plan(sold):
    code, out, _ = sold("prizes")
    assert code == 0 and "No prizes planned yet" in out
    code, out, _ = sold("prizes", "--prize", "1st: scooter", "--prize", "2nd: phone", "--one-prize-per-buyer")
    assert code == 0 and "1. 1st: scooter\n2. 2nd: phone\nOne prize per buyer." in out
    sold("close-sales")
    code, out, _ = sold("draw-winners", "--json")
    result = json.loads(out)
    assert code == 0 and result["prizes"] == ["1st: scooter", "2nd: phone"] and result["one_prize_per_buyer"]


@pytest.fixture
def results_file(sold, tmp_path):
    sold("close-sales", "--announce", "drand round 9")
    sold("draw-winners", "--prize", "1st", "--prize", "2nd", "--public-value", "f00d")
    path = tmp_path / "results.json"
    sold("results", "--out", str(path))
    return path


@pytest.mark.parametrize(
    "change, says",
    [
        (lambda d: d.update(public_value="f00e"), "MISMATCH: drawing 1, prize "),
        (lambda d: d.update(commitment="0" * 64), "MISMATCH: commitment mismatch"),
        (lambda d: d["sold"].remove(12), "MISMATCH: list hash mismatch"),
    ],
)
def test_verify_prints_each_problem_and_exits_1(sold, results_file, change, says):
    doc = json.loads(results_file.read_text(encoding="utf-8"))
    change(doc)
    results_file.write_text(json.dumps(doc), encoding="utf-8")
    code, out, _ = sold("verify", str(results_file))
    assert code == 1 and says in out and "does NOT match" in out


def test_verify_needs_no_database(results_file, tmp_path, capsys):
    missing_dir = tmp_path / "no-such-dir" / "x.db"
    assert main(["--db", str(missing_dir), "verify", str(results_file)]) == 0
    assert not missing_dir.parent.exists()
    assert main(["verify", str(tmp_path / "absent.json")]) == 1
    assert "cannot read results file" in capsys.readouterr().out


def test_verify_as_a_separate_program(results_file):
    run = subprocess.run(
        [str(LUCKYDRAW), "verify", str(results_file)],
        capture_output=True,
        text=True,
        cwd=results_file.parent,
        timeout=60,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "matches" in run.stdout
    doc = json.loads(results_file.read_text(encoding="utf-8"))
    doc["seed"] = "ab" * 32
    results_file.write_text(json.dumps(doc), encoding="utf-8")
    run = subprocess.run(
        [str(LUCKYDRAW), "verify", str(results_file)],
        capture_output=True,
        text=True,
        cwd=results_file.parent,
        timeout=60,
    )
    assert run.returncode == 1 and "MISMATCH: commitment mismatch" in run.stdout
