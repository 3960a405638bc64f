"""The SHACL gate (DESIGN §7): each source's graphs, with the ontology and the authority
data they reference, are validated before anything of that source is stored.

Shapes and ontology are parsed once per :class:`Validator`, not per document.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyshacl import validate
from rdflib import Graph, Literal
from rdflib.namespace import SH

from kg.codegen import ONTOLOGY_DIR, ROOT
from kg.errors import ValidationFailed
from kg.mapping import MappedSource

SHAPES_DIR = ROOT / "shapes"


@dataclass(frozen=True)
class Finding:
    """One validation result."""

    severity: str  # Violation | Warning | Info
    focus: str
    path: str | None
    value: str | None
    message: str

    def line(self, source: str) -> str:
        """One readable line: severity, source, focus node, path, value and message."""
        parts = [f"{self.severity}: {source}: {self.focus}"]
        if self.path:
            parts.append(f"path {self.path}")
        if self.value:
            parts.append(f"value {self.value}")
        return ", ".join(parts) + f": {self.message}"


@dataclass(frozen=True)
class Report:
    """The findings for one source."""

    source: str
    findings: tuple[Finding, ...]

    @property
    def violations(self) -> tuple[Finding, ...]:
        """Findings of severity Violation."""
        return tuple(f for f in self.findings if f.severity == "Violation")

    @property
    def lines(self) -> list[str]:
        """Each finding as one line."""
        return [f.line(self.source) for f in self.findings]


def _short(node: object) -> str | None:
    if node is None:
        return None
    if isinstance(node, Literal):
        return repr(str(node))
    return str(node)


class Validator:
    """Validates mapped sources against ``shapes/`` with the ontology and authorities."""

    def __init__(self, shapes_dir: Path = SHAPES_DIR) -> None:
        self.shapes = Graph()
        for path in sorted(shapes_dir.glob("*.ttl")):
            self.shapes.parse(path, format="turtle")
        self.ontology = Graph()
        for path in sorted(ONTOLOGY_DIR.glob("*.ttl")):
            self.ontology.parse(path, format="turtle")

    def report(self, mapped: MappedSource, source: str, context: Graph | None = None) -> Report:
        """Validate one mapped source with the authority ``context``; never raises on
        findings."""
        data = Graph()
        for s, p, o, _ in mapped.dataset.quads((None, None, None, None)):
            data.add((s, p, o))
        if context is not None:
            data += context
        data += self.ontology
        _, results, _ = validate(
            data,
            shacl_graph=self.shapes,
            inference="none",
            allow_warnings=True,
            advanced=True,
        )
        findings = []
        for r in results.subjects(SH.focusNode, None):
            sev = results.value(r, SH.resultSeverity)
            findings.append(
                Finding(
                    severity=str(sev).rsplit("#", 1)[-1] if sev else "Violation",
                    focus=str(results.value(r, SH.focusNode)),
                    path=_short(results.value(r, SH.resultPath)),
                    value=_short(results.value(r, SH.value)),
                    message=str(results.value(r, SH.resultMessage) or "constraint not met"),
                )
            )
        findings.sort(key=lambda f: (f.severity != "Violation", f.focus, f.message))
        return Report(source, tuple(findings))

    def __call__(
        self, mapped: MappedSource, source: str = "", context: Graph | None = None
    ) -> tuple[str, ...]:
        """The ingest gate: raise :class:`ValidationFailed` on a violation, else return
        the warning lines."""
        report = self.report(mapped, source or mapped.source_id, context)
        if report.violations:
            raise ValidationFailed(
                f"{report.source}: rejected by the SHACL shapes "
                f"({len(report.violations)} violation(s))",
                report,
            )
        return tuple(report.lines)


__all__ = ["Finding", "Report", "Validator"]
