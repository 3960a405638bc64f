"""Inspect a SPARQL query or update before anything evaluates it.

pyoxigraph, rdflib and oxrdflib all execute ``SERVICE`` by making an outbound HTTP
request, and pyoxigraph's HTTP client bypasses Python's sockets (DESIGN §11), so a
refused feature must be caught *before* the query reaches an engine. This module
tokenises the text with the terminals of the SPARQL 1.1 grammar (SPARQL 1.1 Query §19.8:
IRIREF, the four string literal forms, VAR1/VAR2, prefixed names, blank node labels,
LANGTAG, comments). Only a bare keyword token can be the ``SERVICE`` or ``LOAD`` keyword;
the same letters inside an IRI, a string, a comment, a variable (``?service``) or a
prefixed name (``ex:service``) are other tokens and are not refused. The scan is linear
in the length of the text, so it is safe on hostile input of any size.

It also finds the query form (SELECT / ASK / CONSTRUCT / DESCRIBE), which content
negotiation needs before the query runs, and bounds the nesting depth of brackets:
a query nested 10,000 groups deep crashes pyoxigraph's recursive parser with a
segmentation fault.

>>> inspect_query("PREFIX s: <http://schema.org/> SELECT ?service WHERE { ?x s:service ?service }")
QueryInfo(form='SELECT', depth=1)
>>> inspect_query('SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }')
Traceback (most recent call last):
...
kg.errors.QueryError: SERVICE (federated query) is not allowed on this endpoint: ...
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from kg.errors import QueryError

#: Query forms (SPARQL 1.1 Query §16).
QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
#: Keywords that start an update operation (SPARQL 1.1 Update §3).
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
#: Default largest nesting depth of ``{`` ``(`` ``[`` (setting ``KG_MAX_QUERY_DEPTH``).
DEFAULT_MAX_DEPTH = 64

_PN_CHARS = r"\w\-\u00B7\u0300-\u036F\u203F-\u2040"
_TOKEN = re.compile(
    "|".join(
        (
            r"(?P<ws>\s+)",
            r"(?P<comment>\#[^\n\r]*)",
            r"(?P<iri><[^<>\"{}|^`\\\x00-\x20]*>)",
            # string literals as "unrolled loops", linear without backtracking
            r"(?P<str>'''[^'\\]*(?:(?:\\.|'{1,2}(?!'))[^'\\]*)*'''"
            r'|"""[^"\\]*(?:(?:\\.|"{1,2}(?!"))[^"\\]*)*"""'
            r"|'[^'\\\n\r]*(?:\\.[^'\\\n\r]*)*'"
            r'|"[^"\\\n\r]*(?:\\.[^"\\\n\r]*)*")',
            r"(?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)",
            r"(?P<lang>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)",
            r"(?P<pname>(?:[" + _PN_CHARS + r"][" + _PN_CHARS + r".]*)?:"
            r"(?:[" + _PN_CHARS + r".:%]|\\[_~.\-!$&'()*+,;=/?#@%])*)",
            r"(?P<word>[A-Za-z_][A-Za-z0-9_]*)",
            r"(?P<open>[{(\[])",
            r"(?P<close>[})\]])",
            r"(?P<other>.)",
        )
    ),
    re.DOTALL,
)


@dataclass(frozen=True)
class QueryInfo:
    """What inspection learned: the query form and the deepest bracket nesting."""

    form: str
    depth: int


def tokens(text: str) -> Iterator[tuple[str, str]]:
    """The (kind, text) tokens of a SPARQL text, whitespace and comments dropped.

    >>> [kind for kind, _ in tokens('ASK { <urn:x#SERVICE> ?p "LOAD" } # SERVICE')]
    ['word', 'open', 'iri', 'var', 'str', 'close']
    """
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("ws", "comment"):
            yield kind, match.group()


def declares_dataset(text: str) -> bool:
    """True when the query has its own FROM / FROM NAMED clause (SPARQL 1.1 Query §13.2),
    so the store must not replace its dataset with the union of all graphs.

    >>> declares_dataset("SELECT * FROM <urn:g> WHERE { ?s ?p ?o }")
    True
    >>> declares_dataset("SELECT * WHERE { ?s <urn:from> 'FROM' }")
    False
    """
    depth = 0
    for kind, tok in tokens(text):
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth = max(depth - 1, 0)
        elif kind == "word" and depth == 0 and tok.upper() == "FROM":
            return True
    return False


_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def unescape_codepoints(text: str) -> str:
    """Apply the codepoint escapes of SPARQL 1.1 Query §19.2 to the whole text.

    >>> unescape_codepoints(r"\\u0053ERVICE")
    'SERVICE'
    """

    def one(m: re.Match[str]) -> str:
        try:
            return chr(int(m.group(1) or m.group(2), 16))
        except ValueError:
            return m.group()

    return _CODEPOINT_ESCAPE.sub(one, text)


def _scan(text: str, max_depth: int, *, allow_update: bool) -> tuple[str | None, int]:
    """Refuse SERVICE and LOAD; return the first form keyword at depth 0 and the depth.

    §19.2 says codepoint escapes apply before parsing, so a text containing them is
    scanned both as written and unescaped, and refused if either reading is.
    """
    if _CODEPOINT_ESCAPE.search(text):
        _scan_one(unescape_codepoints(text), max_depth, allow_update=allow_update)
    return _scan_one(text, max_depth, allow_update=allow_update)


def _scan_one(text: str, max_depth: int, *, allow_update: bool) -> tuple[str | None, int]:
    depth = deepest = 0
    first: str | None = None
    for kind, tok in tokens(text):
        if kind == "open":
            depth += 1
            if depth > max_depth:
                raise QueryError(
                    f"the query nests brackets more than {max_depth} deep "
                    "(limit KG_MAX_QUERY_DEPTH); flatten it"
                )
            deepest = max(deepest, depth)
        elif kind == "close":
            depth = max(depth - 1, 0)
        elif kind == "word":
            word = tok.upper()
            if word == "SERVICE":
                raise QueryError(
                    "SERVICE (federated query) is not allowed on this endpoint: "
                    "it would make the server contact another site"
                )
            if word == "LOAD":
                raise QueryError(
                    "LOAD is not allowed on this endpoint: it would make the server fetch a URL"
                )
            if first is None and depth == 0:
                if word in QUERY_FORMS or (allow_update and word in UPDATE_KEYWORDS):
                    first = word
                elif word in UPDATE_KEYWORDS:
                    raise QueryError(
                        f"{word} is SPARQL Update: /sparql answers queries only "
                        "(updates go to /update, with a token)"
                    )
    return first, deepest


def inspect_query(text: str, *, max_depth: int = DEFAULT_MAX_DEPTH) -> QueryInfo:
    """Check a query before evaluation; return its form, or raise :class:`QueryError`.

    >>> inspect_query("ask {}")
    QueryInfo(form='ASK', depth=1)
    >>> inspect_query("SELECT * { ?s <urn:p> 'LOAD <http://x/>' } # LOAD <http://x/>").form
    'SELECT'
    >>> inspect_query("CLEAR ALL")
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: CLEAR is SPARQL Update: /sparql answers queries only ...
    >>> inspect_query("SELEC ?x")
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: SPARQL syntax error: expected SELECT, ASK, CONSTRUCT or DESCRIBE ...
    >>> inspect_query("ASK " + "{" * 70 + "}" * 70)
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: the query nests brackets more than 64 deep (limit KG_MAX_QUERY_DEPTH); ...
    """
    form, depth = _scan(text, max_depth, allow_update=False)
    if form is None:
        raise QueryError(
            "SPARQL syntax error: expected SELECT, ASK, CONSTRUCT or DESCRIBE after the prologue"
        )
    return QueryInfo(form, depth)


def inspect_update(text: str, *, max_depth: int = DEFAULT_MAX_DEPTH) -> None:
    """Check a SPARQL Update before evaluation: LOAD and SERVICE are refused here too.

    >>> inspect_update("INSERT DATA { <urn:s> <urn:p> 'o' }")
    >>> inspect_update("LOAD <http://127.0.0.1:9/data.ttl>")
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: LOAD is not allowed on this endpoint: it would make the server fetch a URL
    """
    _scan(text, max_depth, allow_update=True)
