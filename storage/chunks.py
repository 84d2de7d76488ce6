"""Cutting an import file into chunks at record boundaries (bounded memory for any file size).

Byte-level only: the CSV parsing itself is :func:`importing.parse_demand_csv`,
applied to ``header + body`` of each chunk by :mod:`storage.bulk`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import numpy as np

from domain import ValidationError

IMPORT_CHUNK_BYTES = 4 * 1024 * 1024  # ~190,000 rows: peak memory follows the chunk, not the file
_QUOTE, _NEWLINE = ord('"'), ord("\n")

Chunk = tuple[bytes, bytes, int, bool]  # header, body, bytes consumed so far, is_last


def open_source(source: Any) -> tuple[IO[bytes], int | None, bool]:
    """(binary stream, size in bytes if known, whether we opened it and must close it)."""
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        return io.BytesIO(data), len(data), True
    if isinstance(source, str | Path):
        path = Path(source)
        return path.open("rb"), path.stat().st_size, True
    if hasattr(source, "read"):
        size = getattr(source, "size", None)
        probe = source.read(0)
        if isinstance(probe, str):  # a text file: encode it (small files only in practice)
            data = source.read().encode("utf-8")
            return io.BytesIO(data), len(data), True
        if size is None and hasattr(source, "seek") and hasattr(source, "tell"):
            try:
                here = source.tell()
                size = source.seek(0, io.SEEK_END) - here
                source.seek(here)
            except (OSError, ValueError):
                size = None
        return source, size, False
    raise ValidationError(
        f"import source must be a path, a file object or bytes, got {type(source).__name__}"
    )


def record_end(buffer: bytes, *, first: bool = False) -> int:
    """Index just after the last (or ``first``) line break of ``buffer`` outside quotes; 0: none.

    ``buffer`` starts at a record boundary, so a line break ends a record when
    the number of quote characters before it is even (``""`` escapes count 2).

    >>> record_end(b'a,"x\\ny"\\nb\\nc')
    10
    >>> record_end(b'a,"x\\ny"\\nb', first=True)
    8
    """
    found = buffer.find(b"\n") if first else buffer.rfind(b"\n")
    if found < 0:
        return 0
    if b'"' not in (buffer[:found] if first else buffer):
        return found + 1
    raw = np.frombuffer(buffer, dtype=np.uint8)
    # uint8 cumsum wraps at 256, which keeps the parity we need, in one byte per char.
    odd = np.cumsum(raw == _QUOTE, dtype=np.uint8) & 1
    breaks = np.flatnonzero(raw == _NEWLINE)
    outside = breaks[odd[breaks] == 0]
    if not len(outside):
        return 0
    return int(outside[0 if first else -1]) + 1


def chunks(stream: IO[bytes], chunk_bytes: int) -> Iterator[Chunk]:
    """(header, body, bytes consumed so far, is_last) with bodies cut at record boundaries."""
    buffer = b""
    header = b""
    consumed = 0
    eof = False
    pending: tuple[bytes, int] | None = None
    while True:
        while not eof and len(buffer) < chunk_bytes:
            block = stream.read(chunk_bytes)
            if not block:
                eof = True
            buffer += block
        if not header:
            cut = record_end(buffer, first=True)
            if cut == 0 and not eof:
                chunk_bytes *= 2  # a header longer than a chunk: read on
                continue
            cut = cut or len(buffer)
            header, buffer = buffer[:cut], buffer[cut:]
            consumed += cut
            if not header.endswith(b"\n"):
                header += b"\n"
        if eof:
            cut = len(buffer)
        else:
            cut = record_end(buffer)
            if cut == 0:  # one record longer than a chunk: read more
                chunk_bytes *= 2
                continue
        body, buffer = buffer[:cut], buffer[cut:]
        consumed += cut
        if pending is not None:
            yield header, pending[0], pending[1], False
        pending = (body, consumed)
        if eof and not buffer:
            yield header, pending[0], pending[1], True
            return


def records_in(body: bytes) -> int:
    """CSV records in ``body`` (blank ones included), as the parser numbers rows.

    >>> records_in(b'a\\n"b\\nc"\\n')
    2
    """
    if not body:
        return 0
    lines = body.count(b"\n") + (0 if body.endswith(b"\n") else 1)
    if b'"' not in body:
        return lines
    try:
        return sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    except (UnicodeDecodeError, csv.Error):
        return lines
