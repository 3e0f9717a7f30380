"""Read Indian bank credit SMS / UPI notifications that an organiser pastes or a forwarder posts.

`parse_credit_sms(text)` returns the credited amount (integer paise), the 12-digit UTR and, when
the text names them, the payer, payer VPA, receiving bank and masked account. Anything it cannot
read with certainty (debits, OTPs, balances only, several possible UTRs) raises `SmsRejected`
with the reason, so a payment is never recorded from a guess.
"""

import re
from dataclasses import dataclass

from .errors import InvalidInput
from .money import parse_amount
from .upi_text import UPI_PATH, VPA_FIND, UtrNotFound, find_payer_name, find_payer_vpa, find_utr

MAX_SMS_CHARS = 2000

KNOWN_SENDER_IDS = frozenset(
    {
        "HDFCBK",
        "ICICIB",
        "ICICIT",
        "SBIINB",
        "SBIUPI",
        "CBSSBI",
        "ATMSBI",
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
        "BOBSMS",
        "CENTBK",
        "UCOBNK",
        "IOBCHN",
        "AUBANK",
        "RBLBNK",
    }
)


@dataclass(frozen=True)
class ParsedCredit:
    amount_paise: int
    utr: str
    payer: str | None
    payer_vpa: str | None
    bank: str | None
    account_hint: str | None


class SmsRejected(InvalidInput):
    """The text is not a bank credit message this parser can read with certainty."""

    code = "sms_rejected"


_SENDER_RE = re.compile(r"^(?:[A-Z]{2}-)?([A-Z0-9]{6})(?:-[STPG])?$")


def is_known_sender(sender_id) -> bool:
    """True for 'VM-HDFCBK', 'AD-ICICIB-S', 'JD-SBIUPI-T', 'HDFCBK' and similar bank senders."""
    if not isinstance(sender_id, str):
        return False
    match = _SENDER_RE.match(sender_id.strip().upper())
    return match is not None and match.group(1) in KNOWN_SENDER_IDS


_I = re.IGNORECASE
_SHARE_OTP = re.compile(r"share\W+(?:\w+\W+){0,3}?(?:otp|one[\s-]*time\s+password)", _I)
_OTP = re.compile(r"\botp\b|one[\s-]*time\s+pass(?:word|code)", _I)
_DEBIT = re.compile(
    r"\bdebited\b|\bdebit\s+(?:alert|of|for)\b|\bsent\b|\bpaid\s+to\b|\bwithdrawn\b"
    r"|\bwithdrawal\b|\bspent\b|transferred\s+from\s+your\b",
    _I,
)
_CREDIT = re.compile(r"\bcredit(?:ed)?\b|\breceived\b|\bdeposited\b|\badded\s+to\b", _I)
_AMOUNT = re.compile(r"(?:₹|\bRs(?![A-Za-z])\.?|\bINR(?![A-Za-z]))\s*(\d[\d,]*(?:\.\d+)?)", _I)
_BALANCE = re.compile(r"\b(?:avl|avbl|avail|available|bal|balance|limit|outstanding)\b", _I)
_ACCOUNT_HINT = re.compile(
    r"\b(?:a/c|acct|account|ac)\.?\s*(?:no\.?|number)?\s*[:.-]?\s*"
    r"(\d*[Xx*]+\d{2,8})\b",
    _I,
)

_BANKS = [
    (r"state\s+bank\s+of\s+india|\bsbi\b", "State Bank of India"),
    (r"union\s+bank(?:\s+of\s+india)?", "Union Bank of India"),
    (r"\bbank\s+of\s+baroda\b|\bbob\b", "Bank of Baroda"),
    (r"\bbank\s+of\s+india\b|\bboi\b", "Bank of India"),
    (r"\bhdfc\b(?:\s+bank)?", "HDFC Bank"),
    (r"\bicici\b(?:\s+bank)?", "ICICI Bank"),
    (r"\baxis\b(?:\s+bank)?", "Axis Bank"),
    (r"\bkotak\b(?:\s+mahindra)?(?:\s+bank)?", "Kotak Mahindra Bank"),
    (r"punjab\s+national\s+bank|\bpnb\b", "Punjab National Bank"),
    (r"\bcanara\b(?:\s+bank)?", "Canara Bank"),
    (r"\bidfc\b(?:\s+first)?(?:\s+bank)?", "IDFC FIRST Bank"),
    (r"\bindusind\b(?:\s+bank)?", "IndusInd Bank"),
    (r"\byes\s+bank\b", "Yes Bank"),
    (r"\bpaytm\s+(?:payments\s+)?bank\b", "Paytm Payments Bank"),
    (r"\bairtel\s+(?:payments\s+)?bank\b", "Airtel Payments Bank"),
    (r"\bfederal\s+bank\b", "Federal Bank"),
    (r"\bidbi\b(?:\s+bank)?", "IDBI Bank"),
]
_BANK_RE = re.compile("|".join(f"({pattern})" for pattern, _ in _BANKS), _I)


def _normalise(text: str) -> str:
    lines = (re.sub(r"[^\S\n]+", " ", line).strip() for line in text.replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def _amount(text: str) -> int:
    credited, balances = set(), 0
    for match in _AMOUNT.finditer(text):
        before = re.split(r"[;!\n()]|\.\s", text[max(0, match.start() - 40) : match.start()])[-1]
        if _BALANCE.search(before):
            balances += 1
            continue
        try:
            credited.add(parse_amount(match.group(1)))
        except InvalidInput as err:
            raise SmsRejected(f"The credited amount cannot be read: {err.message}") from None
    if not credited:
        if balances:
            raise SmsRejected("No credited amount found: the message only shows a balance figure.")
        raise SmsRejected("No credited amount found in the message.")
    if len(credited) > 1:
        shown = " and ".join(f"Rs {p // 100}.{p % 100:02d}" for p in sorted(credited))
        raise SmsRejected(f"The message mentions more than one amount ({shown}); cannot tell which was credited.")
    return credited.pop()


def _utr(text: str) -> str:
    try:
        return find_utr(text)
    except UtrNotFound as err:
        raise SmsRejected(err.message.replace("found.", "found in the message.")) from None


def _bank(text: str) -> str | None:
    text = UPI_PATH.sub(" ", VPA_FIND.sub(" ", text))
    found = []
    for match in _BANK_RE.finditer(text):
        name = _BANKS[(match.lastindex or 1) - 1][1]
        if re.match(r"\s*(?:a/c|acct|account|ac)\b", text[match.end() :], _I):
            return name
        found.append(name)
    return found[-1] if found else None


def parse_credit_sms(text) -> ParsedCredit:
    """Read one credit SMS; raise `SmsRejected` saying why if it cannot be read with certainty."""
    if not isinstance(text, str):
        raise SmsRejected("The SMS must be text.")
    if len(text) > MAX_SMS_CHARS:
        raise SmsRejected(f"The message is too long to be a bank SMS: at most {MAX_SMS_CHARS} characters.")
    body = _normalise(text)
    if _OTP.search(_SHARE_OTP.sub(" ", body)):
        raise SmsRejected("This looks like an OTP message, not a payment.")
    if _DEBIT.search(body):
        raise SmsRejected("This is a debit message, not money received.")
    if not _CREDIT.search(body):
        raise SmsRejected("This text is not recognised as a bank credit message.")
    amount = _amount(body)
    utr = _utr(body)
    payer_vpa = find_payer_vpa(body)
    hint = _ACCOUNT_HINT.search(body)
    return ParsedCredit(
        amount_paise=amount,
        utr=utr,
        payer=find_payer_name(body) or payer_vpa,
        payer_vpa=payer_vpa,
        bank=_bank(body),
        account_hint=hint.group(1).lower() if hint else None,
    )
