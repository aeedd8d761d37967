"""Export a run folder as a REFI-QDA project (`.qdpx`: a zip of `project.qde` + `Sources/*.txt`).

What goes where (see outputs/EXCHANGE.md):
- each `documents` row is a `<TextSource>` with a neutral, unique name (no `/`, no file
  extension: other tools name files after it) and its `text`, the exact text the offsets index
  into, as `Sources/<guid>.txt` (UTF-8, no BOM, line endings untouched);
- each distinct (document, start, end) span of `code_applications` (and of accepted/added review
  decisions, at their segment's span) is a `<PlainTextSelection>`; each code applied there by a
  user is a `<Coding>` whose `creatingUser` is that user;
- users: 'qualmine-rules' (source rule), 'qualmine-model', 'qualmine-topics', and every coder;
- respondents are `<Cases>` with one `<Variable>` per respondent attribute (all Text);
- the codebook is the `<CodeBook>`, with its `<Sets>`, and its cause/recommendation links as
  `<Links>`;
- qualmine blocks (ignored by other tools) carry what REFI cannot: machine scores in a selection's
  Description, every coder's latest decisions (`reject`, notes, timestamps) and the counting
  rule of the positions in the project's Description.
Positions are code points (the standard), or with `positions="utf16"` NVivo for Windows' UTF-16
code units.
All GUIDs are `stable_guid(...)` of what they identify, and the zip has fixed timestamps, so the
same run exports to the same bytes.
"""
from __future__ import annotations

import json
import math
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from lxml import etree

from qualmine.coding.codebook import Code, Codebook, LangText, load_codebook
from qualmine.outputs.refi.codebook import NameLang, code_guid, codebook_sets, codes_element
from qualmine.outputs.refi.common import PROJECT_NS, RefiError, join_description, serialize, stable_guid, validate
from qualmine.outputs.refi.common import project_tag as _q
from qualmine.outputs.refi.positions import OffsetMap, PositionRule
from qualmine.outputs.refi.project_cases import add_cases
from qualmine.outputs.refi.project_notes import add_notes
from qualmine.outputs.refi.project_sources import neutral_source_names
from qualmine.outputs.writers import read_table

NS = PROJECT_NS
MACHINE_USERS = {"rule": "qualmine-rules", "semantic": "qualmine-semantic", "model": "qualmine-model",
                 "topic": "qualmine-topics"}
EXPORTED_DECISIONS = ("accept", "add")
ZIP_DATE = (1980, 1, 1, 0, 0, 0)   # fixed: the same project gives the same .qdpx bytes


def user_guid(name: str) -> str:
    return stable_guid("user", name)


def source_guid(doc_id: str) -> str:
    return stable_guid("source", doc_id)


@dataclass(frozen=True)
class ProjectExport:
    """What `export_qdpx` wrote."""

    path: Path
    sources: int
    selections: int
    codings: int
    users: tuple[str, ...]
    cases: int
    notes: tuple[str, ...] = ()


@dataclass
class _Coding:
    doc_id: str
    start: int
    end: int
    code_id: str
    user: str
    score: float = 1.0
    matched: str = ""
    hits: int = 1
    note: str = ""          # a coder's note on the decision, exported as a REFI <Note>
    noted_at: object = None


@dataclass
class ProjectParts:
    """The pieces of a project, gathered from a run's tables before any XML is written."""

    codebook: Codebook
    documents: pd.DataFrame
    respondents: pd.DataFrame | None
    codings: list[_Coding]
    name: str
    notes: list[str] = field(default_factory=list)
    decisions: list[dict] = field(default_factory=list)   # every coder's latest decisions, for qualmine's block


def resolve_codebook(run_dir: Path, codebook: Codebook | str | Path | None) -> tuple[Codebook, str]:
    """The run's codebook: given, else `codebook.yaml` in the run, else the manifest's path,
    else rebuilt from the `code_frequency` table. Returns (codebook, where it came from)."""
    if isinstance(codebook, Codebook):
        return codebook, "given"
    if codebook is not None:
        return load_codebook(codebook), str(codebook)
    if (run_dir / "codebook.yaml").is_file():
        return load_codebook(run_dir / "codebook.yaml"), str(run_dir / "codebook.yaml")
    manifest = run_dir / "run_manifest.json"
    if manifest.is_file():
        path = (json.loads(manifest.read_text(encoding="utf-8")).get("codebook") or {}).get("path")
        if path and Path(path).is_file():
            return load_codebook(path), path
    frequency = read_table(run_dir, "code_frequency")
    if frequency is not None and len(frequency):
        overall = frequency[frequency["attribute"] == "(all)"] if "attribute" in frequency else frequency
        codes = [Code(id=r.code_id, kind=r.kind, parent=(r.parent or None) if isinstance(r.parent, str) else None,
                      label=LangText(zh=r.label_zh or None, en=r.label_en or None))
                 for r in overall.drop_duplicates("code_id").itertuples(index=False)]
        return Codebook(name=run_dir.name, codes=tuple(codes)), "the run's code_frequency table"
    raise RefiError.one(str(run_dir), None, "cannot find the run's codebook: pass --codebook, or keep codebook.yaml, "
                                            "run_manifest.json or code_frequency in the run folder")


def gather_parts(run_dir: str | Path, *, codebook: Codebook | str | Path | None = None,
                 decisions: pd.DataFrame | None = None, store_segments: pd.DataFrame | None = None,
                 name: str | None = None) -> ProjectParts:
    """Read a run folder's tables (and optional latest review decisions) into `ProjectParts`.

    `decisions`: columns segment_id, code_id, coder, decision (each coder's latest); accepted and
    added codes are exported as that coder's codings on the segment's span.
    """
    run_dir = Path(run_dir)
    documents = read_table(run_dir, "documents")
    if documents is None:
        raise RefiError.one(str(run_dir), None, "not a run folder: documents.parquet / documents.csv is missing")
    segments = read_table(run_dir, "segments")
    applications = read_table(run_dir, "code_applications")
    book, origin = resolve_codebook(run_dir, codebook)
    notes = [f"codebook: {origin}"]
    seg_cols = ["segment_id", "doc_id", "start", "end"]
    spans = segments[seg_cols] if segments is not None else pd.DataFrame(columns=seg_cols)
    codings: list[_Coding] = []
    if applications is not None and len(applications):
        merged = applications.merge(spans.rename(columns={"start": "seg_start", "end": "seg_end"}),
                                    on="segment_id", how="left")
        missing = merged["doc_id"].isna()
        if missing.any():
            notes.append(f"{int(missing.sum())} code application(s) on segments not in the segments table were skipped")
        for row in merged[~missing].itertuples(index=False):
            start, end = _span(row.start, row.end, row.seg_start, row.seg_end)
            user = _user_of(row)
            codings.append(_Coding(row.doc_id, start, end, row.code_id, user, *_scores(row)))
    carried: list[dict] = []
    if decisions is not None and len(decisions):
        codings += _decision_codings(decisions, spans, store_segments, codings, notes, carried,
                                     set(documents["doc_id"].astype(str)))
    known = set(book.ids)
    extra = sorted({c.code_id for c in codings} - known)
    if extra:
        notes.append(f"codes applied but not in the codebook, exported as themes: {', '.join(extra)}")
        book = Codebook(name=book.name, version=book.version, description=book.description,
                        codes=book.codes + tuple(Code(id=c, kind="theme", label=LangText(en=c)) for c in extra))
    return ProjectParts(book, documents, read_table(run_dir, "respondents"), codings, name or run_dir.name, notes,
                        carried)


def _scores(row) -> tuple[float, str, int]:
    """(score, matched, hits) of an application; run tables read from CSV hold them as text."""
    def number(value, default, kind):
        try:
            out = kind(float(value))
        except (TypeError, ValueError):
            return default
        return default if isinstance(value, float) and math.isnan(value) else out
    matched = getattr(row, "matched", "")
    return (number(getattr(row, "score", None), 1.0, float),
            matched if isinstance(matched, str) else "", number(getattr(row, "hits", None), 1, int))


def _span(start, end, seg_start, seg_end) -> tuple[int, int]:
    def ok(v) -> bool:
        return not (v is None or (isinstance(v, str) and not v.strip()) or pd.isna(v))
    if ok(start) and ok(end):
        return int(start), int(end)
    return int(seg_start), int(seg_end)   # applications without evidence offsets code the whole segment


def _user_of(row) -> str:
    source = str(row.source)
    if source in MACHINE_USERS:
        return MACHINE_USERS[source]
    coder = getattr(row, "coder", None)
    return str(coder) if isinstance(coder, str) and coder else source


def _decision_codings(decisions: pd.DataFrame, spans: pd.DataFrame, store_segments: pd.DataFrame | None,
                      already: list[_Coding], notes: list[str], carried: list[dict], doc_ids: set[str]) -> list[_Coding]:
    kept = decisions[decisions["decision"].isin(EXPORTED_DECISIONS)]
    lookup = pd.concat([spans, store_segments[spans.columns]] if store_segments is not None else [spans])
    lookup = lookup.drop_duplicates("segment_id")
    # The store may hold other corpora: only segments of this run's documents are exported.
    lookup = lookup[lookup["doc_id"].astype(str).isin(doc_ids)].set_index("segment_id")
    for row in decisions[decisions["segment_id"].isin(lookup.index)].sort_values(
            ["coder", "segment_id", "code_id"]).to_dict("records"):
        span = {k: int(row[k]) for k in ("start", "end") if _str(row.get(k)) != ""}
        carried.append({"segment_id": str(row["segment_id"]), "code_id": str(row["code_id"]), "coder": str(row["coder"]),
                        "decision": str(row["decision"]), "note": _str(row.get("note")),
                        "decided_at": _when(row.get("decided_at")), **span})
    rejected = int((decisions["decision"] == "reject").sum())
    if rejected:
        notes.append(f"{rejected} 'reject' decision(s) travel only in qualmine's block (REFI-QDA cannot say "
                     "'not this code'; other tools ignore the block)")
    have = {(c.doc_id, c.code_id, c.user) for c in already}
    out, unknown, duplicate = [], 0, 0
    for row in kept.itertuples(index=False):
        if row.segment_id not in lookup.index:
            unknown += 1
            continue
        seg = lookup.loc[row.segment_id]
        # A span coded in the document view is exported as that span; any other decision codes its segment.
        start, end = _span(getattr(row, "start", None), getattr(row, "end", None), seg["start"], seg["end"])
        coding = _Coding(seg["doc_id"], start, end, row.code_id, str(row.coder), note=_str(getattr(row, "note", "")),
                         noted_at=getattr(row, "decided_at", None))
        if (coding.doc_id, coding.code_id, coding.user) in have and any(
                c.doc_id == coding.doc_id and c.code_id == coding.code_id and c.user == coding.user
                and c.start < coding.end and coding.start < c.end for c in already):
            duplicate += 1   # the coder's own selection (imported from a QDA tool) is already exported
            continue
        out.append(coding)
    if unknown:
        notes.append(f"{unknown} decision(s) on segments unknown to this run and the store were skipped")
    notes.append(f"{len(out)} review decision(s) exported as codings"
                 + (f" ({duplicate} more already present as the coder's own selections)" if duplicate else ""))
    return out


def _when(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    try:
        return pd.Timestamp(value).isoformat()
    except (TypeError, ValueError):
        return str(value)


def build_qde(parts: ProjectParts, *, name_lang: NameLang = "both",
              positions: PositionRule = "codepoints") -> tuple[bytes, dict[str, bytes]]:
    """The `project.qde` bytes (validated against the project XSD) and the source files by zip path.

    `positions="utf16"` writes NVivo for Windows' convention (UTF-16 code units)."""
    docs = parts.documents
    texts = dict(zip(docs["doc_id"].astype(str), docs["text"].astype(str)))
    _check_spans(parts.codings, texts)
    users = sorted({c.user for c in parts.codings} | {MACHINE_USERS["rule"]})
    root = etree.Element(_q("Project"), nsmap={None: NS}, name=parts.name, origin="qualmine",
                         creatingUserGUID=user_guid(MACHINE_USERS["rule"]))
    users_el = etree.SubElement(root, _q("Users"))
    for user in users:
        etree.SubElement(users_el, _q("User"), guid=user_guid(user), name=user)
    codebook_el = etree.SubElement(root, _q("CodeBook"))
    codebook_el.append(codes_element(parts.codebook, NS, name_lang))
    add_cases(root, parts.respondents, parts.documents)
    files: dict[str, bytes] = {}
    sources_el = etree.SubElement(root, _q("Sources"))
    by_doc: dict[str, list[_Coding]] = {}
    for coding in parts.codings:
        by_doc.setdefault(coding.doc_id, []).append(coding)
    names = neutral_source_names([str(d) for d in docs["doc_id"]])
    for doc in docs.itertuples(index=False):
        doc_id = str(doc.doc_id)
        guid = source_guid(doc_id)
        files[f"Sources/{guid}.txt"] = str(doc.text).encode("utf-8")
        src = etree.SubElement(sources_el, _q("TextSource"), guid=guid, name=names[doc_id],
                               plainTextPath=f"internal://{guid}.txt")
        block = {"doc_id": doc_id, **{k: _str(getattr(doc, k, "")) for k in ("source_file", "kind", "respondent_id", "question")}}
        etree.SubElement(src, _q("Description")).text = join_description("", {"document": block})
        _add_selections(src, by_doc.get(doc_id, []), texts[doc_id], OffsetMap(texts[doc_id], positions))
    add_notes(root, sources_el, [c for c in parts.codings if c.note.strip()],
              {d: OffsetMap(t, positions) for d, t in texts.items()}, user_guid)
    _add_links(root, parts.codebook)
    sets_el = etree.SubElement(root, _q("Sets"))
    for set_guid, set_name, description, members in codebook_sets(parts.codebook, name_lang):
        set_el = etree.SubElement(sets_el, _q("Set"), guid=set_guid, name=set_name)
        etree.SubElement(set_el, _q("Description")).text = description
        for member in members:
            etree.SubElement(set_el, _q("MemberCode"), targetGUID=member)
    book = parts.codebook
    kept = {"name": book.name, "version": book.version, **({"description": book.description} if book.description else {})}
    block = {key: value for key, value in (("codebook", kept),   # for tools that drop REFI sets
                                           ("positions", positions if positions != "codepoints" else None),
                                           ("decisions", parts.decisions)) if value}
    etree.SubElement(root, _q("Description")).text = join_description(
        f"Exported by qualmine from run {parts.name}.", {"project": block} if block else None)
    data = serialize(root)
    validate(root.getroottree(), "project", "<exported project>")
    return data, files


def _str(value) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _check_spans(codings: list[_Coding], texts: dict[str, str]) -> None:
    bad = [c for c in codings if c.doc_id not in texts or not 0 <= c.start < c.end <= len(texts[c.doc_id])]
    if bad:
        c = bad[0]
        raise RefiError.one("code_applications", None,
                            f"{len(bad)} coded span(s) do not fit their document, e.g. code {c.code_id} at "
                            f"{c.start}-{c.end} of {c.doc_id!r} (length {len(texts.get(c.doc_id, ''))})")


def _add_selections(src: etree._Element, codings: list[_Coding], text: str, offsets: OffsetMap) -> None:
    """One selection per (span, user): QualCoder (measured, benchmarks/refi_qualcoder.py) credits every
    coding of a selection to the selection's creatingUser, so a span coded by two users was one
    user's twice, and a second identical coding was dropped. The span's first user keeps the GUID of
    the span, so a single-user project's GUIDs do not change."""
    spans: dict[tuple[int, int], dict[str, list[_Coding]]] = {}
    for coding in sorted(codings, key=lambda c: (c.start, c.end, c.user, c.code_id)):
        spans.setdefault((coding.start, coding.end), {}).setdefault(coding.user, []).append(coding)
    doc_id = codings[0].doc_id if codings else ""
    for (start, end), by_user in spans.items():
        for n, (user, here) in enumerate(by_user.items()):
            guid = stable_guid("selection", doc_id, start, end, *([user] if n else []))
            sel = etree.SubElement(src, _q("PlainTextSelection"), guid=guid, name=text[start:end][:80],
                                   startPosition=str(offsets.to_units(start)), endPosition=str(offsets.to_units(end)),
                                   creatingUser=user_guid(user))
            firsts = {c.code_id: c for c in reversed(here)}   # one per code, as the codings below
            scored = [{"code": c.code_id, "user": c.user, "score": c.score, "matched": c.matched, "hits": c.hits}
                      for c in firsts.values()
                      if c.user in MACHINE_USERS.values() and (c.score, c.matched, c.hits) != (1.0, "", 1)]
            scored.sort(key=lambda d: d["code"])
            if scored:   # machine scores, which REFI cannot hold, for a qualmine -> qualmine trip
                etree.SubElement(sel, _q("Description")).text = join_description("", {"codings": scored})
            for code_id in sorted(firsts):
                coding_el = etree.SubElement(sel, _q("Coding"), creatingUser=user_guid(user),
                                             guid=stable_guid("coding", doc_id, start, end, code_id, user))
                etree.SubElement(coding_el, _q("CodeRef"), targetGUID=code_guid(code_id))


def _add_links(root: etree._Element, book: Codebook) -> None:
    pairs = [(code.id, target, link) for code in book.codes
             for link in ("causes", "recommendations") for target in getattr(code, link)]
    if not pairs:
        return
    links = etree.SubElement(root, _q("Links"))
    for origin, target, link in pairs:
        etree.SubElement(links, _q("Link"), guid=stable_guid("link", origin, link, target),
                         name="caused by" if link == "causes" else "recommendation",
                         direction="OneWay", originGUID=code_guid(origin), targetGUID=code_guid(target))


def write_qdpx(qde: bytes, files: dict[str, bytes], out: str | Path) -> Path:
    """Write the `.qdpx` zip (fixed timestamps and order, so the bytes are reproducible)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in [("project.qde", qde), *sorted(files.items())]:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    tmp.replace(out)
    return out


def export_qdpx(run_dir: str | Path, out: str | Path, *, codebook: Codebook | str | Path | None = None,
                decisions: pd.DataFrame | None = None, store_segments: pd.DataFrame | None = None,
                name_lang: NameLang = "both", name: str | None = None,
                positions: PositionRule = "codepoints") -> ProjectExport:
    """Export a run folder (plus optional latest review decisions) as a validated `.qdpx` file.

    `name` is the project name other tools show (default: the run folder's name); `positions`
    'utf16' writes selection positions as NVivo for Windows counts them."""
    parts = gather_parts(run_dir, codebook=codebook, decisions=decisions, store_segments=store_segments, name=name)
    qde, files = build_qde(parts, name_lang=name_lang, positions=positions)
    path = write_qdpx(qde, files, out)
    spans = {(c.doc_id, c.start, c.end) for c in parts.codings}
    codings = {(c.doc_id, c.start, c.end, c.code_id, c.user) for c in parts.codings}
    cases = 0 if parts.respondents is None else len(parts.respondents)
    users = tuple(sorted({c.user for c in parts.codings} | {MACHINE_USERS["rule"]}))
    return ProjectExport(path, len(files), len(spans), len(codings), users, cases, tuple(parts.notes))
