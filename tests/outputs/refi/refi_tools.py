"""Small `.qdpx` files written the way NVivo (Windows, Mac), ATLAS.ti, MAXQDA and QualCoder write
them: their origin strings, folder case, inner file names, namespaces, BOMs, line endings and
position counting. Each fixture knows which text each selection is meant to cover, so tests can
assert the coded TEXT after import.

Not measured on the vendors' programs here (none runs on this machine): the conventions are the
ones the issue reports from real exports (NVivo for Windows: UTF-16 units after the BOM, CRLF = 2,
`Sources/`; NVivo for Mac 15, MAXQDA 24, QualCoder: `sources/`; ATLAS.ti: `<Project>.qde` and
the codebook namespace 0:4)."""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import quoteattr

PROJECT_NS = "urn:QDA-XML:project:1.0"


def guid(kind: str, n: int) -> str:
    return "{%08X-0000-4000-8000-%012d}" % ({"user": 1, "code": 2, "src": 3, "sel": 4, "cod": 5, "case": 6,
                                             "var": 7}[kind], n)


def utf16_units(text: str, chars: int) -> int:
    """How .NET counts the first `chars` code points of `text` (UTF-16 code units)."""
    return len(text[:chars].encode("utf-16-le")) // 2


@dataclass
class Source:
    name: str
    text: str
    codings: list[tuple[str, str, str]]          # (selected text, code name, user name), in reading order
    member: str = ""                             # archive path of the source file
    encoding: str = "utf-8"                      # utf-8, utf-8-sig (BOM), utf-16 (BOM)
    docx: bool = False                           # only a .docx (richTextPath)
    named: bool = False                          # write the selected text as the selection's name
    spans: list[tuple[int, int]] = field(default_factory=list)   # override: raw (start, end) per coding


@dataclass
class Writer:
    origin: str
    folder: str = "sources"
    qde_name: str = "project.qde"
    namespace: str = PROJECT_NS
    count: str = "codepoints"                    # codepoints | utf16
    attributed: bool = True                      # False: no creatingUser on selections/codings (NVivo for Windows)
    rich_too: bool = False                       # richTextPath (.docx) next to plainTextPath (NVivo for Windows)


def _spans(src: Source, count: str) -> list[tuple[int, int]]:
    out, after = [], 0
    for piece, _, _ in src.codings:
        start = src.text.index(piece, after)
        end = start + len(piece)
        after = start   # the next coding starts here or later (the same text may be coded twice)
        out.append((utf16_units(src.text, start), utf16_units(src.text, end)) if count == "utf16" else (start, end))
    return src.spans or out


def project(path: Path, writer: Writer, sources: list[Source], codes: list[str] | dict[str, list[str]],
            users: list[str], *, cases: dict[str, dict[str, str]] | None = None) -> Path:
    """Write the `.qdpx`; `codes` is a list of names or {parent: [children]}; `cases` maps a source
    name to its attribute values."""
    tree = codes if isinstance(codes, dict) else {c: [] for c in codes}
    names = list(dict.fromkeys([*tree, *(c for kids in tree.values() for c in kids)]))
    code_guid = {name: guid("code", i) for i, name in enumerate(names, 1)}
    user_guid = {name: guid("user", i) for i, name in enumerate(users, 1)}
    xml = [f'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="{writer.namespace}" name="Study" '
           f'origin={quoteattr(writer.origin)}>', "<Users>"]
    xml += [f'<User guid="{g}" name={quoteattr(n)}/>' for n, g in user_guid.items()]
    xml += ["</Users>", "<CodeBook><Codes>"]
    for parent, kids in tree.items():
        xml.append(f'<Code guid="{code_guid[parent]}" name={quoteattr(parent)} isCodable="true">')
        xml += [f'<Code guid="{code_guid[k]}" name={quoteattr(k)} isCodable="true"/>' for k in kids]
        xml.append("</Code>")
    xml.append("</Codes></CodeBook>")
    if cases:
        attrs = list(dict.fromkeys(a for values in cases.values() for a in values))
        xml.append("<Variables>" + "".join(f'<Variable guid="{guid("var", i)}" name={quoteattr(a)} typeOfVariable="Text"/>'
                                           for i, a in enumerate(attrs, 1)) + "</Variables><Cases>")
        for n, (src_name, values) in enumerate(cases.items(), 1):
            src_at = next(i for i, s in enumerate(sources, 1) if s.name == src_name)
            xml.append(f'<Case guid="{guid("case", n)}" name={quoteattr(src_name + " case")}>')
            xml += [f'<VariableValue><VariableRef targetGUID="{guid("var", attrs.index(a) + 1)}"/>'
                    f'<TextValue>{v}</TextValue></VariableValue>' for a, v in values.items()]
            xml.append(f'<SourceRef targetGUID="{guid("src", src_at)}"/></Case>')
        xml.append("</Cases>")
    xml.append("<Sources>")
    files: dict[str, bytes] = {}
    sel_n = 0
    for s_n, src in enumerate(sources, 1):
        ext = "docx" if src.docx else "txt"
        file_name = src.member or f"{guid('src', s_n).strip('{}')}.{ext}"
        attr = "richTextPath" if src.docx else "plainTextPath"
        rich = f' richTextPath="internal://{file_name[:-4]}.docx"' if writer.rich_too and not src.docx else ""
        xml.append(f'<TextSource guid="{guid("src", s_n)}" name={quoteattr(src.name)}{rich} '
                   f'{attr}="internal://{file_name}">')
        for (start, end), (piece, code, user) in zip(_spans(src, writer.count), src.codings):
            sel_n += 1
            name = f" name={quoteattr(piece)}" if src.named else ' name=""'
            by = f' creatingUser="{user_guid[user]}"' if writer.attributed else ""
            xml.append(f'<PlainTextSelection guid="{guid("sel", sel_n)}"{name} startPosition="{start}" '
                       f'endPosition="{end}"{by}><Coding guid="{guid("cod", sel_n)}"{by}>'
                       f'<CodeRef targetGUID="{code_guid.get(code, guid("code", 999))}"/></Coding></PlainTextSelection>')
        xml.append("</TextSource>")
        files[f"{writer.folder}/{file_name}"] = _docx(src.text) if src.docx else src.text.encode(src.encoding)
    xml.append("</Sources></Project>")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(writer.qde_name, "\n".join(xml).encode("utf-8"))
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def _docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    for para in text.split("\n"):
        document.add_paragraph(para)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
