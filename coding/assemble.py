"""Putting chunk results back together: the run's corpus frames and code applications.

Chunks are ingested and coded anywhere (this process, a process pool, Dask workers) and come
back as compact DataFrames (`ChunkResult`); `CorpusAssembler` joins them in chunk order into a
`CodedCorpus` whose frames are exactly what the whole-corpus path gives (`ingest_corpus` +
`segments_frame`/`documents_frame`/`report_frame`/`respondents` + `RuleCoder.apply`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path

import pandas as pd

from qualmine.coding.applications import applications_frame
from qualmine.corpus.chunked import SurveyEnd, survey_file_record
from qualmine.corpus.ingest import (
    DOCUMENT_COLUMNS, REPORT_COLUMNS, SEGMENT_COLUMNS, Corpus, merge_attributes, respondents_frame,
    documents_frame, report_frame, segments_frame,
)
from qualmine.corpus.records import IngestionRecord


@dataclass
class PartInfo:
    """One file (or one chunk of a survey file) in a chunk: where respondents and notes came from."""

    source: str
    notes: list[str]
    respondents: pd.DataFrame      # respondent_id + attribute columns, all str, in order of appearance


@dataclass
class ChunkResult:
    """A chunk, ingested and coded: frames with the columns of the whole-corpus tables.

    `segments` has SEGMENT_COLUMNS only (respondent attributes are joined once, at the end).
    """

    index: int
    survey: str | None             # the survey file, for a chunk of survey rows
    parts: list[PartInfo]
    documents: pd.DataFrame
    segments: pd.DataFrame
    applications: pd.DataFrame
    report: pd.DataFrame


@dataclass
class CodedCorpus:
    """A whole run's ingested and coded corpus as frames (columns: see outputs/README.md)."""

    documents: pd.DataFrame
    segments: pd.DataFrame          # with the respondent attribute columns, like `segments_frame`
    respondents: pd.DataFrame
    report: pd.DataFrame
    applications: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """The run summary's numbers (the same keys as flows.pipeline.corpus_counts)."""
        status = self.report["status"].value_counts() if len(self.report) else {}
        return {
            "documents": len(self.documents),
            "respondents": len(self.respondents),
            "segments": len(self.segments),
            "coded_segments": int(self.applications["segment_id"].nunique()),
            "code_applications": len(self.applications),
            "ingested": int(status.get("ingested", 0)),
            "rejected": int(status.get("rejected", 0)),
            "skipped": int(status.get("skipped", 0)),
        }

    def input_files(self, corpus_dir: Path) -> list[Path]:
        """The corpus files that exist, for the run manifest's hashes."""
        names = self.report["source_file"].drop_duplicates().tolist() if len(self.report) else []
        return sorted({corpus_dir / n for n in names if (corpus_dir / n).is_file()})


def chunk_frames(index: int, survey: str | None, results, applications) -> ChunkResult:
    """Turn one chunk's FileResults and CodeApplications into a `ChunkResult` (runs in the worker)."""
    docs = [d for r in results for d in r.documents]
    segs = [s for r in results for s in r.segments]
    recs = [x for r in results for x in r.records]
    parts = []
    for r in results:
        source = r.records[0].source_file if r.records else "?"
        parts.append(PartInfo(source, list(r.notes), _respondent_rows(r.respondents)))
    return ChunkResult(index, survey, parts, _columns_frame(docs, DOCUMENT_COLUMNS, documents_frame),
                       _columns_frame(segs, SEGMENT_COLUMNS, segments_frame, doc_source=docs),
                       applications_frame(applications), _columns_frame(recs, REPORT_COLUMNS, report_frame))


def _columns_frame(records: list, columns, reference, doc_source: list | None = None) -> pd.DataFrame:
    """What `reference(Corpus(...))` returns for `records`, built column by column (~5x faster).

    The reference functions build one dict per record (`asdict` deep-copies); here each column
    is one list, then cast to the dtypes the reference gives an empty corpus (computed once).
    tests/perf/test_chunked.py compares the results frame by frame.
    """
    data = {}
    for column in columns:
        if column == "source_file" and doc_source is not None:
            source = {d.doc_id: d.source_file for d in doc_source}
            data[column] = [source[r.doc_id] for r in records]
        else:
            data[column] = list(map(attrgetter(column), records))
    return pd.DataFrame(data, columns=list(columns)).astype(_reference_dtypes(reference))


_REFERENCE_DTYPES: dict = {}


def _reference_dtypes(reference) -> dict:
    # Running the reference on an empty corpus costs ~10 ms; its dtypes never change.
    dtypes = _REFERENCE_DTYPES.get(reference)
    if dtypes is None:
        empty = reference(Corpus([], [], respondents_frame({}), []))
        dtypes = _REFERENCE_DTYPES[reference] = empty.dtypes.to_dict()
    return dtypes


def _respondent_rows(respondents: list[tuple[str, dict[str, str]]]) -> pd.DataFrame:
    # Keeps repeated ids as rows (unlike respondents_frame's dict): the assembler must see them.
    # Attribute columns in order of first appearance; built column by column (the same frame
    # as from row lists, ~2x faster).
    columns = ["respondent_id", *(k for k in dict.fromkeys(k for _, attrs in respondents for k in attrs)
                                  if k != "respondent_id")]
    data = {"respondent_id": [rid for rid, _ in respondents]}
    for c in columns[1:]:
        data[c] = [attrs.get(c, "") for _, attrs in respondents]
    return pd.DataFrame(data, columns=columns, dtype=str)


class CorpusAssembler:
    """Collects `ChunkResult`s and `SurveyEnd`s in stream order; `finish` returns the `CodedCorpus`."""

    def __init__(self, head_notes: list[str] | None = None):
        self.head_notes = list(head_notes or [])
        self.parts: list[PartInfo] = []
        self.frames: dict[str, list[pd.DataFrame]] = {k: [] for k in ("documents", "segments", "applications")}
        self.report: list[pd.DataFrame | None] = []
        self._survey_start: dict[str, tuple[int, int]] = {}   # rel -> (report slot, first part)
        self._survey_segments: dict[str, int] = {}
        self.answers = 0                                       # documents seen so far (progress)

    def add(self, item: ChunkResult | SurveyEnd) -> None:
        if isinstance(item, SurveyEnd):
            slot, first_part = self._survey_start.pop(item.rel)
            record = survey_file_record(item, self._survey_segments.pop(item.rel, 0))
            self.report[slot] = _report_rows([record])
            self.parts[first_part].notes[:0] = list(item.notes)
            return
        if item.survey is not None and item.survey not in self._survey_start:
            self._survey_start[item.survey] = (len(self.report), len(self.parts))
            self.report.append(None)   # the file's report line goes first, once its totals are known
        if item.survey is not None:
            self._survey_segments[item.survey] = self._survey_segments.get(item.survey, 0) + len(item.segments)
        self.parts += item.parts
        for name, frames in self.frames.items():
            frames.append(getattr(item, name))
        self.report.append(item.report)
        self.answers += len(item.documents)

    def finish(self, tail_records: list[IngestionRecord] = ()) -> CodedCorpus:
        if self._survey_start:
            raise RuntimeError(f"survey chunks without their end marker: {sorted(self._survey_start)}")
        respondents, respondent_notes = self._respondents()
        notes = [*self.head_notes, *respondent_notes]
        empty = Corpus([], [], respondents_frame({}), [])
        documents = _concat(self.frames["documents"], documents_frame(empty))
        segments = _concat(self.frames["segments"], segments_frame(empty))
        applications = _concat(self.frames["applications"], applications_frame([]))
        reports = [r for r in self.report if r is not None]
        if tail_records:
            reports.append(_report_rows(list(tail_records)))
        report = _concat(reports, report_frame(empty))
        self.frames = {k: [] for k in self.frames}
        self.report = []
        return CodedCorpus(documents, _with_attributes(segments, respondents), respondents, report,
                           applications, notes)

    def _respondents(self) -> tuple[pd.DataFrame, list[str]]:
        frames = [p.respondents for p in self.parts]
        ids = pd.concat([f["respondent_id"] for f in frames], ignore_index=True) if frames else pd.Series([], dtype=str)
        if not ids.duplicated().any():
            # The common case (and every big survey): no id twice, so nothing to merge.
            notes = [n for p in self.parts for n in p.notes]
            if not frames:
                return respondents_frame({}), notes
            columns = list(dict.fromkeys(c for f in frames for c in f.columns))
            merged = pd.concat(frames, ignore_index=True)
            return merged.reindex(columns=columns).fillna("").astype(str), notes
        # Some respondent appears in several files: replay corpus.ingest._assemble exactly.
        respondents: dict[str, dict[str, str]] = {}
        origin: dict[str, str] = {}
        notes = []
        for part in self.parts:
            notes += part.notes
            attr_cols = [c for c in part.respondents.columns if c != "respondent_id"]
            for row in part.respondents.itertuples(index=False):
                rid, attrs = row[0], dict(zip(attr_cols, row[1:]))
                if rid not in respondents:
                    respondents[rid], origin[rid] = attrs, part.source
                    continue
                if origin[rid] != part.source:
                    notes.append(f"respondent id {rid!r} appears in {origin[rid]} and {part.source}: "
                                 "treated as one respondent")
                    origin[rid] = part.source
                for key, old, new in merge_attributes(respondents[rid], attrs):
                    notes.append(f"respondent {rid!r}: {key} is {old!r} in one file and {new!r} in "
                                 f"{part.source}; kept {old!r}")
        return respondents_frame(respondents), notes


def _report_rows(records: list[IngestionRecord]) -> pd.DataFrame:
    return report_frame(Corpus([], [], respondents_frame({}), records))


def _concat(frames: list[pd.DataFrame], empty: pd.DataFrame) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty
    return frames[0].reset_index(drop=True) if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def _with_attributes(segments: pd.DataFrame, respondents: pd.DataFrame) -> pd.DataFrame:
    """`segments_frame`'s attribute join, by index lookup (no copy of the segment columns)."""
    people = respondents.rename(columns=lambda c: f"attr_{c}" if c in SEGMENT_COLUMNS and c != "respondent_id" else c)
    if len(people.columns) <= 1:
        return segments
    if people["respondent_id"].duplicated().any():
        raise ValueError("respondents has a respondent_id twice; expected one row per respondent")
    table = people.set_index("respondent_id")
    out = segments.copy(deep=False)
    aligned = table.reindex(segments["respondent_id"])
    for column in table.columns:
        out[column] = aligned[column].array
    return out
