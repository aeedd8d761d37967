"""Formula cells of an .xlsx sheet that hold no cached value (issue #17).

A workbook written by a script (openpyxl, pandas) stores formulas without their results; Excel
computes and saves them only when the file is opened and saved there. Read for values, such a
cell is empty, and the answer used to be reported as an "empty answer". This pass finds those
cells so the report can say what they are. It reads the sheet's XML once more, streamed, and only
when the sheet has a formula at all (a cheap byte scan decides).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
_SCAN_BYTES = 1 << 20


@dataclass
class UncachedFormulas:
    """Where a sheet's formulas have no cached value: row number -> 0-based column indices."""

    sheet: str = ""
    cells: dict[int, set[int]] = field(default_factory=dict)

    def reasons(self, rel: str, number: int, header: list[str] | tuple[str, ...]) -> dict[str, str]:
        """{column name: report reason} for row `number`'s uncached formula cells ({} if none)."""
        columns = self.cells.get(number)
        if not columns:
            return {}
        return {header[i]: uncached_reason(rel, self.sheet, number, header[i]) for i in sorted(columns)
                if i < len(header)}


def uncached_reason(rel: str, sheet: str, number: int, column: str) -> str:
    """The ingestion-report reason for one formula cell without a cached value."""
    return (f"formula without a cached value ({rel}, sheet {sheet!r}, row {number}, column {column!r}): "
            "the answer was never computed; open the workbook in Excel or LibreOffice, save it, and run again")


def find_uncached_formulas(worksheet, found: UncachedFormulas) -> None:
    """Fill `found` with the formula cells of an openpyxl read-only `worksheet` that have no value."""
    found.sheet = worksheet.title
    with worksheet._get_source() as source:       # the sheet's XML inside the (size-capped) archive
        if not _has_formula(source):
            return
    from lxml import etree

    with worksheet._get_source() as source:
        for _, cell in etree.iterparse(source, events=("end",), tag="{*}c", resolve_entities=False,
                                       no_network=True, load_dtd=False, huge_tree=False):
            names = {etree.QName(child).localname: child for child in cell}
            formula, value = names.get("f"), names.get("v")
            if formula is not None and (value is None or not (value.text or "")) and cell.get("t") != "inlineStr":
                match = _CELL_REF.fullmatch(cell.get("r") or "")
                if match:
                    found.cells.setdefault(int(match.group(2)), set()).add(_column_index(match.group(1)))
            cell.clear()


def _has_formula(source) -> bool:
    tail = b""
    while True:
        block = source.read(_SCAN_BYTES)
        if not block:
            return False
        window = tail + block
        if b"<f>" in window or b"<f " in window or b":f>" in window or b":f " in window:
            return True
        tail = block[-8:]


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1
