import pytest

from shared.errors import InvalidInput
from shared.sms import KNOWN_SENDER_IDS, ParsedCredit, SmsRejected, is_known_sender, parse_credit_sms

# text, amount_paise, utr, payer, payer_vpa, bank, account_hint
CREDITS = [
    pytest.param(
        "Credit Alert!\nRs.2.00 credited to HDFC Bank A/c xx2536 on 07-12-24 from VPA user34@axisbank "
        "(UPI 526830463424)",
        200,
        "526830463424",
        "user34@axisbank",
        "user34@axisbank",
        "HDFC Bank",
        "xx2536",
        id="hdfc-vpa",
    ),
    pytest.param(
        "Dear Customer, Acct XX910 is credited with Rs 1.00 on 25-Jul-26 from PAYER NAME. UPI:620647267681-ICICI Bank.",
        100,
        "620647267681",
        "PAYER NAME",
        None,
        "ICICI Bank",
        "xx910",
        id="icici-name",
    ),
    pytest.param(
        "Rs.110.00 is credited in your Kotak Bank a/c XXXX4987 by UPI ID tk3em3@okicici on 01-07-22 "
        "(UPI Ref no 218202431479). New balance: Rs. 58,492.80",
        11000,
        "218202431479",
        "tk3em3@okicici",
        "tk3em3@okicici",
        "Kotak Mahindra Bank",
        "xxxx4987",
        id="kotak-balance-ignored",
    ),
    pytest.param(
        "INR 50000.00 credited\nA/c no. XX2057\n02-09-25, 16:02:45 IST\n"
        "UPI/P2A/524565742400/PAYER NA/ICICI Ban - Axis Bank",
        5000000,
        "524565742400",
        "PAYER NA",
        None,
        "Axis Bank",
        "xx2057",
        id="axis-upi-path",
    ),
    pytest.param(
        "Dear UPI user A/C X1234 credited by Rs.500.00 on date 02Jan24 by (Smt ABC) Ref No 123456789012 -SBI",
        50000,
        "123456789012",
        "Smt ABC",
        None,
        "State Bank of India",
        "x1234",
        id="sbi-paren-name",
    ),
    pytest.param(
        "Dear SBI UPI User, ur A/cX5678 credited by Rs1,234.50 on 03Feb24 transfer from RAMESH KUMAR "
        "Ref No 403412345678 -SBI",
        123450,
        "403412345678",
        "RAMESH KUMAR",
        None,
        "State Bank of India",
        "x5678",
        id="sbi-transfer-from",
    ),
    pytest.param(
        "Received Rs.25.50 from Anita Rao on Google Pay. UPI Ref 412398765432",
        2550,
        "412398765432",
        "Anita Rao",
        None,
        None,
        None,
        id="gpay-received",
    ),
    pytest.param(
        "₹ 300 received from R. K. SHARMA (sharma.rk@ybl) in your PhonePe wallet linked a/c XX4321. "
        "UPI Ref: 401234567890",
        30000,
        "401234567890",
        "R. K. SHARMA",
        "sharma.rk@ybl",
        None,
        "xx4321",
        id="phonepe-initials",
    ),
    pytest.param(
        "Rs.100.00 received in your a/c 91XX1234 from RAHUL K on 03-03-24. UPI Ref: 406312345678. -Paytm Payments Bank",
        10000,
        "406312345678",
        "RAHUL K",
        None,
        "Paytm Payments Bank",
        "91xx1234",
        id="paytm-bank",
    ),
    pytest.param(
        "Update! INR1,000 deposited in HDFC Bank A/c XX9876 on 05-MAR-24 for UPI-412312341234 "
        "from meena@oksbi. Avl bal:INR 25,000.00. Never share your OTP or PIN with anyone.",
        100000,
        "412312341234",
        "meena@oksbi",
        "meena@oksbi",
        "HDFC Bank",
        "xx9876",
        id="hdfc-otp-warning",
    ),
    pytest.param(
        "  rs 1,234.50   credited   to a/c xx1111\n\n  on 01-01-25   from vpa  abc.def@okaxis \n"
        "  upi ref no   500123456789  ",
        123450,
        "500123456789",
        "abc.def@okaxis",
        "abc.def@okaxis",
        None,
        "xx1111",
        id="lowercase-spaces",
    ),
    pytest.param(
        "Your A/c 123456789012 is credited with INR 75.00 on 10-10-24. UPI Ref 428412345678. "
        "Call 9876543210 if not you. -Canara Bank",
        7500,
        "428412345678",
        None,
        None,
        "Canara Bank",
        None,
        id="full-account-not-utr",
    ),
    pytest.param(
        "Rs 5,00,000.00 credited to your Yes Bank account XX0001 via IMPS Ref 429912345678 from Shri Mohan Lal.",
        50000000,
        "429912345678",
        "Shri Mohan Lal",
        None,
        "Yes Bank",
        "xx0001",
        id="lakh-grouping",
    ),
    pytest.param(
        "Money received! Rs.40 credited to your VPA shop@ybl from buyer9@paytm. UPI Ref 431112223334.",
        4000,
        "431112223334",
        "buyer9@paytm",
        "buyer9@paytm",
        None,
        None,
        id="payee-vpa-skipped",
    ),
    pytest.param(
        "Rs.60.00 credited to a/c XX22 on 07/08/24. Info: UPI/CR/421987654321/SUNITA DEVI/ICICI/sunita@okicici",
        6000,
        "421987654321",
        "SUNITA DEVI",
        "sunita@okicici",
        None,
        "xx22",
        id="upi-cr-path",
    ),
    pytest.param(
        "RS.100.00 CREDITED TO A/C XX12 FROM Dr. Mehta ON 01.02.24. IDBI BANK UPI REF 412345678901. "
        "Queries: care@hdfcbank.com",
        10000,
        "412345678901",
        "Dr. Mehta",
        None,
        "IDBI Bank",
        "xx12",
        id="uppercase-title-email",
    ),
]


@pytest.mark.parametrize("text, amount, utr, payer, payer_vpa, bank, hint", CREDITS)
def test_parses_credit(text, amount, utr, payer, payer_vpa, bank, hint):
    assert parse_credit_sms(text) == ParsedCredit(
        amount_paise=amount, utr=utr, payer=payer, payer_vpa=payer_vpa, bank=bank, account_hint=hint
    )


REJECTIONS = [
    pytest.param(
        "Rs 500.00 debited from A/c XX1234 on 01-01-25. UPI Ref 412345678901.",
        "This is a debit message, not money received.",
        id="debited",
    ),
    pytest.param(
        "ICICI Bank Acct XX123 debited for Rs 100.00 on 01-Jan-24; PAYER credited. UPI:412345678901.",
        "This is a debit message",
        id="debited-and-credited",
    ),
    pytest.param(
        "Sent Rs.100.00 From HDFC Bank A/C x1234 To SHOP On 01/01/24 Ref 412345678901",
        "This is a debit message",
        id="sent",
    ),
    pytest.param(
        "You have paid to MERCHANT Rs 40. UPI Ref 412345678901. Credit points earned.",
        "This is a debit message",
        id="paid-to",
    ),
    pytest.param(
        "Rs 2000 withdrawn at ATM from a/c XX12. Txn 412345678901. Avl bal Rs 100 credited",
        "This is a debit message",
        id="withdrawn",
    ),
    pytest.param(
        "Rs 700 transferred from your a/c XX12 to a/c XX99. Ref 412345678901 credited",
        "This is a debit message",
        id="transferred-from-your",
    ),
    pytest.param(
        "123456 is your OTP for crediting Rs 500 to a/c XX12. Do not share it with anyone.",
        "This looks like an OTP message, not a payment.",
        id="otp",
    ),
    pytest.param(
        "Use One Time Password 884422 to receive Rs 10 credit.",
        "This looks like an OTP message",
        id="one-time-password",
    ),
    pytest.param("Rs 500 credited to a/c XX1234 on 01-01-25.", "No 12-digit UTR", id="no-utr"),
    pytest.param(
        "Rs 500 credited to a/c XX1234 from ABC. UPI Ref 4123456789012345.",
        "long reference number is not a UPI UTR",
        id="16-digit-run",
    ),
    pytest.param(
        "Rs 500 credited from ABC. UPI Ref 412345678901 RRN 498765432109.", "ambiguous", id="two-labelled-utrs"
    ),
    pytest.param("Rs 500 credited to a/c XX12. 412345678901 498765432109", "ambiguous", id="two-unlabelled-utrs"),
    pytest.param("Rs 500 credited to a/c XX12 from ABC, mobile 9876543210", "No 12-digit UTR", id="mobile-not-utr"),
    pytest.param(
        "A/c XX12 credited. Avl Bal Rs 5,000.00. UPI Ref 412345678901",
        "No credited amount found: the message only shows a balance figure.",
        id="only-avl-bal",
    ),
    pytest.param(
        "Credited. Available balance in a/c XX12 is INR 800. Ref 412345678901",
        "only shows a balance",
        id="only-available-balance",
    ),
    pytest.param(
        "Your a/c XX12 was credited on 01-01-25. UPI Ref 412345678901.",
        "No credited amount found in the message.",
        id="no-amount",
    ),
    pytest.param(
        "Rs 500 credited and Rs 20 cashback credited. UPI Ref 412345678901", "more than one amount", id="two-amounts"
    ),
    pytest.param(
        "Rs.250 credited to a/c XX12 from ABC on 12-11-2024 12:30. Bal Rs 900.00",
        "No 12-digit UTR",
        id="date-and-balance-not-utr",
    ),
    pytest.param("Rs 5.123 credited. UPI Ref 412345678901", "more than two decimal places", id="bad-amount"),
    pytest.param("Hello how are you", "not recognised as a bank credit message", id="unrelated"),
    pytest.param("", "not recognised as a bank credit message", id="empty"),
    pytest.param("   \n\t ", "not recognised as a bank credit message", id="blank"),
    pytest.param(
        "Your electricity bill of Rs 500 is due. Ref 412345678901", "not recognised as a bank credit message", id="bill"
    ),
    pytest.param("Rs 5 credited. UPI Ref 412345678901. " + "x" * 2000, "too long", id="too-long"),
    pytest.param(None, "must be text", id="not-text"),
]


@pytest.mark.parametrize("text, reason", REJECTIONS)
def test_rejects(text, reason):
    with pytest.raises(SmsRejected) as caught:
        parse_credit_sms(text)
    assert reason in caught.value.message


def test_rejection_is_invalid_input():
    with pytest.raises(InvalidInput) as caught:
        parse_credit_sms("Hello how are you")
    assert caught.value.status == 422
    assert str(caught.value) == "This text is not recognised as a bank credit message."


@pytest.mark.parametrize(
    "sender",
    [
        "VM-HDFCBK",
        "AD-ICICIB-S",
        "JD-SBIUPI-T",
        "HDFCBK",
        "vm-axisbk",
        " BX-KOTAKB-P ",
        "TM-PAYTMB-G",
        "AX-SBIINB",
        "JM-BOBTXN",
        "VK-IDFCFB",
    ],
)
def test_known_senders(sender):
    assert is_known_sender(sender) is True


@pytest.mark.parametrize(
    "sender",
    [
        "VM-AMAZON",
        "HDFCB",
        "VM-HDFCBK-X",
        "VMX-HDFCBK",
        "+919876543210",
        "",
        None,
        "HDFCBKK",
        "VM-HDFCBK-ST",
    ],
)
def test_unknown_senders(sender):
    assert is_known_sender(sender) is False


def test_known_sender_ids_cover_major_banks():
    assert {
        "HDFCBK",
        "ICICIB",
        "SBIINB",
        "SBIUPI",
        "AXISBK",
        "KOTAKB",
        "PNBSMS",
        "BOIIND",
        "CANBNK",
        "UNIONB",
        "IDFCFB",
        "INDUSB",
        "YESBNK",
        "PAYTMB",
        "AIRBNK",
        "FEDBNK",
        "IDBIBK",
        "BOBTXN",
    } <= KNOWN_SENDER_IDS
    assert isinstance(KNOWN_SENDER_IDS, frozenset)
