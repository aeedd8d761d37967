"""Decode corpus text files: UTF-8 (with or without BOM), GB18030/GBK, Big5, UTF-16 with BOM.

Chinese survey exports from Excel/WPS are very often GBK, and GBK is a subset of GB18030, so the
order is: BOM -> strict UTF-8 -> strict GB18030 -> reject. Strict UTF-8 first matters: almost
any byte string decodes as GB18030, but valid UTF-8 multibyte text is very unlikely to be
accidental. The BOM is never part of the decoded text (offsets must not count it).

Almost any byte string also decodes as GB18030, so a GB18030 reading is checked: real GBK text
is nearly all common (GB2312) characters, while Big5 (Taiwan, Hong Kong) or Shift-JIS read as
GB18030 is a soup of rare ones (issue #17: Big5 files were garbage, silently). Such a file is
read as Big5 when Big5 reads it as common (level-1) characters, else rejected with the reason;
`encoding:` in manifest.yaml overrides the guess either way.
"""
from __future__ import annotations

import codecs
from pathlib import Path

from qualmine.corpus.errors import Rejected

UNREADABLE = "unreadable encoding: not UTF-8 or GB18030"
# A GB18030 reading with fewer common characters than this is not trusted (GBK text: ~0.98-1.0;
# Big5 read as GB18030: ~0.3; Shift-JIS: ~0).
MIN_COMMON_SHARE = 0.9
MIN_PLAUSIBLE_SHARE = 0.5   # ...and one below this is rejected unless Big5 reads it well
UTF16_NO_BOM = ("UTF-16 text without a byte-order mark: re-save it as UTF-8, or set `encoding: utf-16-le` "
                "(or utf-16-be) for it in manifest.yaml")
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

    With `encoding` (a manifest override) only that codec is tried (strictly; with UTF-8 a BOM
    is still dropped, other codecs read its bytes as they read any). Raises `Rejected` for empty, binary or undecodable input.
    """
    if not data.strip():
        raise Rejected(EMPTY)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and encoding is None:
        # Excel's "Unicode text" export; checked before the NUL test because UTF-16 is full of NULs.
        try:
            return _non_empty(data.decode("utf-16")), "utf-16"
        except UnicodeDecodeError:
            raise Rejected(UNREADABLE) from None
    codec = _override_codec(encoding) if encoding is not None else None
    # UTF-16/32 text is full of NULs: an override naming one is what UTF16_NO_BOM asks for, so the
    # binary test must not turn it down with the same advice.
    wide = codec is not None and codec.startswith(("utf-16", "utf-32"))
    if not wide and looks_binary(data):
        raise Rejected(UTF16_NO_BOM if _utf16_without_bom(data) else BINARY)
    if codec is not None:
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
    try:
        return _non_empty(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = _non_empty(data.decode("gb18030"))
    except UnicodeDecodeError:
        raise Rejected(UNREADABLE) from None
    gb_share = _common_share(text, _in_gb2312)
    if gb_share >= MIN_COMMON_SHARE:
        return text, "gb18030"
    try:
        big5 = _non_empty(data.decode("big5"))
    except UnicodeDecodeError:
        big5 = None
    if big5 is not None and _common_share(big5, _in_big5_level1) >= max(MIN_COMMON_SHARE, gb_share):
        return big5, "big5"
    if gb_share >= MIN_PLAUSIBLE_SHARE:   # a few rare characters (names, €, 𠀀) in real GB18030 text
        return text, "gb18030"
    raise Rejected(f"unreadable encoding: not UTF-8; read as GB18030 only {gb_share:.0%} of its characters are "
                   "common Chinese ones, and it is not Big5 either (another legacy encoding such as Shift-JIS?): "
                   "re-save it as UTF-8, or set `encoding:` for it in manifest.yaml")


def _override_codec(encoding: str) -> str:
    """The codec a manifest `encoding:` names; Rejected when it is unknown or not a text encoding
    (zlib, hex, rot13 turn bytes into bytes: decoding with them raises LookupError)."""
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        raise Rejected(f"unknown encoding {encoding!r}") from None
    if not info._is_text_encoding:
        raise Rejected(f"unknown encoding {encoding!r}: not a text encoding") from None
    return info.name


def read_text(path: Path, encoding: str | None = None) -> tuple[str, str]:
    """Read and decode a text file; see `decode_bytes`."""
    return decode_bytes(path.read_bytes(), encoding)


def _common_share(text: str, common) -> float:
    chars = [ch for ch in text if ord(ch) > 0x7F and not ch.isspace()]
    return sum(1 for ch in chars if common(ch)) / len(chars) if chars else 1.0


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


def _in_big5_level1(ch: str) -> bool:
    # Big5 symbols (0xA1-0xA3) and the 5,401 frequent characters (0xA440-0xC67E)
    try:
        code = ch.encode("big5")
    except UnicodeEncodeError:
        return False
    return len(code) == 2 and 0xA1 <= code[0] <= 0xC6


def _utf16_without_bom(data: bytes) -> bool:
    """Mostly ASCII or CJK text with every other byte NUL: UTF-16 that lost its byte-order mark."""
    sample = data[:8192]
    sample = sample[: len(sample) // 2 * 2]
    if len(sample) < 8:
        return False
    # Binary read as UTF-16 is mostly unprintable; text has line breaks, spaces or Chinese punctuation.
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = sample.decode(codec)
        except UnicodeDecodeError:
            continue
        readable = sum(ch.isprintable() or ch.isspace() for ch in text) / len(text) if text else 0.0
        if readable > 0.95 and any(mark in text for mark in ("\n", " ", "，", "。", "：")):
            return True
    return False


def _non_empty(text: str) -> str:
    # A file holding only a BOM or whitespace is as empty as a zero-byte one.
    if not text.strip():
        raise Rejected(EMPTY)
    return text
