"""Files other tools write slightly wrong are read where their meaning is clear: schema violations
(ATLAS.ti's samples carry `guid="p"`) are reported, not fatal; inline text keeps its CRLF line ends
(an XML parser would make them LF and every later selection would drift)."""
from __future__ import annotations

import zipfile

import pytest

from qualmine.outputs.refi.codebook import qdc_to_codebook
from qualmine.outputs.refi.common import RefiError, keep_carriage_returns
from qualmine.outputs.refi.project_import import read_qdpx

ATLAS_QDC = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:0:4" origin="ATLAS.ti">
  <Codes>
    <Code guid="p" name="Waiting" isCodable="true">
      <Code guid="p" name="Queues at the desk" isCodable="true"/>
    </Code>
    <Code guid="9C1A4F2E-1111-4A4A-8B8B-000000000003" name="Staff" isCodable="true"/>
  </Codes>
</CodeBook>
"""


def test_atlas_codebook_with_guid_p_is_read_with_its_nesting_and_warned_about():
    imported = qdc_to_codebook(ATLAS_QDC.encode("utf-8"), "atlas.qdc")
    book = imported.codebook
    labels = {c.label.en: c for c in book.codes}
    assert set(labels) == {"Waiting", "Queues at the desk", "Staff"}
    assert labels["Queues at the desk"].parent == labels["Waiting"].id
    warned = [n for n in imported.notes if "read anyway" in n]
    assert len(warned) == 2 and all("atlas.qdc:" in n and "'p'" in n for n in warned)
    assert any("2 codes share the GUID 'p'" in n for n in imported.notes)
    # Nothing can refer to the ambiguous GUID; the valid one still maps.
    assert "p" not in imported.guid_to_id and "9c1a4f2e-1111-4a4a-8b8b-000000000003" in imported.guid_to_id


QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Atlas" origin="ATLAS.ti 23">
  <Users><User guid="p" name="Mei"/></Users>
  <CodeBook><Codes>
    <Code guid="{code}" name="Waiting" isCodable="true"/>
    <Code guid="p" name="Staff" isCodable="true"/>
    <Code guid="p" name="Rules" isCodable="true"/>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="{src}" name="Interview 3">
      <PlainTextContent>{text}</PlainTextContent>
      <PlainTextSelection guid="p" startPosition="{a}" endPosition="{b}" creatingUser="p">
        <Coding guid="p" creatingUser="p"><CodeRef targetGUID="{code}"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="4E0D11A2-1111-4A4A-8B8B-00000000000A" startPosition="{c}" endPosition="{d}" creatingUser="p">
        <Coding guid="4E0D11A2-1111-4A4A-8B8B-00000000000B" creatingUser="p"><CodeRef targetGUID="p"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>
"""
CODE = "9C1A4F2E-1111-4A4A-8B8B-000000000001"
SRC = "9C1A4F2E-1111-4A4A-8B8B-000000000002"


def _qdpx(tmp_path, text: str, spans: dict[str, int], *, newline: bytes = b"\r\n"):
    qde = QDE.replace("\n", newline.decode()).replace("{code}", CODE).replace("{src}", SRC).replace("{text}", text)
    for key, value in spans.items():
        qde = qde.replace("{" + key + "}", str(value))
    path = tmp_path / "atlas.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("Atlas.qde", qde.encode("utf-8"))
    return path


def test_project_with_guid_p_is_imported_and_its_violations_listed(tmp_path):
    text = "Q: How long?\nA: We waited two hours. The staff shouted."
    a, b = text.index("We waited"), text.index(" The staff")
    c, d = text.index("The staff"), len(text)
    project = read_qdpx(_qdpx(tmp_path, text, {"a": a, "b": b, "c": c, "d": d}, newline=b"\n"))
    assert list(project.code_applications["evidence"]) == ["We waited two hours."]
    assert project.coders == ("Mei",)
    problems = project.problems
    schema = problems[problems["why"].str.contains("not valid against the REFI-QDA project schema")]
    assert len(schema) >= 5 and set(schema["file"]) == {f"{tmp_path / 'atlas.qdpx'}!Atlas.qde"}
    assert schema["line"].notna().all()
    # The coding of the GUID two codes share cannot be placed: reported, not guessed.
    assert problems["why"].str.contains("refers to code p, which is not in the project's codebook").sum() == 1


def test_inline_text_keeps_crlf_so_positions_do_not_drift(tmp_path):
    # CRLF counts 2 code points, as the writer counted; an XML parser would turn it into LF.
    text = "Q: How long?\r\nA: We waited two hours.\r\nQ: And?\r\nA: The staff shouted."
    a, b = text.index("We waited"), text.index("hours.") + 6
    c, d = text.index("The staff"), len(text)
    project = read_qdpx(_qdpx(tmp_path, text, {"a": a, "b": b, "c": c, "d": d}))
    assert project.documents["text"].iloc[0] == text
    assert list(project.code_applications["evidence"]) == ["We waited two hours."]
    assert not project.problems["why"].str.contains("outside|splits|empty").any()


def test_keep_carriage_returns_touches_only_inline_text():
    data = (b'<P\r\n a="x"><PlainTextContent>a\r\nb</PlainTextContent><Description>c\r\nd</Description>'
            b'<q:PlainTextContent>e\rf</q:PlainTextContent><PlainTextContent/><PlainTextContent><![CDATA[g\r\nh]]>'
            b'</PlainTextContent></P>')
    assert keep_carriage_returns(data) == (
        b'<P\r\n a="x"><PlainTextContent>a&#13;\nb</PlainTextContent><Description>c\r\nd</Description>'
        b'<q:PlainTextContent>e&#13;f</q:PlainTextContent><PlainTextContent/><PlainTextContent><![CDATA[g\r\nh]]>'
        b'</PlainTextContent></P>')
    assert keep_carriage_returns("x\r\n".encode("utf-16")) == "x\r\n".encode("utf-16")


def test_a_file_that_is_not_xml_is_still_refused(tmp_path):
    path = tmp_path / "broken.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", b"<Project xmlns='urn:QDA-XML:project:1.0'><Users>")
    with pytest.raises(RefiError, match="not well-formed XML"):
        read_qdpx(path)
