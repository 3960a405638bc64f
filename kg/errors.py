"""One exception hierarchy for kg. Every user-facing failure is a :class:`KgError`.

The web layer maps each class to one HTTP status (see ``kg.web.errors``); the CLI turns
them into ``click.ClickException`` with a one-line message.
"""

from __future__ import annotations


class KgError(Exception):
    """Base class: a failure that kg explains to its user."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ReaderError(KgError):
    """A source file could not be read as a record (empty, binary, truncated, unknown layout)."""


class ExtractionError(KgError):
    """A record was read but lacks what extraction needs (for example, a date)."""


class CitationError(KgError):
    """An archival citation string could not be parsed."""


class ValidationFailed(KgError):
    """A source's graphs violate the SHACL shapes; the report says why."""

    status = 422

    def __init__(self, message: str, report: object | None = None) -> None:
        super().__init__(message)
        self.report = report


class StoreError(KgError):
    """The store failed (disk, lock, remote server). Never the user's fault."""

    status = 500


class RemoteStoreError(StoreError):
    """The remote SPARQL server failed or answered with an error."""

    status = 502


class RemoteTimeout(StoreError):
    """The remote SPARQL server did not answer in time."""

    status = 504


class QueryError(KgError):
    """A SPARQL query or update is malformed or refused (SERVICE, LOAD, ...)."""


class QueryTimeout(KgError):
    """A query ran past the configured time limit and was stopped."""

    status = 503


class ResultTooLarge(KgError):
    """A result exceeded the configured row limit."""

    status = 413


class NotAcceptable(KgError):
    """Content negotiation found no representation the client accepts."""

    status = 406


class NotFound(KgError):
    """No such entity or resource."""

    status = 404
