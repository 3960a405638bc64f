"""The generated namespace module and the ontology must not drift apart."""

from pathlib import Path

from kg import codegen


def test_namespaces_module_matches_ontology() -> None:
    expected = codegen.render(codegen.ontology_graph())
    actual = Path(codegen.TARGET).read_text(encoding="utf-8")
    assert actual == expected, "run `python -m kg.codegen` after editing ontology/"


def test_defined_namespace_rejects_typos() -> None:
    import pytest

    from kg.namespaces import CWA

    with pytest.raises(AttributeError):
        _ = CWA.Meetingg
