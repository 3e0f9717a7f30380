"""Run every benchmark in bench/ one after another and print their figures (`make bench`).

Benchmarks are not tests: they print numbers, bounded in time, loopback only. Run one alone with
`.venv/bin/python bench/<name>.py`.
"""

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    names = sorted(p.name for p in HERE.glob("*_bench.py"))
    if len(sys.argv) > 1:
        names = [n for n in names if any(arg in n for arg in sys.argv[1:])]
    failed = 0
    for name in names:
        print(f"\n=== {name} ===", flush=True)
        start = time.perf_counter()
        code = subprocess.call([sys.executable, str(HERE / name)], cwd=HERE.parent)
        print(f"--- {name}: exit {code}, {time.perf_counter() - start:.1f} s", flush=True)
        failed += code != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
