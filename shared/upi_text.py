"""Reading UPI details out of free text: the 12-digit UTR, the payer's VPA and the payer's name.

One set of rules for every text a payment can come from: a bank SMS or UPI notification
(`shared.sms`) and a bank statement's narration or reference column (`shared.statements`). The
functions are pure; `find_utr` raises `UtrNotFound` saying why when no UTR can be read with
certainty (none, a longer number that is not a UTR, several candidates).
"""

import re

from .errors import InvalidInput
from .validation import parse_utr, parse_vpa

_I = re.IGNORECASE
UTR_RUN = re.compile(r"(?<!\d)\d{12}(?!\d)")
LONG_RUN = re.compile(r"\d{13,}")
UTR_LABEL = re.compile(
    r"(?:upi|ref(?:erence)?|utr|rrn|txn|trans(?:action)?|imps|p2[am]|cr)"
    r"(?:\s*(?:no|num|number|id|ref))*\.?\s*[:#/-]?\s*$",
    _I,
)
ACCOUNT_LABEL = re.compile(r"(?:a/c|acct|account|ac)\.?\s*(?:no\.?|number)?\s*[:.-]?\s*$", _I)
VPA_FIND = re.compile(r"[A-Za-z0-9._-]+@[A-Za-z0-9.-]+")
_TO_BEFORE = re.compile(r"\bto\s+(?:your\s+)?(?:vpa|upi\s+id)?\s*$", _I)
_FROM_BEFORE = re.compile(r"\b(?:from|by)\s+(?:vpa|upi\s+id)?\s*:?\s*$", _I)
UPI_PATH = re.compile(r"UPI/(?:P2[AM]|CR)/\d{12}/([^/\n]+)(?:/[^/\n]*?(?=\s+-\s+|/|\n|$))?", _I)
# HDFC's narration: UPI-NAME-VPA-IFSC-UTR-NOTE
_UPI_DASHED = re.compile(r"\bUPI-([^-\n@]+)-([A-Za-z0-9._]+@[A-Za-z0-9.]+)-", _I)
_PAYER_KEY = re.compile(r"\bfrom\b|\bby(?=\s*\()", _I)
_NAME_WORD = re.compile(r"[A-Za-z][A-Za-z'&-]*$")
_TITLES = {"dr", "mr", "mrs", "ms", "smt", "shri", "sri", "km"}
_NAME_STOP = set(
    "on via upi ref to at in with for vpa your a/c ac acct account rs inr info imps neft rtgs id is has and the "
    "dated date txn utr rrn no avl bal new not transfer".split()
)


class UtrNotFound(InvalidInput):
    """No single 12-digit UTR can be read from the text with certainty."""

    code = "utr_not_found"


def utr_candidates(text: str) -> list[str]:
    """The 12-digit runs that could be a UTR: labelled ones (after 'UPI', 'Ref', 'UTR'…) when
    there are any, else every run that is not part of a masked or labelled account number."""
    candidates, labelled = [], []
    for match in UTR_RUN.finditer(text):
        before = text[max(0, match.start() - 20) : match.start()]
        if before.endswith("+") or re.search(r"[Xx*]{2,}$", before) or ACCOUNT_LABEL.search(before):
            continue
        run = match.group()
        if run not in candidates:
            candidates.append(run)
        if UTR_LABEL.search(before) and run not in labelled:
            labelled.append(run)
    return labelled if labelled else candidates


def find_utr(text: str) -> str:
    """The one UTR in `text`; `UtrNotFound` with the reason otherwise."""
    chosen = utr_candidates(text)
    if not chosen:
        if LONG_RUN.search(text):
            raise UtrNotFound("No 12-digit UTR found: the long reference number is not a UPI UTR.")
        raise UtrNotFound("No 12-digit UTR (UPI reference number) found.")
    if len(chosen) > 1:
        raise UtrNotFound(f"The UTR is ambiguous: {', '.join(chosen)} could each be the reference number.")
    return parse_utr(chosen[0])


def find_payer_vpa(text: str) -> str | None:
    """The payer's UPI ID: HDFC's UPI-NAME-VPA-…, the only VPA in the text, or the only one after
    'from'/'by'."""
    dashed = _UPI_DASHED.search(text)
    if dashed:
        try:
            return parse_vpa(dashed.group(2))
        except InvalidInput:
            pass
    found, from_labelled = [], []
    for match in VPA_FIND.finditer(text):
        vpa = match.group().rstrip(".-")
        if "." in vpa.split("@", 1)[1]:
            continue
        try:
            vpa = parse_vpa(vpa)
        except InvalidInput:
            continue
        before = text[max(0, match.start() - 20) : match.start()]
        if _TO_BEFORE.search(before):
            continue
        if vpa not in found:
            found.append(vpa)
        if _FROM_BEFORE.search(before) and vpa not in from_labelled:
            from_labelled.append(vpa)
    if len(found) == 1:
        return found[0]
    return from_labelled[0] if len(from_labelled) == 1 else None


def _name_from(tail: str) -> str | None:
    tail = tail.lstrip()
    if tail.startswith("("):
        tail = tail[1:].split(")", 1)[0]
    words = []
    for token in tail.split("\n", 1)[0].split()[:8]:
        core = token.rstrip(".,;:)!")
        if core.lower() in _NAME_STOP or not _NAME_WORD.match(core):
            break
        if token == core + "." and (len(core) == 1 or core.lower() in _TITLES):
            words.append(token)
            continue
        words.append(core)
        if core != token:
            break
    return " ".join(words) or None


def find_payer_name(text: str) -> str | None:
    """The payer's name from a UPI path (UPI/P2A/<utr>/NAME/…), HDFC's UPI-NAME-VPA-… or 'from NAME'."""
    for pattern in (UPI_PATH, _UPI_DASHED):
        path = pattern.search(text)
        if path:
            name = " ".join(path.group(1).split())
            if name and not name.isdigit():
                return name
    for key in _PAYER_KEY.finditer(text):
        name = _name_from(text[key.end() :])
        if name:
            return name
    return None
