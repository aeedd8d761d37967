"""Survey exports (.csv, .xlsx): one row per respondent, one Document per non-empty open answer.

Cells are read as strings and never type-converted (ids like "007" stay "007"). Every data row
ends up as exactly one row record, ingested or rejected, and every empty answer as a "skipped"
record, so nothing is dropped silently.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from pathlib import Path
from typing import Iterable, Iterator

from qualmine.corpus.columns import ColumnGuesser, survey_columns
from qualmine.corpus.encoding import EMPTY, read_text
from qualmine.corpus.errors import FileResult, Rejected
from qualmine.corpus.lang import text_lang
from qualmine.corpus.manifest import FileEntry
from qualmine.corpus.records import IngestionRecord, make_doc_id, new_document, new_ingestion_record
from qualmine.corpus.sentences import build_segments, unit_spans
from qualmine.corpus.xlsx_formulas import UncachedFormulas, find_uncached_formulas

SURVEY_EXTENSIONS = (".csv", ".xlsx")


def read_table(path: Path, *, encoding: str | None = None, sheet: str | None = None,
               malformed: dict[int, str] | None = None, formulas: UncachedFormulas | None = None):
    """Read a CSV/XLSX as (header, rows, encoding, notes); rows are (sheet row number, cells).

    Row numbers are 1-based like a spreadsheet (the header is normally row 1). Fully blank rows
    are left out and counted in a note; cells are strings ('' for missing). A malformed CSV row
    rejects the file, unless `malformed` is a dict: then the row is given as blank cells and its
    reason is stored under its number, and the rows after it are read (issue #17). `formulas`, if
    given, is filled with an .xlsx sheet's formula cells that have no cached value.
    """
    if path.suffix.lower() == ".xlsx":
        raw, used = list(xlsx_rows(path, sheet, formulas)), None
    else:
        text, used = read_text(path, encoding)
        try:
            raw = list(csv_rows(text, malformed))
        except csv.Error as exc:
            raise Rejected(str(exc), encoding=used) from None
    table = TableRows(malformed)
    rows = list(table.rows((number, ["" if c is None else c for c in cells]) for number, cells in raw))
    header, notes = table.finish(used)
    return header, rows, used, notes


def csv_rows(text: str, malformed: dict[int, str] | None = None) -> Iterator[tuple[int, list[str]]]:
    """(1-based row number, cells) of CSV text; the delimiter (, tab ;) is the first line's commonest.

    No field-size limit beyond the text itself: Python's default (131,072 characters) rejected a
    whole survey for one long answer (issue #17). Quoting is read strictly: a lenient reader let
    one stray opening quote swallow every later row into a single answer, silently. A malformed
    row raises `csv.Error` naming its row and line, or, when `malformed` is a dict, is yielded
    with no cells, its reason stored under its row number, and reading goes on at the next line.
    """
    first_line = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first_line.count) if any(d in first_line for d in ",\t;") else ","
    if csv.field_size_limit() <= len(text):
        csv.field_size_limit(min(len(text) + 1, 2**31 - 1))
    source = io.StringIO(text, newline="")
    reader = csv.reader(source, delimiter=delimiter, strict=True)
    number = lines_before = 0       # lines_before: physical lines read by the readers before this one
    while True:
        start, line = source.tell(), lines_before + reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            number += 1
            reason = (f"malformed CSV row {number} (line {line}): {exc}; expected each quoted field to end "
                      f"with a quote then the delimiter or the line end (a quote inside one is written \"\")")
            if malformed is None:
                raise csv.Error(reason) from None
            malformed[number] = reason
            source.seek(start)
            source.readline()       # the bad row is its first line; the next line starts afresh
            lines_before = line
            reader = csv.reader(source, delimiter=delimiter, strict=True)
            yield number, []
            continue
        number += 1
        yield number, cells


class TableRows:
    """A table's data rows as `read_table` returns them, streamed (the chunked reader's two passes use it too).

    The first non-blank row is the header; fully blank rows are left out; cells (str) are padded
    or cut to the header's width; a row in `malformed` (csv_rows' reasons) comes as blank cells. Blank rows after the header and rows with non-empty cells
    beyond the header are counted for the notes `finish` returns.
    """

    def __init__(self, malformed: dict[int, str] | None = None) -> None:
        self.header: list[str] | None = None
        self.malformed = {} if malformed is None else malformed   # row number -> reason (csv_rows fills it)
        self.blank = self.extra = 0
        self._notes: list[str] = []

    def rows(self, raw: Iterable[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
        width = 0 if self.header is None else len(self.header)
        malformed = self.malformed
        for number, cells in raw:
            if malformed and number in malformed:
                if self.header is None:
                    raise Rejected(f"malformed header row: {malformed[number]}")
                yield number, [""] * width   # rejected alone by the survey reader, with its reason
                continue
            if not any(map(str.strip, cells)):   # the same test as any(c.strip() for c in cells), in C
                self.blank += self.header is not None
                continue
            if self.header is None:
                self.header = _clean_header(cells, self._notes)
                width = len(self.header)
                continue
            if len(cells) != width:
                if len(cells) > width and any(map(str.strip, cells[width:])):
                    self.extra += 1
                cells = (cells + [""] * width)[:width]
            yield number, cells

    def finish(self, encoding: str | None = None) -> tuple[list[str], list[str]]:
        """(header, notes) after the last row; a table without a header row is rejected as empty."""
        if self.header is None:
            raise Rejected(EMPTY, encoding=encoding)
        notes = list(self._notes)
        if self.blank:
            notes.append(f"{self.blank} blank row(s) ignored")
        if self.extra:
            notes.append(f"{self.extra} row(s) have more cells than the header; the extra cells were ignored")
        return self.header, notes


def xlsx_rows(path: Path, sheet: str | None,
              formulas: UncachedFormulas | None = None) -> Iterator[tuple[int, list[str]]]:
    """(1-based row number, cells as text) of one sheet (default: the first), streamed.

    `formulas`, if given, is filled first with the sheet's formula cells that have no cached value
    (they read as empty: corpus/xlsx_formulas.py).

    openpyxl's read-only mode parses the sheet as rows are taken, so a big sheet is never held
    whole. Raises `Rejected` (a broken package, a missing sheet) as the rows are taken.
    """
    import openpyxl  # imported here so CSV-only corpora never pay for it

    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):   # an OLE compound file, not a zip: Excel's encryption wrapper
        raise Rejected("password-protected (encrypted) workbook, or an old .xls renamed .xlsx: open it in Excel, "
                       "remove the password or save it as .xlsx, then run again")
    from qualmine.corpus.archives import archive_problem

    too_big = archive_problem(path)   # openpyxl reads the shared strings whole: cap the archive first
    if too_big:
        raise Rejected(f"xlsx refused: {too_big} (a zip bomb, or not a survey export)")
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zip, XML and KeyError failures all mean a broken package
        raise Rejected(f"corrupt xlsx file ({type(exc).__name__}: {exc})") from None
    try:
        if sheet is not None and sheet not in wb.sheetnames:
            raise Rejected(f"sheet {sheet!r} not found (sheets: {', '.join(wb.sheetnames)})")
        ws = wb[sheet] if sheet is not None else wb.worksheets[0]
        ws.reset_dimensions()  # stored dimensions can be wrong; read every row that exists
        if formulas is not None:
            try:
                find_uncached_formulas(ws, formulas)
            except Exception as exc:
                raise Rejected(f"corrupt xlsx file ({type(exc).__name__}: {exc})") from None
        values = enumerate(ws.iter_rows(values_only=True), start=1)
        while True:
            try:
                number, cells = next(values)
                row = [_cell_text(v) for v in cells]
            except StopIteration:
                return
            except Exception as exc:
                raise Rejected(f"corrupt xlsx file ({type(exc).__name__}: {exc})") from None
            yield number, row   # outside the try: an error of the consumer is not a corrupt file
    finally:
        wb.close()


def xlsx_sheet_names(path: Path) -> list[str]:
    """The sheet names of an .xlsx in workbook order, read from xl/workbook.xml alone ([] if unreadable).

    Cheap (no cell is parsed), so the corpus scan can report the sheets it does not read.
    """
    import zipfile

    from lxml import etree

    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("xl/workbook.xml")
            if info.file_size > 16 * 1024 * 1024:
                return []
            data = archive.read(info)
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        root = etree.fromstring(data, parser)
    except Exception:   # a broken package is reported when the sheet is read
        return []
    return [el.get("name", "") for el in root.iter() if etree.QName(el).localname == "sheet"]


def _cell_text(value) -> str:
    """An Excel cell as text the way a person reads it: 60.0 -> '60', dates without 00:00."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _clean_header(cells: list[str], notes: list[str]) -> list[str]:
    # Blank or repeated header names would make columns unaddressable; rename and say so.
    header, seen = [], Counter()
    for i, cell in enumerate(cells, start=1):
        name = str(cell).strip() or f"column{i}"
        seen[name] += 1
        if seen[name] > 1:
            new = f"{name} ({seen[name]})"
            notes.append(f"repeated column name {name!r} renamed to {new!r}")
            name = new
        header.append(name)
    return header


def read_survey(path: Path, rel: str, entry: FileEntry | None = None, *, max_segment_chars: int = 300,
                unit: str = "auto") -> FileResult:
    """Read one survey export; see the module docstring. Raises `Rejected` for the whole file."""
    entry = entry or FileEntry(path=rel)
    malformed: dict[int, str] = {}
    formulas = UncachedFormulas()
    header, rows, used, notes = read_table(path, encoding=entry.encoding, sheet=entry.sheet, malformed=malformed,
                                           formulas=formulas)
    if not rows:
        raise Rejected(f"{EMPTY}: header row but no data rows", encoding=used)
    guesser = ColumnGuesser.for_entry(header, entry)
    for number, cells in rows:
        if number not in malformed:
            guesser.add(cells)
    columns = survey_columns(header, entry, guesser, used)   # the chunked reader's decision too
    id_col, open_cols, attrs = columns.id_col, list(columns.open_cols), list(columns.attrs)

    result = FileResult(notes=[f"{rel}: {n}" for n in columns.notes(notes)])
    first_seen: dict[str, int] = {}
    row_records = []
    for number, cells in rows:
        row = dict(zip(header, cells))
        rid = row[id_col].strip() if id_col else f"row{number}"
        base = dict(source_file=rel, row=number, kind="survey", encoding=used)
        if number in malformed:
            row_records.append(IngestionRecord(status="rejected", reason=malformed[number],
                                               **({"respondent_id": rid} if rid else {}), **base))
            continue
        if not rid:
            row_records.append(IngestionRecord(status="rejected", reason=f"survey row with empty respondent id (column {id_col!r})", **base))
            continue
        if rid in first_seen:
            row_records.append(IngestionRecord(
                status="rejected", respondent_id=rid,
                reason=f"duplicate respondent id {rid!r} (first seen on row {first_seen[rid]})", **base))
            continue
        first_seen[rid] = number
        row_records += ingest_answers(result, row, rid=rid, number=number, attrs=attrs, open_cols=open_cols,
                                      max_segment_chars=max_segment_chars, base=base, unit=unit,
                                      unread=formulas.reasons(rel, number, header))

    ok = sum(r.status == "ingested" for r in row_records)
    file_record = IngestionRecord(
        source_file=rel, status="ingested" if ok else "rejected",
        reason=f"{ok} of {len(rows)} rows ingested" if ok else f"no valid rows ({len(rows)} rejected)",
        segments=len(result.segments), encoding=used, kind="survey")
    result.records = [file_record] + row_records
    return result


def ingest_answers(result: FileResult, row: dict[str, str], *, rid: str, number: int, attrs: list[str],
                   open_cols: list[str], max_segment_chars: int, base: dict,
                   unit: str = "auto", unread: dict[str, str] | None = None) -> list[IngestionRecord]:
    """One accepted survey row: a document and its segments per non-empty answer, added to `result`.

    `unit` 'auto', 'answer' or 'turn': one segment per answer (cut at sentence ends only when
    longer than `max_segment_chars`); 'sentence': one per sentence.

    Returns the row's report lines: 'ingested' (with its segment count) then one 'skipped' per
    empty answer. `base` holds the record fields shared by the row (source_file, row, kind, encoding).
    `unread`: {column: reason} for answers that only look empty (a formula without a cached value).
    """
    # Records are made with corpus.records' positional constructors (the same records, built
    # ~2.5x faster: this runs once per answer); their field order is the dataclasses'.
    rel, encoding, kind = base["source_file"], base.get("encoding"), base.get("kind")
    row_number = base.get("row")
    attributes = {c: row[c].strip() for c in attrs}
    n_segments, skipped = 0, []
    segments = result.segments
    for col in open_cols:
        answer = row[col]
        spans = (unit_spans(answer, unit="sentence" if unit == "sentence" else "answer", max_chars=max_segment_chars)
                 if answer.strip().lower() != "nan" else [])
        if not spans:
            why = unread.get(col) if unread else None
            skipped.append(new_ingestion_record(
                rel, "skipped", why or f"empty answer (row {number}, respondent {rid!r}, question {col!r})",
                row_number, rid, None, 0, encoding, kind))
            continue
        doc_id = make_doc_id(rel, rid, col)
        result.documents.append(new_document(doc_id, rel, "survey", answer, rid, attributes, col))
        # An answer that does not mix scripts gives each segment its own language (see
        # corpus.lang.text_lang): only mixed answers are detected segment by segment.
        lang, mixed = text_lang(answer)
        segs = build_segments(
            doc_id, answer, spans, respondent_id=rid, speaker=col, is_interviewer=False,
            turn=0, question=col, default_lang=lang, occurrences={}, first_position=0,
            lang=None if mixed else lang)
        segments += segs
        n_segments += len(segs)
    result.respondents.append((rid, attributes))
    reason = "" if n_segments else "no non-empty answers"
    return [new_ingestion_record(rel, "ingested", reason, row_number, rid, None, n_segments, encoding, kind),
            *skipped]
