"""Reader for curated records: JSON documents in the versioned schema
``kg-curated-record/1`` (documented in ``docs/curated-json.md``).

A curated record carries the facts of the ``kg extract --json`` contract directly, for a
document without text or to correct what extraction got wrong. The reader checks the
shape strictly: an unknown key, a wrong type or a missing required field is a
:class:`~kg.errors.ReaderError` naming the file and the JSON path.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from kg.errors import ReaderError
from kg.records import Record

SCHEMA = "kg-curated-record/1"

_STR, _INT, _LIST, _OBJ = "string", "integer", "list", "object"
_DOCUMENT = {
    "title": _STR,
    "date": _STR,
    "type": _STR,
    "language": _STR,
    "summary": _STR,
    "created": _STR,
    "registration_number": _STR,
    "copy_number": _INT,
    "number_of_copies": _INT,
}
_NAME = {"name": _STR, "uri": _STR}
_PARTICIPANT = {"name": _STR, "uri": _STR, "roles": _LIST, "side": _STR}
_MEETING = {
    "date": _STR,
    "place": _STR,
    "label": _STR,
    "type": _STR,
    "recorded": "boolean",
    "status": _STR,
    "previous_date": _STR,
    "convened_by": _STR,
    "participants": _LIST,
}
_RESOLUTION = {
    "label": _STR,
    "status": _STR,
    "body": _STR,
    "date": _STR,
    "concerns": _LIST,
    "amends": _STR,
    "proposed_by": _STR,
}
TOP = {
    "schema": _STR,
    "document": _OBJ,
    "text": _STR,
    "citation": _STR,
    "rights": _STR,
    "url": _STR,
    "translators": _LIST,
    "contributors": _LIST,
    "recorded_by": _LIST,
    "typed_by": _LIST,
    "distribution": _LIST,
    "meetings": _LIST,
    "resolutions": _LIST,
    "persons_mentioned": _LIST,
    "organizations": _LIST,
    "places": _LIST,
}
_PY = {_STR: str, _INT: int, _LIST: list, _OBJ: dict, "boolean": bool}
STATUSES = ("proposed", "draft", "adopted", "published", "revoked")
DOCUMENT_TYPES = (
    "minutes",
    "telegram",
    "memorandumOfConversation",
    "report",
    "letter",
    "resolution",
    "notes",
)
MEETING_TYPES = (
    "plenum",
    "presidiumMeeting",
    "commissionMeeting",
    "bilateralMeeting",
    "multilateralMeeting",
    "explanatoryWork",
)
MEETING_STATUSES = ("held", "planned", "postponed", "rescheduled", "cancelled")
ROLES = (
    "attendee",
    "host",
    "chair",
    "speaker",
    "interpreter",
    "recorder",
    "delegationMember",
)


def _check(obj: Any, spec: Mapping[str, str], where: str, path: str) -> None:
    if not isinstance(obj, dict):
        raise ReaderError(f"{path}: {where} must be a JSON object")
    for key, value in obj.items():
        if key not in spec:
            allowed = ", ".join(sorted(spec))
            raise ReaderError(f"{path}: unknown key {where}.{key} (allowed: {allowed})")
        want = spec[key]
        if value is None:
            continue
        ok = isinstance(value, _PY[want]) and not (want == _INT and isinstance(value, bool))
        if not ok:
            raise ReaderError(f"{path}: {where}.{key} must be a {want}")


def _one_of(value: Any, allowed: tuple[str, ...], where: str, path: str) -> None:
    if value is not None and value not in allowed:
        raise ReaderError(f"{path}: {where} must be one of {', '.join(allowed)} (got {value!r})")


def _names(items: list[Any], where: str, path: str) -> None:
    for n, item in enumerate(items):
        if isinstance(item, str):
            continue
        _check(item, _NAME, f"{where}[{n}]", path)
        if not isinstance(item.get("name"), str):
            raise ReaderError(f"{path}: {where}[{n}].name is required")


def validate_curated(data: Any, path: str) -> dict[str, Any]:
    """Check a parsed curated record against ``kg-curated-record/1``; return it."""
    if not isinstance(data, dict):
        raise ReaderError(f"{path}: a curated record must be a JSON object")
    if data.get("schema") != SCHEMA:
        found = data.get("schema")
        raise ReaderError(
            f'{path}: not a curated record: "schema" must be {SCHEMA!r}'
            + (f" (found {found!r})" if found is not None else "")
        )
    _check(data, TOP, "$", path)
    document = data.get("document")
    if not isinstance(document, dict):
        raise ReaderError(f"{path}: $.document is required")
    _check(document, _DOCUMENT, "$.document", path)
    if not document.get("title"):
        raise ReaderError(f"{path}: $.document.title is required")
    _one_of(document.get("type"), DOCUMENT_TYPES, "$.document.type", path)
    for key in ("translators", "contributors", "recorded_by", "typed_by", "distribution"):
        _names(data.get(key) or [], f"$.{key}", path)
    for key in ("persons_mentioned", "organizations", "places"):
        _names(data.get(key) or [], f"$.{key}", path)
    for n, meeting in enumerate(data.get("meetings") or []):
        _check(meeting, _MEETING, f"$.meetings[{n}]", path)
        _one_of(meeting.get("type"), MEETING_TYPES, f"$.meetings[{n}].type", path)
        _one_of(meeting.get("status"), MEETING_STATUSES, f"$.meetings[{n}].status", path)
        for k, p in enumerate(meeting.get("participants") or []):
            where = f"$.meetings[{n}].participants[{k}]"
            if isinstance(p, str):
                continue
            _check(p, _PARTICIPANT, where, path)
            if not isinstance(p.get("name"), str):
                raise ReaderError(f"{path}: {where}.name is required")
            bad = [r for r in p.get("roles") or [] if r not in ROLES]
            if bad:
                raise ReaderError(f"{path}: {where}.roles: unknown role {bad[0]!r}")
    for n, res in enumerate(data.get("resolutions") or []):
        where = f"$.resolutions[{n}]"
        _check(res, _RESOLUTION, where, path)
        if not res.get("label"):
            raise ReaderError(f"{path}: {where}.label is required")
        if res.get("status") not in STATUSES:
            raise ReaderError(f"{path}: {where}.status must be one of {', '.join(STATUSES)}")
    return data


def read_curated_record(text: str, *, source_id: str, path: str, checksum: str) -> Record:
    """Read a curated JSON record into a :class:`Record` whose ``curated`` holds the facts."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReaderError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    data = validate_curated(data, path)
    document = data["document"]
    return Record(
        source_id=source_id,
        path=path,
        checksum=checksum,
        media_type="application/json",
        text=data.get("text") or "",
        title=" ".join(document["title"].split()),
        date=document.get("date"),
        summary=document.get("summary"),
        citation=data.get("citation"),
        rights=data.get("rights"),
        language=document.get("language"),
        url=data.get("url"),
        curated=data,
    )
