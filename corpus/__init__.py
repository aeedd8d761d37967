"""Corpus stage: ingest interview transcripts and survey exports into documents and segments."""
from importlib import resources as _resources
from pathlib import Path as _Path

from qualmine.corpus.errors import CorpusError
from qualmine.corpus.ingest import (
    Corpus, CorpusFolder, combine, discover_files, documents_frame, ingest_corpus, ingest_files, open_corpus_folder,
    report_frame, segments_frame,
)
from qualmine.corpus.lang import detect_lang
from qualmine.corpus.manifest import FileEntry, Manifest, load_manifest
from qualmine.corpus.normalize import normalize
from qualmine.corpus.records import Document, IngestionRecord, Segment, make_doc_id, make_segment_id
from qualmine.corpus.sentences import sentence_spans
from qualmine.corpus.turns import SpeakerMarkers, find_turns

# The shipped example corpus (importlib.resources: the same path in a checkout and a wheel).
EXAMPLE_CORPUS = _Path(str(_resources.files(__name__).joinpath("examples")))

__all__ = [
    "EXAMPLE_CORPUS", "Corpus", "CorpusError", "Document", "FileEntry", "IngestionRecord", "Manifest", "Segment",
    "SpeakerMarkers", "CorpusFolder", "open_corpus_folder", "combine", "detect_lang", "discover_files", "documents_frame", "find_turns", "ingest_corpus",
    "ingest_files", "load_manifest", "make_doc_id", "make_segment_id", "normalize",
    "report_frame", "segments_frame", "sentence_spans",
]
