"""Interview transcripts (.txt, .md, .docx) -> one Document and its turn/sentence Segments."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from qualmine.corpus.encoding import EMPTY, read_text
from qualmine.corpus.errors import FileResult, Rejected
from qualmine.corpus.lang import detect_lang
from qualmine.corpus.records import Document, IngestionRecord, make_doc_id
from qualmine.corpus.sentences import build_segments, unit_spans
from qualmine.corpus.turns import SpeakerMarkers, find_turns

TRANSCRIPT_EXTENSIONS = (".txt", ".md", ".docx")
NO_RESPONDENT_TEXT = "transcript with no respondent text"


def read_docx_text(path: Path) -> tuple[str, list[str]]:
    """Paragraph texts of a .docx joined with '\\n', plus notes (e.g. tables that were not read)."""
    import docx  # python-docx; imported here so text-only corpora never pay for it

    from qualmine.corpus.archives import archive_problem

    too_big = archive_problem(path)
    if too_big:
        raise Rejected(f"docx refused: {too_big} (a zip bomb, or not an interview transcript)")
    try:
        document = docx.Document(str(path))
        paragraphs = [p.text for p in document.paragraphs]
        tables = len(document.tables)
    except Exception as exc:  # python-docx raises zip, XML, KeyError... for broken packages
        raise Rejected(f"corrupt docx file ({type(exc).__name__}: {exc})") from None
    notes = []
    if tables:
        notes.append(f"{tables} table(s) in the .docx were not read (only paragraphs are)")
    return "\n".join(paragraphs), notes


def read_transcript(
    path: Path,
    rel: str,
    *,
    respondent_id: str | None = None,
    attributes: dict[str, str] | None = None,
    markers: SpeakerMarkers | None = None,
    max_segment_chars: int = 300,
    encoding: str | None = None,
    unit: str = "auto",
) -> FileResult:
    """Read one transcript into a Document (doc_id = `rel`) and its Segments.

    `respondent_id` defaults to the file stem. Raises `Rejected` for unreadable files and for
    transcripts without respondent text (no markers, or interviewer turns only).
    """
    markers = markers or SpeakerMarkers()
    notes: list[str] = []
    if path.suffix.lower() == ".docx":
        text, docx_notes = read_docx_text(path)
        notes += docx_notes
        used_encoding = None
        if not text.strip():
            raise Rejected(EMPTY)
    else:
        text, used_encoding = read_text(path, encoding)
    if "\r" in text and "\n" not in text:
        # Classic Mac line ends (a lone CR) made the whole file one line: "only interviewer turns" (issue #17).
        # CR -> LF keeps every offset.
        text = text.replace("\r", "\n")
    respondent_id = respondent_id or path.stem
    doc_id = make_doc_id(rel)

    turns, preamble_end = find_turns(text, markers)
    if not turns:
        raise Rejected(
            f"{NO_RESPONDENT_TEXT}: no speaker markers found (expected lines starting like "
            f"'问：', '答：', 'Q:', 'A:', 'R1:' or 'Name: ')",
            encoding=used_encoding,
        )
    default_lang = detect_lang("".join(text[t.start:t.end] for t in turns if not t.is_interviewer))
    occurrences: Counter = Counter()
    segments = []
    for turn in turns:
        # 'auto' and 'sentence': sentences; 'turn' and 'answer' (a respondent's answer is a turn): turns.
        spans = unit_spans(text, turn.start, turn.end, unit="turn" if unit in ("turn", "answer") else "sentence",
                           max_chars=max_segment_chars)
        segments += build_segments(
            doc_id, text, spans,
            respondent_id=respondent_id, speaker=turn.speaker, is_interviewer=turn.is_interviewer,
            turn=turn.index, question=None, default_lang=default_lang,
            occurrences=occurrences, first_position=len(segments),
        )
    if not any(not s.is_interviewer for s in segments):
        labels = ", ".join(sorted({t.speaker for t in turns}))
        raise Rejected(f"{NO_RESPONDENT_TEXT}: only interviewer turns ({labels})", encoding=used_encoding)

    notes.append(_speaker_note(turns, text[:preamble_end]))
    document = Document(
        doc_id=doc_id, source_file=rel, kind="transcript", text=text,
        respondent_id=respondent_id, attributes=dict(attributes or {}),
    )
    record = IngestionRecord(
        source_file=rel, status="ingested", respondent_id=respondent_id, doc_id=doc_id,
        segments=len(segments), encoding=used_encoding, kind="transcript",
    )
    return FileResult(
        documents=[document], segments=segments, records=[record],
        respondents=[(respondent_id, dict(attributes or {}))],
        notes=[f"{rel}: {n}" for n in notes],
    )


def _speaker_note(turns, preamble: str) -> str:
    """'speakers: 问 (interviewer, 3 turns), 答 (3 turns)' — which labels were taken for whom."""
    counts = Counter(t.speaker for t in turns)
    role = {t.speaker: t.is_interviewer for t in turns}
    parts = [
        f"{label} ({'interviewer, ' if role[label] else ''}{n} turn{'s' if n != 1 else ''})"
        for label, n in counts.items()
    ]
    note = "speakers: " + ", ".join(parts)
    lines = [ln for ln in preamble.splitlines() if ln.strip()]
    if lines:
        note += f"; {len(lines)} line(s) before the first speaker marker kept but not segmented"
    return note
