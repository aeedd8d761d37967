"""Finding and decoding a `.qdpx` project's source files the way real tools store them.

NVivo for Windows writes `Sources/`, NVivo for Mac, MAXQDA and QualCoder `sources/`; files may
start with a BOM (UTF-8 or UTF-16); some sources exist only as `.docx` (`richTextPath`), whose
text is extracted here. Nothing is extracted to disk: members are read by name.
"""
from __future__ import annotations

import io
import re
import zipfile

from qualmine.outputs.refi.common import RefiError

MAX_DOCX_INFLATED = 256 * 1024 * 1024   # a .docx inside the archive is a zip too: cap what it may inflate to
BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def source_member(names: list[str], ref: str) -> str | None:
    """The archive member an `internal://` path refers to: `Sources/<ref>` in any case of
    `sources`, else (rarely) the path itself at the archive's top."""
    wanted = ref.lstrip("/").replace("\\", "/")
    by_lower: dict[str, str] = {}
    for name in names:
        by_lower.setdefault(name.lower(), name)
    exact = f"Sources/{wanted}"
    if exact in names:
        return exact
    for candidate in (f"sources/{wanted}".lower(), wanted.lower()):
        if candidate in by_lower:
            return by_lower[candidate]
    return None


def uses_upper_sources(names: list[str]) -> bool:
    """True when the archive stores its sources under `Sources/` (NVivo for Windows' habit)."""
    return any(n.startswith("Sources/") for n in names)


def decode_source(data: bytes, where: str) -> tuple[str, str | None]:
    """(text without BOM, the BOM's encoding or None). Without a BOM the text must be UTF-8."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise RefiError.one(where, None, f"source text starts with a {encoding} BOM but is not {encoding} "
                                                 f"(byte {exc.start + len(bom)}: {exc.reason})") from None
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        raise RefiError.one(where, None, f"source text is not UTF-8 and has no BOM (byte {exc.start}: "
                                         f"{exc.reason})") from None


def docx_text(data: bytes, where: str) -> str:
    """The text of a `.docx` source: its paragraphs, one per line (python-docx; the docx's own XML
    is parsed by python-docx's parser, which does not resolve entities)."""
    import docx

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as inner:
            inflated = sum(info.file_size for info in inner.infolist())
    except zipfile.BadZipFile:
        raise RefiError.one(where, None, "the .docx source is not a zip archive (not a .docx)") from None
    if inflated > MAX_DOCX_INFLATED:
        raise RefiError.one(where, None, f"the .docx source inflates to {inflated} bytes, more than the "
                                         f"{MAX_DOCX_INFLATED} allowed")
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise RefiError.one(where, None, f"the .docx source cannot be read: {exc}") from None
    return "\n".join(p.text for p in document.paragraphs)


_DOC_EXTENSIONS = re.compile(r"\.(txt|text|docx?|rtf|odt|pdf|csv|tsv|xlsx?|json|jsonl|md|html?|xml|srt|vtt)$", re.I)


def neutral_source_names(doc_ids: list[str]) -> dict[str, str]:
    """Source names other tools can use as file names: no `/`, `\\` or `#`, no file extension
    (a tool may write plain text into a file named after the source), unique."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for doc_id in doc_ids:
        parts = [_DOC_EXTENSIONS.sub("", p).strip(" .") for p in re.split(r"[/\\#]+", doc_id)]
        base = " - ".join(p for p in parts if p) or "source"
        base = re.sub(r'[<>:"|?*\x00-\x1f]', "_", base)
        name, n = base, 2
        while name.lower() in taken:
            name, n = f"{base} ({n})", n + 1
        taken.add(name.lower())
        out[doc_id] = name
    return out
