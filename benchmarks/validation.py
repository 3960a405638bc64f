"""SHACL gate time per document, against the naive per-document pyshacl call.

Maps ``--docs`` realistic document graphs (variants of the hand-built seed in
``tests/shapes/samples.py``: about 500 quads each, 4 meetings, 8 participations, 3
resolutions, 21 mentions, a provisional person each), then prints, per document:

- the naive baseline: one ``pyshacl.validate`` per document on an rdflib memory graph
  holding the document, the authorities and the whole ontology, with ``shapes/`` as
  written (measured on ``--baseline-docs`` documents only: it is slow);
- kg's gate one document at a time (``Validator.report``);
- kg's gate in batches of ``--batch`` (``Validator.validate_many``), amortised;

each with its ratio to the baseline measured in this process, in wall-clock time and in
CPU time of this process (the CPU figure is the one to read on a loaded machine). All
runs have every SHACL-SPARQL constraint on.

    python benchmarks/validation.py [--docs 200] [--batch 50] [--baseline-docs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pyshacl import validate  # noqa: E402
from rdflib import Graph  # noqa: E402

from kg.mapping import map_source  # noqa: E402
from kg.validation import Validator  # noqa: E402
from tests.shapes.samples import authority_graph, varied_sources  # noqa: E402

BASE = "http://127.0.0.1:5000/"


def main() -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--baseline-docs", type=int, default=3)
    args = parser.parse_args()

    started = time.perf_counter()
    validator = Validator()
    setup = time.perf_counter() - started
    context = authority_graph(BASE)
    sources = [map_source(r, e, BASE) for r, e in varied_sources(args.docs)]
    quads = statistics.median(len(m.quads) for m in sources)
    print(
        f"{len(sources)} documents, median {quads:.0f} quads each; shapes parsed and planned "
        f"once in {setup * 1000:.0f} ms"
    )

    naive = []
    for mapped in sources[: args.baseline_docs]:
        data = Graph()
        for s, p, o, _ in mapped.dataset.quads((None, None, None, None)):
            data.add((s, p, o))
        data += context
        data += validator.ontology
        t, c = time.perf_counter(), time.process_time()
        conforms, _, _ = validate(
            data, shacl_graph=validator.shapes, inference="none", allow_warnings=True, advanced=True
        )
        naive.append((time.perf_counter() - t, time.process_time() - c))
        assert conforms
    baseline = _median(naive)

    single = []
    for mapped in sources[: max(args.baseline_docs, 10)]:
        t, c = time.perf_counter(), time.process_time()
        report = validator.report(mapped, mapped.source_id, context)
        single.append((time.perf_counter() - t, time.process_time() - c))
        assert not report.violations, report.lines
    one = _median(single)

    per_doc = []
    for i in range(0, len(sources), args.batch):
        chunk = sources[i : i + args.batch]
        t, c = time.perf_counter(), time.process_time()
        reports = validator.validate_many([(m, m.source_id) for m in chunk], context)
        n = len(chunk)
        per_doc.append(((time.perf_counter() - t) / n, (time.process_time() - c) / n))
        assert not any(r.violations for r in reports)
    batched = _median(per_doc)

    print(f"{'run':<46}{'wall ms/doc':>12}{'ratio':>8}{'cpu ms/doc':>12}{'ratio':>8}")
    rows = [
        (f"naive pyshacl per document (n={len(naive)})", baseline),
        (f"kg gate, one document per call (n={len(single)})", one),
        (f"kg gate, batches of {args.batch} (median of {len(per_doc)})", batched),
    ]
    for name, (wall, cpu) in rows:
        print(
            f"{name:<46}{wall * 1000:>12.1f}{baseline[0] / wall:>7.0f}x"
            f"{cpu * 1000:>12.1f}{baseline[1] / cpu:>7.0f}x"
        )
    return 0


def _median(samples: list[tuple[float, float]]) -> tuple[float, float]:
    """Median wall-clock and median CPU time."""
    return statistics.median(w for w, _ in samples), statistics.median(c for _, c in samples)


if __name__ == "__main__":
    raise SystemExit(main())
