"""REFI-QDA codebooks: `Codebook` <-> `.qdc` XML (also the <Codes> part of a `.qdpx` project).

Mapping (see outputs/EXCHANGE.md):
- a code is a `<Code>`; children nest inside their `parent`; `guid` = stable_guid("code", id);
- `name` is the label ('zh / en' when both exist, or one language), `Description` holds the
  definitions (zh paragraph, blank line, en paragraph) and then the qualmine block (YAML after
  `BLOCK_MARKER`) with what REFI cannot hold: id, kind, both labels and definitions, keywords,
  patterns, exclusions, examples, causes, recommendations;
- `<Sets>`: one set named after the codebook (its description and version in the block, every
  code a member) and one set per kind ("kind: problem", ...), which other tools show as code groups.
Imports of files written by other tools fall back on the name, the description text and the sets.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from lxml import etree

from qualmine.coding.codebook import CODE_KINDS, Code, Codebook, CodebookError, dump_codebook, parse_codebook
from qualmine.coding.codebook_model import ID_RE
from qualmine.outputs.refi.common import (
    CODEBOOK_NS, RefiError, canonical_namespace, join_description, name_to_labels, normalize_guid, parse_xml, serialize,
    schema_problems, split_by_script, split_description, stable_guid, unreadable, validate,
)

NameLang = Literal["both", "zh", "en"]
KIND_COLORS = {"problem": "#D62728", "cause": "#FF7F0E", "recommendation": "#2CA02C", "need": "#1F77B4",
               "satisfaction": "#9467BD", "theme": "#7F7F7F"}
KIND_SET_PREFIX = "kind: "
_ID_IN_NAME = re.compile(r"^\[([A-Za-z][A-Za-z0-9_.\-]*)\]\s*(.*)$", re.S)
_KIND_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("recommendation", re.compile(r"recommend|suggest|solution|建议|对策|措施", re.I)),
    ("cause", re.compile(r"\bcause|\breason|原因|成因", re.I)),
    ("satisfaction", re.compile(r"satisf|满意", re.I)),
    ("need", re.compile(r"\bneeds?\b|需求", re.I)),
    ("problem", re.compile(r"problem|issue|问题|困难", re.I)),
)


def code_guid(code_id: str) -> str:
    """The GUID a code gets in every export (the same id gives the same GUID)."""
    return stable_guid("code", code_id)


def code_name(code: Code, name_lang: NameLang = "both") -> str:
    """The REFI `name` of a code: its label in one language, or 'zh / en'."""
    zh, en = code.label.zh, code.label.en
    if name_lang == "both" and zh and en:
        return f"{zh} / {en}"
    if name_lang == "en":
        return en or zh or code.id
    return zh or en or code.id


def definition_text(code: Code) -> str:
    return "\n\n".join(t.strip() for t in (code.definition.zh, code.definition.en) if t and t.strip())


def code_block(code: Code) -> dict[str, Any]:
    """Everything about a code that must survive a round trip, as plain data (parent excluded:
    the nesting carries it, so a code moved in another tool stays moved)."""
    data = code.model_dump(mode="json", exclude_none=True, exclude={"parent"})
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            value = {k: v for k, v in value.items() if v not in ((), [], None, "")}
        if value not in ((), [], {}, None, ""):
            out[key] = value
    return out


def codes_element(book: Codebook, ns: str, name_lang: NameLang = "both") -> etree._Element:
    """The `<Codes>` element (codebook or project namespace) with codes nested by `parent`."""
    codes_el = etree.Element(f"{{{ns}}}Codes", nsmap={None: ns})
    children: dict[str | None, list[Code]] = {}
    for code in book.codes:
        children.setdefault(code.parent, []).append(code)

    def add(parent_el: etree._Element, code: Code) -> None:
        el = etree.SubElement(parent_el, f"{{{ns}}}Code", guid=code_guid(code.id), name=code_name(code, name_lang),
                              isCodable="true", color=KIND_COLORS[code.kind])
        etree.SubElement(el, f"{{{ns}}}Description").text = join_description(definition_text(code), code_block(code))
        for child in children.get(code.id, []):
            add(el, child)

    for root_code in children.get(None, []):
        add(codes_el, root_code)
    return codes_el


def codebook_set_block(book: Codebook, name_lang: NameLang = "both") -> dict[str, Any]:
    """The codebook set's block; `names` declares the language of one-language code names, so a
    code renamed in another tool keeps that language on the way back."""
    block: dict[str, Any] = {"name": book.name, "version": book.version}
    if name_lang in ("zh", "en"):
        block["names"] = name_lang
    return {"codebook": block}


def codebook_to_qdc(book: Codebook, *, name_lang: NameLang = "both") -> bytes:
    """The `.qdc` XML bytes of a codebook, validated against the REFI-QDA codebook schema."""
    ns = CODEBOOK_NS
    root = etree.Element(f"{{{ns}}}CodeBook", nsmap={None: ns}, origin="qualmine")
    root.append(codes_element(book, ns, name_lang))
    sets = etree.SubElement(root, f"{{{ns}}}Sets")
    for set_guid, set_name, description, members in codebook_sets(book, name_lang):
        set_el = etree.SubElement(sets, f"{{{ns}}}Set", guid=set_guid, name=set_name)
        etree.SubElement(set_el, f"{{{ns}}}Description").text = description
        for member in members:
            etree.SubElement(set_el, f"{{{ns}}}MemberCode", guid=member)
    data = serialize(root)
    validate(root.getroottree(), "codebook", "<exported codebook>")
    return data


def codebook_sets(book: Codebook, name_lang: NameLang = "both") -> list[tuple[str, str, str, list[str]]]:
    """(guid, name, description, member code GUIDs) of the codebook set and the kind sets."""
    out = [(stable_guid("set", "codebook"), book.name,
            join_description(book.description or "", codebook_set_block(book, name_lang)),
            [code_guid(c.id) for c in book.codes])]
    for kind in CODE_KINDS:
        members = [code_guid(c.id) for c in book.codes if c.kind == kind]
        if members:
            out.append((stable_guid("set", "kind", kind), KIND_SET_PREFIX + kind,
                        f"qualmine codes of kind '{kind}'", members))
    return out


def write_qdc(book: Codebook, path: str | Path, *, name_lang: NameLang = "both") -> Path:
    """Write a codebook as a `.qdc` file (validated first); returns the path."""
    path = Path(path)
    data = codebook_to_qdc(book, name_lang=name_lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# ------------------------------------------------------------------------------ import

@dataclass(frozen=True)
class _RawCode:
    guid: str
    name: str
    human: str
    block: dict[str, Any] | None
    parent_guid: str | None
    line: int | None


@dataclass
class ImportedCodes:
    """Codes read from a `<Codes>` element, and how the file's GUIDs map to code ids."""

    codes: list[Code]
    guid_to_id: dict[str, str]
    notes: list[str] = field(default_factory=list)


def read_codes(codes_el: etree._Element, sets: list[tuple[str, list[str]]], ns: str, source: str,
               label_lang: str | None = None) -> ImportedCodes:
    """Codes from a `<Codes>` element of a .qdc or .qde file.

    `sets` are (set name, member GUIDs): kind sets ("kind: problem", or a set named like a kind)
    give the kind of codes without a qualmine block. `label_lang` ('zh' / 'en'), when the file
    or the user declares it, is the language of names that are not qualmine's own rendering;
    otherwise each name goes to the language its script suggests.
    """
    raws: list[_RawCode] = []
    shared: dict[str, int] = {}   # GUIDs more than one code declares (schema-invalid files): ambiguous as targets

    def walk(el: etree._Element, parent_guid: str | None) -> None:
        for code_el in el.findall(f"{{{ns}}}Code"):
            guid = normalize_guid(code_el.get("guid", ""))
            if any(r.guid == guid for r in raws) or guid in shared:
                shared[guid] = shared.get(guid, 1) + 1
                guid = f"{guid}@line{code_el.sourceline}"   # nesting still says where the code sits
            desc_el = code_el.find(f"{{{ns}}}Description")
            human, block = split_description(desc_el.text if desc_el is not None else "", source,
                                              desc_el.sourceline if desc_el is not None else code_el.sourceline)
            raws.append(_RawCode(guid, code_el.get("name", "").strip(), human, block, parent_guid, code_el.sourceline))
            walk(code_el, guid)

    walk(codes_el, None)
    notes = [f"{source}: {n} codes share the GUID {g!r}: all are imported, but nothing can refer to them by it"
             for g, n in shared.items()]
    guid_to_id = _assign_ids(raws, source)
    set_kinds = _kinds_from_sets(sets)
    kinds: dict[str, str] = {}
    data: list[dict[str, Any]] = []
    for raw in raws:   # pre-order: a parent's kind is known before its children's
        block = raw.block or {}
        kind = block.get("kind") if block.get("kind") in CODE_KINDS else None
        kind = kind or set_kinds.get(raw.guid) or _kind_from_name(raw.name)
        kind = kind or (kinds.get(raw.parent_guid) if raw.parent_guid else None) or "theme"
        kinds[raw.guid] = kind
        entry = {k: v for k, v in block.items() if k in Code.model_fields and k not in ("id", "kind", "parent")}
        entry.update(id=guid_to_id[raw.guid], kind=kind, label=_labels(raw, block, label_lang),
                     definition=_definitions(raw, block))
        if raw.parent_guid:
            entry["parent"] = guid_to_id[raw.parent_guid]
        data.append(entry)
    _drop_bad_links(data, notes, source)
    codes = []
    for entry, raw in zip(data, raws):
        try:
            codes.append(Code.model_validate(entry))
        except ValueError as exc:
            raise RefiError.one(source, raw.line, f"code {raw.name!r}: the qualmine block does not describe a valid code: {exc}") from None
    return ImportedCodes(codes, {g: i for g, i in guid_to_id.items() if g not in shared}, notes)


def _assign_ids(raws: list[_RawCode], source: str) -> dict[str, str]:
    """Code ids: the block's id, else an '[ID] name' prefix, else one generated from the name."""
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for raw in raws:
        if not raw.guid:
            raise RefiError.one(source, raw.line, f"code {raw.name!r} has no guid")
        if raw.guid in ids:
            raise RefiError.one(source, raw.line, f"code {raw.name!r}: guid {raw.guid} is used by two codes")
        wanted = (raw.block or {}).get("id")
        if not (isinstance(wanted, str) and ID_RE.match(wanted)):
            match = _ID_IN_NAME.match(raw.name)
            wanted = match.group(1) if match else None
        if wanted and wanted in taken:
            raise RefiError.one(source, raw.line, f"code {raw.name!r}: code id {wanted!r} is used by two codes")
        code_id = wanted or _id_from_name(raw.name, taken)
        ids[raw.guid] = code_id
        taken.add(code_id)
    return ids


def _id_from_name(name: str, taken: set[str]) -> str:
    """A readable id for an ASCII name ('Long waits' -> 'Long-waits'), a hashed one otherwise."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")
    if not (slug and name.isascii() and slug[0].isalpha()):
        slug = "C-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    return candidate


def _kinds_from_sets(sets: list[tuple[str, list[str]]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for set_name, members in sets:
        label = set_name.strip().lower()
        label = label[len(KIND_SET_PREFIX):] if label.startswith(KIND_SET_PREFIX) else label
        kind = label.rstrip("s") if label.rstrip("s") in CODE_KINDS else (label if label in CODE_KINDS else None)
        if kind:
            for guid in members:
                out.setdefault(normalize_guid(guid), kind)
    return out


def _kind_from_name(name: str) -> str | None:
    for kind, pattern in _KIND_WORDS:
        if pattern.search(name):
            return kind
    return None


def _labels(raw: _RawCode, block: dict[str, Any], label_lang: str | None = None) -> dict[str, str]:
    name = _ID_IN_NAME.match(raw.name).group(2) if _ID_IN_NAME.match(raw.name) else raw.name
    known = {k: v for k, v in (block.get("label") or {}).items() if k in ("zh", "en") and v}
    if known:
        rendered = {known.get("zh"), known.get("en"), " / ".join(v for v in (known.get("zh"), known.get("en")) if v)}
        if name in rendered:
            return known
    # Renamed in another tool (or no block): the name wins for its language(s): the declared
    # one, else the one its script suggests.
    if name and label_lang in ("zh", "en"):
        return {**known, label_lang: name}
    return {**known, **name_to_labels(name)} if name else known


def declared_label_lang(sets: list[tuple[str, list[str], str | None, int | None]], source: str) -> str | None:
    """The language of code names a qualmine codebook set declares (`names: zh|en`), if any."""
    for _, _, desc, line in sets:
        _, block = split_description(desc, source, line)
        names = ((block or {}).get("codebook") or {}).get("names") if isinstance((block or {}).get("codebook"), dict) else None
        if names in ("zh", "en"):
            return names
    return None


def _definitions(raw: _RawCode, block: dict[str, Any]) -> dict[str, str]:
    known = {k: v for k, v in (block.get("definition") or {}).items() if k in ("zh", "en") and v}
    rendered = "\n\n".join(v.strip() for v in (known.get("zh"), known.get("en")) if v)
    if raw.human == rendered:
        return known
    return split_by_script(raw.human) if raw.human else {}


def _drop_bad_links(data: list[dict[str, Any]], notes: list[str], source: str) -> None:
    """Links to codes deleted (or re-kinded) in another tool are dropped with a note, not fatal."""
    kinds = {entry["id"]: entry["kind"] for entry in data}
    for entry in data:
        for link, want in (("causes", "cause"), ("recommendations", "recommendation")):
            kept = []
            for target in entry.get(link) or ():
                if kinds.get(target) == want:
                    kept.append(target)
                else:
                    notes.append(f"{source}: code {entry['id']}: dropped link {link} -> {target!r} "
                                 f"({'not in the file' if target not in kinds else 'now a ' + kinds[target] + ' code'})")
            if entry.get(link):
                entry[link] = kept
        if entry.get("causes") and entry["kind"] != "problem":
            notes.append(f"{source}: code {entry['id']}: dropped causes (only problem codes list causes)")
            entry["causes"] = []
        if entry.get("recommendations") and entry["kind"] not in ("problem", "cause", "theme"):
            notes.append(f"{source}: code {entry['id']}: dropped recommendations (a {entry['kind']} code cannot list them)")
            entry["recommendations"] = []


def read_sets(root: etree._Element, ns: str, member_attr: str) -> list[tuple[str, list[str], str | None, int | None]]:
    """(name, member GUIDs, description, line) of each `<Set>` under `root`'s `<Sets>`."""
    out = []
    for set_el in root.findall(f"{{{ns}}}Sets/{{{ns}}}Set"):
        desc_el = set_el.find(f"{{{ns}}}Description")
        members = [m.get(member_attr, "") for m in set_el.findall(f"{{{ns}}}MemberCode")]
        out.append((set_el.get("name", ""), members, desc_el.text if desc_el is not None else None, set_el.sourceline))
    return out


@dataclass(frozen=True)
class ImportedCodebook:
    """A codebook read from a REFI file, the file's code GUIDs -> ids, and what was adjusted."""

    codebook: Codebook
    guid_to_id: dict[str, str]
    notes: tuple[str, ...] = ()


def build_codebook(imported: ImportedCodes, sets: list[tuple[str, list[str], str | None, int | None]],
                   source: str, default_name: str, fallback: dict[str, Any] | None = None) -> ImportedCodebook:
    """Assemble and fully validate (as `parse_codebook` would) a codebook from imported codes.

    Name, version and description come from qualmine's codebook set, else from `fallback` (the
    copy a qualmine project keeps in its own Description, for tools that drop sets)."""
    name, version, description = default_name, 1, None
    if isinstance(fallback, dict) and fallback.get("name"):
        name, version = str(fallback["name"]), fallback.get("version", 1)
        description = str(fallback.get("description") or "") or None
    for set_name, _, desc, line in sets:
        human, block = split_description(desc, source, line)
        if block and isinstance(block.get("codebook"), dict):
            name = str(block["codebook"].get("name") or set_name or default_name)
            version = block["codebook"].get("version", 1)
            description = human or None
            break
    if not imported.codes:
        raise RefiError.one(source, None, "the file has no codes")
    draft = Codebook(name=name, version=version, description=description, codes=tuple(imported.codes))
    try:
        book = parse_codebook(dump_codebook(draft), source=f"codebook imported from {source}")
    except CodebookError as exc:
        raise RefiError.one(source, None, f"the imported codes do not make a valid codebook: {exc}") from None
    return ImportedCodebook(book, imported.guid_to_id, tuple(imported.notes))


def qdc_to_codebook(data: bytes, source: str = "<qdc>", *, default_name: str | None = None,
                    label_lang: str | None = None) -> ImportedCodebook:
    """Parse (safely), validate against the XSD and convert `.qdc` bytes into a Codebook.

    `label_lang` ('zh' / 'en'): the language of the code names (default: the file's declaration,
    else each name's script)."""
    tree = parse_xml(data, source)
    root = tree.getroot()
    canonical_namespace(root, "codebook")
    if root.tag != f"{{{CODEBOOK_NS}}}CodeBook":
        raise RefiError.one(source, root.sourceline, f"expected a REFI-QDA codebook (<CodeBook xmlns=\"{CODEBOOK_NS}\">), "
                                                     f"found <{etree.QName(root).localname}> in namespace {etree.QName(root).namespace!r}")
    invalid = schema_problems(tree, "codebook", source)
    try:
        sets = read_sets(root, CODEBOOK_NS, "guid")
        imported = read_codes(root.find(f"{{{CODEBOOK_NS}}}Codes"), [(n, m) for n, m, _, _ in sets], CODEBOOK_NS,
                              source, label_lang or declared_label_lang(sets, source))
        built = build_codebook(imported, sets, source, default_name or Path(source).stem)
    except (RefiError, TypeError, ValueError, AttributeError) as exc:
        raise unreadable(invalid, exc) from None
    warned = tuple(f"{p} (read anyway)" for p in invalid)
    return ImportedCodebook(built.codebook, built.guid_to_id, warned + built.notes)


def read_qdc(path: str | Path, *, label_lang: str | None = None) -> ImportedCodebook:
    """Read a `.qdc` file into a Codebook (see `qdc_to_codebook`)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RefiError.one(str(path), None, f"cannot read the file: {exc.strerror}") from None
    return qdc_to_codebook(data, str(path), default_name=path.stem, label_lang=label_lang)
