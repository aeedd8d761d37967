"""Shared pieces of the REFI-QDA exchange (.qdc codebooks, .qdpx projects).

Stable GUIDs, the two XML namespaces, the bundled XSD schemas, a parser that never resolves
entities or touches the network, and the `qualmine` block that carries what REFI cannot hold.
"""
from __future__ import annotations

from qualmine import QualmineError
import re
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from lxml import etree

from qualmine.corpus.yaml_safe import safe_load

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"


def project_tag(tag: str) -> str:
    """`tag` in the REFI project namespace, as lxml spells qualified names."""
    return f"{{{PROJECT_NS}}}{tag}"
# Namespaces other tools declare for the same formats (ATLAS.ti's samples say codebook:0:4; some
# writers use 1:0). Read as 1.0: the element names and structure are those of the 1.0 schemas.
NAMESPACE_ALIASES = {
    "codebook": (CODEBOOK_NS, "urn:QDA-XML:codebook:1:0", "urn:QDA-XML:codebook:0:4"),
    "project": (PROJECT_NS, "urn:QDA-XML:project:1:0", "urn:QDA-XML:project:0:4"),
}
SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
SCHEMA_FILES = {"codebook": "Codebook-mrt2019.xsd", "project": "Project-mrt2019.xsd"}
SchemaName = Literal["codebook", "project"]

# Fixed forever: every GUID qualmine writes is uuid5(QUALMINE_GUID_NAMESPACE, "<kind>:<key>"),
# so exporting the same codebook or run twice gives the same GUIDs and other tools can merge
# re-exports instead of duplicating codes. (= uuid5(NAMESPACE_URL, ".../qualmine#refi-qda"))
QUALMINE_GUID_NAMESPACE = uuid.UUID("dd391890-c8fb-5a51-bcdb-50509ee0cc4b")

# What separates the human-readable part of a Description from the machine-readable block.
BLOCK_MARKER = "--- qualmine (keep this block to round-trip with qualmine) ---"
MAX_REPORTED_PROBLEMS = 20


def stable_guid(kind: str, *key: object) -> str:
    """A GUID that depends only on what is identified (e.g. `stable_guid("code", "P-OPERATION")`)."""
    name = kind + ":" + "\x1f".join(str(k) for k in key)
    return str(uuid.uuid5(QUALMINE_GUID_NAMESPACE, name))


def normalize_guid(value: str) -> str:
    """REFI allows `{GUID}` and either case; compare GUIDs in one form."""
    return value.strip().strip("{}").lower()


@dataclass(frozen=True)
class RefiProblem:
    """One thing wrong with an exchange file: where (file, line) and what."""

    source: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.message}" if self.line else f"{self.source}: {self.message}"


class RefiError(QualmineError, ValueError):
    """A malformed, unsafe or schema-invalid REFI-QDA file; lists every problem found."""

    def __init__(self, problems: list[RefiProblem]):
        self.problems = problems
        shown = problems[:MAX_REPORTED_PROBLEMS]
        more = f"\n  ... and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
        if len(problems) == 1:
            super().__init__(str(problems[0]))
        else:
            super().__init__(f"{len(problems)} problems:\n" + "\n".join(f"  - {p}" for p in shown) + more)

    @classmethod
    def one(cls, source: str, line: int | None, message: str) -> "RefiError":
        return cls([RefiProblem(source, line, message)])


def safe_parser() -> etree.XMLParser:
    """An lxml parser that never expands entities, loads DTDs or reaches the network."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           remove_comments=False, remove_pis=True)


def parse_xml(data: bytes, source: str) -> etree._ElementTree:
    """Parse untrusted XML bytes safely; raises `RefiError` naming `source` and the line.

    Entity declarations are refused outright: REFI files never need them, and an external entity
    (XXE) is the classic way to make an importer read local files or call out to the network.
    """
    # Checked before parsing too: libxml2 rejects some entity uses (in attributes) with a vaguer error.
    plain = data.replace(b"\x00", b"")   # also catches UTF-16 files
    if b"<!ENTITY" in plain:
        names = re.findall(rb"<!ENTITY\s+%?\s*([^\s>]+)", plain)
        raise _entity_error(source, _line_of(plain, b"<!ENTITY"), [n.decode("utf-8", "replace") for n in names])
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise RefiError.one(source, exc.lineno, f"not well-formed XML: {exc.msg}") from None
    tree = root.getroottree()
    dtd = tree.docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise _entity_error(source, None, [e.name for e in dtd.iterentities()])
    return tree


def keep_carriage_returns(data: bytes) -> bytes:
    """`data` with every carriage return inside `<PlainTextContent>` written as `&#13;`.

    An XML parser turns CRLF (and a lone CR) in text into LF, so inline source text would lose a
    character per line break and every selection after it would drift; a character reference
    survives parsing. Only that element's text is touched (a CR between attributes is markup), and
    only in ASCII-compatible encodings (UTF-16 XML is left as it is). CDATA is left alone.
    """
    if b"\r" not in data or b"\x00" in data[:256]:
        return data
    out, copied, pos = [], 0, 0
    while (at := data.find(b"PlainTextContent", pos)) >= 0:
        pos = at + len(b"PlainTextContent")
        lt = data.rfind(b"<", 0, at)
        prefix = data[lt + 1:at]
        gt = data.find(b">", pos)
        if lt < 0 or gt < 0 or not _TAG_PREFIX.fullmatch(prefix) or data[pos:pos + 1] not in (b">", b" ", b"\t", b"\r", b"\n") \
                or data[gt - 1:gt] == b"/":
            continue   # a closing tag, an empty element, or the word in some other text
        close = data.find(b"</" + prefix + b"PlainTextContent", gt)
        if close < 0:
            break
        inner = data[gt + 1:close]
        if b"<![CDATA[" not in inner:
            out += [data[copied:gt + 1], inner.replace(b"\r", b"&#13;")]
            copied = close
        pos = close + 2
    return b"".join(out) + data[copied:]


_TAG_PREFIX = re.compile(rb"(?:[A-Za-z_][\w.\-]{0,64}:)?")


def _entity_error(source: str, line: int | None, names: list[str]) -> RefiError:
    return RefiError.one(source, line, f"XML entity declarations are not allowed in an exchange file (found: "
                                       f"{', '.join(sorted(names))}); refusing to read it (external entities can "
                                       "leak local files or reach the network)")


def _line_of(data: bytes, needle: bytes) -> int | None:
    at = data.find(needle)
    return data.count(b"\n", 0, at) + 1 if at >= 0 else None


@lru_cache(maxsize=2)
def load_schema(name: SchemaName) -> etree.XMLSchema:
    """The bundled REFI-QDA XSD (`codebook` or `project`), compiled once per process."""
    path = SCHEMA_DIR / SCHEMA_FILES[name]
    return etree.XMLSchema(etree.parse(str(path), safe_parser()))


def validate(tree: etree._ElementTree, schema: SchemaName, source: str) -> None:
    """Raise `RefiError` listing every schema violation (with its line) of `tree`."""
    xsd = load_schema(schema)
    if xsd.validate(tree):
        return
    problems = [RefiProblem(source, err.line or None, f"not valid against the REFI-QDA {schema} schema: {err.message}")
                for err in xsd.error_log]
    raise RefiError(problems)


def schema_problems(tree: etree._ElementTree, schema: SchemaName, source: str) -> list[RefiProblem]:
    """Every schema violation of `tree`, for tolerant reading: a file another tool wrote slightly
    wrong (ATLAS.ti's samples have `guid="p"`) is read as far as its meaning is clear, and the
    violations are reported, not fatal."""
    try:
        validate(tree, schema, source)
    except RefiError as exc:
        return exc.problems
    return []


def unreadable(invalid: list[RefiProblem], exc: Exception) -> Exception:
    """The error for a file that could not be read: a RefiError as it was when the file is schema-valid;
    when it is not, the schema violations (the likely cause) followed by what broke."""
    if not invalid:
        return exc
    where = invalid[0].source
    what = str(exc) if isinstance(exc, RefiError) else f"{type(exc).__name__}: {exc}"
    return RefiError([*invalid, RefiProblem(where, None, f"not valid against the schema, and cannot be read: {what}")])


def canonical_namespace(root: etree._Element, schema: SchemaName) -> str | None:
    """Move every element of an accepted alias namespace (`NAMESPACE_ALIASES`) into the 1.0 one,
    in place; returns the namespace the file declared (None when the root is in none of them)."""
    declared = etree.QName(root).namespace
    aliases = NAMESPACE_ALIASES[schema]
    if declared not in aliases:
        return None
    if declared != aliases[0]:
        for el in root.iter():
            if isinstance(el.tag, str) and etree.QName(el).namespace == declared:
                el.tag = f"{{{aliases[0]}}}{etree.QName(el).localname}"
        etree.cleanup_namespaces(root)
    return declared


def serialize(root: etree._Element) -> bytes:
    """UTF-8 XML with declaration, indented, the same bytes for the same tree."""
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# ------------------------------------------------------------------ the qualmine block

def join_description(human: str, block: dict[str, Any] | None) -> str:
    """A Description: the human-readable text, then (when given) the qualmine block as YAML."""
    human = (human or "").strip()
    if not block:
        return human
    # Flow style for lists and small mappings: compact, and reads like the YAML codebook.
    dumped = yaml.safe_dump(block, allow_unicode=True, sort_keys=False, width=10_000, default_flow_style=None).rstrip()
    return f"{human}\n\n{BLOCK_MARKER}\n{dumped}" if human else f"{BLOCK_MARKER}\n{dumped}"


def split_description(text: str | None, source: str, line: int | None) -> tuple[str, dict[str, Any] | None]:
    """Inverse of `join_description`: (human text, block or None). Bad YAML raises `RefiError`."""
    text = text or ""
    if BLOCK_MARKER not in text:
        return text.strip(), None
    human, _, raw = text.partition(BLOCK_MARKER)
    try:
        block = safe_load(raw)   # aliases refused: a Description bomb cost 32 s and 735 MB (issue #17)
    except yaml.YAMLError as exc:
        raise RefiError.one(source, line, f"the qualmine block in a Description is not valid YAML: {exc}") from None
    if not isinstance(block, dict):
        raise RefiError.one(source, line, "the qualmine block in a Description must be a mapping of fields")
    return human.strip(), block


# ------------------------------------------------------------------ languages by script

def script_lang(text: str) -> str:
    """'zh' when the text is substantially Chinese, else 'en' (same rule as segment languages)."""
    from qualmine.corpus.lang import detect_lang

    return detect_lang(text, default="en")


def split_by_script(text: str) -> dict[str, str]:
    """Split bilingual text into {'zh': ..., 'en': ...} by paragraph script (blank-line separated)."""
    parts: dict[str, list[str]] = {"zh": [], "en": []}
    for para in re.split(r"\n\s*\n", text.strip()):
        if para.strip():
            parts[script_lang(para)].append(para.strip())
    return {lang: "\n\n".join(paras) for lang, paras in parts.items() if paras}


def name_to_labels(name: str) -> dict[str, str]:
    """Labels from a code name: 'zh / en' pairs are split, a single name goes to its script's language."""
    name = name.strip()
    if " / " in name:
        left, _, right = name.partition(" / ")
        langs = script_lang(left), script_lang(right)
        if set(langs) == {"zh", "en"}:
            return {langs[0]: left.strip(), langs[1]: right.strip()}
    return {script_lang(name): name}
