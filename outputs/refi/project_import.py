"""Import a REFI-QDA project (`.qdpx`) from NVivo, ATLAS.ti, MAXQDA, QualCoder or Taguette.

Sources become `documents`; each document is cut into `segments` the way qualmine cuts its own
input (speaker turns -> sentences for transcripts, sentences for survey answers), so a project
that started as a qualmine export gets back the very segment ids of the original run and the
coders' work lands on the segments the rules coded. A selection that overlaps no segment (text
before the first speaker label, say) gets a segment of its own. Each coded selection becomes one
`code_applications` row per segment it overlaps, keeping the selection's exact span as
start/end/evidence (so re-exporting gives the same selections). Codings by qualmine's own users
('qualmine-rules', ...) come back as machine codes; every other coding is the named coder's
(`source == 'coder'`, column `coder`) and a review decision ('add').
"""
from __future__ import annotations

import hashlib
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from lxml import etree

from qualmine.coding.codebook import Codebook
from qualmine.corpus.archives import MAX_INFLATED_BYTES, archive_problem
from qualmine.corpus.ingest import Corpus, report_frame, segments_frame
from qualmine.corpus.lang import detect_lang
from qualmine.corpus.records import Document, IngestionRecord, Segment, make_segment_id
from qualmine.corpus.sentences import build_segments, sentence_spans
from qualmine.corpus.turns import find_turns
from qualmine.outputs.refi.codebook import build_codebook, read_codes, read_sets
from qualmine.outputs.refi.common import PROJECT_NS, RefiError, normalize_guid, parse_xml, split_description, validate
from qualmine.outputs.refi.project_export import MACHINE_USERS

NS = PROJECT_NS
MAX_MEMBER_BYTES = 512 * 1024 * 1024   # refuse zip bombs: no project member is allowed to inflate past this
DOCUMENT_COLUMNS = ["doc_id", "source_file", "kind", "respondent_id", "question", "text"]
DECISION_COLUMNS = ["segment_id", "code_id", "coder", "decision", "note"]
# code_applications as documented, plus `coder` (who coded it; empty for machine sources)
APPLICATION_COLUMNS = ["segment_id", "code_id", "source", "start", "end", "evidence", "score", "matched", "hits", "coder"]
_SOURCE_FOR_USER = {user: source for source, user in MACHINE_USERS.items()}


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


@dataclass
class ImportedProject:
    """A project read from a `.qdpx`: run tables, the codebook and the coder's decisions."""

    codebook: Codebook
    documents: pd.DataFrame
    segments: pd.DataFrame
    respondents: pd.DataFrame
    code_applications: pd.DataFrame
    ingestion_report: pd.DataFrame
    decisions: pd.DataFrame            # DECISION_COLUMNS: the coder's codes per segment
    coder: str
    source_file: str
    file_hash: str
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Selection:
    doc_id: str
    start: int
    end: int
    code_id: str
    user: str


def read_qdpx(path: str | Path, coder: str, *, max_segment_chars: int = 300) -> ImportedProject:
    """Read a `.qdpx` file safely (see module docstring); raises `RefiError` naming file and line."""
    path = Path(path)
    if not coder.strip():
        raise ValueError("The 'coder' parameter of read_qdpx must be a non-empty name. Got '' instead.")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RefiError.one(str(path), None, f"cannot read the file: {exc.strerror}") from None
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise RefiError.one(str(path), None, "not a .qdpx project (a .qdpx is a zip archive holding project.qde)") from None
    with zf:
        too_big = archive_problem(zf)
        if too_big:
            raise RefiError.one(str(path), None, too_big)
        qde_name = _find_qde(zf, str(path))
        where = f"{path}!{qde_name}"
        tree = parse_xml(_member(zf, qde_name, str(path)), where)
        root = tree.getroot()
        if root.tag != _q("Project"):
            raise RefiError.one(where, root.sourceline, f"expected a REFI-QDA project (<Project xmlns=\"{NS}\">), "
                                                        f"found <{etree.QName(root).localname}>")
        validate(tree, "project", where)
        return _convert(root, zf, path, where, coder.strip(), hashlib.sha256(raw).hexdigest(), max_segment_chars)


def _find_qde(zf: zipfile.ZipFile, source: str) -> str:
    names = [n for n in zf.namelist() if n.lower().endswith(".qde") and "/" not in n.strip("/")]
    if not names:
        raise RefiError.one(source, None, "the archive has no project.qde (not a REFI-QDA project)")
    return "project.qde" if "project.qde" in names else names[0]


def _member(zf: zipfile.ZipFile, name: str, source: str) -> bytes:
    info = zf.getinfo(name)
    if info.file_size > MAX_MEMBER_BYTES:
        raise RefiError.one(source, None, f"{name} inflates to {info.file_size} bytes, more than the "
                                          f"{MAX_MEMBER_BYTES} allowed")
    # Counted per archive, not per entry: many sources may name the same entry (issue #17).
    read = getattr(zf, "_qualmine_inflated", 0) + info.file_size
    if read > MAX_INFLATED_BYTES:
        raise RefiError.one(source, None, f"reading {name} brings what the archive inflates to past the "
                                          f"{MAX_INFLATED_BYTES} bytes allowed (sources sharing one entry count each time)")
    zf._qualmine_inflated = read
    try:
        return zf.read(name)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:   # a bad CRC, a truncated entry...
        raise RefiError.one(source, None, f"{name} is damaged in the archive ({exc})") from None


def _convert(root, zf: zipfile.ZipFile, path: Path, where: str, coder: str, file_hash: str,
             max_chars: int) -> ImportedProject:
    notes: list[str] = []
    codes_el = root.find(f"{_q('CodeBook')}/{_q('Codes')}")
    if codes_el is None:
        raise RefiError.one(where, root.sourceline, "the project has no <CodeBook>: nothing was coded with codes qualmine can use")
    sets = read_sets(root, NS, "targetGUID")
    imported = read_codes(codes_el, [(n, m) for n, m, _, _ in sets], NS, where)
    book = build_codebook(imported, sets, where, path.stem).codebook
    notes += imported.notes
    users = {normalize_guid(u.get("guid", "")): u.get("name") or u.get("id") or "" for u in root.iter(_q("User"))}
    people, source_owner = _cases(root)
    documents, selections = [], []
    taken: set[str] = set()
    skipped = Counter(etree.QName(el).localname for tag in ("PictureSource", "PDFSource", "AudioSource", "VideoSource")
                      for el in root.iter(_q(tag)))
    for kind, n in sorted(skipped.items()):
        notes.append(f"{n} {kind}(s) skipped: only text sources are imported")
    for src in root.findall(f"{_q('Sources')}/{_q('TextSource')}"):
        doc = _document(src, zf, where, str(path), source_owner, taken)
        documents.append(doc)
        selections += _selections(src, doc, imported.guid_to_id, users, where)
    corpus, extra = _segment(documents, selections, people, max_chars)
    if extra:
        notes.append(f"{extra} coded selection(s) overlapped no sentence segment and got a segment of their own")
    segments = segments_frame(corpus)
    texts = {d.doc_id: d.text for d in documents}
    applications, decisions = _applications(selections, corpus.segments, texts, coder, path.name)
    documents_frame = pd.DataFrame([[d.doc_id, d.source_file, d.kind, d.respondent_id, d.question or "", d.text]
                                    for d in documents], columns=DOCUMENT_COLUMNS).astype(str)
    notes.append(f"imported {len(documents)} source(s), {len({(s.doc_id, s.start, s.end) for s in selections})} "
                 f"coded selection(s), {len(decisions)} decision(s) of coder {coder!r}")
    return ImportedProject(book, documents_frame, segments, corpus.respondents, applications, report_frame(corpus),
                           decisions, coder, str(path), file_hash, notes)


def _cases(root) -> tuple[pd.DataFrame, dict[str, str]]:
    """Respondents (case name + one column per variable) and source GUID -> respondent id."""
    variables = {normalize_guid(v.get("guid", "")): v.get("name", "") for v in root.iter(_q("Variable"))}
    rows, owner = [], {}
    for case in root.findall(f"{_q('Cases')}/{_q('Case')}"):
        rid = case.get("name") or normalize_guid(case.get("guid", ""))
        row = {"respondent_id": rid}
        for vv in case.findall(_q("VariableValue")):
            ref = vv.find(_q("VariableRef"))
            name = variables.get(normalize_guid(ref.get("targetGUID", "")), "") if ref is not None else ""
            value = next((el.text or "" for el in vv if el.tag != _q("VariableRef")), "")
            if name:
                row[name] = value
        for ref in case.findall(_q("SourceRef")):
            owner.setdefault(normalize_guid(ref.get("targetGUID", "")), rid)
        rows.append(row)
    columns = ["respondent_id"] + list(dict.fromkeys(v for v in variables.values() if v))
    return pd.DataFrame(rows, columns=columns).fillna("").astype(str), owner


def _document(src, zf: zipfile.ZipFile, where: str, archive: str, owner: dict[str, str], taken: set[str]) -> Document:
    guid = normalize_guid(src.get("guid", ""))
    name = src.get("name") or guid
    desc = src.find(_q("Description"))
    _, block = split_description(desc.text if desc is not None else "", where, src.sourceline)
    meta = (block or {}).get("document") or {}
    text = _source_text(src, zf, where, archive, name)
    doc_id = str(meta.get("doc_id") or name)
    if doc_id in taken:
        doc_id = f"{doc_id}#{guid[:8]}"
    taken.add(doc_id)
    respondent = str(meta.get("respondent_id") or owner.get(guid) or Path(name).stem)
    kind = meta.get("kind") if meta.get("kind") in ("transcript", "survey") else "transcript"
    return Document(doc_id=doc_id, source_file=str(meta.get("source_file") or name), kind=kind, text=text,
                    respondent_id=respondent, question=str(meta.get("question") or "") or None)


def _source_text(src, zf: zipfile.ZipFile, where: str, archive: str, name: str) -> str:
    inline = src.find(_q("PlainTextContent"))
    if inline is not None and inline.text is not None:
        return inline.text
    ref = src.get("plainTextPath")
    if not ref:
        raise RefiError.one(where, src.sourceline, f"text source {name!r} has neither PlainTextContent nor plainTextPath")
    if not ref.startswith("internal://"):
        raise RefiError.one(where, src.sourceline, f"text source {name!r} points outside the archive ({ref}); "
                                                   "only self-contained projects (internal://) can be imported")
    member = "Sources/" + ref[len("internal://"):]
    if member not in zf.namelist():
        raise RefiError.one(where, src.sourceline, f"text source {name!r} refers to {member}, which is not in the archive {archive}")
    data = _member(zf, member, archive)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RefiError.one(f"{archive}!{member}", None, f"source text is not UTF-8 (byte {exc.start}: {exc.reason})") from None
    # A BOM is an encoding mark, not a character the tools count in selection positions.
    return text[1:] if text.startswith("\ufeff") else text


def _selections(src, doc: Document, code_ids: dict[str, str], users: dict[str, str], where: str) -> list[_Selection]:
    out = []
    length = len(doc.text)
    for sel in src.findall(_q("PlainTextSelection")):
        start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
        if not 0 <= start < end <= length:
            raise RefiError.one(where, sel.sourceline, f"selection {start}-{end} in source {doc.doc_id!r} is outside "
                                                       f"its text (0-{length}) or empty")
        default_user = users.get(normalize_guid(sel.get("creatingUser", "")), "")
        for coding in sel.findall(_q("Coding")):
            ref = coding.find(_q("CodeRef"))
            code = code_ids.get(normalize_guid(ref.get("targetGUID", "")))
            if code is None:
                raise RefiError.one(where, ref.sourceline, f"a coding refers to code {ref.get('targetGUID')}, which is not "
                                                           "in the project's codebook")
            user = users.get(normalize_guid(coding.get("creatingUser", "")), default_user)
            out.append(_Selection(doc.doc_id, start, end, code, user))
    return out


def _segment(documents: list[Document], selections: list[_Selection], people: pd.DataFrame,
             max_chars: int) -> tuple[Corpus, int]:
    """Cut documents like the readers do; give uncovered selections their own segment."""
    by_doc: dict[str, list[_Selection]] = {}
    for sel in selections:
        by_doc.setdefault(sel.doc_id, []).append(sel)
    segments, report, extra = [], [], 0
    for doc in documents:
        mine = _cut(doc, max_chars)
        occurrences = Counter(s.text for s in mine)
        for sel in sorted(by_doc.get(doc.doc_id, []), key=lambda s: (s.start, s.end)):
            if not any(s.start < sel.end and sel.start < s.end for s in mine):
                piece = doc.text[sel.start:sel.end]
                occ = occurrences[piece]
                occurrences[piece] += 1
                mine.append(Segment(make_segment_id(doc.doc_id, piece, occ), doc.doc_id, doc.respondent_id, "",
                                    False, detect_lang(piece), sel.start, sel.end, piece, 0, 0, doc.question))
                extra += 1
        mine.sort(key=lambda s: (s.start, s.end))
        segments += [_renumber(s, i) for i, s in enumerate(mine)]
        report.append(IngestionRecord(source_file=doc.source_file, status="ingested", respondent_id=doc.respondent_id,
                                      doc_id=doc.doc_id, segments=len(mine), encoding="utf-8", kind=doc.kind))
    known = set(people["respondent_id"]) if len(people) else set()
    missing = [d.respondent_id for d in documents if d.respondent_id not in known]
    if missing:
        people = pd.concat([people, pd.DataFrame({"respondent_id": list(dict.fromkeys(missing))})],
                           ignore_index=True).fillna("").astype(str)
    return Corpus(documents, segments, people, report), extra


def _cut(doc: Document, max_chars: int) -> list[Segment]:
    occurrences: Counter = Counter()
    default_lang = detect_lang(doc.text)
    turns, _ = find_turns(doc.text) if doc.kind == "transcript" else ([], 0)
    if not turns:
        spans = sentence_spans(doc.text, max_chars=max_chars)
        return build_segments(doc.doc_id, doc.text, spans, respondent_id=doc.respondent_id,
                              speaker=doc.question or "", is_interviewer=False, turn=0, question=doc.question,
                              default_lang=default_lang, occurrences=occurrences, first_position=0)
    out: list[Segment] = []
    for turn in turns:
        spans = sentence_spans(doc.text, turn.start, turn.end, max_chars=max_chars)
        out += build_segments(doc.doc_id, doc.text, spans, respondent_id=doc.respondent_id, speaker=turn.speaker,
                              is_interviewer=turn.is_interviewer, turn=turn.index, question=None,
                              default_lang=default_lang, occurrences=occurrences, first_position=len(out))
    return out


def _renumber(seg: Segment, position: int) -> Segment:
    if seg.position == position:
        return seg
    return Segment(seg.segment_id, seg.doc_id, seg.respondent_id, seg.speaker, seg.is_interviewer, seg.lang,
                   seg.start, seg.end, seg.text, position, seg.turn, seg.question)


def _applications(selections: list[_Selection], segments: list[Segment], texts: dict[str, str], coder: str,
                  file_name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One application per (selection, code, overlapped segment); the coder's become decisions."""
    by_doc: dict[str, list[Segment]] = {}
    for seg in segments:
        by_doc.setdefault(seg.doc_id, []).append(seg)
    rows, decisions, seen = [], [], set()
    for sel in selections:
        machine = _SOURCE_FOR_USER.get(sel.user)
        for seg in by_doc[sel.doc_id]:
            key = (seg.segment_id, sel.code_id, sel.start, sel.end, machine or coder)
            if not (seg.start < sel.end and sel.start < seg.end) or key in seen:
                continue
            seen.add(key)
            rows.append({"segment_id": seg.segment_id, "code_id": sel.code_id, "source": machine or "coder",
                         "start": sel.start, "end": sel.end, "evidence": texts[sel.doc_id][sel.start:sel.end],
                         "score": 1.0, "matched": "", "hits": 1, "coder": "" if machine else coder})
            if not machine:
                decisions.append({"segment_id": seg.segment_id, "code_id": sel.code_id, "coder": coder,
                                  "decision": "add",
                                  "note": f"imported from {file_name} (user {sel.user or 'unknown'}, "
                                          f"selection {sel.start}-{sel.end})"})
    frame = pd.DataFrame(rows, columns=APPLICATION_COLUMNS).astype(
        {"start": "int64", "end": "int64", "score": "float64", "hits": "int64"})
    return frame, pd.DataFrame(decisions, columns=DECISION_COLUMNS).drop_duplicates(["segment_id", "code_id"])


def write_imported_run(project: ImportedProject, out_dir: str | Path) -> list[Path]:
    """Write the imported project as a run folder: the linked tables, `codebook.yaml` and a manifest."""
    import json

    from qualmine.coding.codebook import dump_codebook
    from qualmine.coding.tables import build_tables
    from qualmine.outputs.writers import write_tables

    out_dir = Path(out_dir)
    tables = build_tables(project.codebook, project.documents, project.segments, project.respondents,
                          project.code_applications, project.ingestion_report)
    written = write_tables(tables.items(), out_dir)
    book = out_dir / "codebook.yaml"
    book.write_text(dump_codebook(project.codebook), encoding="utf-8")
    manifest = out_dir / "run_manifest.json"
    manifest.write_text(json.dumps({
        "run_id": f"import-{project.file_hash[:12]}",
        "imported_from": {"path": project.source_file, "sha256": project.file_hash, "format": "REFI-QDA qdpx"},
        "coder": project.coder,
        "codebook": {"path": str(book), "content_fingerprint": project.codebook.fingerprint()},
        "counts": {"documents": len(project.documents), "respondents": len(project.respondents),
                   "segments": len(project.segments), "code_applications": len(project.code_applications),
                   "decisions": len(project.decisions)},
        "notes": project.notes,
        "outputs": sorted(p.name for p in [*written, book]),
    }, ensure_ascii=False, indent=2), encoding="utf-8")
    return [*written, book, manifest]
