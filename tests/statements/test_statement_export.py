"""The export gains an Audit sheet once a statement was imported into the draw."""

from datetime import timedelta

from openpyxl import load_workbook

from shared.booking import hold_tickets
from shared.export import export_draw
from shared.payments import record_payment
from shared.statements.importer import import_statement
from tests.statements.statement_files import Txn, write
from tests.statements.test_statement_import import ist_now


def test_no_audit_sheet_without_a_statement(tmp_path, draw):
    path = export_draw(draw.id, tmp_path / "x.xlsx")
    assert "Audit" not in load_workbook(path).sheetnames


def test_audit_sheet_lists_what_disagrees(tmp_path, draw):
    booking = hold_tickets("Asha", "9876543210", [1])
    record_payment(4321, "412345678999", source="manual")  # typed, never in the statement
    txns = [
        Txn(
            ist_now() + timedelta(seconds=5),
            booking.payable_paise,
            utr="412345678901",
            name="A",
            vpa="a@okaxis",
            note="=HYPERLINK(1)",
        ),
    ]
    import_statement(write(tmp_path / "s.csv", "generic", "csv", txns))
    wb = load_workbook(export_draw(draw.id, tmp_path / "x.xlsx"))
    assert "Audit" in wb.sheetnames
    rows = list(wb["Audit"].iter_rows(values_only=True))
    assert rows[0][1:] == ("Finding", "Amount", "UTR", "Detail")
    assert rows[1][1] == "SUMMARY" and "1 payments not in the statement" in rows[1][4]
    assert rows[2][1:4] == ("UTR NOT IN STATEMENT", 43.21, "412345678999")
    sheet = list(wb["Payments"].iter_rows(values_only=True))
    note = next(i for i, title in enumerate(sheet[0]) if str(title).startswith("Note"))
    payments = {r[2]: r for r in sheet}
    assert "statement" in payments["412345678901"]  # the source column
    assert "=HYPERLINK(1)" in payments["412345678901"][note]  # the narration, kept in the note
