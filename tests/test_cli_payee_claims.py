"""The command line for the payee settings and the buyer's claim: new-draw and settings take
--payee-kind, --mc and --gallery-cap (bad values are refused with a clear message and change
nothing); `luckydraw bookings` shows and finds a claimed UTR; `pay` with a claimed UTR settles that
booking by rule 0."""

import json

from shared.booking import hold_tickets
from shared.claims import claim_utr
from shared.draws import current_draw
from tests.helpers.db import CLI_NEW_DRAW


def test_new_draw_and_settings_take_the_payee_options(cli):
    code, out, err = cli(*CLI_NEW_DRAW, "--payee-kind", "merchant", "--mc", "5999", "--gallery-cap", "3000")
    assert code == 0, err
    assert "Payee: merchant UPI ID (mc 5999); Save QR up to ₹3,000.00." in out
    draw = current_draw()
    assert (draw.payee_kind, draw.merchant_code, draw.gallery_cap_paise) == ("merchant", "5999", 300_000)
    code, out, err = cli("settings", "--mc", "59999")
    assert code != 0 and "4 digits" in err
    code, out, err = cli("settings", "--gallery-cap", "200000")
    assert code != 0 and "Gallery QR cap" in err
    assert current_draw().merchant_code == "5999" and current_draw().gallery_cap_paise == 300_000
    code, out, err = cli("settings", "--payee-kind", "personal", "--mc", "")
    assert code == 0, err
    assert "Payee: personal UPI ID; Save QR up to ₹3,000.00." in out
    assert (current_draw().payee_kind, current_draw().merchant_code) == ("personal", None)


def test_new_draw_defaults_to_a_personal_payee(cli):
    code, out, _ = cli(*CLI_NEW_DRAW)
    assert code == 0 and "Payee: personal UPI ID; Save QR up to ₹2,000.00." in out


def test_bookings_show_the_claim_and_pay_settles_it(cli):
    assert cli(*CLI_NEW_DRAW)[0] == 0
    hold = hold_tickets("Meena", "9876543210", [4])
    claim_utr(hold.session_id, "412345678901")
    code, out, _ = cli("bookings")
    (line,) = [row for row in out.splitlines() if row.startswith(hold.reference)]
    assert line.endswith("claimed UTR 412345678901")
    code, out, _ = cli("bookings", "--search", "412345678901", "--json")
    assert [b["claimed_utr"] for b in json.loads(out)] == ["412345678901"]
    code, out, err = cli("pay", "--amount", "10", "--utr", "412345678901", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert (result["rule"], result["order_reference"]) == (0, hold.reference)
