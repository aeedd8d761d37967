"""A survey file read in two streamed passes, for the chunked reader (corpus/chunked.py).

The first pass (`scan_survey`) reads every row once without keeping it: the header, the number
of data rows, the table's notes (blank rows, extra cells, renamed columns) and, through a
`ColumnGuesser`, whatever manifest.yaml leaves to be guessed. `survey_columns` then decides the
columns exactly as `read_survey` does (the same function), so the streamed output cannot drift
from the whole-file reader's. The second pass (`StreamedSurvey.data_rows`) yields the rows
again for the chunks.

A CSV file is decoded once and its text parsed twice. An .xlsx sheet is parsed once, by
openpyxl's read-only mode (one row at a time, ~10k rows/s): the first pass copies its raw rows
to a temporary CSV file (deleted when closed), which the second pass reads at CSV speed. The
second pass therefore sees exactly the rows the first pass decided the columns on, even if the
workbook is saved again meanwhile.
Any file the first pass cannot take whole (it does not decode, a column is missing, no column
looks open...) gets None: the whole-file reader then produces its rejection exactly.
"""
from __future__ import annotations

import csv
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterable, Iterator

from qualmine.corpus.columns import ColumnGuesser, survey_columns
from qualmine.corpus.encoding import read_text
from qualmine.corpus.errors import CorpusError, Rejected
from qualmine.corpus.ingest import unlisted_note
from qualmine.corpus.manifest import FileEntry, Manifest, kind_from_extension
from qualmine.corpus.surveys import TableRows, csv_rows, xlsx_rows
from qualmine.corpus.xlsx_formulas import UncachedFormulas


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
    text: str | None = None          # a CSV's decoded text; None for .xlsx
    spill: IO[str] | None = None     # an .xlsx sheet's raw rows, copied by the first pass
    malformed: dict[int, str] = field(default_factory=dict)   # CSV row number -> why it is rejected alone
    formulas: UncachedFormulas = field(default_factory=UncachedFormulas)   # .xlsx formulas without a value

    def data_rows(self) -> Iterator[tuple[int, list[str]]]:
        """The second pass: (sheet row number, cells) of every data row, as the first pass saw them.

        Raises CorpusError if the rows cannot be read again (the temporary copy was lost).
        """
        rel, count = self.layout.rel, 0
        table = TableRows()        # a malformed row comes as blank cells; its reason is in self.malformed
        try:
            for number, cells in table.rows(self._raw(table.malformed)):
                count += 1
                yield number, cells
        except (Rejected, csv.Error, OSError, ValueError) as exc:
            raise CorpusError(f"{rel}: could not be read again while it was being ingested "
                              f"({exc}); expected the file to stay as it was: run again") from None
        if count != self.rows:
            raise CorpusError(f"{rel}: changed while it was being ingested ({self.rows} data rows "
                              f"first, {count} then); expected the file to stay as it was: run again")

    def close(self) -> None:
        """Delete the temporary copy of an .xlsx sheet (garbage collection does it too)."""
        if self.spill is not None:
            self.spill.close()

    def _raw(self, malformed: dict[int, str]) -> Iterator[tuple[int, list[str]]]:
        if self.text is not None:
            return csv_rows(self.text, malformed)
        self.spill.seek(0)
        return ((int(row[0]), row[1:]) for row in csv.reader(self.spill))


def scan_survey(path: Path, rel: str, manifest: Manifest | None) -> StreamedSurvey | None:
    """The first pass over a .csv/.xlsx survey (see the module docstring); None: read it whole."""
    entry = manifest.entry(rel) if manifest is not None else None
    kind = (entry.kind if entry else None) or kind_from_extension(rel)
    ext = path.suffix.lower()
    if kind != "survey" or ext not in (".csv", ".xlsx"):
        return None
    if entry is not None and entry.sheets is not None and ext == ".xlsx":
        return None       # several sheets, several surveys: read whole (corpus.ingest.read_sheets)
    file_entry = entry or FileEntry(path=rel)
    spill = None
    table, formulas = TableRows(), UncachedFormulas()
    try:
        if ext == ".csv":
            text, used = read_text(path, file_entry.encoding)
            raw = csv_rows(text, table.malformed)
        else:
            text, used = None, None
            spill = tempfile.TemporaryFile("w+", encoding="utf-8", newline="", prefix="qualmine-xlsx-")
            raw = _copied(xlsx_rows(path, file_entry.sheet, formulas), csv.writer(spill))
        rows, guesser = 0, None
        for number, cells in table.rows(raw):
            if guesser is None:
                guesser = ColumnGuesser.for_entry(table.header, file_entry)
            if number not in table.malformed:
                guesser.add(cells)
            rows += 1
        header, table_notes = table.finish(used)
        if not rows:
            raise Rejected("no data rows")     # the whole-file reader words the rejection
        columns = survey_columns(header, file_entry, guesser, used)
    except (Rejected, OSError, csv.Error):
        if spill is not None:
            spill.close()
        return None
    notes = [f"{rel}: {n}" for n in columns.notes(table_notes)]
    if manifest is not None and entry is None:
        notes.insert(0, unlisted_note(rel, kind))       # what ingest_one puts first
    layout = SurveyLayout(rel, tuple(header), columns.id_col, columns.open_cols, columns.attrs, used)
    return StreamedSurvey(layout, notes, rows, text, spill, dict(table.malformed), formulas)


def _copied(raw: Iterable[tuple[int, list[str]]], writer) -> Iterator[tuple[int, list[str]]]:
    """`raw`, each row also written to `writer` as [number, *cells] (the second pass reads it back)."""
    for number, cells in raw:
        writer.writerow([number, *cells])
        yield number, cells
