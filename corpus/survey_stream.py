"""A survey file read in two streamed passes, for the chunked reader (corpus/chunked.py).

The first pass (`scan_survey`) reads every row once without keeping it: the header, the number
of data rows, the table's notes (blank rows, extra cells, renamed columns) and, through a
`ColumnGuesser`, whatever manifest.yaml leaves to be guessed. `survey_columns` then decides the
columns exactly as `read_survey` does (the same function), so the streamed output cannot drift
from the whole-file reader's. The second pass (`StreamedSurvey.data_rows`) yields the rows
again for the chunks.

A CSV file is decoded once and its text parsed twice. An .xlsx sheet is parsed twice from the
file by openpyxl's read-only mode (one row at a time); if the file changes between the passes,
the second pass raises `CorpusError` naming it rather than mixing two versions of the file.
Any file the first pass cannot take whole (it does not decode, a column is missing, no column
looks open...) gets None: the whole-file reader then produces its rejection exactly.
"""
from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from corpus.columns import ColumnGuesser, survey_columns
from corpus.encoding import read_text
from corpus.errors import CorpusError, Rejected
from corpus.ingest import unlisted_note
from corpus.manifest import FileEntry, Manifest, kind_from_extension
from corpus.surveys import TableRows, csv_rows, xlsx_rows


@dataclass(frozen=True)
class SurveyLayout:
    """What the whole survey file decided: columns and encoding (the same for every chunk)."""

    rel: str
    header: tuple[str, ...]
    id_col: str | None               # None: no id column, respondents are numbered by row
    open_cols: tuple[str, ...]
    attrs: tuple[str, ...]
    encoding: str | None             # None for .xlsx (no text encoding)
    id_index: int | None = field(init=False, default=None, compare=False)

    def __post_init__(self) -> None:
        # The last column of that name, as read_survey's dict(zip(header, cells)) takes it.
        if self.id_col is not None:
            last = len(self.header) - 1 - self.header[::-1].index(self.id_col)
            object.__setattr__(self, "id_index", last)

    def respondent_id(self, number: int, cells: list[str]) -> str:
        """The row's respondent id as `read_survey` takes it ('' when the id cell is empty)."""
        return f"row{number}" if self.id_index is None else cells[self.id_index].strip()


@dataclass
class StreamedSurvey:
    """A survey whose first pass went well: its layout, notes, row count, and its second pass."""

    layout: SurveyLayout
    notes: list[str]                 # the file's notes, each "rel: ...", in read_survey's order
    rows: int                        # data rows (blank rows left out) the first pass counted
    path: Path
    sheet: str | None = None
    text: str | None = None          # a CSV's decoded text; None for .xlsx
    stamp: tuple[int, int] | None = None   # an .xlsx file's (size, mtime) when first read

    def data_rows(self) -> Iterator[tuple[int, list[str]]]:
        """The second pass: (sheet row number, cells) of every data row, as the first pass saw them.

        Raises CorpusError if an .xlsx file changed since the first pass (a different row count,
        size or time, or an error reading it that the first pass did not meet).
        """
        rel, count = self.layout.rel, 0
        try:
            for number, cells in TableRows().rows(self._raw()):
                count += 1
                yield number, cells
        except (Rejected, csv.Error) as exc:
            raise CorpusError(f"{rel}: could not be read again while it was being ingested "
                              f"({exc}); expected the file to stay as it was: run again") from None
        if count != self.rows or (self.stamp is not None and _stamp(self.path) != self.stamp):
            raise CorpusError(f"{rel}: changed while it was being ingested ({self.rows} data rows "
                              f"first, {count} then); expected the file to stay as it was: run again")

    def _raw(self) -> Iterator[tuple[int, list[str]]]:
        return csv_rows(self.text) if self.text is not None else xlsx_rows(self.path, self.sheet)


def scan_survey(path: Path, rel: str, manifest: Manifest | None) -> StreamedSurvey | None:
    """The first pass over a .csv/.xlsx survey (see the module docstring); None: read it whole."""
    entry = manifest.entry(rel) if manifest is not None else None
    kind = (entry.kind if entry else None) or kind_from_extension(rel)
    ext = path.suffix.lower()
    if kind != "survey" or ext not in (".csv", ".xlsx"):
        return None
    file_entry = entry or FileEntry(path=rel)
    try:
        if ext == ".csv":
            text, used = read_text(path, file_entry.encoding)
            stamp, raw = None, csv_rows(text)
        else:
            text, used, stamp = None, None, _stamp(path)
            raw = xlsx_rows(path, file_entry.sheet)
        table, rows, guesser = TableRows(), 0, None
        for _, cells in table.rows(raw):
            if guesser is None:
                guesser = ColumnGuesser.for_entry(table.header, file_entry)
            guesser.add(cells)
            rows += 1
        header, table_notes = table.finish(used)
        if not rows:
            return None
        columns = survey_columns(header, file_entry, guesser, used)
    except (Rejected, OSError, csv.Error):
        return None
    notes = [f"{rel}: {n}" for n in columns.notes(table_notes)]
    if manifest is not None and entry is None:
        notes.insert(0, unlisted_note(rel, kind))       # what _ingest_one puts first
    layout = SurveyLayout(rel, tuple(header), columns.id_col, columns.open_cols, columns.attrs, used)
    return StreamedSurvey(layout, notes, rows, path, file_entry.sheet, text, stamp)


def _stamp(path: Path) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns
