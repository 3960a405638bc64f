"""Generate ``kg/namespaces.py`` from the ontology, so that IRIs are spelled in one place.

Run ``python -m kg.codegen`` after editing ``ontology/``; ``tests/test_namespaces.py`` fails
when the generated module and the ontology drift apart.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import Graph, URIRef

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = ROOT / "ontology"
TARGET = Path(__file__).resolve().parent / "namespaces.py"

ONTOLOGY_NS = "https://w3id.org/coldwar-kg/ontology#"
VOCAB_BASE = "https://w3id.org/coldwar-kg/vocab/"

#: Python class name -> namespace IRI for each of our namespaces.
OWN_NAMESPACES: dict[str, str] = {
    "CWA": ONTOLOGY_NS,
    "DT": VOCAB_BASE + "doctype/",
    "MT": VOCAB_BASE + "meetingtype/",
    "ROLE": VOCAB_BASE + "role/",
    "DS": VOCAB_BASE + "decisionstatus/",
    "OC": VOCAB_BASE + "outcome/",
    "LVL": VOCAB_BASE + "level/",
    "IDT": VOCAB_BASE + "idtype/",
    "SUBJ": VOCAB_BASE + "subject/",
    "METHOD": VOCAB_BASE + "method/",
    "MS": VOCAB_BASE + "meetingstatus/",
    "DISP": VOCAB_BASE + "disposition/",
    "RS": VOCAB_BASE + "reconciliation/",
}

#: Third-party namespaces that rdflib does not ship.
EXTERNAL_NAMESPACES: dict[str, str] = {
    "RICO": "https://www.ica.org/standards/RiC/ontology#",
    "CRM": "http://www.cidoc-crm.org/cidoc-crm/",
    "OA": "http://www.w3.org/ns/oa#",
    "SD": "http://www.w3.org/ns/sparql-service-description#",
    "HYDRA": "http://www.w3.org/ns/hydra/core#",
    "RELATOR": "http://id.loc.gov/vocabulary/relators/",
}


def ontology_graph(directory: Path = ONTOLOGY_DIR) -> Graph:
    """Parse every Turtle file of the ontology directory into one graph."""
    g = Graph()
    for path in sorted(directory.glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


def terms_by_namespace(g: Graph) -> dict[str, list[str]]:
    """Local names of every IRI used as a subject in the ontology, grouped by our namespaces."""
    found: dict[str, set[str]] = {name: set() for name in OWN_NAMESPACES}
    for s in set(g.subjects()):
        if not isinstance(s, URIRef):
            continue
        for name, ns in OWN_NAMESPACES.items():
            if str(s).startswith(ns) and len(str(s)) > len(ns):
                found[name].add(str(s)[len(ns) :])
    return {name: sorted(v) for name, v in found.items()}


def render(g: Graph) -> str:
    """Return the source text of ``kg/namespaces.py`` for the given ontology graph."""
    lines = [
        '"""Namespaces of kg, generated from ``ontology/`` by ``python -m kg.codegen``.',
        "",
        "Do not edit by hand: a typo in a term must fail, not mint a junk IRI.",
        '"""',
        "",
        "from rdflib import URIRef",
        "from rdflib.namespace import DefinedNamespace, Namespace",
        "",
        f'ONTOLOGY_IRI = URIRef("{ONTOLOGY_NS.rstrip("#")}")',
        "",
    ]
    for name, terms in terms_by_namespace(g).items():
        lines += ["", f"class {name}(DefinedNamespace):"]
        lines.append(f'    """Terms of <{OWN_NAMESPACES[name]}>."""')
        lines.append("")
        lines.append("    _fail = True")
        for term in terms:
            lines.append(f"    {term}: URIRef")
        lines.append("")
        lines.append(f'    _NS = Namespace("{OWN_NAMESPACES[name]}")')
        lines.append("")
    lines.append("")
    for name, ns in EXTERNAL_NAMESPACES.items():
        lines.append(f'{name} = Namespace("{ns}")')
    lines.append("")
    lines.append("#: Prefixes used when serialising RDF and in example queries.")
    lines.append("PREFIXES: dict[str, str] = {")
    for name, ns in {**OWN_NAMESPACES, **EXTERNAL_NAMESPACES}.items():
        lines.append(f'    "{name.lower()}": "{ns}",')
    lines.append("}")
    return "\n".join(lines) + "\n"


def main() -> int:
    """Write ``kg/namespaces.py``."""
    TARGET.write_text(render(ontology_graph()), encoding="utf-8")
    print(f"wrote {TARGET}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
