"""Tests for shared/winner_algorithm.py and the standalone buyerweb/static/verify_draw.py."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared import winner_algorithm as W
from shared.errors import Conflict, InvalidInput

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "buyerweb" / "static" / "verify_draw.py"
SEED = "00" * 32
BIG_SOLD = list(range(1, 501))
PRIZES = ["1st", "2nd", "3rd"]


def tickets(winners):
    return [w.ticket for w in winners]


def big_doc(**kw):
    args = dict(public_value_description="drand round 1234", redraws=[["2nd"]])
    args.update(kw)
    return W.results_document("Diwali Draw", "ab" * 32, "drand:1234", BIG_SOLD, PRIZES, **args)


# --- seed, commitment, list hash -------------------------------------------------------------


def test_new_seed_is_64_lowercase_hex_and_fresh():
    a, b = W.new_seed(), W.new_seed()
    assert len(a) == 64 and a == a.lower() and bytes.fromhex(a) and a != b


def test_commitment_is_sha256_of_raw_seed_bytes():
    assert W.commitment(SEED) == hashlib.sha256(bytes(32)).hexdigest()
    assert W.commitment(SEED) == "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925"
    assert W.check_commitment(SEED, W.commitment(SEED))
    assert W.check_commitment(SEED, W.commitment(SEED).upper())
    assert not W.check_commitment("01" + "00" * 31, W.commitment(SEED))
    assert not W.check_commitment(SEED, "0" * 64)
    assert not W.check_commitment("zz" * 32, W.commitment(SEED))
    assert not W.check_commitment(SEED, "é" * 64)


@pytest.mark.parametrize("bad", ["00" * 31, "00" * 33, "g" * 64, 123, None])
def test_bad_seed_is_rejected(bad):
    with pytest.raises(InvalidInput):
        W.commitment(bad)


def test_ticket_list_hash_canonical_form():
    assert W.ticket_list_hash([13, 2, 2, 1]) == hashlib.sha256(b"1\n2\n13\n").hexdigest()
    assert W.ticket_list_hash([1, 2, 13]) == W.ticket_list_hash([13, 2, 1])
    assert W.ticket_list_hash([1, 2, 13]) != W.ticket_list_hash([1, 2, 3])
    assert W.ticket_list_hash([0]) == hashlib.sha256(b"0\n").hexdigest()
    for bad in ([-1], [True], ["5"], [1.0], "1,2"):
        with pytest.raises(InvalidInput):
            W.ticket_list_hash(bad)


# --- known answer: an independent re-implementation -------------------------------------------


def reference_draw(seed_hex, public, sold, prizes, drawing=1, exclude=()):
    canonical = b"".join(str(t).encode() + b"\n" for t in sorted(set(sold)))
    list_hash = hashlib.sha256(canonical).digest()
    pub = public.encode("utf-8")
    pool = [t for t in sorted(set(sold)) if t not in exclude]
    out, counter = [], 0
    for i, prize in enumerate(prizes):
        while True:
            data = (
                bytes.fromhex(seed_hex)
                + len(pub).to_bytes(4, "big")
                + pub
                + list_hash
                + drawing.to_bytes(4, "big")
                + counter.to_bytes(8, "big")
            )
            x = int.from_bytes(hashlib.sha256(data).digest(), "big")
            n = len(pool)
            counter += 1
            if x < (2**256 // n) * n:
                break
        out.append((i, prize, pool.pop(x % n), counter - 1))
    return out


def test_known_answer():
    sold, prizes = [1, 2, 3, 5, 8, 13, 21], ["1st", "2nd"]
    expected = reference_draw(SEED, "drand:1234", sold, prizes)
    got = W.pick_winners(SEED, "drand:1234", sold, prizes)
    assert [(w.prize_index, w.prize, w.ticket, w.counter) for w in got] == expected
    # Pinned, so the module and the reference above cannot drift together.
    assert expected == [(0, "1st", 5, 0), (1, "2nd", 21, 1)]


def test_known_answer_redraw_and_unicode_public_value():
    sold = list(range(10, 60))
    expected = reference_draw("5a" * 32, "ड्रैंड ₹", sold, ["a", "b"], drawing=3, exclude={11, 12})
    got = W.pick_winners("5a" * 32, "ड्रैंड ₹", sold, ["a", "b"], drawing_number=3, exclude={11, 12})
    assert [(w.prize_index, w.prize, w.ticket, w.counter) for w in got] == expected


# --- determinism ------------------------------------------------------------------------------


def test_same_inputs_same_winners():
    owners = {t: f"B{t % 37}" for t in BIG_SOLD}
    a = W.pick_winners("cd" * 32, "", BIG_SOLD, PRIZES, owners=owners, one_prize_per_buyer=True)
    b = W.pick_winners(
        "cd" * 32, "", list(reversed(BIG_SOLD)) + [7], PRIZES, owners=dict(owners), one_prize_per_buyer=True
    )
    assert a == b and len(set(tickets(a))) == 3


def test_same_winners_in_another_process():
    code = (
        "import json; from shared import winner_algorithm as W\n"
        "owners = {t: f'B{t % 37}' for t in range(1, 501)}\n"
        "ws = W.pick_winners('cd' * 32, 'drand:9', list(range(1, 501)), ['1st', '2nd', '3rd'],\n"
        "                    owners=owners, one_prize_per_buyer=True)\n"
        "print(json.dumps([[w.prize_index, w.prize, w.ticket, w.counter] for w in ws]))\n"
    )
    env = dict(os.environ, PYTHONHASHSEED="4242")
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    owners = {t: f"B{t % 37}" for t in range(1, 501)}
    here = W.pick_winners("cd" * 32, "drand:9", BIG_SOLD, PRIZES, owners=owners, one_prize_per_buyer=True)
    assert json.loads(out) == [[w.prize_index, w.prize, w.ticket, w.counter] for w in here]


def test_every_input_changes_the_result():
    base = tickets(W.pick_winners("ab" * 32, "p", BIG_SOLD, PRIZES))
    assert tickets(W.pick_winners("ac" * 32, "p", BIG_SOLD, PRIZES)) != base
    assert tickets(W.pick_winners("ab" * 32, "q", BIG_SOLD, PRIZES)) != base
    assert tickets(W.pick_winners("ab" * 32, "p", BIG_SOLD + [501], PRIZES)) != base
    assert tickets(W.pick_winners("ab" * 32, "p", BIG_SOLD, PRIZES, drawing_number=2)) != base


# --- fairness and rejection sampling ----------------------------------------------------------


def test_no_bias_chi_square():
    sold, counts = [3, 9, 14, 20, 21, 40, 77], {}
    for i in range(6000):
        seed = hashlib.sha256(b"bias-test-%d" % i).hexdigest()
        t = W.pick_winners(seed, "", sold, ["only"])[0].ticket
        counts[t] = counts.get(t, 0) + 1
    assert set(counts) == set(sold)
    expected = 6000 / 7
    chi2 = sum((c - expected) ** 2 / expected for c in counts.values())
    assert chi2 < 22.46, counts  # df = 6, p = 0.999


def test_pick_index_rejects_the_top_of_the_range():
    n = 3
    limit = (2**256 // n) * n  # = 2**256 - 1 because 2**256 % 3 == 1
    assert limit == 2**256 - 1
    assert W.pick_index(limit - 1, n) == (limit - 1) % n
    assert W.pick_index(limit, n) is None
    assert W.pick_index(0, n) == 0 and W.pick_index(5, n) == 2
    n = 7
    limit = (2**256 // n) * n
    assert W.pick_index(limit - 1, n) == (limit - 1) % 7 and W.pick_index(limit, n) is None
    assert W.pick_index(2**256 - 1, 1) == 0  # one ticket: never reject


def test_rejected_digest_moves_to_the_next_counter(monkeypatch):
    """Force all-ones digests (always >= limit for n = 7 and n = 6) at counters 0 and 2."""
    real = W._digest
    calls = []

    def digest(prefix, counter):
        calls.append(counter)
        return b"\xff" * 32 if counter in (0, 2) else real(prefix, counter)

    monkeypatch.setattr(W, "_digest", digest)
    sold = [1, 2, 3, 4, 5, 6, 7]
    got = W.pick_winners(SEED, "x", sold, ["1st", "2nd"])
    assert [w.counter for w in got] == [1, 3] and calls == [0, 1, 2, 3]
    prefix = (
        bytes(32) + b"\x00\x00\x00\x01x" + hashlib.sha256(b"1\n2\n3\n4\n5\n6\n7\n").digest() + (1).to_bytes(4, "big")
    )
    pool = list(sold)
    first = pool.pop(int.from_bytes(real(prefix, 1), "big") % 7)
    second = pool.pop(int.from_bytes(real(prefix, 3), "big") % 6)
    assert tickets(got) == [first, second]


def test_all_ones_digest_is_accepted_when_n_is_a_power_of_two(monkeypatch):
    monkeypatch.setattr(W, "_digest", lambda prefix, counter: b"\xff" * 32)
    assert W.pick_winners(SEED, "", [1, 2, 3, 4], ["a"]) == [W.Winner(0, "a", 4, 0)]
    assert W.pick_winners(SEED, "", [1, 2], ["a", "b"]) == [W.Winner(0, "a", 2, 0), W.Winner(1, "b", 1, 1)]


# --- rules ------------------------------------------------------------------------------------


def test_one_prize_per_buyer():
    sold = list(range(1, 31))
    owners = {t: ("WHALE" if t <= 27 else f"B{t}") for t in sold}  # one buyer holds 27 of 30
    for k in range(40):
        seed = hashlib.sha256(b"opb%d" % k).hexdigest()
        won = W.pick_winners(seed, "", sold, ["a", "b", "c", "d"], owners=owners, one_prize_per_buyer=True)
        assert len({owners[t] for t in tickets(won)}) == 4
    with pytest.raises(Conflict, match="4 prizes but only 3 buyers"):
        W.pick_winners(
            SEED, "", [1, 2, 3, 4], list("abcd"), owners={1: "A", 2: "A", 3: "B", 4: "C"}, one_prize_per_buyer=True
        )
    with pytest.raises(InvalidInput, match="buyer of every sold ticket"):
        W.pick_winners(SEED, "", [1, 2], ["a"], owners={1: "A"}, one_prize_per_buyer=True)
    with pytest.raises(InvalidInput, match="buyer of every sold ticket"):
        W.pick_winners(SEED, "", [1, 2], ["a"], one_prize_per_buyer=True)


def test_without_rule_a_buyer_can_win_twice():
    owners = {t: "A" for t in range(1, 11)}
    won = W.pick_winners(SEED, "", list(range(1, 11)), ["a", "b"], owners=owners)
    assert len(set(tickets(won))) == 2


def test_clear_errors():
    with pytest.raises(Conflict, match="3 prizes but only 2 tickets"):
        W.pick_winners(SEED, "", [1, 2], ["a", "b", "c"])
    with pytest.raises(Conflict, match="No tickets were sold"):
        W.pick_winners(SEED, "", [], ["a"])
    with pytest.raises(InvalidInput, match="at least one prize"):
        W.pick_winners(SEED, "", [1], [])
    with pytest.raises(InvalidInput, match="never sold"):
        W.pick_winners(SEED, "", [1, 2], ["a"], exclude={9})
    with pytest.raises(InvalidInput, match="drawing number"):
        W.pick_winners(SEED, "", [1, 2], ["a"], drawing_number=0)
    with pytest.raises(InvalidInput, match="not a mobile number"):
        W.pick_winners(SEED, "", [1, 2], ["a"], owners={1: "9876543210", 2: "B"})
    with pytest.raises(Conflict, match="1 prizes but only 0 tickets"):
        W.pick_winners(SEED, "", [1, 2], ["a"], exclude={1, 2})


def test_empty_public_value_is_allowed_and_differs_from_other_values():
    a = W.pick_winners(SEED, "", BIG_SOLD, PRIZES)
    assert a == reference_draw_winners(SEED, "", BIG_SOLD, PRIZES)
    assert tickets(a) != tickets(W.pick_winners(SEED, "x", BIG_SOLD, PRIZES))


def reference_draw_winners(*args, **kw):
    return [W.Winner(*row) for row in reference_draw(*args, **kw)]


def test_redraw_excludes_earlier_winners_and_is_keyed_by_drawing_number():
    first = W.pick_winners("ab" * 32, "p", BIG_SOLD, PRIZES)
    gone = set(tickets(first))
    r2 = W.pick_winners("ab" * 32, "p", BIG_SOLD, ["2nd"], drawing_number=2, exclude=gone)
    r3 = W.pick_winners("ab" * 32, "p", BIG_SOLD, ["2nd"], drawing_number=3, exclude=gone)
    assert r2 == W.pick_winners("ab" * 32, "p", BIG_SOLD, ["2nd"], drawing_number=2, exclude=gone)
    assert r2[0].ticket not in gone and r3[0].ticket not in gone and r2 != r3
    assert r2 == reference_draw_winners("ab" * 32, "p", BIG_SOLD, ["2nd"], drawing=2, exclude=gone)
    # A small pool: exclusion is the only way the redraw avoids earlier winners.
    small = W.pick_winners(SEED, "", [1, 2, 3], ["a", "b"])
    again = W.pick_winners(SEED, "", [1, 2, 3], ["b"], drawing_number=2, exclude=set(tickets(small)))
    assert tickets(again) == sorted({1, 2, 3} - set(tickets(small)))


def test_redraw_with_one_prize_per_buyer_excludes_the_earlier_winners_buyers():
    sold = list(range(1, 13))
    owners = {t: f"B{(t - 1) // 3}" for t in sold}  # 4 buyers, 3 tickets each
    first = W.pick_winners(SEED, "", sold, ["a", "b", "c"], owners=owners, one_prize_per_buyer=True)
    redraw = W.pick_winners(
        SEED, "", sold, ["b"], owners=owners, one_prize_per_buyer=True, drawing_number=2, exclude=set(tickets(first))
    )
    winners_buyers = {owners[t] for t in tickets(first)}
    assert owners[redraw[0].ticket] not in winners_buyers
    with pytest.raises(Conflict, match="2 prizes but only 1 buyers"):
        W.pick_winners(
            SEED,
            "",
            sold,
            ["b", "c"],
            owners=owners,
            one_prize_per_buyer=True,
            drawing_number=2,
            exclude=set(tickets(first)),
        )


@settings(max_examples=80, deadline=None)
@given(
    sold=st.sets(st.integers(0, 10**6), min_size=1, max_size=40),
    public=st.text(max_size=20),
    seed=st.binary(min_size=32, max_size=32),
    data=st.data(),
)
def test_property_winners_are_distinct_sold_tickets_and_match_reference(sold, public, seed, data):
    k = data.draw(st.integers(1, len(sold)))
    prizes = [f"P{i}" for i in range(k)]
    got = W.pick_winners(seed.hex(), public, sorted(sold), prizes)
    assert len(set(tickets(got))) == k and set(tickets(got)) <= sold
    assert got == reference_draw_winners(seed.hex(), public, sorted(sold), prizes)


# --- results document and verification ------------------------------------------------------


def test_results_document_round_trips_and_verifies():
    owners = {t: f"buyer-{t % 50}" for t in BIG_SOLD}
    doc = big_doc(owners=owners, one_prize_per_buyer=True)
    doc = json.loads(json.dumps(doc))
    assert doc["version"] == 1 and doc["name"] == "Diwali Draw"
    assert doc["seed"] == "ab" * 32 and doc["commitment"] == W.commitment("ab" * 32)
    assert doc["public_value"] == "drand:1234" and doc["public_value_description"] == "drand round 1234"
    assert doc["sold"] == BIG_SOLD and doc["list_hash"] == W.ticket_list_hash(BIG_SOLD)
    assert doc["prizes"] == PRIZES and doc["one_prize_per_buyer"] is True
    assert doc["owners"]["7"] == "buyer-7"
    d1, d2 = doc["drawings"]
    assert d1["number"] == 1 and d1["exclude"] == [] and d1["prizes"] == PRIZES
    assert d2["number"] == 2 and d2["exclude"] == sorted(w["ticket"] for w in d1["winners"])
    assert d2["winners"][0]["ticket"] not in d2["exclude"]
    assert [w["ticket"] for w in d1["winners"]] == tickets(
        W.pick_winners("ab" * 32, "drand:1234", BIG_SOLD, PRIZES, owners=owners, one_prize_per_buyer=True)
    )
    assert W.verify_results(doc) == W.VerifyOutcome(True, [])


def tamper(change):
    doc = json.loads(json.dumps(big_doc()))
    change(doc)
    return W.verify_results(doc)


def only(outcome, *words):
    assert not outcome.ok
    text = " | ".join(outcome.problems)
    for word in words:
        assert word in text, text
    return text


def test_verify_catches_changed_seed():
    text = only(tamper(lambda d: d.update(seed="ac" * 32)), "commitment mismatch", "drawing 1, prize 1")
    assert "list hash" not in text


def test_verify_catches_edited_commitment():
    text = only(tamper(lambda d: d.update(commitment="0" * 64)), "commitment mismatch: published " + "0" * 64)
    assert "drawing" not in text and "list hash" not in text


def test_verify_catches_changed_public_value():
    text = only(tamper(lambda d: d.update(public_value="drand:1235")), "drawing 1, prize 1 ('1st')")
    assert "commitment" not in text and "list hash" not in text


def test_verify_catches_added_and_removed_ticket():
    only(tamper(lambda d: d["sold"].append(501)), "list hash mismatch")
    only(tamper(lambda d: d["sold"].remove(250)), "list hash mismatch")
    only(tamper(lambda d: d["sold"].insert(0, 0)), "list hash mismatch")

    def forge(d):  # add a ticket and publish the matching list hash: the winners then disagree
        d["sold"].append(501)
        d["list_hash"] = W.ticket_list_hash(d["sold"])

    text = only(tamper(forge), "drawing 1, prize 1 ('1st'): published ticket")
    assert "list hash" not in text


def test_verify_catches_edited_winner():
    doc = json.loads(json.dumps(big_doc()))
    right = doc["drawings"][0]["winners"][1]["ticket"]
    wrong = 1 if right != 1 else 2
    doc["drawings"][0]["winners"][1]["ticket"] = wrong
    out = W.verify_results(doc)
    assert out.problems == [
        f"drawing 1, prize 2 ('2nd'): published ticket {wrong} (counter 1), expected ticket {right} (counter 1)"
    ]


def test_verify_catches_redraw_problems():
    text = only(tamper(lambda d: d["drawings"][1]["winners"][0].update(ticket=499)), "drawing 2, prize 1")
    text = only(tamper(lambda d: d["drawings"][1].update(exclude=[])), "drawing 2 excludes []")
    text = only(tamper(lambda d: d["drawings"][1].update(number=5)), "numbered 5")
    text = only(tamper(lambda d: d["drawings"][0]["winners"].pop()), "publishes 2 winners, expected 3")
    assert "malformed" not in text


def test_verify_reports_malformed_files(tmp_path):
    assert "malformed" in tamper(lambda d: d.pop("seed")).problems[0]
    assert "malformed" in tamper(lambda d: d.update(sold="1,2,3")).problems[0]
    assert "version" in tamper(lambda d: d.update(version=2)).problems[0]
    path = tmp_path / "r.json"
    path.write_text("not json")
    assert not W.verify_file(path).ok
    assert not W.verify_file(tmp_path / "missing.json").ok
    path.write_text(json.dumps(big_doc()))
    assert W.verify_file(path).ok


# --- the standalone script agrees ---------------------------------------------------------


def run_script(path):
    return subprocess.run(
        [sys.executable, "-I", str(SCRIPT), str(path)], capture_output=True, text=True, cwd=path.parent
    )


def test_script_is_standalone_and_short():
    text = SCRIPT.read_text()
    assert len(text.splitlines()) < 80
    assert "shared" not in text and "import random" not in text


@pytest.mark.parametrize("one_per_buyer", [False, True])
def test_script_agrees_with_module(tmp_path, one_per_buyer):
    owners = {t: f"b{t % 9}" for t in BIG_SOLD}
    doc = big_doc(owners=owners, one_prize_per_buyer=one_per_buyer, redraws=[["2nd"], ["3rd"]])
    path = tmp_path / "results.json"
    path.write_text(json.dumps(doc))
    run = run_script(path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "ALL MATCH" in run.stdout and doc["list_hash"] in run.stdout and doc["commitment"] in run.stdout
    for d in doc["drawings"]:
        for w in d["winners"]:
            line = f"drawing {d['number']} prize {w['prize']!r}: ticket {w['ticket']} (counter {w['counter']}) ok"
            assert line in run.stdout


@pytest.mark.parametrize(
    "change, says",
    [
        (lambda d: d.update(seed="ac" * 32), "commitment mismatch"),
        (lambda d: d.update(commitment="0" * 64), "commitment mismatch"),
        (lambda d: d.update(public_value="drand:1235"), "drawing 1 prize '1st': expected"),
        (lambda d: d.update(list_hash="0" * 64), "list hash mismatch"),
        (lambda d: d["sold"].append(501), "list hash mismatch"),
        (lambda d: d["sold"].remove(250), "list hash mismatch"),
        (
            lambda d: d["drawings"][0]["winners"][1].update(ticket=d["drawings"][0]["winners"][0]["ticket"]),
            "drawing 1 prize '2nd': expected",
        ),
        (lambda d: d["drawings"][1].update(exclude=[]), "drawing 2: wrong number or exclude list"),
        (lambda d: d.pop("drawings"), "cannot check this file"),
        (lambda d: d.update(sold=[str(t) for t in d["sold"]]), "list hash mismatch"),
    ],
)
def test_script_exits_1_after_tampering_like_the_module(tmp_path, change, says):
    doc = json.loads(json.dumps(big_doc()))
    change(doc)
    path = tmp_path / "results.json"
    path.write_text(json.dumps(doc))
    run = run_script(path)
    assert not W.verify_results(doc).ok
    assert run.returncode == 1, run.stdout + run.stderr
    assert "ALL MATCH" not in run.stdout and "Traceback" not in run.stderr
    assert "PROBLEM: " + says in run.stdout, run.stdout


def test_script_also_rejects_the_top_of_the_range(monkeypatch):
    """Same forced all-ones digests at counters 0 and 2 in the script and the module: same winners."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("verify_draw_under_test", SCRIPT)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)

    class FakeHashlib:
        @staticmethod
        def sha256(data=b""):
            real = hashlib.sha256(data)
            forced = len(data) > 64 and int.from_bytes(data[-8:], "big") in (0, 2)
            return type(
                "H",
                (),
                {
                    "digest": lambda self: b"\xff" * 32 if forced else real.digest(),
                    "hexdigest": lambda self: real.hexdigest(),
                },
            )()

    monkeypatch.setattr(script, "hashlib", FakeHashlib)
    real_digest = W._digest
    monkeypatch.setattr(W, "_digest", lambda prefix, c: b"\xff" * 32 if c in (0, 2) else real_digest(prefix, c))
    sold = [1, 2, 3, 4, 5, 6, 7]
    from_script = script.draw(SEED, "x", sold, ["1st", "2nd"], {}, False, 1, [])
    from_module = W._winner_dicts(W.pick_winners(SEED, "x", sold, ["1st", "2nd"]))
    assert from_script == from_module and [w["counter"] for w in from_script] == [1, 3]


def test_no_random_module_anywhere():
    for path in (ROOT / "shared" / "winner_algorithm.py", SCRIPT):
        text = path.read_text()
        assert "import random" not in text and "from random" not in text
