"""What a review file (xlsx or csv) contains, shared by the writers and the importer.

Both formats carry the same columns: the queue's columns plus `store_id` and `export_id`, so
a file knows which store and which export it came from (the xlsx also has a hidden `meta` sheet).
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from qualmine.coding.review.queue import QUEUE_COLUMNS

FORMAT_VERSION = "1"
FILE_COLUMNS = [*QUEUE_COLUMNS, "store_id", "export_id"]
# What the importer needs; other columns (text, labels...) may be hidden or reordered freely.
REQUIRED_COLUMNS = ["item", "segment_id", "code_id", "decision", "add_codes", "note"]
ADD_CODES_SEPARATORS = re.compile(r"[;,；，\s]+")

# A cell starting with one of these runs as a formula in Excel/LibreOffice (OWASP "CSV injection");
# tab and carriage return are on OWASP's list too.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMULA_START = _FORMULA_START   # public: outputs/writers.py neutralises run tables with `neutralise`
_NEUTRALISED = re.compile(r"^'+[=+\-@\t\r]")


@dataclass(frozen=True)
class ExportMeta:
    """Identity of one exported review file."""

    store_id: str
    export_id: str
    coder: str
    created_at: str
    codebook_version_id: int
    format_version: str = FORMAT_VERSION

    def items(self) -> list[tuple[str, str]]:
        return [(k, str(v)) for k, v in asdict(self).items()]


def neutralise(value: object) -> object:
    """Prefix a text that a spreadsheet would run as a formula with an apostrophe.

    Texts that already start with apostrophes before such a character get one more, so
    `restore(neutralise(x)) == x` for every string.
    """
    if not isinstance(value, str) or not value:
        return value
    stripped = value.lstrip("'")
    if stripped.startswith(_FORMULA_START) and (stripped != value or value.startswith(_FORMULA_START)):
        return "'" + value
    return value


def restore(value: object) -> object:
    """Undo `neutralise` on a cell read back from a review file."""
    if isinstance(value, str) and _NEUTRALISED.match(value):
        return value[1:]
    return value


def split_codes(cell: str) -> list[str]:
    """Code ids typed into `add_codes` (separated by ; , or spaces), in order, without repeats."""
    return list(dict.fromkeys(c for c in ADD_CODES_SEPARATORS.split(cell.strip()) if c))
