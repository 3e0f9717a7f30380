"""Reading the banks' statement exports: every bank's layout in every file kind it is served as,
with the title, account and footer rows around the table, commas, Cr/Dr, dates, a debit, a
reversed UPI credit and a credit with no UTR."""

import zipfile
from datetime import datetime

import pytest

from shared.statements.read import StatementUnreadable
from shared.statements.rows import CREDIT, DEBIT, UNREADABLE, read_statement
from shared.statements.values import CellProblem, amount_cell, date_cell
from tests.statements.statement_files import Txn, standard_txns, write

BANKS = ["hdfc", "icici", "sbi", "axis", "kotak"]
FORMATS = ["csv", "xlsx", "xls", "html"]
TIMED = {"icici", "generic"}  # these exports carry the time of day in text


def _build(tmp_path, bank, fmt, txns=None):
    # An "XLS" from net banking may be a web page: named .xls whatever it holds.
    suffix = {"csv": "csv", "xlsx": "xlsx", "xls": "xls", "html": "xls", "tsv": "txt"}[fmt]
    return write(tmp_path / f"statement.{suffix}", bank, fmt, txns)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("bank", BANKS)
def test_every_bank_in_every_file_kind_reads_the_same_transactions(tmp_path, bank, fmt):
    statement = read_statement(_build(tmp_path, bank, fmt))
    assert statement.layout.key == bank
    assert statement.file_kind == ("html" if fmt == "html" else fmt)
    kinds = [(row.kind, row.amount_paise, row.utr) for row in statement.rows]
    assert kinds == [
        (CREDIT, 1001, "412345678901"),
        (DEBIT, 50000, None),
        (CREDIT, 125000, "412345678902"),
        (CREDIT, 2000, "412345678903"),
        (CREDIT, 10000, None),
    ]
    first, _, _, reversed_credit, no_utr = statement.rows
    assert first.order_reference == "LD-7K3Q2P"
    assert reversed_credit.reversal is True and not first.reversal and not no_utr.reversal
    assert no_utr.utr_problem and "no 12-digit UTR" in no_utr.utr_problem
    assert no_utr.narration == "CASH DEPOSIT BY SELF AT BRANCH"
    assert statement.period == (datetime(2026, 11, 2).date(), datetime(2026, 11, 4).date())
    # India time to UTC: 02 Nov 10:15:32 IST is 04:45:32 UTC; a date alone is 00:00 IST (18:30 UTC the day before).
    if first.when.timed:
        assert first.when.at == datetime(2026, 11, 2, 4, 45, 32)
    else:
        assert bank not in TIMED or fmt in ("xlsx", "xls")
        assert first.when.at == datetime(2026, 11, 1, 18, 30)
    assert first.when.day == datetime(2026, 11, 2).date()


def test_footer_totals_and_title_rows_are_not_transactions(tmp_path):
    statement = read_statement(_build(tmp_path, "hdfc", "csv"))
    assert len(statement.rows) == 5  # not the summary row with its totals, not "Account No"
    assert statement.noise_rows >= 5
    assert all(row.kind != UNREADABLE for row in statement.rows)


@pytest.mark.parametrize("bank", ["hdfc", "sbi", "axis"])
def test_payer_name_and_vpa_come_from_the_narration(tmp_path, bank):
    first = read_statement(_build(tmp_path, bank, "csv")).rows[0]
    assert first.payer == "ASHA DEVI"
    if bank != "axis":
        assert first.payer_vpa == "asha@okaxis"


def test_hdfc_zero_padded_reference_gives_the_utr(tmp_path):
    txns = [Txn(datetime(2026, 11, 5, 9), 500, narration="UPI PAYMENT RECEIVED")]
    path = write(tmp_path / "s.csv", "hdfc", "csv", txns)
    text = open(path).read().replace("UPI PAYMENT RECEIVED,,", "UPI PAYMENT RECEIVED,0000498765432101,")
    open(path, "w").write(text)
    assert read_statement(path).rows[0].utr == "498765432101"


def test_generic_layout_with_one_signed_column_and_named_columns(tmp_path):
    path = write(tmp_path / "other.csv", "generic", "csv")
    statement = read_statement(path, columns="date=Date,amount=Amount,narration=Details")
    assert [(row.kind, row.amount_paise) for row in statement.rows][:2] == [(CREDIT, 1001), (DEBIT, 50000)]
    assert statement.rows[0].when.timed and statement.rows[0].when.at == datetime(2026, 11, 2, 4, 45)
    # The same file is also found without --columns: its headers use the usual words.
    assert read_statement(path).layout.key == "generic"


def test_tab_separated_csv_is_read(tmp_path):
    statement = read_statement(_build(tmp_path, "sbi", "tsv"))
    assert [row.amount_paise for row in statement.credits] == [1001, 125000, 2000, 10000]


def test_a_csv_named_xls_is_read_as_csv(tmp_path):
    path = write(tmp_path / "statement.xls", "axis", "csv")
    statement = read_statement(path)
    assert statement.file_kind == "csv" and len(statement.credits) == 4


def test_same_rows_have_the_same_checksum_in_every_file_kind(tmp_path):
    sums = {
        fmt: [row.checksum for row in read_statement(_build(tmp_path, "hdfc", fmt)).rows] for fmt in ("csv", "html")
    }
    assert sums["csv"] == sums["html"]
    assert len(set(sums["csv"])) == 5


def test_identical_rows_get_distinct_checksums(tmp_path):
    same = Txn(datetime(2026, 11, 5, 9), 1000, narration="CASH DEPOSIT")
    path = write(tmp_path / "s.csv", "generic", "csv", [same, same])
    text = open(path).read()
    rows = read_statement(path).rows
    assert text.count("CASH DEPOSIT") == 2 and rows[0].checksum != rows[1].checksum


def test_a_row_with_a_bad_amount_is_unreadable_with_the_reason_and_the_rest_is_read(tmp_path):
    path = write(tmp_path / "s.csv", "sbi", "csv")
    text = open(path).read().replace('"1,250.00"', "12.50.00", 1)
    open(path, "w").write(text)
    rows = read_statement(path).rows
    bad = [row for row in rows if row.kind == UNREADABLE]
    assert len(bad) == 1 and "12.50.00" in bad[0].problem
    assert len([row for row in rows if row.kind == CREDIT]) == 3


@pytest.mark.parametrize(
    "value, paise",
    [
        ("1,250.00", 125000),
        ("12,50,000.50", 125000050),
        ("10.01 Cr", 1001),
        ("10.01 Dr", -1001),
        ("10.01(Cr)", 1001),
        ("-500.00", -50000),
        ("+10", 1000),
        ("₹ 1,000.00", 100000),
        ("INR 5.5", 550),
        (10.01, 1001),
        (1250, 125000),
        (-20.5, -2050),
        ("", None),
        ("0.00", None),
        ("-", None),
        (None, None),
    ],
)
def test_amount_cells(value, paise):
    assert amount_cell(value) == paise


@pytest.mark.parametrize("value", ["abc", "10.001", "1,2,3", 10.001, "10,50"])
def test_amount_cells_that_are_not_amounts(value):
    with pytest.raises(CellProblem):
        amount_cell(value)


@pytest.mark.parametrize(
    "value, utc, timed",
    [
        ("02/11/26", datetime(2026, 11, 1, 18, 30), False),
        ("02/11/2026", datetime(2026, 11, 1, 18, 30), False),
        ("02-11-2026", datetime(2026, 11, 1, 18, 30), False),
        ("2 Nov 2026", datetime(2026, 11, 1, 18, 30), False),
        ("02-Nov-26", datetime(2026, 11, 1, 18, 30), False),
        ("02/11/2026 10:15:32 AM", datetime(2026, 11, 2, 4, 45, 32), True),
        ("02/11/2026 22:15", datetime(2026, 11, 2, 16, 45), True),
        ("2026-11-02", datetime(2026, 11, 1, 18, 30), False),
        (datetime(2026, 11, 2, 10, 15), datetime(2026, 11, 2, 4, 45), True),
    ],
)
def test_date_cells_are_india_time_stored_as_utc(value, utc, timed):
    when = date_cell(value)
    assert (when.at, when.timed, when.day) == (utc, timed, datetime(2026, 11, 2).date())


@pytest.mark.parametrize("value", ["31/02/2026", "yesterday", "13/13/2026", 45000.0])
def test_date_cells_that_are_not_dates(value):
    with pytest.raises(CellProblem):
        date_cell(value)


def _bad(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "name, data, words",
    [
        ("s.pdf", b"%PDF-1.7\n%\xe2\xe3 encrypted", "is a PDF"),
        (
            "s.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 600,
            "password-protected",
        ),
        ("s.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "not an Excel workbook"),
        ("s.xlsx", b"PK\x03\x04garbage", "not an Excel workbook"),
        ("s.csv", b"", "is empty"),
        ("s.csv", bytes(range(256)) * 20, "is not a statement"),
        ("s.csv", b"hello\nworld\n", "no rows with several columns"),
        ("s.csv", b"name,mobile\nAsha,9876543210\n", "not a statement this program knows"),
        ("s.csv", b"Date,Narration,Balance\n02/11/2026,UPI,10\n", "No credit column found"),
        ("s.csv", b"Date,Narration,Credit\n", "no transactions"),
    ],
)
def test_bad_files_get_one_clear_line(tmp_path, name, data, words):
    with pytest.raises(StatementUnreadable) as err:
        read_statement(_bad(tmp_path, name, data))
    assert words in err.value.message and "\n" not in err.value.message


def test_a_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "s.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(StatementUnreadable, match="not an Excel workbook"):
        read_statement(path)


def test_missing_file_and_unknown_bank(tmp_path):
    with pytest.raises(StatementUnreadable, match="There is no file"):
        read_statement(tmp_path / "nope.csv")
    path = _build(tmp_path, "hdfc", "csv")
    with pytest.raises(StatementUnreadable, match="Unknown bank 'barclays'"):
        read_statement(path, bank="barclays")
    with pytest.raises(StatementUnreadable, match="No ICICI Bank statement table"):
        read_statement(path, bank="icici")
    assert read_statement(path, bank="hdfc").layout.key == "hdfc"


def test_columns_option_is_checked(tmp_path):
    path = _build(tmp_path, "hdfc", "csv")
    with pytest.raises(StatementUnreadable, match="Unknown column role 'colour'"):
        read_statement(path, columns="date=Date,credit=Deposit Amt.,colour=Red")
    with pytest.raises(StatementUnreadable, match="needs at least date"):
        read_statement(path, columns="narration=Narration")
    with pytest.raises(StatementUnreadable, match="has the columns named"):
        read_statement(path, columns="date=Date,credit=Money In")


def test_standard_txns_cover_the_cases():
    txns = standard_txns()
    assert any(not t.credit for t in txns) and any(t.reversal for t in txns) and any(t.utr is None for t in txns)
