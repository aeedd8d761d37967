"""Decode corpus text files: UTF-8 (with or without BOM), GB18030/GBK, UTF-16 with BOM.

Chinese survey exports from Excel/WPS are very often GBK, and GBK is a subset of GB18030, so the
order is: BOM -> strict UTF-8 -> strict GB18030 -> reject. Strict UTF-8 first matters: almost
any byte string decodes as GB18030, but valid UTF-8 multibyte text is very unlikely to be
accidental. The BOM is never part of the decoded text (offsets must not count it).
"""
from __future__ import annotations

import codecs
from pathlib import Path

from qualmine.corpus.errors import Rejected

UNREADABLE = "unreadable encoding: not UTF-8 or GB18030"
BINARY = "binary file"
EMPTY = "empty file"

# C0 control characters that plain text never contains. Tab, LF, FF, CR, Ctrl-Z (old DOS
# end-of-file) and ESC are allowed, as they do turn up in real exports.
_CONTROL = set(range(0x00, 0x09)) | {0x0B} | set(range(0x0E, 0x1A)) | set(range(0x1C, 0x20))


def looks_binary(data: bytes) -> bool:
    """True if the bytes contain NUL or many C0 control characters (so: not a text file)."""
    if b"\x00" in data:
        return True
    sample = data[:8192]
    controls = sum(1 for b in sample if b in _CONTROL)
    return controls > max(2, len(sample) // 100)


def decode_bytes(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Decode file bytes, returning (text, encoding used).

    With `encoding` (a manifest override) only that codec is tried (strictly; a UTF-8 BOM is
    still dropped). Raises `Rejected` for empty, binary or undecodable input.
    """
    if not data.strip():
        raise Rejected(EMPTY)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and encoding is None:
        # Excel's "Unicode text" export; checked before the NUL test because UTF-16 is full of NULs.
        try:
            return _non_empty(data.decode("utf-16")), "utf-16"
        except UnicodeDecodeError:
            raise Rejected(UNREADABLE) from None
    if looks_binary(data):
        raise Rejected(BINARY)
    if encoding is not None:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise Rejected(f"unknown encoding {encoding!r}") from None
        if codec == "utf-8" and data.startswith(codecs.BOM_UTF8):
            codec = "utf-8-sig"
        try:
            return _non_empty(data.decode(codec)), codec
        except UnicodeDecodeError as exc:
            raise Rejected(f"unreadable encoding: not valid {encoding} (byte {exc.start})") from None
    if data.startswith(codecs.BOM_UTF8):
        try:
            return _non_empty(data.decode("utf-8-sig")), "utf-8-sig"
        except UnicodeDecodeError:
            raise Rejected(UNREADABLE) from None
    for codec in ("utf-8", "gb18030"):
        try:
            return _non_empty(data.decode(codec)), codec
        except UnicodeDecodeError:
            continue
    raise Rejected(UNREADABLE)


def read_text(path: Path, encoding: str | None = None) -> tuple[str, str]:
    """Read and decode a text file; see `decode_bytes`."""
    return decode_bytes(path.read_bytes(), encoding)


def _non_empty(text: str) -> str:
    # A file holding only a BOM or whitespace is as empty as a zero-byte one.
    if not text.strip():
        raise Rejected(EMPTY)
    return text
