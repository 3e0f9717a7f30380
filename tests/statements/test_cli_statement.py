"""`luckydraw import-statement` and `luckydraw audit` as an organiser or a script uses them."""

import json
from datetime import timedelta

from shared.booking import hold_tickets
from shared.models import Order, Payment
from shared.payments import record_payment
from tests.helpers.db import CLI_NEW_DRAW
from tests.statements.statement_files import Txn, write
from tests.statements.test_statement_import import ist_now, state


def _statement(tmp_path, first, second, fmt="csv", bank="hdfc"):
    at = ist_now() + timedelta(seconds=5)
    controls = "\x1b[2J\x07" if fmt == "csv" else ""  # terminal controls (a workbook cannot hold them)
    txns = [
        Txn(at, first.payable_paise, utr="412345678901", name="ASHA DEVI", vpa="asha@okaxis", note=first.reference),
        Txn(at, 50000, credit=False, narration="NEFT DR-RENT"),
        Txn(at, second.payable_paise, utr="412345678902", name="BALA", vpa="bala@oksbi", note="x"),
        Txn(at, 77700, narration=f'CASH DEPOSIT {controls}=HYPERLINK("x") [bold]LOUD[/bold]'),
    ]
    return write(tmp_path / f"statement.{fmt}", bank, fmt, txns)


def _setup(cli):
    cli(*CLI_NEW_DRAW)
    return hold_tickets("Asha", "9876543210", [1]), hold_tickets("Bala", "9876543211", [2])


def test_dry_run_prints_each_row_and_changes_nothing(cli, tmp_path):
    first, second = _setup(cli)
    record_payment(second.payable_paise, "412345678902", source="sms")
    path = _statement(tmp_path, first, second)
    before = state()
    code, out, err = cli("import-statement", path, "--dry-run")
    assert code == 0, err
    assert state() == before
    lines = out.splitlines()
    assert "row     7" in lines[0] and lines[0].endswith(f"confirm {first.reference}")
    assert lines[1].endswith("debit skipped")
    assert "already recorded (sms, settled" in lines[2]
    assert "unmatched" in lines[3]
    assert "CASH DEPOSIT" in lines[3] and "=HYPERLINK" in lines[3]  # the narration, its terminal controls gone
    assert "\x1b" not in out and "\x07" not in out
    assert "Dry run, nothing changed:" in out and "1 confirmed a booking" in out


def test_import_then_reimport(cli, tmp_path):
    first, second = _setup(cli)
    path = _statement(tmp_path, first, second, "xlsx", "icici")
    code, out, _ = cli("import-statement", path, "--quiet")
    assert code == 0
    assert "2 confirmed a booking" in out and "1 debits skipped" in out and "Everything agrees" in out
    assert Order.select().where(Order.state == "paid").count() == 2
    after = state()
    code, out, _ = cli("import-statement", path)
    assert code == 0 and state() == after
    assert "Every row of this statement was imported before: nothing changed." in out


def test_json_output(cli, tmp_path):
    first, second = _setup(cli)
    code, out, _ = cli("import-statement", _statement(tmp_path, first, second), "--json")
    data = json.loads(out)
    assert code == 0
    assert data["import"]["counts"]["confirmed"] == 2 and data["import"]["counts"]["debit"] == 1
    assert [r["action"] for r in data["import"]["rows"]] == ["confirmed", "debit", "confirmed", "unmatched"]
    assert data["audit"]["ok"] is True


def test_bad_files_are_one_line_exit_2_and_change_nothing(cli, tmp_path):
    _setup(cli)
    before = state()
    pdf = tmp_path / "statement.xls"
    pdf.write_bytes(b"%PDF-1.5 ...")
    for args, words in [
        ((str(pdf),), "is a PDF"),
        ((str(tmp_path / "missing.csv"),), "There is no file"),
        ((str(pdf), "--columns", "colour=red"), "Unknown column role"),
    ]:
        code, out, err = cli("import-statement", *args)
        assert code == 2 and words in err and err.count("\n") == 1 and out == ""
    assert state() == before


def test_audit_command_lists_both_ways(cli, tmp_path):
    first, second = _setup(cli)
    path = _statement(tmp_path, first, second)
    record_payment(first.payable_paise, "412345678901", source="sms")
    record_payment(second.payable_paise, "412345678909", source="manual")
    before = state()
    code, out, _ = cli("audit", path)
    assert code == 0 and state() == before
    assert "Credits in the statement that are not recorded:" in out
    assert "(row 9, UTR 412345678902) is not recorded" in out
    assert "UTR 412345678909 (manual" in out
    code, out, err = cli("audit")
    assert code == 2 and "no statement was imported" in err
    cli("import-statement", path, "--quiet")
    code, out, _ = cli("audit", "--json")
    data = json.loads(out)
    assert data["missing_credits"] == [] and [i["utr"] for i in data["unfound_payments"]] == ["412345678909"]
    assert Payment.get(Payment.amount_paise == 77700).note.endswith("[bold]LOUD[/bold]")
