"""Import a REFI-QDA project (`.qdpx`) from NVivo, ATLAS.ti, MAXQDA, QualCoder or Taguette.

Sources become `documents`; each document is cut into `segments` the way qualmine cuts its own
input (speaker turns -> sentences for transcripts, sentences for survey answers), so a project
that started as a qualmine export gets back the very segment ids of the original run and the
coders' work lands on the segments the rules coded. A selection that overlaps no segment (text
before the first speaker label, say) gets a segment of its own. Each coded selection becomes one
`code_applications` row per segment it overlaps, keeping the selection's exact span as
start/end/evidence (so re-exporting gives the same selections). Codings by qualmine's own users
('qualmine-rules', ...) come back as machine codes; every other coding is its REFI user's
(`source == 'coder'`, column `coder`: the user's name, or the name `--coder` maps it to) and a
review decision ('add'). Positions are read with the writer's counting rule (see `positions`).
A selection that cannot be placed is listed in `problems` and left out; the rest is imported.
"""
from __future__ import annotations

import hashlib
import zipfile
from collections import Counter
from dataclasses import dataclass, field, replace
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
from qualmine.outputs.refi.codebook import build_codebook, declared_label_lang, read_codes, read_sets
from qualmine.outputs.refi.common import (
    PROJECT_NS, RefiError, canonical_namespace, keep_carriage_returns, normalize_guid, parse_xml, schema_problems,
    split_description, unreadable,
)
from qualmine.outputs.refi.common import project_tag as _q
from qualmine.outputs.refi.positions import RULES, PositionChoice, check_rule, choose_rule
from qualmine.outputs.refi.project_codings import (  # noqa: F401 (the *_COLUMNS are documented here)
    APPLICATION_COLUMNS, DECISION_COLUMNS, PROBLEM_COLUMNS, Coders, Selection, applications, merge_extension_decisions,
    name_coders, raw_selections, read_selections,
)
from qualmine.outputs.refi.project_notes import MEMO_COLUMNS, memo_for, memos_frame, read_memos
from qualmine.outputs.refi.project_sources import decode_source, docx_text, source_member, uses_upper_sources

NS = PROJECT_NS
MAX_MEMBER_BYTES = 512 * 1024 * 1024   # refuse zip bombs: no project member is allowed to inflate past this
DOCUMENT_COLUMNS = ["doc_id", "source_file", "kind", "respondent_id", "question", "text"]
# DECISION_COLUMNS: the decisions per coder (decided_at: when the file carried it, else None);
# APPLICATION_COLUMNS: code_applications as documented, plus `coder` (empty for machine sources);
# PROBLEM_COLUMNS: one row per selection (or coding) left out of the import, and why.


@dataclass
class ImportedProject:
    """A project read from a `.qdpx`: run tables, the codebook and the coder's decisions."""

    codebook: Codebook
    documents: pd.DataFrame
    segments: pd.DataFrame
    respondents: pd.DataFrame
    code_applications: pd.DataFrame
    ingestion_report: pd.DataFrame
    decisions: pd.DataFrame            # DECISION_COLUMNS (+ decided_at when the file carried it): per coder
    coder: str                         # the --coder given ('' when none): see `coders` for who coded
    source_file: str
    file_hash: str
    notes: list[str] = field(default_factory=list)
    problems: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PROBLEM_COLUMNS))
    positions: PositionChoice | None = None
    coders: tuple[str, ...] = ()       # every human coder whose codings were imported
    memos: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=MEMO_COLUMNS))   # project_notes


def read_qdpx(path: str | Path, coder: str | None = None, *, coder_map: dict[str, str] | None = None,
              max_segment_chars: int = 300, positions: str | None = None,
              label_lang: str | None = None) -> ImportedProject:
    """Read a `.qdpx` file safely (see module docstring); raises `RefiError` naming file and line.

    Each REFI user becomes a coder under their own name. `coder` names the coder of codings
    that name no user, and of every coding when the file has a single human user; `coder_map`
    renames users ({REFI user name: coder}). `positions` forces a counting rule ('codepoints' or
    'utf16'); by default it is chosen from the writer and checked against the selections.
    `label_lang` ('zh' / 'en') is the language of the code names (default: as the file declares,
    else each name's script).
    """
    path = Path(path)
    if coder is not None and not coder.strip():
        raise ValueError("The 'coder' parameter of read_qdpx must be a non-empty name. Got '' instead.")
    if positions is not None and positions not in RULES:
        raise ValueError(f"The 'positions' parameter of read_qdpx must be one of {', '.join(RULES)}. Got {positions!r}.")
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
        tree = parse_xml(keep_carriage_returns(_member(zf, qde_name, str(path))), where)
        root = tree.getroot()
        canonical_namespace(root, "project")
        if root.tag != _q("Project"):
            raise RefiError.one(where, root.sourceline, f"expected a REFI-QDA project (<Project xmlns=\"{NS}\">), "
                                                        f"found <{etree.QName(root).localname}>")
        invalid = schema_problems(tree, "project", where)
        try:
            project = _convert(root, zf, path, where, Coders((coder or "").strip(), dict(coder_map or {})),
                               hashlib.sha256(raw).hexdigest(), max_segment_chars, positions, label_lang)
        except (RefiError, TypeError, ValueError, AttributeError, KeyError) as exc:
            raise unreadable(invalid, exc) from None
        if invalid:
            project.notes.insert(0, f"{where} is not valid against the REFI-QDA project schema ({len(invalid)} "
                                    "problem(s), listed in import_problems): read anyway, as far as its meaning is clear")
            rows = pd.DataFrame([{"file": p.source, "source": "", "selection": "", "line": p.line, "start": None,
                                  "end": None, "why": p.message} for p in invalid], columns=PROBLEM_COLUMNS)
            project.problems = pd.concat([rows, project.problems], ignore_index=True) if len(project.problems) else rows
        return project


def _find_qde(zf: zipfile.ZipFile, source: str) -> str:
    """`project.qde`, or the one `*.qde` at the archive's top under any name (ATLAS.ti: `<Project>.qde`)."""
    names = [n for n in zf.namelist() if n.lower().endswith(".qde") and "/" not in n.strip("/")]
    if not names:
        raise RefiError.one(source, None, "the archive has no project.qde (not a REFI-QDA project)")
    if "project.qde" in names or len(names) == 1:
        return "project.qde" if "project.qde" in names else names[0]
    raise RefiError.one(source, None, f"the archive holds {len(names)} .qde files ({', '.join(sorted(names))}) and "
                                      "none is project.qde: cannot tell which is the project")


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


def _convert(root, zf: zipfile.ZipFile, path: Path, where: str, coders: Coders, file_hash: str,
             max_chars: int, forced: str | None, label_lang: str | None) -> ImportedProject:
    notes: list[str] = []
    codes_el = root.find(f"{_q('CodeBook')}/{_q('Codes')}")
    if codes_el is None:
        raise RefiError.one(where, root.sourceline, "the project has no <CodeBook>: nothing was coded with codes qualmine can use")
    sets = read_sets(root, NS, "targetGUID")
    desc = root.find(_q("Description"))
    _, block = split_description(desc.text if desc is not None else "", where, desc.sourceline if desc is not None else None)
    extension = (block or {}).get("project") if isinstance((block or {}).get("project"), dict) else {}
    imported = read_codes(codes_el, [(n, m) for n, m, _, _ in sets], NS, where,
                          label_lang or declared_label_lang(sets, where))
    book = build_codebook(imported, sets, where, path.stem, extension.get("codebook")).codebook
    notes += imported.notes
    users = {normalize_guid(u.get("guid", "")): u.get("name") or u.get("id") or "" for u in root.iter(_q("User"))}
    people, source_owner = _cases(root)
    documents, sources, boms = [], [], set()
    taken: set[str] = set()
    skipped = Counter(etree.QName(el).localname for tag in ("PictureSource", "PDFSource", "AudioSource", "VideoSource")
                      for el in root.iter(_q(tag)))
    for kind, n in sorted(skipped.items()):
        notes.append(f"{n} {kind}(s) skipped: only text sources are imported")
    names = zf.namelist()
    for src in root.findall(f"{_q('Sources')}/{_q('TextSource')}"):
        doc, bom = _document(src, zf, names, where, str(path), source_owner, taken, notes)
        documents.append(doc)
        sources.append((src, doc))
        if bom:
            boms.add(bom)
    raw = [(doc.text, raw_selections(src)) for src, doc in sources]
    if forced:
        choice = PositionChoice(forced, "asked for", sum(len(r) for _, r in raw), {forced: check_rule(forced, raw)})
    else:
        choice = choose_rule(raw, origin=root.get("origin") or "", declared=extension.get("positions"),
                             upper_sources=uses_upper_sources(names), bom=bool(boms))
    notes.append(choice.summary())
    problems: list[dict] = []
    selections: list[Selection] = []
    for src, doc in sources:
        selections += read_selections(src, doc, choice.rule, imported.guid_to_id, users, where, problems)
    if problems:
        notes.append(f"{len(problems)} selection(s)/coding(s) could not be placed and were left out (see import_problems)")
    selections = name_coders(selections, coders, [n for n in users.values() if n], where, notes)
    memos = read_memos(root, sources, imported.guid_to_id, users, choice.rule,
                       lambda ref: _note_text(zf, names, ref, str(path)))
    selections = [replace(s, memo=memo_for(memos, s.doc_id, s.start, s.end, s.user, s.code_id)) for s in selections]
    if memos:
        notes.append(f"{len(memos)} memo(s) read (REFI Notes and Descriptions): see the memos table")
    corpus, extra = _segment(documents, selections, people, max_chars)
    if extra:
        notes.append(f"{extra} coded selection(s) overlapped no sentence segment and got a segment of their own")
    segments = segments_frame(corpus)
    texts = {d.doc_id: d.text for d in documents}
    code_applications, decisions = applications(selections, corpus.segments, texts, path.name)
    decisions = merge_extension_decisions(decisions, extension.get("decisions") or [], coders, notes)
    documents_frame = pd.DataFrame([[d.doc_id, d.source_file, d.kind, d.respondent_id, d.question or "", d.text]
                                    for d in documents], columns=DOCUMENT_COLUMNS).astype(str)
    who = sorted(set(decisions["coder"]) | {s.coder for s in selections if s.coder})
    notes.append(f"imported {len(documents)} source(s), {len({(s.doc_id, s.start, s.end) for s in selections})} "
                 f"coded selection(s), {len(decisions)} decision(s) of coder(s) {', '.join(who) or '(none)'}")
    return ImportedProject(book, documents_frame, segments, corpus.respondents, code_applications,
                           report_frame(corpus), decisions, coders.default, str(path), file_hash, notes,
                           pd.DataFrame(problems, columns=PROBLEM_COLUMNS), choice, tuple(who), memos_frame(memos))


def _note_text(zf: zipfile.ZipFile, names: list[str], ref: str, archive: str) -> str | None:
    member = source_member(names, ref)
    return decode_source(_member(zf, member, archive), f"{archive}!{member}")[0] if member else None


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


def _document(src, zf: zipfile.ZipFile, names: list[str], where: str, archive: str, owner: dict[str, str],
              taken: set[str], notes: list[str]) -> tuple[Document, str | None]:
    """The source as a Document, and the BOM its file started with (None: no BOM or inline text)."""
    guid = normalize_guid(src.get("guid", ""))
    name = src.get("name") or guid
    desc = src.find(_q("Description"))
    _, block = split_description(desc.text if desc is not None else "", where, src.sourceline)
    meta = (block or {}).get("document") or {}
    text, bom = _source_text(src, zf, names, where, archive, name, notes)
    doc_id = str(meta.get("doc_id") or name)
    if doc_id in taken:
        doc_id = f"{doc_id}#{guid[:8]}"
    taken.add(doc_id)
    respondent = str(meta.get("respondent_id") or owner.get(guid) or Path(name).stem)
    kind = meta.get("kind") if meta.get("kind") in ("transcript", "survey") else "transcript"
    return Document(doc_id=doc_id, source_file=str(meta.get("source_file") or name), kind=kind, text=text,
                    respondent_id=respondent, question=str(meta.get("question") or "") or None), bom


def _source_text(src, zf: zipfile.ZipFile, names: list[str], where: str, archive: str, name: str,
                 notes: list[str]) -> tuple[str, str | None]:
    """The source's text and its file's BOM: inline text, else the plain-text file, else (when
    that is missing) the `.docx` of `richTextPath`, its paragraphs extracted."""
    inline = src.find(_q("PlainTextContent"))
    if inline is not None and inline.text is not None:
        return inline.text, None
    plain, rich = src.get("plainTextPath"), src.get("richTextPath") or ""
    if not plain and not rich.lower().endswith(".docx"):
        raise RefiError.one(where, src.sourceline, f"text source {name!r} has neither PlainTextContent nor "
                                                   "plainTextPath (nor a .docx richTextPath)")
    for ref in (plain, rich):
        if ref and not ref.startswith("internal://"):
            raise RefiError.one(where, src.sourceline, f"text source {name!r} points outside the archive ({ref}); "
                                                       "only self-contained projects (internal://) can be imported")
    member = source_member(names, plain[len("internal://"):]) if plain else None
    if member is not None:
        # A BOM is an encoding mark, not a character the tools count in selection positions.
        return decode_source(_member(zf, member, archive), f"{archive}!{member}")
    docx = source_member(names, rich[len("internal://"):]) if rich.lower().endswith(".docx") else None
    if docx is None:
        wanted = "Sources/" + (plain or rich)[len("internal://"):]
        raise RefiError.one(where, src.sourceline, f"text source {name!r} refers to {wanted}, which is not in the "
                                                   f"archive {archive} (looked in any case of Sources/)")
    notes.append(f"text source {name!r} has only a .docx ({docx}): its text was extracted paragraph by paragraph; "
                 "positions are read against that text")
    return docx_text(_member(zf, docx, archive), f"{archive}!{docx}"), None


def _segment(documents: list[Document], selections: list[Selection], people: pd.DataFrame,
             max_chars: int) -> tuple[Corpus, int]:
    """Cut documents like the readers do; give uncovered selections their own segment."""
    by_doc: dict[str, list[Selection]] = {}
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


def write_imported_run(project: ImportedProject, out_dir: str | Path) -> list[Path]:
    """Write the imported project as a run folder: the linked tables, `import_problems` (what was
    left out, and why), `codebook.yaml` and a manifest."""
    import json

    from qualmine.coding.codebook import dump_codebook
    from qualmine.coding.tables import build_tables
    from qualmine.outputs.writers import write_tables

    out_dir = Path(out_dir)
    tables = build_tables(project.codebook, project.documents, project.segments, project.respondents,
                          project.code_applications, project.ingestion_report)
    written = write_tables([*tables.items(), ("import_problems", project.problems), ("memos", project.memos)], out_dir)
    book = out_dir / "codebook.yaml"
    book.write_text(dump_codebook(project.codebook), encoding="utf-8")
    manifest = out_dir / "run_manifest.json"
    manifest.write_text(json.dumps({
        "run_id": f"import-{project.file_hash[:12]}",
        "imported_from": {"path": project.source_file, "sha256": project.file_hash, "format": "REFI-QDA qdpx"},
        "coder": project.coder,
        "coders": list(project.coders),
        "positions": project.positions.summary() if project.positions else None,
        "codebook": {"path": str(book), "content_fingerprint": project.codebook.fingerprint()},
        "counts": {"documents": len(project.documents), "respondents": len(project.respondents),
                   "segments": len(project.segments), "code_applications": len(project.code_applications),
                   "decisions": len(project.decisions), "import_problems": len(project.problems),
                   "memos": len(project.memos)},
        "notes": project.notes,
        "outputs": sorted(p.name for p in [*written, book]),
    }, ensure_ascii=False, indent=2), encoding="utf-8")
    return [*written, book, manifest]
