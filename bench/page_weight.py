"""What the buyer pages weigh on the wire, with and without compression, in the same run.

Starts the buyer web (`python -m buyerweb`, granian) on 127.0.0.1 with a 500-ticket draw
(bench/buyer_site.py), then fetches every buyer page (home, pick, pay, receipt, results, expired)
three times: without Accept-Encoding (the uncompressed baseline), as a browser over plain HTTP
asks ("gzip, deflate") and as one over HTTPS asks ("gzip, deflate, br, zstd"). It prints the bytes
received for each (status line, headers and body), the first load of each page (its HTML, the
stylesheet and the script) and every figure's ratio to the uncompressed baseline, then the grid
page in every language. Target: the grid page of a 500-ticket draw at most 12 KB gzip-compressed.

Loopback only; a few dozen requests. Exits 1 when the target is missed or a compressed answer
does not decode to the page's uncompressed body.

Usage: .venv/bin/python bench/page_weight.py
"""

import gzip
import sys
import time

from buyer_site import LANGUAGES, TICKETS, asset_paths, start_site

try:
    import brotli
except ImportError:  # the figures for br are then left out
    brotli = None

TARGET = 12 * 1024
ENCODINGS = {"none": None, "gzip": "gzip, deflate", "br": "gzip, deflate, br, zstd"}
STABLE = {"home", "pick", "receipt", "results", "expired"}  # the pay page's countdown moves between fetches


def decoded(answer) -> bytes:
    coding = answer.headers.get("content-encoding", "")
    if coding == "gzip":
        return gzip.decompress(answer.body)
    if coding == "br" and brotli is not None:
        return brotli.decompress(answer.body)
    return answer.body


def fetch_all(site, path: str) -> dict:
    out = {}
    for name, accept in ENCODINGS.items():
        out[name] = site.get(path, {"Accept-Encoding": accept} if accept else {})
    return out


def pct(part: int, whole: int) -> str:
    return f"{part / whole:6.1%}" if whole else "   n/a"


def row(label: str, sizes: dict) -> str:
    none, gz, br = sizes["none"], sizes["gzip"], sizes["br"]
    return f"{label:<9} {none:>8,} {gz:>8,} {pct(gz, none)} {br:>8,} {pct(br, none)}"


def asset_sizes(site, html: bytes, seen: dict, problems: list) -> dict:
    """The wire bytes of the stylesheet and script `html` loads, per encoding (each fetched once)."""
    total = dict.fromkeys(ENCODINGS, 0)
    for kind, paths in asset_paths(html).items():
        for asset in paths:
            if asset not in seen:
                fetched = fetch_all(site, asset)
                seen[asset] = {k: a.wire for k, a in fetched.items()}
                for k, a in fetched.items():
                    if decoded(a) != fetched["none"].body:
                        problems.append(f"{asset} ({kind}) with {k} does not decode to the file")
            for k in total:
                total[k] += seen[asset][k]
    return total


def pages_table(site, problems: list) -> tuple[list, dict]:
    """Each page's HTML on the wire; returns each page's first load and the grid page's answers."""
    print("\nHTML of each page, bytes on the wire (status line + headers + body), ratio to uncompressed:")
    print(f"{'page':<9} {'none':>8} {'gzip':>8} {'ratio':>7} {'br':>8} {'ratio':>7}  encoding  decodes")
    seen: dict = {}
    first_loads, grid = [], {}
    for page, path in site.pages.items():
        got = fetch_all(site, path)
        plain = got["none"]
        if plain.status != 200:
            problems.append(f"{page}: {path} answered {plain.status}")
        same = all(decoded(a) == plain.body for a in got.values()) if page in STABLE else None
        if same is False:
            problems.append(f"{page}: a compressed answer does not decode to the uncompressed body")
        codings = "/".join(got[k].headers.get("content-encoding", "-") for k in ("gzip", "br"))
        verdict = "yes" if same else "n/a (countdown)" if same is None else "NO"
        print(f"{row(page, {k: a.wire for k, a in got.items()})}  {codings:<9} {verdict}")
        assets = asset_sizes(site, plain.body, seen, problems)
        first_loads.append((page, {k: got[k].wire + assets[k] for k in ENCODINGS}))
        if page == "pick":
            grid = got
    return first_loads, grid


def languages_table(site) -> int:
    """The grid page in every language; returns the largest gzip answer."""
    print("\nThe grid page in every language (HTML, bytes on the wire):")
    print(f"{'lang':<9} {'none':>8} {'gzip':>8} {'ratio':>7} {'br':>8} {'ratio':>7}")
    worst = 0
    for lang in LANGUAGES:
        got = fetch_all(site, f"/pick?lang={lang}")
        worst = max(worst, got["gzip"].wire)
        print(row(lang, {k: a.wire for k, a in got.items()}))
    return worst


def main() -> int:
    started = time.monotonic()
    site = start_site()
    problems: list[str] = []
    try:
        print(f"buyer web: {site.server.banner}")
        first_loads, grid = pages_table(site, problems)
        print("\nFirst load of each page (HTML + CSS + JS, empty cache), bytes on the wire:")
        print(f"{'page':<9} {'none':>8} {'gzip':>8} {'ratio':>7} {'br':>8} {'ratio':>7}")
        for page, sizes in first_loads:
            print(row(page, sizes))
        worst = languages_table(site)
    finally:
        site.stop()
    wire = grid["gzip"].wire
    ok = wire <= TARGET and worst <= TARGET
    print(
        f"\ngrid page, {TICKETS} tickets, gzip: {wire:,} B on the wire ({len(grid['gzip'].body):,} B body); "
        f"the heaviest language {worst:,} B; target ≤ {TARGET:,} B: {'PASS' if ok else 'MISS'}"
    )
    if not ok:
        problems.append("the grid page weighs more than 12 KB gzip-compressed")
    for problem in problems:
        print(f"PROBLEM: {problem}")
    print(f"({time.monotonic() - started:.1f} s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
