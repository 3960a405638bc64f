"""The shapes and the gate: every shape has a conforming and a violating example, the
plausibility checks fire, the seed validates, and a rejected record leaves the store
byte-for-byte unchanged."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SH

from kg.cli import main
from kg.mapping import MappedSource, map_source
from kg.shapes_plan import TARGETS, target_patterns
from kg.validation import Report, Validator
from tests.conftest import BASE, DATA, SEED
from tests.shapes.samples import authority_graph, seed_extraction, seed_record

HERE = Path(__file__).parent / "shapes"
T = Namespace("https://w3id.org/coldwar-kg/test#")
CASE = "http://127.0.0.1:5000/case/"
FIXED = datetime(2026, 1, 1, tzinfo=UTC)


def as_source(graph: Graph, source_id: str) -> MappedSource:
    """A graph as a mapped source of its own."""
    ds = Dataset()
    name = f"{BASE}graph/test/{source_id}"
    target = ds.graph(URIRef(name))
    for t in graph:
        target.add(t)
    return MappedSource(source_id, BASE, ds, (name,), "sha256:0")


def _cases() -> tuple[Dataset, list[URIRef]]:
    ds = Dataset()
    ds.parse(HERE / "bad.trig", format="trig")
    return ds, sorted(s for s in ds.default_graph.subjects(T.shape, None))  # type: ignore[misc]


BAD, CASES = _cases()


@pytest.fixture(scope="module")
def bad_reports(validator: Validator) -> dict[str, Report]:
    """Every violating case validated in one batch (as ``kg ingest`` could)."""
    items = [(as_source(BAD.graph(case), str(case)), str(case)) for case in CASES]
    return {r.source: r for r in validator.validate_many(items)}


@pytest.fixture(scope="module")
def good_source() -> MappedSource:
    record = seed_record()
    mapped = map_source(record, seed_extraction(record), BASE, FIXED)
    g = Graph()
    for s, p, o, _ in mapped.dataset.quads((None, None, None, None)):
        g.add((s, p, o))
    g += authority_graph(BASE)
    g.parse(HERE / "good.ttl", format="turtle")
    return as_source(g, "good")


def _targeted(shapes: Graph) -> set[URIRef]:
    return {s for t in TARGETS for s in shapes.subjects(t, None) if isinstance(s, URIRef)}


def test_every_constraint_has_a_message(validator: Validator) -> None:
    shapes = validator.shapes
    missing = [
        str(shapes.value(p, SH.path))
        for p in shapes.objects(None, SH.property)
        if shapes.value(p, SH.message) is None
    ]
    missing += [str(c) for c in shapes.objects(None, SH.sparql) if not shapes.value(c, SH.message)]
    node_params = (SH["class"], SH["or"], SH.nodeKind, SH.datatype, SH["in"])
    missing += [
        str(s)
        for s in shapes.subjects(RDF.type, SH.NodeShape)
        if any(shapes.value(s, p) is not None for p in node_params)
        and shapes.value(s, SH.message) is None
    ]
    assert missing == []


def test_every_shape_has_a_violating_example(validator: Validator) -> None:
    covered = {BAD.default_graph.value(c, T.shape) for c in CASES}
    assert _targeted(validator.shapes) - covered == set()


@pytest.mark.parametrize("case", CASES, ids=[c.removeprefix(CASE) for c in CASES])
def test_violating_example_fires(case: URIRef, bad_reports: dict[str, Report]) -> None:
    meta = BAD.default_graph
    shape = str(meta.value(case, T.shape))
    severity = str(meta.value(case, T.severity)).rsplit("#", 1)[-1]
    fragment = str(meta.value(case, T.message))
    report = bad_reports[str(case)]
    hits = [f for f in report.findings if f.shape == shape and fragment in f.message]
    assert hits, "\n".join(report.lines)
    assert {f.severity for f in hits} == {severity}


def test_at_least_five_plausibility_checks() -> None:
    checks = set(BAD.default_graph.subjects(T.plausibility, Literal(True)))
    assert {c.removeprefix(CASE) for c in checks} >= {
        "dead-participant",
        "doc-before-meeting",
        "folios-backwards",
        "draft-adopted",
        "wikidata-page",
    }


def test_conforming_example_exercises_every_shape(
    validator: Validator, good_source: MappedSource
) -> None:
    report = validator.report(good_source, "good")
    assert report.violations == (), "\n".join(report.lines)
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_extend(validator.data_quads([good_source], None))
    idle = [
        str(shape)
        for shape in _targeted(validator.shapes)
        if not list(
            store.query(
                "SELECT ?this WHERE { "
                + " UNION ".join("{ " + p + " }" for p in target_patterns(validator.shapes, shape))
                + " } LIMIT 1"
            )
        )
    ]
    assert idle == []


def test_hand_built_seed_has_only_silent_source_warnings(validator: Validator) -> None:
    record = seed_record()
    mapped = map_source(record, seed_extraction(record), BASE, FIXED)
    report = validator.report(mapped, "seed", authority_graph(BASE))
    assert [f.message for f in report.findings] == [
        "The source gives no URL for the digital archive record.",
        "The source gives no record ID for the digital archive record.",
    ]
    assert {f.severity for f in report.findings} == {"Warning"}


def test_extracted_seed_validates_with_warnings_only(runner: CliRunner) -> None:
    result = runner.invoke(main, ["validate", str(DATA), "--base", BASE])
    assert result.exit_code == 0, result.output
    seed_lines = [line for line in result.stdout.splitlines() if "000_433681a86fbd4be3" in line]
    assert seed_lines[0].startswith("valid: ")
    assert all(line.strip().startswith("Warning:") for line in seed_lines[1:])


def test_batch_maps_findings_back_to_their_source(validator: Validator) -> None:
    good = as_source(BAD.graph(URIRef(CASE + "no-citation")), "fine")
    bad = as_source(BAD.graph(URIRef(CASE + "folios-backwards")), "broken")
    fine_report, broken_report = validator.validate_many([(good, "fine"), (bad, "broken")])
    assert fine_report.violations == ()
    assert {f.severity for f in fine_report.findings} == {"Warning"}
    assert any("no archival citation" in f.message for f in fine_report.findings)
    assert any("backwards" in f.message for f in broken_report.violations)


def _export(runner: CliRunner, store: Path) -> bytes:
    result = runner.invoke(main, ["export", "--store", str(store), "--format", "nq"])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def test_rejected_record_is_explained_and_leaves_store_unchanged(
    runner: CliRunner, store_dir: Path, tmp_path: Path
) -> None:
    result = runner.invoke(main, ["ingest", str(DATA), "--store", str(store_dir), "--base", BASE])
    assert result.exit_code == 0, result.output
    before = _export(runner, store_dir)
    text = SEED.read_text(encoding="utf-8")
    assert "Listy 27-30" in text
    broken = tmp_path / "folios_backwards.txt"
    broken.write_text(text.replace("Listy 27-30", "Listy 30-27"), encoding="utf-8")
    result = runner.invoke(
        main, ["ingest", str(broken), str(SEED), "--store", str(store_dir), "--base", BASE]
    )
    assert result.exit_code == 1
    assert f"rejected: {broken}: rejected by the SHACL shapes" in result.stderr
    assert "Folio range runs backwards: first folio 30 is after last folio 27" in result.stderr
    assert "Traceback" not in result.output
    assert "unchanged: " + str(SEED) in result.stdout  # the rest is still ingested
    assert _export(runner, store_dir) == before
