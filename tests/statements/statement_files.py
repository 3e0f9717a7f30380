"""Statement files as the banks' net-banking sites export them, built for tests and the benchmark:
title and account rows above the table, footer totals below, each bank's own columns, date and
amount formats and narration style; written as CSV, XLSX (openpyxl), real XLS (xlwt) or the HTML
table that many banks serve as "statement.xls"."""

import csv
from dataclasses import dataclass
from datetime import datetime


@dataclass
class Txn:
    at: datetime  # India time, as the statement shows it
    amount_paise: int
    credit: bool = True
    utr: str | None = None
    name: str = ""
    vpa: str = ""
    note: str = ""
    narration: str | None = None  # given as is (a cash deposit, NEFT, a bank reversal)
    reversal: bool = False


def standard_txns() -> list[Txn]:
    """A credit with a booking reference, a debit, a credit with commas, a reversed UPI credit and
    a credit with no UTR."""
    return [
        Txn(
            datetime(2026, 11, 2, 10, 15, 32),
            1001,
            utr="412345678901",
            name="ASHA DEVI",
            vpa="asha@okaxis",
            note="LD-7K3Q2P",
        ),
        Txn(datetime(2026, 11, 2, 12, 0), 50000, credit=False, narration="NEFT DR-BESCOM ELECTRICITY BILL"),
        Txn(
            datetime(2026, 11, 3, 9, 5),
            125000,
            utr="412345678902",
            name="BALA MURUGAN",
            vpa="bala.m@oksbi",
            note="tickets",
        ),
        Txn(datetime(2026, 11, 3, 18, 40), 2000, utr="412345678903", reversal=True),
        Txn(datetime(2026, 11, 4, 11, 0), 10000, narration="CASH DEPOSIT BY SELF AT BRANCH"),
    ]


def rupees(paise: int) -> str:
    whole, frac = divmod(paise, 100)
    return f"{whole:,}.{frac:02d}"


def _narration(bank: str, t: Txn) -> tuple[str, str]:
    """(narration, reference) in the bank's style."""
    if t.narration is not None:
        return t.narration, "N30612345678" if bank == "hdfc" and not t.credit else ""
    if t.reversal:
        return {
            "hdfc": (f"REV-UPI-{t.utr}-PAYMENT FAILED", f"0000{t.utr}"),
            "icici": (f"REV/UPI/{t.utr}/REVERSAL", "-"),
            "sbi": (f"REV-UPI/CR/{t.utr}/REVERSAL", ""),
            "axis": (f"UPI/REV/{t.utr}/REVERSAL", ""),
            "kotak": (f"UPI REVERSAL/{t.utr}", f"UPI-{t.utr}"),
            "generic": (f"UPI reversal {t.utr}", ""),
        }[bank]
    return {
        "hdfc": (f"UPI-{t.name}-{t.vpa}-UTIB0000123-{t.utr}-{t.note}", f"0000{t.utr}"),
        "icici": (f"UPI/{t.utr}/{t.note}/{t.vpa}/Axis Bank", "-"),
        "sbi": (f"BY TRANSFER-UPI/CR/{t.utr}/{t.name}/UTIB/{t.vpa}/{t.note}", "TRANSFER FROM 3199412345678"),
        "axis": (f"UPI/P2A/{t.utr}/{t.name}/HDFC BANK/{t.note}", ""),
        "kotak": (f"UPI/{t.name}/{t.utr}/{t.note}", f"UPI-{t.utr}"),
        "generic": (f"UPI {t.utr} from {t.vpa} {t.note}", ""),
    }[bank]


def table(bank: str, txns: list[Txn], opening_paise: int = 100000, typed: bool = False) -> list[list]:
    """The statement as a grid of cells. `typed` gives numbers and datetimes (as a spreadsheet
    holds them) instead of the text a CSV holds."""
    balance = opening_paise
    body = []
    for i, t in enumerate(txns, 1):
        balance += t.amount_paise if t.credit else -t.amount_paise
        narration, ref = _narration(bank, t)
        amount = t.amount_paise / 100 if typed else rupees(t.amount_paise)
        credit, debit = (amount, "") if t.credit else ("", amount)
        bal = balance / 100 if typed else rupees(balance)
        if bank == "hdfc":
            day = t.at if typed else t.at.strftime("%d/%m/%y")
            body.append([day, narration, ref, t.at.strftime("%d/%m/%y"), debit, credit, bal])
        elif bank == "icici":
            stamp = t.at if typed else t.at.strftime("%d/%m/%Y %I:%M:%S %p")
            body.append([i, t.at.strftime("%d/%m/%Y"), stamp, ref, narration, debit or 0, credit or 0, bal])
        elif bank == "sbi":
            body.append([t.at.strftime("%-d %b %Y"), t.at.strftime("%-d %b %Y"), narration, ref, debit, credit, bal])
        elif bank == "axis":
            body.append([t.at.strftime("%d-%m-%Y"), "", narration, debit, credit, bal, "1234"])
        elif bank == "kotak":
            side = "CR" if t.credit else "DR"
            body.append([i, t.at.strftime("%d-%m-%Y"), narration, ref, amount, side, bal, "CR"])
        elif bank == "generic":
            signed = f"{rupees(t.amount_paise)} {'Cr' if t.credit else 'Dr'}"
            body.append([t.at.strftime("%Y-%m-%d %H:%M"), narration, signed])
    header, above, below = _frame(bank, opening_paise, balance, txns)
    return above + [header] + body + below


def _frame(bank, opening, closing, txns):
    credits = sum(t.amount_paise for t in txns if t.credit)
    debits = sum(t.amount_paise for t in txns if not t.credit)
    above = [
        [
            {
                "hdfc": "HDFC BANK Ltd.",
                "icici": "ICICI Bank",
                "sbi": "State Bank of India",
                "axis": "Axis Bank Ltd",
                "kotak": "Kotak Mahindra Bank",
                "generic": "My Bank",
            }[bank]
        ],
        ["Account Name :", "ASHA STORES"],
        ["Account No :", "XXXXXXXX4321", "", "Branch :", "MG ROAD"],
        ["Statement From :", "01/11/2026", "To :", "30/11/2026"],
        [],
    ]
    header = {
        "hdfc": ["Date", "Narration", "Chq./Ref.No.", "Value Dt", "Withdrawal Amt.", "Deposit Amt.", "Closing Balance"],
        "icici": [
            "S No.",
            "Value Date",
            "Transaction Date",
            "Cheque Number",
            "Transaction Remarks",
            "Withdrawal Amount (INR )",
            "Deposit Amount (INR )",
            "Balance (INR )",
        ],
        "sbi": ["Txn Date", "Value Date", "Description", "Ref No./Cheque No.", "Debit", "Credit", "Balance"],
        "axis": ["Tran Date", "CHQNO", "PARTICULARS", "DR", "CR", "BAL", "SOL"],
        "kotak": ["Sl. No.", "Date", "Description", "Chq / Ref number", "Amount", "Dr / Cr", "Balance", "Dr / Cr"],
        "generic": ["Date", "Details", "Amount"],
    }[bank]
    below = [
        [],
        ["STATEMENT SUMMARY :-"],
        ["Opening Balance", "Dr Count", "Cr Count", "Debits", "Credits", "Closing Bal"],
        [
            rupees(opening),
            str(sum(not t.credit for t in txns)),
            str(sum(t.credit for t in txns)),
            rupees(debits),
            rupees(credits),
            rupees(closing),
        ],
        ["This is a computer generated statement."],
    ]
    return header, above, below


def write(path, bank: str, fmt: str, txns: list[Txn] | None = None) -> str:
    """Write the statement as `fmt`: csv, tsv, xlsx, xls (real BIFF, xlwt) or html (an "XLS" that is a web page)."""
    txns = standard_txns() if txns is None else txns
    path = str(path)
    if fmt in ("csv", "tsv"):
        with open(path, "w", newline="", encoding="utf-8") as f:
            csv.writer(f, delimiter="\t" if fmt == "tsv" else ",").writerows(table(bank, txns))
    elif fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Statement")
        for row in table(bank, txns, typed=True):
            ws.append([None if cell == "" else cell for cell in row])
        wb.save(path)
    elif fmt == "xls":
        import xlwt

        wb = xlwt.Workbook()
        ws = wb.add_sheet("Statement")
        stamp = xlwt.easyxf(num_format_str="DD/MM/YYYY HH:MM:SS")
        for r, row in enumerate(table(bank, txns, typed=True)):
            for c, cell in enumerate(row):
                if isinstance(cell, datetime):
                    ws.write(r, c, cell, stamp)
                elif cell != "":
                    ws.write(r, c, cell)
        wb.save(path)
    elif fmt == "html":
        from html import escape

        rows = "".join(
            "<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in row) + "</tr>\n" for row in table(bank, txns)
        )
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"<html><head><meta charset='utf-8'></head><body><table border=1>\n{rows}</table></body></html>")
    else:
        raise ValueError(fmt)
    return path
