"""Money: what people type becomes integer paise, and paise become rupees at the edges."""

import pytest

from shared.errors import InvalidInput
from shared.money import MAX_PAISE, format_rupees, parse_amount, rupees

PARSED = [
    ("10", 1000),
    ("10.5", 1050),
    ("10.05", 1005),
    ("10.50", 1050),
    ("0.01", 1),
    ("0.5", 50),
    ("₹10.05", 1005),
    ("₹ 10.05", 1005),
    ("Rs. 10.05", 1005),
    ("Rs.10.05", 1005),
    ("rs 10", 1000),
    ("RS10", 1000),
    ("INR 10.01", 1001),
    ("inr10", 1000),
    ("  10.05  ", 1005),
    ("1,000.00", 100000),
    ("1,000", 100000),
    ("12,345.67", 1234567),
    ("1,00,000", 10000000),
    ("₹1,00,000.00", 10000000),
    ("10,00,000", 100000000),
    ("100,000", 10000000),
    ("1,000,000", 100000000),
    ("1000000", 100000000),
    ("007", 700),
]


@pytest.mark.parametrize("text, paise", PARSED, ids=[repr(t) for t, _ in PARSED])
def test_parse_amount(text, paise):
    assert parse_amount(text) == paise


REJECTED = [
    ("0", "more than zero"),
    ("0.00", "more than zero"),
    ("₹0", "more than zero"),
    ("-10", "more than zero"),
    ("₹-10", "more than zero"),
    ("- 5", "more than zero"),
    (-5, "more than zero"),
    (0, "more than zero"),
    ("10.005", "more than two decimal places"),
    ("1,000.123", "more than two decimal places"),
    (".001", "more than two decimal places"),
    ("", "enter an amount"),
    ("   ", "enter an amount"),
    ("₹", "enter an amount"),
    ("Rs.", "enter an amount"),
    ("ten", "is not an amount"),
    ("10 rupees", "is not an amount"),
    ("10.", "is not an amount"),
    (".5", "is not an amount"),
    ("1e3", "is not an amount"),
    ("10.5.5", "is not an amount"),
    ("0x10", "is not an amount"),
    ("$10", "is not an amount"),
    ("1,0", "is not an amount"),
    ("1,,000", "is not an amount"),
    (",100", "is not an amount"),
    # A comma is only a thousands (or Indian lakh) separator: the last group has three digits.
    # "10,50" is ₹10.50 written the European way; reading it as ₹1,050 would be a 100× mistake.
    ("10,50", "use a dot for paise"),
    ("1,00", "use a dot for paise"),
    ("1,0000", "is not an amount"),
    ("12,34", "use a dot for paise"),
    ("None", "is not an amount"),
    (None, "is not an amount"),
    (10, "not a bare number"),  # 10 could be ₹10 or 10 paise: the core takes paise
    (True, "number of rupees"),
    (False, "number of rupees"),
    ("99999999999", "too large"),
    (str(MAX_PAISE // 100 + 1), "too large"),
]


@pytest.mark.parametrize("text, message", REJECTED, ids=[repr(t) for t, _ in REJECTED])
def test_parse_amount_rejects_with_a_clear_message(text, message):
    with pytest.raises(InvalidInput) as caught:
        parse_amount(text)
    assert message in caught.value.message
    assert caught.value.status == 422


def test_largest_amount_is_accepted():
    assert parse_amount(str(MAX_PAISE // 100)) == MAX_PAISE


RUPEES = [
    (0, "0.00"),
    (1, "0.01"),
    (10, "0.10"),
    (1000, "10.00"),
    (1001, "10.01"),
    (1005, "10.05"),
    (123456, "1234.56"),
    (10000000, "100000.00"),
    (-1005, "-10.05"),
]


@pytest.mark.parametrize("paise, text", RUPEES)
def test_rupees_always_two_decimals_no_grouping(paise, text):
    assert rupees(paise) == text


FORMATTED = [
    (0, "₹0.00"),
    (5, "₹0.05"),
    (1003, "₹10.03"),
    (99999, "₹999.99"),
    (100000, "₹1,000.00"),
    (1234505, "₹12,345.05"),
    (10000000, "₹1,00,000.00"),
    (12345678, "₹1,23,456.78"),
    (1234567800, "₹1,23,45,678.00"),
    (10000000000, "₹10,00,00,000.00"),
    (-100000, "-₹1,000.00"),
]


@pytest.mark.parametrize("paise, text", FORMATTED)
def test_format_rupees_indian_grouping(paise, text):
    assert format_rupees(paise) == text


@pytest.mark.parametrize("paise", [1, 99, 1000, 1001, 100000, 12345678, MAX_PAISE])
def test_formatted_amount_parses_back(paise):
    assert parse_amount(format_rupees(paise)) == paise
    assert parse_amount(rupees(paise)) == paise
