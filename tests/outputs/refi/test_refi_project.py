"""Run folder <-> .qdpx: schema-valid exports at the right positions, lossless round trips,
foreign projects becoming a coder's decisions, and clear errors for broken archives."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from qualmine.outputs.refi.codebook import code_guid
from qualmine.outputs.refi.common import PROJECT_NS, RefiError, load_schema, parse_xml, safe_parser, stable_guid
from qualmine.outputs.refi.project_export import export_qdpx, source_guid, user_guid
from qualmine.outputs.refi.project_import import read_qdpx, write_imported_run
from qualmine.outputs.writers import read_table
from refi_inputs import ANSWER, FOREIGN_TEXT, TRANSCRIPT, foreign_qde, write_qdpx, codebook, small_run  # noqa: F401 (fixtures)

NS = {"p": PROJECT_NS}


def _qde(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as zf:
        return etree.fromstring(zf.read("project.qde"))


def _selections(root: etree._Element) -> set[tuple[str, int, int, str, str]]:
    users = {u.get("guid"): u.get("name") for u in root.iter(f"{{{PROJECT_NS}}}User")}
    codes = {c.get("guid"): c for c in root.iter(f"{{{PROJECT_NS}}}Code")}
    out = set()
    for src in root.iter(f"{{{PROJECT_NS}}}TextSource"):
        for sel in src.findall("p:PlainTextSelection", NS):
            for coding in sel.findall("p:Coding", NS):
                code = codes[coding.find("p:CodeRef", NS).get("targetGUID")]
                out.add((src.get("name"), int(sel.get("startPosition")), int(sel.get("endPosition")),
                         code.get("guid"), users[coding.get("creatingUser")]))
    return out


def test_export_is_schema_valid_with_sources_selections_users_and_cases(small_run, codebook, tmp_path):
    result = export_qdpx(small_run, tmp_path / "p.qdpx", codebook=codebook)
    root = _qde(result.path)
    load_schema("project").assertValid(root.getroottree())
    assert (result.sources, result.selections, result.codings, result.cases) == (2, 4, 5, 2)
    assert result.users == ("qualmine-model", "qualmine-rules")
    with zipfile.ZipFile(result.path) as zf:   # the exact text the offsets index into, UTF-8
        assert zf.read(f"Sources/{source_guid('int/a.txt')}.txt") == TRANSCRIPT.encode("utf-8")
        assert zf.read(f"Sources/{source_guid('s.csv#R2/q1')}.txt") == ANSWER.encode("utf-8")
    h, g = code_guid("P-OPERATION-HOURS"), code_guid("C-GOVERNANCE")
    # Source names other tools can use as file names: no '/', no misleading '.txt' / '.csv'.
    assert _selections(root) == {
        ("int - a", 14, 16, h, "qualmine-rules"),
        ("int - a", 27, 31, code_guid("P-OPERATION-STAFF"), "qualmine-rules"),
        ("int - a", 27, 31, g, "qualmine-rules"),
        ("int - a", 42, 49, code_guid("R-GUARANTEE"), "qualmine-model"),
        ("s - R2 - q1", 2, 8, h, "qualmine-rules")}
    assert TRANSCRIPT[14:16] == "排队" and ANSWER[2:8] == "waited"
    case = root.find(f"p:Cases/p:Case[@name='R1']", NS)
    values = {v.find("p:VariableRef", NS).get("targetGUID"): v.find("p:TextValue", NS).text
              for v in case.findall("p:VariableValue", NS)}
    assert values == {stable_guid("variable", "role"): "居民", stable_guid("variable", "age group"): "60+"}
    assert case.find("p:SourceRef", NS).get("targetGUID") == source_guid("int/a.txt")
    links = {(l.get("originGUID"), l.get("targetGUID")) for l in root.iter(f"{{{PROJECT_NS}}}Link")}
    assert (code_guid("P-OPERATION"), code_guid("C-GOVERNANCE")) in links


def test_exports_are_reproducible_bytes(small_run, codebook, tmp_path):
    a = export_qdpx(small_run, tmp_path / "a.qdpx", codebook=codebook, name="study").path.read_bytes()
    b = export_qdpx(small_run, tmp_path / "b.qdpx", codebook=codebook, name="study").path.read_bytes()
    assert a == b


def test_round_trip_export_import_export_loses_nothing(small_run, codebook, tmp_path):
    first = export_qdpx(small_run, tmp_path / "1.qdpx", codebook=codebook, name="study")
    project = read_qdpx(first.path, coder="alice")
    assert project.codebook == codebook
    original = read_table(small_run, "documents")
    assert project.documents.set_index("doc_id")["text"].to_dict() == original.set_index("doc_id")["text"].to_dict()
    assert set(project.documents["source_file"]) == {"int/a.txt", "s.csv"}
    assert len(project.decisions) == 0          # machine codes come back as machine codes, not as alice's
    assert set(project.code_applications["source"]) == {"rule", "model"}
    people = project.respondents.set_index("respondent_id")
    assert people.loc["R1", "role"] == "居民" and people.loc["R2", "age group"] == ""
    run2 = tmp_path / "imported"
    write_imported_run(project, run2)
    second = export_qdpx(run2, tmp_path / "2.qdpx", name="study")       # codebook.yaml of the imported run
    with zipfile.ZipFile(first.path) as a, zipfile.ZipFile(second.path) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            assert a.read(name) == b.read(name), name


def test_foreign_project_becomes_decisions_of_the_named_coder(tmp_path):
    path = write_qdpx(tmp_path / "nvivo.qdpx", foreign_qde())
    project = read_qdpx(path, coder="jane")
    doc = project.documents.iloc[0]
    assert (doc["doc_id"], doc["respondent_id"], doc["text"]) == ("Interview P07", "P07", FOREIGN_TEXT)
    assert project.respondents.set_index("respondent_id").loc["P07", "role"] == "resident"
    segs = project.segments
    assert (segs["text"] == segs.apply(lambda r: FOREIGN_TEXT[r.start:r.end], axis=1)).all()
    assert segs["is_interviewer"].tolist()[0] and "How was your visit?" in segs["text"].tolist()[0]
    apps = project.code_applications
    assert set(apps["source"]) == {"coder"} and set(apps["coder"]) == {"jane"}
    queue = apps[apps["evidence"] == "排队太久了。等了一个小时。"]
    assert len(queue) == 2, "the queue selection spans two sentence segments: one row per segment"
    assert set(segs.set_index("segment_id").loc[queue["segment_id"], "text"]) == {"排队太久了。", "等了一个小时。"}
    assert set(project.decisions["decision"]) == {"add"} and set(project.decisions["coder"]) == {"jane"}
    assert len(project.decisions) == 3
    assert "user Jane" in project.decisions["note"].iloc[0]
    kinds = {c.label.zh or c.label.en: c.kind for c in project.codebook.codes}
    assert kinds == {"Problems": "problem", "排队等候": "problem", "Staff attitude": "theme"}
    run = tmp_path / "run"
    write_imported_run(project, run)
    again = export_qdpx(run, tmp_path / "again.qdpx")
    users = {s[4] for s in _selections(_qde(again.path))}
    spans = {(s[1], s[2]) for s in _selections(_qde(again.path))}
    assert users == {"jane"}
    assert spans == {(FOREIGN_TEXT.index("排队"), FOREIGN_TEXT.index("The staff")),
                     (FOREIGN_TEXT.index("The staff"), len(FOREIGN_TEXT) - 1)}


def test_selection_outside_any_segment_gets_its_own_segment(tmp_path):
    path = write_qdpx(tmp_path / "p.qdpx", foreign_qde(q_start=0, q_end=2))   # "Q:" — the speaker label itself
    project = read_qdpx(path, coder="jane")
    own = project.segments[(project.segments["start"] == 0) & (project.segments["end"] == 2)]
    assert len(own) == 1 and own.iloc[0]["text"] == "Q:"
    assert any("got a segment of their own" in n for n in project.notes)


# ------------------------------------------------------------------ malformed and unsafe projects

def _line(text: str, needle: str, nth: int = 1) -> int:
    at = -1
    for _ in range(nth):
        at = text.index(needle, at + 1)
    return text.count("\n", 0, at) + 1


def _error(path: Path) -> RefiError:
    with pytest.raises(RefiError) as info:
        read_qdpx(path, coder="jane")
    return info.value


def test_not_a_zip(tmp_path):
    path = tmp_path / "x.qdpx"
    path.write_text("<Project/>", encoding="utf-8")
    assert "not a .qdpx project" in str(_error(path)) and str(path) in str(_error(path))


def test_malformed_project_xml_names_member_and_line(tmp_path):
    qde = foreign_qde().replace("</Users>", "</User>")
    path = write_qdpx(tmp_path / "x.qdpx", qde)
    assert f"{path}!project.qde:{_line(qde, '</User>')}: not well-formed XML" in str(_error(path))


def test_schema_invalid_project_is_read_where_its_meaning_is_clear(tmp_path):
    # A selection without startPosition cannot be placed: reported with the schema violation, left
    # out; the other selection is imported on its text.
    qde = foreign_qde().replace('startPosition="', 'start="', 1)
    project = read_qdpx(write_qdpx(tmp_path / "x.qdpx", qde), coder="jane")
    problems = project.problems
    schema = problems[problems["why"].str.contains("not valid against the REFI-QDA project schema")]
    assert "'start' is not allowed" in schema["why"].iloc[0]
    assert int(schema["line"].iloc[0]) == _line(qde, "<PlainTextSelection")
    assert problems["why"].str.contains("not whole numbers").sum() == 1
    assert list(project.code_applications["evidence"].unique()) == ["The staff were rude."]
    assert "not valid against the REFI-QDA project schema" in project.notes[0]


def test_schema_invalid_project_that_cannot_be_read_is_refused_with_its_violations(tmp_path):
    qde = foreign_qde().replace('<CodeBook>', '<CodeBook><Bogus/>', 1).replace("<Codes>", "<Kodes>").replace(
        "</Codes>", "</Kodes>")
    err = _error(write_qdpx(tmp_path / "x.qdpx", qde))
    assert "not valid against the REFI-QDA project schema" in str(err)
    assert "cannot be read" in err.problems[-1].message and "no <CodeBook>" in err.problems[-1].message


def test_missing_source_file_inside_the_zip(tmp_path):
    path = write_qdpx(tmp_path / "x.qdpx", foreign_qde(), sources={})
    err = _error(path)
    assert "text source 'Interview P07' refers to Sources/p07.txt, which is not in the archive" in str(err)
    assert err.problems[0].line == _line(foreign_qde(), "<TextSource")


def test_selection_outside_the_source_text_is_reported_and_the_rest_imported(tmp_path):
    qde = foreign_qde(s_end=len(FOREIGN_TEXT) + 5)
    path = write_qdpx(tmp_path / "x.qdpx", qde)
    project = read_qdpx(path, coder="jane")
    [problem] = project.problems.to_dict("records")
    assert f"outside its text (0-{len(FOREIGN_TEXT)}" in problem["why"]
    assert (problem["file"], problem["line"]) == (f"{path}!project.qde", _line(qde, "<PlainTextSelection", 2))
    assert problem["selection"] == "ffffffff-0000-4000-8000-000000000003" and problem["source"] == "Interview P07"
    assert set(project.code_applications["evidence"]) == {"排队太久了。等了一个小时。"}


def test_coding_of_an_unknown_code_is_reported(tmp_path):
    qde = foreign_qde().replace('<CodeRef targetGUID="{BBBBBBBB-0000-4000-8000-000000000003}"/>',
                                '<CodeRef targetGUID="{BBBBBBBB-0000-4000-8000-000000000099}"/>')
    project = read_qdpx(write_qdpx(tmp_path / "x.qdpx", qde), coder="jane")
    [problem] = project.problems.to_dict("records")
    assert "not in the project's codebook" in problem["why"] and problem["line"] == _line(qde, "<Coding", 2)
    assert set(project.code_applications["evidence"]) == {"排队太久了。等了一个小时。"}


def test_xxe_in_project_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    qde = foreign_qde().replace('<?xml version="1.0" encoding="utf-8"?>',
                                f'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE Project [<!ENTITY xxe SYSTEM "file://{secret}">]>')
    qde = qde.replace("排队时间长。", "&xxe;")
    err = _error(write_qdpx(tmp_path / "x.qdpx", qde))
    assert "entity declarations are not allowed" in str(err) and "TOP-SECRET-CONTENT" not in str(err)


def test_safe_parser_never_expands_external_entities(tmp_path):
    # Below the up-front refusal: the parser itself must leave an external entity unexpanded.
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    data = f'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file://{secret}">]><r>&xxe;</r>'.encode()
    root = etree.fromstring(data, safe_parser())
    assert b"TOP-SECRET-CONTENT" not in etree.tostring(root)
    with pytest.raises(RefiError):
        parse_xml(data, "r.xml")


def test_export_refuses_spans_outside_the_document(small_run, codebook, tmp_path):
    apps = read_table(small_run, "code_applications")
    apps.loc[0, "end"] = 10_000
    from qualmine.outputs.writers import write_table
    write_table(apps, small_run, "code_applications")
    with pytest.raises(RefiError, match="do not fit their document"):
        export_qdpx(small_run, tmp_path / "x.qdpx", codebook=codebook)


def test_export_without_codebook_file_uses_code_frequency(small_run, codebook, tmp_path):
    from qualmine.coding.tables import code_frequency
    from qualmine.outputs.writers import write_table
    freq = code_frequency(codebook, read_table(small_run, "code_applications"), read_table(small_run, "segments"),
                          read_table(small_run, "respondents"))
    write_table(freq, small_run, "code_frequency")
    result = export_qdpx(small_run, tmp_path / "x.qdpx")
    assert "code_frequency" in result.notes[0]
    names = {c.get("guid") for c in _qde(result.path).iter(f"{{{PROJECT_NS}}}Code")}
    assert names == {code_guid(c.id) for c in codebook.codes}
    assert user_guid("qualmine-rules") in {u.get("guid") for u in _qde(result.path).iter(f"{{{PROJECT_NS}}}User")}
