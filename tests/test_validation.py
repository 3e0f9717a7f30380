"""What buyers and organisers type: names, mobiles, UTRs, UPI IDs, ticket lists, references."""

import pytest

from shared.errors import InvalidInput
from shared.ids import REFERENCE_ALPHABET, new_internal_payment_id, new_reference, new_session_id, normalise_reference
from shared.validation import SESSION_RE, clean_name, parse_mobile, parse_ticket_list, parse_utr, parse_vpa

# --- names -------------------------------------------------------------------------------------

NAMES = [
    ("Asha", "Asha"),
    ("  Asha  Rao ", "Asha Rao"),
    ("Asha\tRao", "Asha Rao"),
    ("आशा राव", "आशा राव"),
    ("O'Brien-Singh", "O'Brien-Singh"),
    ("A", "A"),
    ("x" * 80, "x" * 80),
    ("  " + "y" * 80 + "  ", "y" * 80),
    ("=cmd|' /C calc'!A0", "=cmd|' /C calc'!A0"),  # kept as typed; the export makes it harmless
]


@pytest.mark.parametrize("text, cleaned", NAMES)
def test_clean_name(text, cleaned):
    assert clean_name(text) == cleaned


BAD_NAMES = [
    ("", "Please enter a name"),
    ("   ", "Please enter a name"),
    ("\t", "Please enter a name"),
    ("x" * 81, "at most 80 characters, this has 81"),
    ("Asha\nRao", "cannot be used"),
    ("Asha\rRao", "cannot be used"),
    ("Asha\x00", "cannot be used"),
    ("Asha\x1b[31m", "cannot be used"),
    ("\u202eahsA", "cannot be used"),  # right-to-left override
    ("Asha\u200b", "cannot be used"),  # zero-width space
    (None, "must be text"),
    (42, "must be text"),
    (["Asha"], "must be text"),
]


@pytest.mark.parametrize("text, message", BAD_NAMES, ids=[repr(t)[:20] for t, _ in BAD_NAMES])
def test_clean_name_rejects(text, message):
    with pytest.raises(InvalidInput) as caught:
        clean_name(text)
    assert message in caught.value.message


def test_clean_name_says_which_field():
    with pytest.raises(InvalidInput, match="Payer is too long"):
        clean_name("p" * 81, "Payer")


# --- mobiles -----------------------------------------------------------------------------------

MOBILES = [
    ("9876543210", "9876543210"),
    ("98765 43210", "9876543210"),
    (" 98765-43210 ", "9876543210"),
    ("(98765) 43210", "9876543210"),
    ("+919876543210", "9876543210"),
    ("+91 98765 43210", "9876543210"),
    ("+91-98765-43210", "9876543210"),
    ("919876543210", "9876543210"),
    ("91 98765 43210", "9876543210"),
    ("09876543210", "9876543210"),
    ("0 98765 43210", "9876543210"),
    ("6000000000", "6000000000"),
    ("7012345678", "7012345678"),
    ("8123456789", "8123456789"),
    ("9198765432", "9198765432"),  # ten digits that happen to start with 91 stay as they are
    (9876543210, "9876543210"),
]


@pytest.mark.parametrize("text, digits", MOBILES)
def test_parse_mobile_stores_ten_digits(text, digits):
    assert parse_mobile(text) == digits


BAD_MOBILES = [
    ("5876543210", "starts with 6, 7, 8 or 9"),
    ("0123456789", "starts with 6, 7, 8 or 9"),
    ("1234567890", "starts with 6, 7, 8 or 9"),
    ("+91 5876543210", "starts with 6, 7, 8 or 9"),
    ("987654321", "has 9"),
    ("98765432100", "has 11"),
    ("+9198765432", "has 8"),
    ("+1 9876543210", "is not a mobile number"),
    ("98765x3210", "is not a mobile number"),
    ("९८७६५४३२१०", "is not a mobile number"),  # Devanagari digits are not stored as a mobile
    ("", "10 digits"),
    ("   ", "10 digits"),
    (None, "10 digits"),
    (True, "10 digits"),
    (9.876543210e9, "10 digits"),
    ([9876543210], "10 digits"),
]


@pytest.mark.parametrize("text, message", BAD_MOBILES, ids=[repr(t)[:20] for t, _ in BAD_MOBILES])
def test_parse_mobile_rejects(text, message):
    with pytest.raises(InvalidInput) as caught:
        parse_mobile(text)
    assert message in caught.value.message


# --- UTRs --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, utr",
    [
        ("123456789012", "123456789012"),
        (" 123456789012 ", "123456789012"),
        ("1234 5678 9012", "123456789012"),
        ("012345678901", "012345678901"),  # leading zero kept: a UTR is text, not a number
        (123456789012, "123456789012"),
    ],
)
def test_parse_utr(text, utr):
    assert parse_utr(text) == utr


@pytest.mark.parametrize(
    "text",
    [
        "12345678901",
        "1234567890123",
        "12345678901a",
        "ABCDEFGHIJKL",
        "",
        None,
        "1234-5678-9012",
        "+23456789012",
        "12345678901.",
        "१२३४५६७८९०१२",  # Devanagari digits: would dodge the duplicate-UTR check if stored as typed
        "١٢٣٤٥٦٧٨٩٠١٢",  # Arabic-Indic digits
        "１２３４５６７８９０１２",  # full-width digits
    ],
)
def test_parse_utr_rejects(text):
    with pytest.raises(InvalidInput, match="UTR must be exactly 12 digits"):
        parse_utr(text)


def test_session_pattern_is_ascii_only():
    assert SESSION_RE.match("123456789012")
    assert not SESSION_RE.match("१२३४५६७८९०१२")


# --- UPI IDs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["organiser@okaxis", "asha.stores@ybl", "98765-43210@paytm", "a_b@upi", " shop@oksbi "]
)
def test_parse_vpa(text):
    assert parse_vpa(text) == text.strip()


@pytest.mark.parametrize(
    "text", ["", "organiser", "@okaxis", "a@", "a@1bank", "a b@okaxis", "a@ok axis", "x@y", None, "a@b@c"]
)
def test_parse_vpa_rejects(text):
    with pytest.raises(InvalidInput, match="is not a UPI ID"):
        parse_vpa(text)


# --- ticket lists ------------------------------------------------------------------------------

TICKETS = [
    ([7], [7]),
    ([9, 8, 7], [7, 8, 9]),
    (["7", " 8 "], [7, 8]),
    ((1, 100), [1, 100]),
    ("7, 8, 9", [7, 8, 9]),
    ("7 8 9", [7, 8, 9]),
    (" 7,8,,9 ", [7, 8, 9]),
    ("0007", [7]),
    (list(range(1, 21)), list(range(1, 21))),
]


@pytest.mark.parametrize("value, numbers", TICKETS)
def test_parse_ticket_list(value, numbers):
    assert parse_ticket_list(value, ticket_count=100, max_per_order=20) == numbers


BAD_TICKETS = [
    ([], "pick at least one"),
    ("", "pick at least one"),
    (" , ", "pick at least one"),
    ([0], "There is no ticket 0: numbers run from 1 to 100"),
    ([101], "There is no ticket 101"),
    ([-1], "There is no ticket -1"),
    (["101"], "There is no ticket 101"),
    ([7, 7], "Ticket 7 is listed more than once"),
    ([7, "7"], "Ticket 7 is listed more than once"),
    ("7,8,7,8", "Ticket 7, 8 is listed more than once"),
    (list(range(1, 22)), "At most 20 tickets per booking; you picked 21"),
    (list(range(1, 10_000)), "Too many tickets"),  # a huge array is refused before it is read
    ([1] * 1_000_000, "Too many tickets"),
    (",".join(["1"] * 200_000), "Too many tickets"),  # the same as text
    (" ".join(map(str, range(1, 100_000))), "Too many tickets"),
    ([True], "whole numbers"),
    ([1, False], "whole numbers"),
    ([7.0], "is not a ticket number"),
    (["seven"], "is not a ticket number"),
    (["-1"], "is not a ticket number"),
    (["7a"], "is not a ticket number"),
    (["१"], "is not a ticket number"),
    (["99999999999999999999"], "is not a ticket number"),
    ([None], "is not a ticket number"),
    ([[7]], "is not a ticket number"),
    ([{"n": 7}], "is not a ticket number"),
    ("7;8", "is not a ticket number"),
    (7, "must be a list"),
    (None, "must be a list"),
    (True, "must be a list"),
    ({"7": True}, "must be a list"),
]


@pytest.mark.parametrize("value, message", BAD_TICKETS, ids=[repr(v)[:24] for v, _ in BAD_TICKETS])
def test_parse_ticket_list_rejects(value, message):
    with pytest.raises(InvalidInput) as caught:
        parse_ticket_list(value, ticket_count=100, max_per_order=20)
    assert message in caught.value.message


def test_many_duplicates_are_named_once_each():
    with pytest.raises(InvalidInput) as caught:
        parse_ticket_list([3, 1, 3, 1, 3, 2], ticket_count=100, max_per_order=20)
    assert caught.value.message == "Ticket 1, 3 is listed more than once."


# --- identifiers and references ----------------------------------------------------------------

REFERENCES = [
    ("LD-7K3Q2P", "LD-7K3Q2P"),
    ("ld-7k3q2p", "LD-7K3Q2P"),
    ("LD7K3Q2P", "LD-7K3Q2P"),
    ("ld 7k3q2p", "LD-7K3Q2P"),
    ("  LD-7K3Q2P  ", "LD-7K3Q2P"),
    ("LD - 7K3 Q2P", "LD-7K3Q2P"),
    ("7K3Q2P", "LD-7K3Q2P"),
    ("7k3q2p", "LD-7K3Q2P"),
    ("LD-7K3Q2O", None),  # O is not in the alphabet (looks like 0)
    ("LD-7K3Q21", None),  # 1 is not in the alphabet (looks like I)
    ("LD-7K3Q2", None),
    ("LD-7K3Q2PP", None),
    ("LD-", None),
    ("", None),
    (None, None),
    ("hello world", None),
]


@pytest.mark.parametrize("text, reference", REFERENCES)
def test_normalise_reference(text, reference):
    assert normalise_reference(text) == reference


def test_new_identifiers_have_their_shapes():
    seen_refs, seen_sessions = set(), set()
    for _ in range(500):
        ref = new_reference()
        assert ref.startswith("LD-") and len(ref) == 9
        assert all(ch in REFERENCE_ALPHABET for ch in ref[3:])
        assert normalise_reference(ref) == ref
        session = new_session_id()
        assert SESSION_RE.match(session)
        internal = new_internal_payment_id()
        assert internal.startswith("NOUTR-") and len(internal) == 16
        seen_refs.add(ref)
        seen_sessions.add(session)
    assert len(seen_refs) > 490 and len(seen_sessions) > 490


@pytest.mark.parametrize(
    "vpa, says",
    [
        ("a@okaxis", "the part before @ must be at least 2 characters; 'a' has 1"),
        ("asha", "it has no @ (a UPI ID looks like name@bank, e.g. asha@okaxis)"),
        ("asha@ok@axis", "it has more than one @"),
        ("asha kumar@okaxis", "the part before @ may only have letters, digits, '.', '_' and '-'"),
        ("asha@9axis", "the bank handle after @ must start with a letter"),
        ("asha@o", "the bank handle after @ must be at least 2 characters"),
        ("asha@ok_axis", "the bank handle after @ may only have letters, digits, '.' and '-'"),
        ("@okaxis", "the part before @ must be at least 2 characters; '' has 0"),
    ],
)
def test_a_upi_id_refusal_says_what_exactly_is_wrong(vpa, says):
    """Issue 10, item 9."""
    with pytest.raises(InvalidInput) as caught:
        parse_vpa(vpa)
    assert caught.value.message == f"'{vpa}' is not a UPI ID: {says}."
    assert caught.value.field == "payee_vpa"
