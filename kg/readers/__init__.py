"""Readers turn a source file into a :class:`~kg.records.Record`.

:func:`read_source` picks the reader from the file's suffix and content: archive page
text (``.txt``), RIS (``.ris``, or text that starts with ``TY  - ``) and curated JSON
records (``.json``, schema ``kg-curated-record/1``).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from kg.errors import ReaderError
from kg.readers.curated import read_curated_record
from kg.readers.ris import read_ris_record
from kg.readers.text import read_text_record
from kg.records import Record

#: File suffixes that ``kg ingest`` treats as records (other files in a folder are skipped).
RECORD_SUFFIXES = {".txt", ".ris", ".json"}

_RIS_START = re.compile(r"^\s*TY  - ")


def source_id_for(path: Path) -> str:
    """A stable identifier for a source file, from its name.

    >>> source_id_for(Path("data/sources/000_433681a86fbd4be3.txt"))
    '000_433681a86fbd4be3'
    >>> source_id_for(Path("x/Some File (1).TXT"))
    'some-file-1'
    """
    stem = path.stem.lower()
    return re.sub(r"[^a-z0-9_]+", "-", stem).strip("-_") or "source"


def checksum_of(data: bytes) -> str:
    """``sha256:<hex>`` of some bytes.

    >>> checksum_of(b"")[:15]
    'sha256:e3b0c442'
    """
    return "sha256:" + hashlib.sha256(data).hexdigest()


def decode_text(data: bytes, path: Path) -> str:
    """Decode UTF-8 text, refusing empty and binary input with a one-line reason."""
    if not data.strip():
        raise ReaderError(f"{path}: the file is empty")
    if b"\x00" in data:
        raise ReaderError(f"{path}: the file is binary (it contains NUL bytes), not a text record")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReaderError(
            f"{path}: the file is not UTF-8 text (byte {exc.start} cannot be decoded)"
        ) from None
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(8, len(text) // 100):
        raise ReaderError(f"{path}: the file looks binary ({controls} control characters)")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_source(path: str | Path) -> Record:
    """Read one source file into a Record, or raise :class:`ReaderError`."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ReaderError(f"{p}: cannot read the file ({exc.strerror})") from None
    text = decode_text(data, p)
    args = {"source_id": source_id_for(p), "path": str(p), "checksum": checksum_of(data)}
    suffix = p.suffix.lower()
    if suffix == ".json" or (suffix != ".ris" and text.lstrip().startswith("{")):
        return read_curated_record(text, **args)
    if suffix == ".ris" or _RIS_START.match(text):
        return read_ris_record(text, **args)
    return read_text_record(text, **args)
