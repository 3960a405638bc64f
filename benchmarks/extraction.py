"""Extraction time per document, as a ratio to reading the same document.

Reads the seed and the test records (``tests/records``), then extracts each of them
``--rounds`` times against the bundled authorities, and prints per document the time
to read it, the time to extract it and their ratio (both measured in this process, so
the ratio is comparable across machines). Also prints the unreconciled names.

    python benchmarks/extraction.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from kg.extraction import extract
from kg.extraction.authorities import build_index, load_authority_graph
from kg.extraction.text import _all_sentences, _all_tokens
from kg.readers import read_source

ROOT = Path(__file__).resolve().parent.parent


def _best(fn, rounds: int) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _fresh_extract(record, index):  # type: ignore[no-untyped-def]
    """Extract without the per-text sentence cache of an earlier round."""
    _all_sentences.cache_clear()
    _all_tokens.cache_clear()
    return extract(record, index)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="repetitions (best is kept)")
    args = parser.parse_args()
    rounds = max(1, min(args.rounds, 1000))
    start = time.perf_counter()
    index = build_index(load_authority_graph(ROOT / "data" / "authorities"))
    index.trie()
    print(
        f"authority index: {len(index.records)} records, "
        f"{(time.perf_counter() - start) * 1000:.1f} ms to build (once per ingest)"
    )
    paths = [ROOT / "data" / "sources" / "000_433681a86fbd4be3.txt"]
    paths += sorted(p for p in (ROOT / "tests" / "records").iterdir() if p.is_file())
    total_read = total_extract = 0.0
    print(
        f"{'document':32} {'chars':>6} {'read ms':>8} {'extract ms':>11} {'ratio':>6}  unreconciled"
    )
    for path in paths:
        record = read_source(path)
        t_read = _best(lambda p=path: read_source(p), rounds)
        t_extract = _best(lambda r=record: _fresh_extract(r, index), rounds)
        total_read += t_read
        total_extract += t_extract
        names = ", ".join(extract(record, index).unreconciled) or "-"
        print(
            f"{path.name:32} {len(record.text):6d} {t_read * 1000:8.2f} "
            f"{t_extract * 1000:11.2f} {t_extract / t_read:6.1f}  {names}"
        )
    print(
        f"mean extraction time per document: {total_extract / len(paths) * 1000:.2f} ms "
        f"({total_extract / total_read:.1f}x reading)"
    )


if __name__ == "__main__":
    main()
