"""The corpus stage: a folder of transcripts and survey exports -> documents, segments, report.

`ingest_corpus` is the entry point; `ingest_files` does the same for an explicit list of files
(batches) and `combine` joins batch results. Files are processed in sorted relative-path order
and segments in document order, so two runs over the same folder give identical output.
"""
from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Iterable

import pandas as pd

from qualmine.corpus.errors import CorpusError, FileResult, Rejected
from qualmine.corpus.manifest import MANIFEST_NAME, Manifest, kind_from_extension, load_manifest
from qualmine.corpus.records import Document, IngestionRecord, Segment
from qualmine.corpus.surveys import read_survey
from qualmine.corpus.transcripts import read_transcript
from qualmine.corpus.turns import SpeakerMarkers

SUPPORTED_EXTENSIONS = (".txt", ".md", ".docx", ".csv", ".xlsx")
SEGMENT_COLUMNS = [
    "segment_id", "doc_id", "source_file", "respondent_id", "speaker", "is_interviewer",
    "question", "lang", "start", "end", "position", "turn", "text",
]
REPORT_COLUMNS = [f.name for f in fields(IngestionRecord)]


@dataclass
class Corpus:
    """The result of ingestion; `respondents` has one row per respondent, all columns str."""

    documents: list[Document]
    segments: list[Segment]
    respondents: pd.DataFrame
    report: list[IngestionRecord]
    notes: list[str] = field(default_factory=list)


def discover_files(corpus_dir: Path) -> tuple[list[Path], list[str]]:
    """Corpus files under `corpus_dir` (recursive, sorted by relative path) and notes.

    Hidden files/folders, the manifest, the folder's README.md and Office lock files (~$x.xlsx)
    are not corpus files; the README and lock files are mentioned in a note. Symbolic links are
    never followed out of the corpus folder, nor into folders (`unread_entries` reports them).
    """
    files, notes = [], []
    root = Path(corpus_dir).resolve()
    for path in sorted(corpus_dir.rglob("*"), key=lambda p: relative_name(p, corpus_dir)):
        rel = relative_name(path, corpus_dir)
        if not path.is_file() or any(part.startswith(".") for part in Path(rel).parts):
            continue
        if path.is_symlink() and root not in path.resolve().parents:
            continue   # leads outside the corpus: its text is not ours to read (reported by unread_entries)
        if rel == MANIFEST_NAME:
            continue
        if rel.lower() == "readme.md":
            notes.append(f"{rel}: ignored (a README in the corpus folder is documentation, not data)")
            continue
        if path.name.startswith("~$"):
            notes.append(f"{rel}: ignored (an Office lock file; close the document in Excel/Word)")
            continue
        files.append(path)
    return files, notes


def ingest_corpus(
    corpus_dir: Path, *, markers: SpeakerMarkers | None = None, max_segment_chars: int = 300, unit: str = "auto"
) -> Corpus:
    """Ingest every corpus file in `corpus_dir`, following manifest.yaml if there is one.

    Raises CorpusError if the folder is missing or manifest.yaml is invalid; every per-file
    problem is an IngestionRecord in `report` instead.
    """
    folder = open_corpus_folder(corpus_dir)
    corpus = ingest_files(folder.files, folder.root, folder.manifest, markers=markers,
                          max_segment_chars=max_segment_chars, unit=unit)
    corpus.report.extend(folder.missing)
    corpus.notes[:0] = folder.notes
    return corpus


@dataclass
class CorpusFolder:
    """A corpus folder opened for reading: its files, manifest, notes, and manifest entries not found."""

    root: Path
    manifest: Manifest | None
    files: list[Path]
    notes: list[str]
    missing: list[IngestionRecord]


def open_corpus_folder(corpus_dir: Path) -> CorpusFolder:
    """Find the corpus files and read manifest.yaml; raises CorpusError for a missing folder or bad manifest."""
    root = Path(corpus_dir).resolve()
    if not root.is_dir():
        raise CorpusError(f"corpus folder not found: {root}")
    manifest_path = root / MANIFEST_NAME
    manifest = load_manifest(manifest_path) if manifest_path.is_file() else None
    files, notes = discover_files(root)
    missing: list[IngestionRecord] = unread_entries(root)
    missing += unread_sheets(files, root, manifest)
    if manifest is None:
        notes.append(f"no {MANIFEST_NAME}: file kinds from extensions, survey columns guessed")
    else:
        present = {relative_name(p, root) for p in files}
        missing += [IngestionRecord(source_file=e.path, status="rejected",
                                   reason=f"file listed in {MANIFEST_NAME} not found", kind=e.kind)
                   for e in manifest.files if e.path not in present]
    return CorpusFolder(root, manifest, files, notes, missing)


def unread_entries(root: Path) -> list[IngestionRecord]:
    """A report row for everything under `root` that is not read: hidden files and folders, and
    symbolic links that dangle, lead to a folder or lead outside the corpus (never followed there).

    Nothing is dropped silently (issue #17); symbolic links to files inside the corpus are read.
    """
    root = Path(root).resolve()
    rows: list[IngestionRecord] = []
    for folder, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(folder)
        for name in sorted(dirnames):
            path = here / name
            rel = relative_name(path, root)
            if path.is_symlink():
                target = path.resolve()
                inside = target == root or root in target.parents
                rows.append(IngestionRecord(
                    source_file=rel, status="skipped" if inside else "rejected",
                    reason=("symbolic link to a folder inside the corpus: not followed (its files are read where "
                            "they are)" if inside else f"symbolic link to a folder outside the corpus ({target}): "
                            "not followed; copy the files into the corpus folder to read them")))
            elif name.startswith("."):
                rows.append(IngestionRecord(source_file=rel + "/", status="skipped",
                                            reason="hidden folder: not read (rename it without the leading dot)"))
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and not (here / d).is_symlink()]
        for name in sorted(filenames):
            path = here / name
            rel = relative_name(path, root)
            if path.is_symlink():
                target = path.resolve()
                if not target.exists():
                    rows.append(IngestionRecord(source_file=rel, status="rejected",
                                                reason=f"dangling symbolic link: {os.readlink(path)} does not exist"))
                elif root not in target.parents:
                    rows.append(IngestionRecord(source_file=rel, status="rejected",
                                                reason="symbolic link to a file outside the corpus: not followed; "
                                                       "copy the file into the corpus folder to read it"))
                elif target.is_dir():
                    rows.append(IngestionRecord(source_file=rel, status="skipped",
                                                reason="symbolic link to a folder: not followed"))
            elif name.startswith(".") and name != MANIFEST_NAME:
                rows.append(IngestionRecord(source_file=rel, status="skipped",
                                            reason="hidden file: not read (rename it without the leading dot)"))
    return rows


def unread_sheets(files: list[Path], root: Path, manifest: Manifest | None) -> list[IngestionRecord]:
    """A 'skipped' report row for every workbook sheet that is not read (one sheet per file is)."""
    from qualmine.corpus.surveys import xlsx_sheet_names

    rows = []
    for path in files:
        if path.suffix.lower() != ".xlsx":
            continue
        rel = relative_name(path, root)
        entry = manifest.entry(rel) if manifest is not None else None
        names = xlsx_sheet_names(path)
        several = entry.sheet_names(names) if entry is not None else None
        read = entry.sheet if entry is not None and entry.sheet else (names[0] if names else None)
        for name in names:
            if several is not None and name not in several:
                rows.append(IngestionRecord(
                    source_file=f"{rel}!{name}", status="skipped", kind="survey",
                    reason=f"sheet {name!r} not read: not among the sheets {MANIFEST_NAME} names "
                           f"({', '.join(several)}); add it to `sheets:` to read it"))
            elif several is None and name != read:
                rows.append(IngestionRecord(
                    source_file=f"{rel}!{name}", status="skipped", kind="survey",
                    reason=f"sheet {name!r} not read: one sheet per workbook is read (here {read!r}); "
                           f"save this sheet as its own file, or name the sheets to read with `sheets:` "
                           f"(or `sheets: all`) in {MANIFEST_NAME}"))
    return rows


def ingest_files(
    paths: Iterable[Path],
    root: Path,
    manifest: Manifest | None = None,
    *,
    markers: SpeakerMarkers | None = None,
    max_segment_chars: int = 300,
    unit: str = "auto",
) -> Corpus:
    """Ingest the given files (absolute, or relative to `root`); ids use paths relative to root."""
    root = Path(root).resolve()
    markers = markers or SpeakerMarkers()
    full = [p if Path(p).is_absolute() else root / p for p in map(Path, paths)]
    items = sorted(((relative_name(p, root), p) for p in full), key=lambda x: x[0])
    results = [ingest_one(path, rel, manifest, markers, max_segment_chars, unit) for rel, path in items]
    return _assemble(results)


def ingest_one(path: Path, rel: str, manifest: Manifest | None, markers: SpeakerMarkers, max_chars: int,
               unit: str = "auto") -> FileResult:
    """Read one file of the corpus (`rel`: its name relative to the corpus folder) into a FileResult."""
    entry = manifest.entry(rel) if manifest is not None else None
    ext = path.suffix.lower()
    kind = (entry.kind if entry else None) or kind_from_extension(rel)
    notes = []
    if manifest is not None and entry is None and ext in SUPPORTED_EXTENSIONS:
        notes.append(unlisted_note(rel, kind))
    try:
        if ext not in SUPPORTED_EXTENSIONS:
            raise Rejected(f"unsupported file type '{ext or path.name}' (expected {', '.join(SUPPORTED_EXTENSIONS)})")
        if kind != kind_from_extension(rel):
            wanted = ".csv or .xlsx" if kind == "survey" else ".txt, .md or .docx"
            raise Rejected(f"kind '{kind}' in {MANIFEST_NAME} needs a {wanted} file, not '{ext}'")
        if kind == "survey" and entry is not None and entry.sheets is not None and ext == ".xlsx":
            result = read_sheets(path, rel, entry, max_chars, unit)
        elif kind == "survey":
            result = read_survey(path, rel, entry, max_segment_chars=max_chars, unit=unit)
        else:
            if entry is not None and entry.interviewer_labels is not None:
                markers = markers.with_interviewer_labels(entry.interviewer_labels)
            result = read_transcript(
                path, rel, respondent_id=entry.respondent_id if entry else None,
                attributes=entry.attributes if entry else None, markers=markers,
                max_segment_chars=max_chars, encoding=entry.encoding if entry else None, unit=unit)
    except Rejected as exc:
        record = IngestionRecord(source_file=rel, status="rejected", reason=exc.reason, encoding=exc.encoding, kind=kind)
        return FileResult(records=[record], notes=notes)
    except OSError as exc:
        record = IngestionRecord(source_file=rel, status="rejected", reason=f"cannot read file ({exc.strerror or exc})", kind=kind)
        return FileResult(records=[record], notes=notes)
    result.notes[:0] = notes
    return result


def read_sheets(path: Path, rel: str, entry, max_chars: int, unit: str = "auto") -> FileResult:
    """Every sheet `sheets:` names, each read as its own survey `<rel>!<sheet>` (its own report line
    and document ids: one respondent id may appear on several sheets). A sheet that cannot be read
    is rejected alone."""
    from qualmine.corpus.surveys import xlsx_sheet_names

    available = xlsx_sheet_names(path)
    merged = FileResult()
    for name in entry.sheet_names(available):
        source = f"{rel}!{name}"
        try:
            if name not in available:
                raise Rejected(f"sheet {name!r} not found (sheets: {', '.join(available)})")
            one = read_survey(path, source, entry.model_copy(update={"sheet": name, "sheets": None}),
                              max_segment_chars=max_chars, unit=unit)
        except Rejected as exc:
            one = FileResult(records=[IngestionRecord(source_file=source, status="rejected", reason=exc.reason,
                                                      encoding=exc.encoding, kind="survey")])
        merged.documents += one.documents
        merged.segments += one.segments
        merged.records += one.records
        merged.respondents += one.respondents
        merged.notes += one.notes
    return merged


def unlisted_note(rel: str, kind: str | None) -> str:
    """The note for a corpus file that manifest.yaml does not list (it is read by its extension)."""
    return f"{rel}: not listed in {MANIFEST_NAME}; read as {kind} from its extension"


def _assemble(results: list[FileResult]) -> Corpus:
    documents, segments, report, notes = [], [], [], []
    respondents: dict[str, dict[str, str]] = {}
    origin: dict[str, str] = {}
    for res in results:
        documents += res.documents
        segments += res.segments
        report += res.records
        notes += res.notes
        source = res.records[0].source_file if res.records else "?"
        for rid, attrs in res.respondents:
            if rid not in respondents:
                respondents[rid], origin[rid] = dict(attrs), source
                continue
            if origin[rid] != source:
                notes.append(f"respondent id {rid!r} appears in {origin[rid]} and {source}: treated as one respondent")
                origin[rid] = source
            for key, old, new in merge_attributes(respondents[rid], attrs):
                notes.append(f"respondent {rid!r}: {key} is {old!r} in one file and {new!r} in {source}; kept {old!r}")
    return Corpus(documents, segments, respondents_frame(respondents), report, notes)


def merge_attributes(target: dict[str, str], attrs: dict[str, str]) -> list[tuple[str, str, str]]:
    """Fill `target`'s empty attributes from `attrs`; return the conflicts (first value kept)."""
    conflicts = []
    for key, value in attrs.items():
        old = target.get(key, "")
        if not old:
            target[key] = value
        elif value and value != old:
            conflicts.append((key, old, value))
    return conflicts


def respondents_frame(respondents: dict[str, dict[str, str]]) -> pd.DataFrame:
    """The respondents table: one row a respondent, one column an attribute (in first-seen order)."""
    columns = ["respondent_id"]
    for attrs in respondents.values():
        columns += [k for k in attrs if k not in columns]
    rows = [[rid] + [attrs.get(c, "") for c in columns[1:]] for rid, attrs in respondents.items()]
    return pd.DataFrame(rows, columns=columns, dtype=str)


def combine(corpora: Iterable[Corpus]) -> Corpus:
    """Join batch results (e.g. from several `ingest_files` calls) into one Corpus."""
    corpora = list(corpora)
    respondents: dict[str, dict[str, str]] = {}
    for part in corpora:
        for row in part.respondents.to_dict("records"):
            rid = row.pop("respondent_id")
            merge_attributes(respondents.setdefault(rid, {}), row)
    return Corpus(
        documents=[d for c in corpora for d in c.documents],
        segments=[s for c in corpora for s in c.segments],
        respondents=respondents_frame(respondents),
        report=[r for c in corpora for r in c.report],
        notes=[n for c in corpora for n in c.notes],
    )


def segments_frame(corpus: Corpus) -> pd.DataFrame:
    """One row per segment (SEGMENT_COLUMNS, in that order), then the respondent attributes.

    An attribute whose name clashes with a segment column is renamed 'attr_<name>'.
    """
    source = {d.doc_id: d.source_file for d in corpus.documents}
    rows = [{**{c: getattr(s, c) for c in SEGMENT_COLUMNS if c != "source_file"}, "source_file": source[s.doc_id]}
            for s in corpus.segments]
    frame = pd.DataFrame(rows, columns=SEGMENT_COLUMNS)
    ints = {c: "int64" for c in ("start", "end", "position", "turn")}
    frame = frame.astype({**ints, "is_interviewer": bool, **{c: "str" for c in SEGMENT_COLUMNS if c not in ints and c != "is_interviewer"}})
    people = corpus.respondents.rename(columns=lambda c: f"attr_{c}" if c in SEGMENT_COLUMNS and c != "respondent_id" else c)
    if len(people.columns) > 1:
        frame = frame.merge(people, on="respondent_id", how="left", validate="many_to_one")
    return frame


DOCUMENT_COLUMNS = ("doc_id", "source_file", "kind", "respondent_id", "question", "text")


def documents_frame(corpus: Corpus) -> pd.DataFrame:
    """One row per document with its exact text (what segment and evidence offsets index into)."""
    rows = [{c: getattr(d, c) for c in DOCUMENT_COLUMNS} for d in corpus.documents]
    frame = pd.DataFrame(rows, columns=list(DOCUMENT_COLUMNS))
    return frame.astype({c: "str" for c in DOCUMENT_COLUMNS})


def report_frame(corpus: Corpus) -> pd.DataFrame:
    """The ingestion report as a frame, one column per IngestionRecord field."""
    frame = pd.DataFrame([asdict(r) for r in corpus.report], columns=REPORT_COLUMNS)
    text = {c: "str" for c in REPORT_COLUMNS if c not in ("row", "segments")}
    return frame.astype({"row": "Int64", "segments": "int64", **text})


def relative_name(path: Path, root: Path) -> str:
    """Path relative to the corpus folder, '/'-separated (part of doc ids: must be stable)."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.resolve().relative_to(root.resolve()).as_posix()
