"""Ingest throughput, end to end and split by stage, measured in one run.

1. End to end: ``kg ingest CORPUS --store NEW`` as a subprocess (read, extract, map,
   validate, write, then the VoID/harvest refresh), records per second of wall time.
2. Split, in this process, over the same corpus with the functions ``kg ingest`` calls:
   read + extract + map (``prepare_source``), SHACL (``Validator.validate_many`` in
   batches of 50, as ``ingest_paths`` does) and write (``write_source``) to a new store.

The baseline of the ratios is the extraction + mapping stage.

    .venv/bin/python benchmarks/ingest.py [--records 1000] [--split 200] [--seed 1]
    .venv/bin/python benchmarks/ingest.py --records 16000 --timeout 900

Each run is bounded by ``--timeout`` seconds; a run that hits it is reported as such.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from corpus import write_corpus  # noqa: E402


def end_to_end(corpus: Path, store: Path, timeout: float) -> tuple[float, str]:
    """Seconds for ``kg ingest`` and its summary line (or why it stopped)."""
    t = time.perf_counter()
    try:
        out = subprocess.run(
            [str(ROOT / ".venv" / "bin" / "kg"), "ingest", str(corpus), "--store", str(store)],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return time.perf_counter() - t, f"stopped after {timeout:.0f} s"
    lines = out.stdout.strip().splitlines()
    return time.perf_counter() - t, lines[-1] if lines else out.stderr[-200:]


def split(corpus: Path, store_dir: Path, n: int) -> dict[str, float]:
    """Seconds per stage over the first ``n`` records of ``corpus``."""
    from kg.config import Settings
    from kg.ingest import (
        PreparedSource,
        authority_context,
        authority_index,
        prepare_source,
        write_source,
    )
    from kg.store.oxigraph import OxigraphStore
    from kg.validation import Validator

    base = Settings().base_uri
    files = sorted((corpus / "sources").glob("*.txt"))[:n]
    t = time.perf_counter()
    context = authority_context([corpus], base)
    index = authority_index(context, base)
    validator = Validator()
    setup = time.perf_counter() - t
    t = time.perf_counter()
    prepared = [prepare_source(f, base, index) for f in files]
    ok = [p for p in prepared if isinstance(p, PreparedSource)]
    extract = time.perf_counter() - t
    t = time.perf_counter()
    for start in range(0, len(ok), 50):
        batch = ok[start : start + 50]
        validator.validate_many([(p.mapped, str(p.path)) for p in batch], context)
    validate = time.perf_counter() - t
    store = OxigraphStore(store_dir)
    t = time.perf_counter()
    for p in ok:
        write_source(store, p.mapped)
    write = time.perf_counter() - t
    store.close()
    return {
        "setup (authorities, shapes)": setup,
        "read + extract + map": extract,
        "SHACL validation": validate,
        "write (atomic replace)": write,
    }


def main() -> None:
    """Measure and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1000, help="corpus size, end to end")
    parser.add_argument("--split", type=int, default=200, help="records for the stage split")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds, end to end")
    parser.add_argument("--corpus", type=Path, help="reuse a corpus written by corpus.py")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = args.corpus or write_corpus(Path(tmp) / "corpus", args.records, args.seed)
        args.records = len(list((corpus / "sources").glob("*.txt")))
        args.split = min(args.split, args.records)
        print(f"corpus {corpus}: {args.records} records; load average {os.getloadavg()[0]:.2f}")
        stages = split(corpus, Path(tmp) / "split-store", args.split)
        base = stages["read + extract + map"]
        print(f"\nsplit over {args.split} records (in process)")
        print(f"{'stage':<30}{'s':>8}{'ms/record':>11}{'ratio':>8}")
        for name, s in stages.items():
            print(f"{name:<30}{s:>8.1f}{s / args.split * 1000:>11.1f}{s / base:>7.1f}x")
        total = sum(stages.values())
        print(f"{'total':<30}{total:>8.1f}{total / args.split * 1000:>11.1f}")
        print(f"load average {os.getloadavg()[0]:.2f}")
        secs, summary = end_to_end(corpus, Path(tmp) / "store", args.timeout)
        print(f"\nend to end: kg ingest, {args.records} records: {secs:.1f} s ({summary})")
        print(f"{args.records / secs:.1f} records/s; load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
