"""Codebook <-> .qdc: schema-valid exports, lossless round trips, stable GUIDs, foreign files,
and clear errors for malformed, unsafe or schema-invalid files."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from lxml import etree

from qualmine.coding.codebook import Code, Codebook, LangText, dump_codebook
from qualmine.outputs.refi.codebook import code_guid, codebook_to_qdc, qdc_to_codebook, read_qdc, write_qdc
from refi_inputs import codebook  # noqa: F401 (fixture)
from qualmine.outputs.refi.common import CODEBOOK_NS, SCHEMA_DIR, RefiError, load_schema

NS = {"c": CODEBOOK_NS}
SHARED_REFI = Path(__file__).resolve().parents[4] / "shared" / "refi-qda"


def test_bundled_schemas_are_the_official_files_unedited():
    expected = {"Codebook-mrt2019.xsd": "62a941a02df90991fd9e18bd97c571b88e3c493a722ef1e45a7247f787849c75",
                "Project-mrt2019.xsd": "a2cc1ffb4ab1c07c51d6c78e69f2c9968458a9f0ad3b317ddde27f1e86f15a15"}
    for name, digest in expected.items():
        data = (SCHEMA_DIR / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest
        assert b"This specification is licensed under the MIT license." in data
        if (SHARED_REFI / name).is_file():
            assert data == (SHARED_REFI / name).read_bytes()


def test_export_validates_against_the_xsd_and_nests_children(codebook):
    data = codebook_to_qdc(codebook)
    tree = etree.fromstring(data).getroottree()
    load_schema("codebook").assertValid(tree)
    top = tree.getroot().find("c:Codes", NS)
    hours = top.find(f"c:Code[@guid='{code_guid('P-OPERATION')}']/c:Code[@guid='{code_guid('P-OPERATION-HOURS')}']", NS)
    assert hours is not None, "a child code must be nested inside its parent"
    assert hours.get("name") == "开放时间与排队等候 / Opening hours and waiting"
    description = hours.find("c:Description", NS).text
    assert description.startswith(codebook.code("P-OPERATION-HOURS").definition.zh)
    assert codebook.code("P-OPERATION-HOURS").definition.en in description
    assert len(top.findall(".//c:Code", NS)) == len(codebook.codes)
    kind_sets = {s.get("name"): len(s) for s in tree.getroot().findall("c:Sets/c:Set", NS)}
    assert kind_sets["kind: problem"] - 1 == len(codebook.of_kind("problem"))   # minus the Description


def test_round_trip_is_lossless_and_reexport_is_identical(codebook):
    first = codebook_to_qdc(codebook)
    imported = qdc_to_codebook(first, "book.qdc")
    assert imported.notes == ()
    assert imported.codebook == codebook                      # ids, labels, definitions, kinds, links, keywords...
    assert dump_codebook(imported.codebook) == dump_codebook(codebook)
    assert codebook_to_qdc(imported.codebook) == first


@pytest.mark.parametrize("name_lang", ["zh", "en"])
def test_single_language_names_still_round_trip(codebook, name_lang):
    data = codebook_to_qdc(codebook, name_lang=name_lang)
    names = [el.get("name") for el in etree.fromstring(data).iter(f"{{{CODEBOOK_NS}}}Code")]
    assert " / " not in "".join(names)
    assert qdc_to_codebook(data, "x.qdc").codebook == codebook


def test_guids_are_stable_and_follow_the_code_id(codebook):
    def guids(book: Codebook) -> dict[str, str]:
        root = etree.fromstring(codebook_to_qdc(book))
        return {el.get("name"): el.get("guid") for el in root.iter(f"{{{CODEBOOK_NS}}}Code")}

    assert guids(codebook) == guids(codebook)
    relabelled = codebook.model_copy(update={"codes": tuple(
        c.model_copy(update={"label": LangText(zh=c.label.zh, en=(c.label.en or "") + " (v2)")}) for c in codebook.codes)})
    assert sorted(guids(relabelled).values()) == sorted(guids(codebook).values())   # a new label keeps the GUID
    assert code_guid("P-OPERATION") != code_guid("P-PARTICIPATION")
    assert code_guid("P-OPERATION") == "df5c7089-d82a-5326-90d8-23bea564579c"     # fixed namespace: never changes


def test_edits_made_in_another_tool_win_over_the_block(codebook, tmp_path):
    data = codebook_to_qdc(codebook).decode("utf-8")
    old_name = "开放时间与排队等候 / Opening hours and waiting"
    data = data.replace(old_name, "开放时间 / Opening hours")
    old_definition = codebook.code("P-OPERATION-HOURS").definition.en
    data = data.replace(old_definition + "\n\n---", "Edited in NVivo.\n\n---", 1)
    book = qdc_to_codebook(data.encode("utf-8"), "edited.qdc").codebook
    hours = book.code("P-OPERATION-HOURS")
    assert (hours.label.zh, hours.label.en) == ("开放时间", "Opening hours")
    assert hours.definition.en == "Edited in NVivo."
    assert hours.definition.zh == codebook.code("P-OPERATION-HOURS").definition.zh
    assert hours.keywords == codebook.code("P-OPERATION-HOURS").keywords


FOREIGN_QDC = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="ATLAS.ti">
  <Codes>
    <Code guid="{11111111-2222-4333-8444-555555555551}" name="服务问题" isCodable="true">
      <Code guid="{11111111-2222-4333-8444-555555555552}" name="排队 / Queues" isCodable="true">
        <Description>排队时间太长。

Queues are too long.</Description>
      </Code>
    </Code>
    <Code guid="{11111111-2222-4333-8444-555555555553}" name="[R-HOURS] Longer opening hours" isCodable="true"/>
    <Code guid="{11111111-2222-4333-8444-555555555554}" name="Staff shortage" isCodable="false"/>
    <Code guid="{11111111-2222-4333-8444-555555555555}" name="Community life" isCodable="true"/>
  </Codes>
  <Sets>
    <Set guid="{11111111-2222-4333-8444-555555555560}" name="Causes">
      <MemberCode guid="{11111111-2222-4333-8444-555555555554}"/>
    </Set>
  </Sets>
</CodeBook>
"""


def test_foreign_codebook_gets_ids_kinds_labels_and_hierarchy():
    book = qdc_to_codebook(FOREIGN_QDC.encode("utf-8"), "atlas.qdc").codebook
    by_label = {c.label.en or c.label.zh: c for c in book.codes}
    parent, queues = by_label["服务问题"], by_label["Queues"]
    assert parent.kind == "problem" and parent.label.zh == "服务问题" and parent.label.en is None
    assert queues.parent == parent.id and queues.kind == "problem"              # kind inherited from the parent
    assert (queues.label.zh, queues.definition.zh, queues.definition.en) == ("排队", "排队时间太长。", "Queues are too long.")
    assert by_label["Longer opening hours"].id == "R-HOURS"                     # id kept in the name
    assert by_label["Staff shortage"].kind == "cause"                            # from the 'Causes' set
    assert by_label["Staff shortage"].id == "Staff-shortage"
    assert by_label["Community life"].kind == "theme"                            # nothing to go on: theme
    assert parent.id.startswith("C-") and parent.id == qdc_to_codebook(FOREIGN_QDC.encode(), "b.qdc").codebook.codes[0].id
    assert book.name == "atlas"


def test_dangling_links_are_dropped_with_a_note():
    book = Codebook(name="b", codes=(
        Code(id="P1", kind="problem", label=LangText(en="Waiting"), causes=("C1",)),
        Code(id="C1", kind="cause", label=LangText(en="Few staff"))))
    data = codebook_to_qdc(book).decode("utf-8")
    start = data.index('<Code guid="' + code_guid("C1"))
    data = data[:start] + data[data.index("</Code>", start) + len("</Code>"):]
    data = data.replace(f'<MemberCode guid="{code_guid("C1")}"/>', "")
    imported = qdc_to_codebook(data.encode("utf-8"), "cut.qdc")
    assert imported.codebook.code("P1").causes == ()
    assert any("C1" in note and "not in the file" in note for note in imported.notes)


def test_write_and_read_files(codebook, tmp_path):
    path = write_qdc(codebook, tmp_path / "out" / "book.qdc")
    assert read_qdc(path).codebook == codebook


# ------------------------------------------------------------------ malformed and unsafe files

def _error(data: bytes) -> RefiError:
    with pytest.raises(RefiError) as info:
        qdc_to_codebook(data, "bad.qdc")
    return info.value


def test_not_xml_names_file_and_line():
    err = _error(b'<?xml version="1.0"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0">\n<Codes>\n</CodeBook>')
    assert str(err).startswith("bad.qdc:4: not well-formed XML")


def test_external_entity_is_refused_and_never_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    data = (f'<?xml version="1.0"?>\n<!DOCTYPE CodeBook [\n<!ENTITY xxe SYSTEM "file://{secret}">\n]>\n'
            '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="11111111-2222-4333-8444-555555555551" '
            'name="&xxe;" isCodable="true"/></Codes></CodeBook>').encode()
    err = _error(data)
    assert "entity declarations are not allowed" in str(err) and "xxe" in str(err)
    assert err.problems[0].line == 3
    assert "TOP-SECRET-CONTENT" not in str(err)


def test_schema_violations_are_all_listed_with_lines():
    data = (b'<?xml version="1.0"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0">\n<Codes>\n'
            b'<Code guid="not-a-guid" name="A" isCodable="true"/>\n'
            b'<Code guid="11111111-2222-4333-8444-555555555551" isCodable="true"/>\n</Codes>\n</CodeBook>')
    err = _error(data)
    # A code without a name cannot be read (what would it be called?): refused, every violation listed,
    # then what broke.
    assert [p.line for p in err.problems] == [4, 5, None]
    assert "GUIDType" in str(err) or "not-a-guid" in str(err)
    assert "name" in err.problems[1].message
    assert "cannot be read" in err.problems[2].message


def test_a_project_file_is_not_a_codebook():
    err = _error(b'<Project xmlns="urn:QDA-XML:project:1.0" name="x"/>')
    assert "expected a REFI-QDA codebook" in str(err) and "<Project>" in str(err)


def test_duplicate_ids_in_blocks_are_reported(codebook):
    data = codebook_to_qdc(codebook).decode("utf-8").replace("id: P-PARTICIPATION", "id: P-OPERATION")
    err = _error(data.encode("utf-8"))
    assert "code id 'P-OPERATION' is used by two codes" in str(err)
