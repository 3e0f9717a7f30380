"""Check a lucky-draw results file yourself: python3 verify_draw.py results.json

Needs only Python 3 (no other packages). Exit 0 = everything matches, 1 = something does not.
Algorithm: SHA-256(seed || len(P) 4-byte BE || P || list_hash || drawing 4-byte BE || counter 8-byte BE),
P = UTF-8 public value; reject x >= (2**256 // n) * n, else the winner is pool[x % n].
"""
import hashlib, hmac, json, sys


def draw(seed, public, sold, prizes, owners, one_per_buyer, number, exclude):
    pool = sorted(set(sold))
    list_hash = hashlib.sha256("".join(f"{t}\n" for t in pool).encode()).digest()
    gone = {owners[t] for t in exclude} if one_per_buyer else set()
    pool = [t for t in pool if t not in exclude and (not one_per_buyer or owners[t] not in gone)]
    p = public.encode("utf-8")
    prefix = bytes.fromhex(seed) + len(p).to_bytes(4, "big") + p + list_hash + number.to_bytes(4, "big")
    winners, counter = [], 0
    for i, prize in enumerate(prizes):
        while True:
            x = int.from_bytes(hashlib.sha256(prefix + counter.to_bytes(8, "big")).digest(), "big")
            counter += 1
            if x < (2 ** 256 // len(pool)) * len(pool):
                break
        ticket = pool[x % len(pool)]
        winners.append({"prize_index": i, "prize": prize, "ticket": ticket, "counter": counter - 1})
        pool = [t for t in pool if t != ticket and not (one_per_buyer and owners[t] == owners[ticket])]
    return winners


def main(path):
    with open(path, encoding="utf-8") as fh:
        doc = json.load(fh)
    bad = [] if doc.get("version") == 1 else [f"unknown version {doc.get('version')!r}"]
    seed, sold = doc["seed"], doc["sold"]
    made = hashlib.sha256(bytes.fromhex(seed)).hexdigest()
    print(f"draw: {doc['name']}\ncommitment published {doc['commitment']}\n  SHA-256 of seed    {made}")
    if not hmac.compare_digest(made, doc["commitment"].lower()):
        bad.append("commitment mismatch")
    list_hash = hashlib.sha256("".join(f"{t}\n" for t in sorted(set(sold))).encode()).hexdigest()
    print(f"list hash published {doc['list_hash']}\n  computed          {list_hash}  ({len(sold)} tickets)")
    proper = all(type(t) is int and t >= 0 for t in sold) and sold == sorted(set(sold))
    if list_hash != doc["list_hash"] or not proper:
        bad.append("list hash mismatch (or sold list is not sorted, distinct whole numbers)")
    owners = {int(t): b for t, b in doc["owners"].items()}
    print(f"public value {doc['public_value']!r} ({doc.get('public_value_description', '')})")
    if not doc["drawings"] or doc["drawings"][0]["prizes"] != doc["prizes"]:
        bad.append("drawing 1 is not for the listed prizes")
    earlier = []
    for position, d in enumerate(doc["drawings"], start=1):
        if d["number"] != position or sorted(d["exclude"]) != sorted(earlier):
            bad.append(f"drawing {position}: wrong number or exclude list (must be earlier winners {earlier})")
        want = draw(seed, doc["public_value"], sold, d["prizes"], owners, doc["one_prize_per_buyer"],
                    position, earlier)
        if len(want) != len(d["winners"]):
            bad.append(f"drawing {position}: {len(d['winners'])} winners published, {len(want)} expected")
        for w, got in zip(want, d["winners"]):
            mark = "ok" if got == w else f"MISMATCH, published ticket {got.get('ticket')}"
            print(f"drawing {position} prize {w['prize']!r}: ticket {w['ticket']} (counter {w['counter']}) {mark}")
            if got != w:
                bad.append(f"drawing {position} prize {w['prize']!r}: expected {w['ticket']}")
        earlier += [w["ticket"] for w in want]
    for problem in bad:
        print("PROBLEM:", problem)
    print("ALL MATCH" if not bad else "DOES NOT MATCH")
    return 0 if not bad else 1


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python3 verify_draw.py results.json")
    try:
        sys.exit(main(sys.argv[1]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError, ZeroDivisionError) as exc:
        print(f"PROBLEM: cannot check this file: {type(exc).__name__}: {exc}")
        sys.exit(1)
