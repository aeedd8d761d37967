"""Chunked ingestion: a corpus folder as a stream of bounded work units.

`ingest_corpus` holds the whole corpus as records; for a survey of a million answers that is
several gigabytes. `plan_chunks` instead yields `Chunk`s of at most `chunk_rows` survey rows
(or `chunk_files` other files) that `ingest_chunk` turns into documents and segments anywhere
(in this process, a worker process or a Dask worker), plus one `SurveyEnd` after the last
chunk of each survey file, which carries what only the whole file knows (its report line).

The output, re-assembled in chunk order (coding/assemble.py), is exactly `ingest_corpus`'s:
same documents, segments, ids, report rows and notes. Surveys (.csv and .xlsx, with or without
a manifest entry) are streamed in two passes (corpus/survey_stream.py): a first pass for the
header, blank rows, the notes and the column guesses, which decides the columns with
`read_survey`'s own function, then the rows again for the chunks; respondent ids are checked
for duplicates in the planning process, which sees every row. Transcripts, and any survey the
reader would reject as a whole, go through `ingest_files` unchanged (as a whole file).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from qualmine.corpus.errors import FileResult
from qualmine.corpus.ingest import ingest_one, relative_name, open_corpus_folder
from qualmine.corpus.manifest import Manifest
from qualmine.corpus.records import IngestionRecord
from qualmine.corpus.survey_stream import SurveyLayout, scan_survey
from qualmine.corpus.surveys import ingest_answers
from qualmine.corpus.turns import SpeakerMarkers

# A data row as the planner ships it: (sheet row number, cells, rejection reason or None).
Row = tuple[int, list[str], "str | None"]


@dataclass
class Chunk:
    """One unit of ingestion work: whole files, or a run of rows of one survey file."""

    index: int
    root: Path
    max_segment_chars: int
    manifest: Manifest | None = None
    files: tuple[str, ...] = ()                 # relative paths, read whole by `ingest_files`
    survey: SurveyLayout | None = None
    rows: list[Row] = field(default_factory=list)
    unit: str = "auto"                          # coding unit (corpus.sentences.UNITS)
    unread: dict[int, dict[str, str]] = field(default_factory=dict)   # row -> {column: why the answer reads empty}


@dataclass(frozen=True)
class SurveyEnd:
    """After a survey's last chunk: its report line's facts and the file's notes."""

    rel: str
    rows: int
    ingested_rows: int
    encoding: str | None
    notes: tuple[str, ...]


@dataclass
class ChunkPlan:
    """`plan_chunks`' answer: notes known up front, the stream, and records for the end."""

    head_notes: list[str]
    stream: Iterator[Chunk | SurveyEnd]
    tail_records: list[IngestionRecord]


def plan_chunks(corpus_dir: Path, *, max_segment_chars: int = 300, chunk_rows: int = 20_000,
                chunk_files: int = 50, unit: str = "auto") -> ChunkPlan:
    """Plan the chunked ingestion of `corpus_dir` (see the module docstring).

    Raises CorpusError like `ingest_corpus` (missing folder, invalid manifest). The stream is
    lazy: rows are read as chunks are taken, so at most the chunks in flight are in memory.
    """
    if chunk_rows < 1 or chunk_files < 1:
        raise ValueError(f"chunk_rows and chunk_files must be >= 1; got {chunk_rows}, {chunk_files}")
    folder = open_corpus_folder(corpus_dir)
    stream = _stream(folder.root, folder.files, folder.manifest, max_segment_chars, chunk_rows, chunk_files, unit)
    return ChunkPlan(folder.notes, stream, folder.missing)


def _stream(root: Path, files: list[Path], manifest: Manifest | None, max_chars: int,
            chunk_rows: int, chunk_files: int, unit: str = "auto") -> Iterator[Chunk | SurveyEnd]:
    index = 0
    pending: list[str] = []

    def whole(rels: list[str]) -> Chunk:
        nonlocal index
        index += 1
        return Chunk(index - 1, root, max_chars, manifest, files=tuple(rels), unit=unit)

    for path in sorted(files, key=lambda p: relative_name(p, root)):
        rel = relative_name(path, root)
        source = scan_survey(path, rel, manifest)
        if source is None:
            pending.append(rel)
            if len(pending) == chunk_files:
                yield whole(pending)
                pending = []
            continue
        if pending:
            yield whole(pending)
            pending = []
        survey = source.layout
        seen: dict[str, int] = {}
        rows = ingested = 0
        batch: list[Row] = []
        unread: dict[int, dict[str, str]] = {}
        for number, cells in source.data_rows():   # the same rows as the first pass
            rows += 1
            rid = survey.respondent_id(number, cells)
            reason = source.malformed.get(number)          # a malformed CSV row is rejected alone
            if reason is None and not rid:
                reason = f"survey row with empty respondent id (column {survey.id_col!r})"
            elif reason is None and rid in seen:
                reason = f"duplicate respondent id {rid!r} (first seen on row {seen[rid]})"
            elif reason is None:
                seen[rid] = number
                ingested += 1
            batch.append((number, cells, reason))
            why = source.formulas.reasons(rel, number, survey.header)
            if why:
                unread[number] = why
            if len(batch) == chunk_rows:
                index += 1
                yield Chunk(index - 1, root, max_chars, manifest, survey=survey, rows=batch, unit=unit, unread=unread)
                batch, unread = [], {}
        if batch:
            index += 1
            yield Chunk(index - 1, root, max_chars, manifest, survey=survey, rows=batch, unit=unit, unread=unread)
        source.close()   # an .xlsx sheet's temporary copy is read through: delete it now
        yield SurveyEnd(rel, rows, ingested, survey.encoding, tuple(source.notes))
    if pending:
        yield whole(pending)


def ingest_chunk(chunk: Chunk) -> list[FileResult]:
    """Documents, segments, records and respondents of one chunk, one FileResult per file (part).

    A survey chunk's result holds its rows' records only; the file's own report line is made
    from its `SurveyEnd` when the chunks are put together.
    """
    if chunk.survey is None:
        markers = SpeakerMarkers()
        return [ingest_one(chunk.root / rel, rel, chunk.manifest, markers, chunk.max_segment_chars, chunk.unit)
                for rel in chunk.files]
    return [_survey_rows(chunk.survey, chunk.rows, chunk.max_segment_chars, chunk.unit, chunk.unread)]


def _survey_rows(layout: SurveyLayout, rows: list[Row], max_segment_chars: int, unit: str = "auto",
                 unread: dict[int, dict[str, str]] | None = None) -> FileResult:
    # The row loop of corpus.surveys.read_survey, over a chunk of rows already checked for ids.
    rel = layout.rel
    result = FileResult()
    for number, cells, reason in rows:
        row = dict(zip(layout.header, cells))
        rid = layout.respondent_id(number, cells)
        base = dict(source_file=rel, row=number, kind="survey", encoding=layout.encoding)
        if reason is not None:
            result.records.append(IngestionRecord(status="rejected", reason=reason,
                                                  **({"respondent_id": rid} if rid else {}), **base))
            continue
        result.records += ingest_answers(result, row, rid=rid, number=number, attrs=layout.attrs,
                                         open_cols=layout.open_cols, max_segment_chars=max_segment_chars, base=base,
                                         unit=unit, unread=(unread or {}).get(number))
    return result


def survey_file_record(end: SurveyEnd, segments: int) -> IngestionRecord:
    """The report line of a streamed survey file (what read_survey puts first)."""
    ok = end.ingested_rows
    return IngestionRecord(
        source_file=end.rel, status="ingested" if ok else "rejected",
        reason=f"{ok} of {end.rows} rows ingested" if ok else f"no valid rows ({end.rows} rejected)",
        segments=segments, encoding=end.encoding, kind="survey")
