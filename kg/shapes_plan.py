"""Plan a shapes graph for fast validation: every shape is targeted, through a SHACL-AF
``sh:SPARQLTarget``, at the nodes that *could* violate it, and pyshacl then judges only
those nodes with the shapes as written.

pyshacl spends about half a millisecond per (focus node, property shape) pair, whatever
the data; a document has hundreds of such pairs and almost all of them conform. A SPARQL
query on Oxigraph finds the few candidate nodes of a whole batch at once. The candidate
queries over-approximate: for a constraint they do not understand they select every
target node, so a violation can never be missed; results, messages and severities all
come from pyshacl evaluating the original constraints.

>>> from rdflib import Graph
>>> g = Graph().parse(data='''@prefix sh: <http://www.w3.org/ns/shacl#> .
... @prefix ex: <http://example.org/> .
... ex:S a sh:NodeShape ; sh:targetClass ex:C ;
...     sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:message "m" ] .''', format="turtle")
>>> planned = plan(g)
>>> query = str(next(planned.objects(None, SH.select)))
>>> "FILTER NOT EXISTS { ?this <http://example.org/p> ?v0 . }" in query
True
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, SKOS
from rdflib.term import Node

TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)

#: Constraint parameters that a node shape may carry itself (SHACL §4).
NODE_PARAMETERS = (
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH["or"],
    SH["and"],
    SH["not"],
    SH.xone,
    SH.node,
    SH["in"],
    SH.hasValue,
    SH.closed,
    SH.pattern,
    SH.minLength,
    SH.maxLength,
    SH.minInclusive,
    SH.maxInclusive,
    SH.minExclusive,
    SH.maxExclusive,
)

#: Parameters that describe a shape rather than constrain it.
_NOT_CONSTRAINTS = {
    SH.path,
    SH.message,
    SH.severity,
    SH.name,
    SH.description,
    SH.order,
    SH.group,
    SH.deactivated,
    SH.flags,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint,
    RDF.type,
    RDFS.comment,
    RDFS.label,
}

#: How a SPARQL pattern tests "is a SHACL instance of" (SHACL §1.5). ``plan(closed=True)``
#: uses plain ``rdf:type`` for data graphs whose types are already closed under
#: ``rdfs:subClassOf`` (kg's gate adds every super-class before validating).
_SUBCLASS = f"<{RDF.type}>/<{RDFS.subClassOf}>*"
_TYPE = f"<{RDF.type}>"


def _copy(g: Graph) -> Graph:
    out = Graph()
    for prefix, ns in g.namespaces():
        out.bind(prefix, ns, override=True)
    for t in g:
        out.add(t)
    return out


class _Vars:
    """Fresh SPARQL variable names."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self) -> str:
        name = f"?v{self.n}"
        self.n += 1
        return name


def _path(g: Graph, path: Node | None) -> str | None:
    """A SHACL path as a SPARQL property path: predicates and inverse paths only."""
    if isinstance(path, URIRef):
        return f"<{path}>"
    inverse = g.value(path, SH.inversePath) if path is not None else None
    if isinstance(inverse, URIRef):
        return f"^<{inverse}>"
    return None


def _term(node: Node) -> str:
    return node.n3()  # type: ignore[attr-defined,no-any-return]


def value_violations(g: Graph, shape: Node, var: str) -> list[str] | None:
    """FILTER expressions true when ``var`` violates a value-level constraint of
    ``shape`` (None when a constraint is not understood). Errors count as violations."""
    out: list[str] = []
    for p, o in g.predicate_objects(shape):
        if p in _NOT_CONSTRAINTS or p in (SH.property, SH.sparql, SH.target, *TARGETS):
            continue
        if p in (SH.minCount, SH.maxCount, SH.uniqueLang, SH.lessThan, SH.lessThanOrEquals):
            continue  # handled by the property shape, not per value
        if p in (SH.hasValue, SH.qualifiedValueShape):
            continue
        expr = _value_expression(g, p, o, var)
        if expr is None:
            return None
        out.append(expr)
    return out


def _value_expression(g: Graph, p: Node, o: Node, var: str) -> str | None:
    if p == SH["class"]:
        return f"NOT EXISTS {{ {var} {_SUBCLASS} {_term(o)} }}"
    if p == SH.datatype:
        return f"(!isLiteral({var}) || DATATYPE({var}) != {_term(o)})"
    if p == SH.nodeKind:
        test = {
            SH.IRI: f"isIRI({var})",
            SH.Literal: f"isLiteral({var})",
            SH.BlankNode: f"isBlank({var})",
            SH.BlankNodeOrIRI: f"(isIRI({var}) || isBlank({var}))",
            SH.IRIOrLiteral: f"(isIRI({var}) || isLiteral({var}))",
            SH.BlankNodeOrLiteral: f"(isBlank({var}) || isLiteral({var}))",
        }.get(o)  # type: ignore[call-overload]
        return f"!{test}" if test else None
    if p == SH["in"]:
        members = ", ".join(_term(m) for m in Collection(g, o))
        return f"{var} NOT IN ({members})"
    if p == SH.pattern:
        # sh:flags are ignored: only "i" is in use in practice, and without it the test
        # is stricter, which selects more candidates, never fewer.
        return f"!COALESCE(REGEX(STR({var}), {Literal(str(o)).n3()}), false)"
    if p in (SH.minLength, SH.maxLength):
        op = ">=" if p == SH.minLength else "<="
        return f"(isBlank({var}) || !COALESCE(STRLEN(STR({var})) {op} {int(o)}, false))"  # type: ignore[call-overload]
    ops: dict[Node, str] = {
        SH.minInclusive: ">=",
        SH.maxInclusive: "<=",
        SH.minExclusive: ">",
        SH.maxExclusive: "<",
    }
    if p in ops:
        return f"!COALESCE({var} {ops[p]} {_term(o)}, false)"
    if p == SH["or"]:
        alternatives = []
        for member in Collection(g, o):
            inner = value_violations(g, member, var)
            if inner is None:
                return None
            alternatives.append("(" + (" || ".join(inner) or "false") + ")")
        return "(" + " && ".join(alternatives) + ")" if alternatives else "false"
    if p == SH.node:
        if list(g.objects(o, SH.property)) or list(g.objects(o, SH.sparql)):
            return None
        inner = value_violations(g, o, var)
        if inner is None:
            return None
        return "(" + (" || ".join(inner) or "false") + ")"
    return None


def property_candidates(g: Graph, prop: Node, new: _Vars, targets: list[str]) -> list[str] | None:
    """SPARQL group patterns binding ``?this`` to focus nodes that may violate the
    property shape ``prop`` (None: every target node may)."""
    path = _path(g, g.value(prop, SH.path))
    if path is None:
        return None
    scope = _union(targets)
    out: list[str] = []
    values = value_violations(g, prop, "?v")
    if values is None:
        return None
    if values:
        v = new()
        exprs = " || ".join(e.replace("?v", v) for e in values)
        out.append(f"?this {path} {v} . FILTER({exprs})")
    low = g.value(prop, SH.minCount)
    if low is not None and int(low) > 0:  # type: ignore[call-overload]
        v = new()
        if int(low) == 1:  # type: ignore[call-overload]
            out.append(f"FILTER NOT EXISTS {{ ?this {path} {v} . }}")
        else:
            out.append(
                f"{{ SELECT ?this WHERE {{ {scope} OPTIONAL {{ ?this {path} {v} }} }}"
                f" GROUP BY ?this HAVING (COUNT(DISTINCT {v}) < {int(low)}) }}"  # type: ignore[call-overload]
            )
    high = g.value(prop, SH.maxCount)
    if high is not None:
        v = new()
        out.append(
            f"{{ SELECT ?this WHERE {{ ?this {path} {v} }} GROUP BY ?this"
            f" HAVING (COUNT(DISTINCT {v}) > {int(high)}) }}"  # type: ignore[call-overload]
        )
    has_value = g.value(prop, SH.hasValue)
    if has_value is not None:
        out.append(f"FILTER NOT EXISTS {{ ?this {path} {_term(has_value)} }}")
    if g.value(prop, SH.uniqueLang) == Literal(True):
        a, b = new(), new()
        out.append(
            f"?this {path} {a} , {b} . FILTER({a} != {b} && LANG({a}) != '' "
            f"&& LANG({a}) = LANG({b}))"
        )
    for param, op in ((SH.lessThan, "<"), (SH.lessThanOrEquals, "<=")):
        other = g.value(prop, param)
        if other is not None:
            a, b = new(), new()
            out.append(
                f"?this {path} {a} . ?this <{other}> {b} . FILTER(!COALESCE({a} {op} {b}, false))"
            )
    qualified = g.value(prop, SH.qualifiedValueShape)
    if qualified is not None:
        inner = value_violations(g, qualified, "?q")
        if inner is None or not inner:
            return None
        conforms = "!(" + " || ".join(inner) + ")"
        qmin, qmax = g.value(prop, SH.qualifiedMinCount), g.value(prop, SH.qualifiedMaxCount)
        if qmin is not None and int(qmin) > 0:  # type: ignore[call-overload]
            v = new()
            test = conforms.replace("?q", v)
            out.append(
                f"{{ SELECT ?this WHERE {{ {scope} OPTIONAL {{ ?this {path} {v} "
                f"FILTER({test}) }} }} GROUP BY ?this "
                f"HAVING (COUNT(DISTINCT {v}) < {int(qmin)}) }}"  # type: ignore[call-overload]
            )
        if qmax is not None:
            v = new()
            test = conforms.replace("?q", v)
            out.append(
                f"{{ SELECT ?this WHERE {{ ?this {path} {v} FILTER({test}) }} GROUP BY ?this "
                f"HAVING (COUNT(DISTINCT {v}) > {int(qmax)}) }}"  # type: ignore[call-overload]
            )
    return out


def target_patterns(g: Graph, shape: Node) -> list[str]:
    """SPARQL patterns binding ``?this`` to the shape's declared targets (SHACL §2.1.3)."""
    out = []
    for cls in g.objects(shape, SH.targetClass):
        out.append(f"?this {_SUBCLASS} {_term(cls)} .")
    for node in g.objects(shape, SH.targetNode):
        out.append(f"VALUES ?this {{ {_term(node)} }}")
    for p in g.objects(shape, SH.targetSubjectsOf):
        out.append(f"?this {_term(p)} ?anyTargetObject .")
    for p in g.objects(shape, SH.targetObjectsOf):
        out.append(f"?anyTargetSubject {_term(p)} ?this .")
    return out


def _union(patterns: list[str]) -> str:
    return " UNION ".join("{ " + p + " }" for p in patterns)


def _select(targets: list[str], candidates: list[str] | None) -> str:
    """Each candidate pattern is joined with the targets inside its own group, so that a
    FILTER of the candidate sees ``?this`` bound (SPARQL 1.1 §18.2.2: a FILTER applies
    to the group it is in)."""
    scope = _union(targets)
    if candidates is None:
        return f"SELECT DISTINCT ?this WHERE {{ {scope} }}"
    if not candidates:
        return "SELECT ?this WHERE { FILTER(false) }"
    where = " UNION ".join(f"{{ {scope} {c} }}" for c in candidates)
    return f"SELECT DISTINCT ?this WHERE {{ {where} }}"


def _target(out: Graph, shape: Node, select: str, prefixes: set[Node], name: str) -> None:
    target = BNode(name)
    out.add((shape, SH.target, target))
    out.add((target, RDF.type, SH.SPARQLTarget))
    for p in prefixes:
        out.add((target, SH.prefixes, p))
    out.add((target, SH.select, Literal(select)))


def _targeted_shapes(g: Graph) -> Iterator[Node]:
    seen = set()
    for t in TARGETS:
        for shape in g.subjects(t, None):
            if shape not in seen:
                seen.add(shape)
                yield shape


def plan(shapes: Graph, *, closed: bool = False) -> Graph:
    """The planned shapes graph: each property shape, each shape's node-level
    constraints and each shape's SPARQL constraints become a node shape of their own,
    targeted at candidate nodes by a ``sh:SPARQLTarget`` (SHACL-AF §5.1).

    With ``closed=True`` the candidate queries test class membership with ``rdf:type``
    alone, which is correct only for data whose types are closed under
    ``rdfs:subClassOf``; pyshacl still judges the candidates with the full rule.
    """
    planned = _plan(shapes)
    if closed:
        for target, select in list(planned.subject_objects(SH.select)):
            if (target, RDF.type, SH.SPARQLTarget) in planned:
                planned.set((target, SH.select, Literal(str(select).replace(_SUBCLASS, _TYPE))))
    return planned


def _plan(shapes: Graph) -> Graph:
    out = _copy(shapes)
    new = _Vars()
    for n, shape in enumerate(sorted(_targeted_shapes(shapes), key=str)):
        targets = target_patterns(shapes, shape)
        for t in TARGETS:
            out.remove((shape, t, None))
        for m, prop in enumerate(sorted(shapes.objects(shape, SH.property), key=str)):
            out.remove((shape, SH.property, prop))
            holder = URIRef(f"{shape}/planned/{m}")
            out.add((holder, RDF.type, SH.NodeShape))
            out.add((holder, SH.property, prop))
            candidates = property_candidates(shapes, prop, new, targets)
            _target(out, holder, _select(targets, candidates), set(), f"plan-{n}-{m}")
        queries = [
            str(shapes.value(c, SH.select))
            for c in shapes.objects(shape, SH.sparql)
            if shapes.value(c, SH.select) is not None
        ]
        node_level = any(shapes.value(shape, p) is not None for p in NODE_PARAMETERS)
        if not queries and not node_level:
            continue
        values = value_violations(shapes, shape, "?this") if node_level else []
        node_candidates = None if values is None else [f"FILTER({v})" for v in values]
        if node_candidates is not None:
            node_candidates += ["{ " + q.strip() + " }" for q in queries]
        prefixes = {
            p for c in shapes.objects(shape, SH.sparql) for p in shapes.objects(c, SH.prefixes)
        }
        _target(out, shape, _select(targets, node_candidates), prefixes, f"plan-{n}")
    return out


def inline_vocabularies(shapes: Graph, vocabulary: Graph) -> Graph:
    """Replace ``sh:node V``, where the value shape ``V`` requires ``skos:inScheme S``,
    by ``sh:in`` with the concepts of ``S`` (read from the ontology once): the same
    check without one nested shape evaluation per value."""
    out = _copy(shapes)
    schemes: dict[Node, Node] = {}
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        for prop in shapes.objects(shape, SH.property):
            if shapes.value(prop, SH.path) == SKOS.inScheme:
                scheme = shapes.value(prop, SH.hasValue)
                if scheme is not None:
                    schemes[shape] = scheme
    for prop, value_shape in list(shapes.subject_objects(SH.node)):
        scheme = schemes.get(value_shape)
        if scheme is None:
            continue
        head = BNode()
        Collection(out, head, sorted(vocabulary.subjects(SKOS.inScheme, scheme), key=str))
        out.remove((prop, SH.node, value_shape))
        out.add((prop, SH["in"], head))
    return out


__all__ = ["inline_vocabularies", "plan", "property_candidates", "target_patterns"]
