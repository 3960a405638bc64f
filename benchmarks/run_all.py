"""``make bench``: a 1k-record corpus, a store made by ``kg ingest``, then every benchmark.

    .venv/bin/python benchmarks/run_all.py [--records 1000] [--virtuoso/--no-virtuoso]

Never runs in CI. Each step is a subprocess with a time limit; a step that fails or
overruns is reported and the rest still run. Results go to standard output; copy the
tables into BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
KG = str(ROOT / ".venv" / "bin" / "kg")


def step(name: str, argv: list[str], timeout: float, ok: tuple[int, ...] = (0,)) -> bool:
    """Run one step; print its output; False when it failed (exit not in ``ok``) or
    overran."""
    print(f"\n=== {name} (load average {os.getloadavg()[0]:.2f})", flush=True)
    try:
        done = subprocess.run(argv, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        print(f"--- {name}: stopped after {timeout:.0f} s")
        return False
    if done.returncode not in ok:
        print(f"--- {name}: exit {done.returncode}")
    return done.returncode in ok


def main() -> None:
    """Run every benchmark once."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--virtuoso", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        corpus, store = Path(tmp) / "corpus", Path(tmp) / "store"
        step(
            "corpus",
            [py, str(HERE / "corpus.py"), str(corpus), "--records", str(args.records)],
            300,
        )
        # kg ingest exits 1 when some synthetic records are rejected; the store is still usable.
        step(
            "ingest (store for the other steps)",
            [KG, "ingest", str(corpus), "--store", str(store)],
            3600,
            ok=(0, 1),
        )
        step(
            "ingest benchmark",
            [py, str(HERE / "ingest.py"), "--corpus", str(corpus), "--records", str(args.records)],
            3600,
        )
        qmix = [py, str(HERE / "query_mix.py"), "--store", str(store), "--rdflib-endpoint"]
        step("query mix", qmix + (["--virtuoso"] if args.virtuoso else []), 3600)
        step("entity pages", [py, str(HERE / "pages.py"), "--store", str(store)], 900)
        step(
            "HTTP overhead",
            [py, str(HERE / "http_overhead.py"), "--store", str(store), "--repeat", "50"],
            900,
        )


if __name__ == "__main__":
    main()
