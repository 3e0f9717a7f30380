"""The audit: a draw's money, statement against records, both ways.

Every credit of the statement period should be on record (recorded by any source, or the money of
a quick mark of that amount), and every payment recorded in that period should be in the statement.
What is not is listed for the organiser: a credit nobody recorded; a quick mark with no credit of
its amount; a UTR typed by hand, forwarded or claimed that the bank never showed (a typo, or money
that never arrived). Cash sales are not bank money and are left out; credits the bank reversed,
and rows dated before this draw began, are not this draw's money.
"""

from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from ..draws import current_draw
from ..models import Draw, Order, Payment
from ..models_statement import OTHER_DRAW, REVERSAL, REVERSED, StatementImport, StatementLine
from ..money import format_rupees
from .importer import day_bounds, india_day
from .rows import Statement

MISSING_CREDIT = "credit_not_recorded"
QUICK_WITHOUT_CREDIT = "quick_mark_without_credit"
UTR_NOT_IN_STATEMENT = "utr_not_in_statement"


@dataclass(frozen=True)
class Credit:
    row_number: int | None
    at: datetime
    day: date
    amount_paise: int
    utr: str | None
    narration: str
    payment_id: int | None = None  # the payment a stored statement line links it to


@dataclass(frozen=True)
class AuditItem:
    kind: str
    at: datetime
    amount_paise: int
    utr: str | None
    text: str
    source: str | None = None
    order_reference: str | None = None
    row_number: int | None = None


@dataclass
class AuditReport:
    draw_id: int
    first_day: date | None
    last_day: date | None
    credits: int = 0
    credits_accounted: int = 0
    payments_checked: int = 0
    payments_found: int = 0
    left_out: int = 0  # reversals and rows before this draw
    missing_credits: list = field(default_factory=list)
    unfound_payments: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing_credits and not self.unfound_payments

    def summary(self) -> str:
        if self.first_day is None:
            return "No statement to audit against."
        period = f"{self.first_day:%d %b %Y} to {self.last_day:%d %b %Y}"
        text = (
            f"Audit {period}: {self.credits_accounted} of {self.credits} credits on record; "
            f"{self.payments_found} of {self.payments_checked} recorded payments found in the statement."
        )
        if self.ok:
            return text + " Everything agrees."
        return (
            text + f" {len(self.missing_credits)} credits not recorded, "
            f"{len(self.unfound_payments)} payments not in the statement: check them."
        )

    def as_dict(self) -> dict:
        return asdict(self) | {"ok": self.ok, "summary": self.summary()}


def _payment_item(payment, reference: str | None) -> AuditItem:
    amount = format_rupees(payment.amount_paise)
    booking = f", booking {reference}" if reference else ""
    if payment.utr_missing:
        return AuditItem(
            QUICK_WITHOUT_CREDIT,
            payment.received_at,
            payment.amount_paise,
            None,
            f"{'quick mark' if payment.source == 'quick' else payment.source + ' payment'} {payment.utr} "
            f"({amount}{booking}, no UTR): no credit of that amount in the statement",
            payment.source,
            reference,
        )
    return AuditItem(
        UTR_NOT_IN_STATEMENT,
        payment.received_at,
        payment.amount_paise,
        payment.utr,
        f"UTR {payment.utr} ({payment.source}, {amount}{booking}) is not in the statement: "
        f"a typo, or money that never arrived",
        payment.source,
        reference,
    )


def _credit_item(credit: Credit) -> AuditItem:
    what = f"UTR {credit.utr}" if credit.utr else f"no UTR: {credit.narration[:80]}"
    row = f"row {credit.row_number}, " if credit.row_number else ""
    return AuditItem(
        MISSING_CREDIT,
        credit.at,
        credit.amount_paise,
        credit.utr,
        f"{format_rupees(credit.amount_paise)} on {credit.day:%d %b} ({row}{what}) is not recorded",
        row_number=credit.row_number,
    )


def audit_credits(credits: list, first_day: date, last_day: date, draw: Draw | None = None, left_out=0) -> AuditReport:
    draw = draw or current_draw()
    report = AuditReport(draw.id, first_day, last_day, credits=len(credits), left_out=left_out)
    start, end = day_bounds(first_day)[0], day_bounds(last_day)[1]
    payments = {
        p.id: p
        for p in Payment.select().where(
            (Payment.draw == draw.id)
            & (Payment.source != "cash")
            & (Payment.received_at >= start)
            & (Payment.received_at < end)
        )
    }
    references = dict(
        Order.select(Order.id, Order.reference)
        .where(Order.id.in_([p.order_id for p in payments.values() if p.order_id] or [0]))
        .tuples()
    )
    by_utr = {}
    utrs = [c.utr for c in credits if c.utr]
    for i in range(0, len(utrs), 500):
        for p in Payment.select().where(Payment.utr.in_(utrs[i : i + 500])):
            by_utr[p.utr] = p
    found, open_credits = set(), []
    for credit in credits:
        if credit.payment_id is not None:
            found.add(credit.payment_id)
        elif credit.utr and credit.utr in by_utr:
            found.add(by_utr[credit.utr].id)
        else:
            open_credits.append(credit)
            continue
        report.credits_accounted += 1
    # Quick marks (money seen without a UTR) are found by amount, nearest credit in time.
    pool = {}
    for credit in open_credits:
        pool.setdefault(credit.amount_paise, []).append(credit)
    for payment in sorted(payments.values(), key=lambda p: p.received_at):
        if payment.id in found or not payment.utr_missing:
            continue
        same = pool.get(payment.amount_paise)
        if same:
            credit = min(same, key=lambda c: abs((c.at - payment.received_at).total_seconds()))
            same.remove(credit)
            found.add(payment.id)
            report.credits_accounted += 1
    remaining = {id(c) for same in pool.values() for c in same}
    still_open = [c for c in open_credits if id(c) in remaining]
    report.missing_credits = [_credit_item(c) for c in still_open]
    report.payments_checked = len(payments)
    report.payments_found = len(found & payments.keys())
    report.unfound_payments = [
        _payment_item(p, references.get(p.order_id))
        for p in sorted(payments.values(), key=lambda p: p.received_at)
        if p.id not in found
    ]
    return report


def audit_statement(statement: Statement, draw: Draw | None = None) -> AuditReport:
    """Audit the current draw against a statement file (imported or not; nothing is changed)."""
    draw = draw or current_draw()
    first_of_draw = india_day(draw.created_at)
    reversed_utrs = {(r.utr, r.amount_paise) for r in statement.debits if r.utr}
    sums = [r.checksum for r in statement.credits]
    linked = {}
    for i in range(0, len(sums), 500):
        for checksum, payment_id in (
            StatementLine.select(StatementLine.checksum, StatementLine.payment)
            .where(StatementLine.checksum.in_(sums[i : i + 500]))
            .tuples()
        ):
            linked[checksum] = payment_id
    credits, left_out = [], 0
    for row in statement.credits:
        if row.reversal or (row.utr, row.amount_paise) in reversed_utrs or row.when.day < first_of_draw:
            left_out += 1
            continue
        credits.append(
            Credit(
                row.number,
                row.when.at,
                row.when.day,
                row.amount_paise,
                row.utr,
                row.narration,
                linked.get(row.checksum),
            )
        )
    period = statement.period
    first = max(period[0], first_of_draw)
    last = max(period[1], first)
    return audit_credits(credits, first, last, draw, left_out)


def audit_draw(draw: Draw | None = None) -> AuditReport | None:
    """Audit against every statement imported into the draw (None when there was none)."""
    draw = draw or current_draw()
    imports = list(StatementImport.select().where(StatementImport.draw == draw.id))
    days = [d for i in imports for d in (i.first_day, i.last_day) if d is not None]
    if not days:
        return None
    first = max(min(days), india_day(draw.created_at))
    last = max(max(days), first)
    lines = StatementLine.select().where(
        (StatementLine.draw == draw.id) & StatementLine.outcome.not_in((REVERSAL, REVERSED, OTHER_DRAW))
    )
    credits = [
        Credit(
            line.row_number,
            line.booked_at,
            line.booked_day,
            line.amount_paise,
            line.utr,
            line.narration,
            line.payment_id,
        )
        for line in lines.order_by(StatementLine.booked_at, StatementLine.id)
    ]
    left_out = (
        StatementLine.select()
        .join(StatementImport)
        .where((StatementImport.draw == draw.id) & StatementLine.outcome.in_((REVERSAL, REVERSED, OTHER_DRAW)))
        .count()
    )
    return audit_credits(credits, first, last, draw, left_out)


def describe_audit(report: AuditReport) -> list[str]:
    lines = [report.summary()]
    if report.missing_credits:
        lines.append("Credits in the statement that are not recorded:")
        lines += [f"  {item.text}" for item in report.missing_credits]
    if report.unfound_payments:
        lines.append("Recorded payments that are not in the statement:")
        lines += [f"  {item.text}" for item in report.unfound_payments]
    return lines


FINDING_WORDS = {
    MISSING_CREDIT: "CREDIT NOT RECORDED",
    QUICK_WITHOUT_CREDIT: "QUICK MARK NOT IN STATEMENT",
    UTR_NOT_IN_STATEMENT: "UTR NOT IN STATEMENT",
}


def audit_rows(report: AuditReport):
    """(time, finding, amount, UTR, detail) rows for the export's Audit sheet: the summary first."""
    yield (None, "SUMMARY", None, None, report.summary())
    for item in report.missing_credits + report.unfound_payments:
        yield (item.at, FINDING_WORDS[item.kind], item.amount_paise, item.utr, item.text)
