"""Projects shaped like what NVivo (Windows, Mac), ATLAS.ti, MAXQDA and QualCoder write: every
coded selection must land on the text the coder selected, whatever the writer's habits."""
from __future__ import annotations

import zipfile

import pytest

from qualmine.outputs.refi.codebook import qdc_to_codebook
from qualmine.outputs.refi.common import RefiError
from qualmine.outputs.refi.positions import OffsetMap, RawSelection, choose_rule
from qualmine.outputs.refi.project_import import read_qdpx, write_imported_run
from qualmine.outputs.writers import read_table
from refi_inputs import codebook  # noqa: F401 (fixture)
from refi_tools import Source, Writer, project, utf16_units

# Emoji and a CJK extension-B character (both outside the BMP) before later codings; CRLF lines.
NVIVO_TEXT = ("Interviewer: How was the service centre? 😀\r\n"
              "P07: 排队太久了，等了一个小时。\r\n"
              "P07: 𠮷野家旁边那个窗口的人手不够 👍 staff were rude.\r\n"
              "P07: 希望周末开放。\r\n")
NVIVO_CODINGS = [("How was the service centre?", "Service", "Jane"),
                 ("排队太久了", "Waiting", "Jane"),
                 ("人手不够", "Staffing", "Jane"),
                 ("staff were rude", "Staffing", "Jane"),
                 ("希望周末开放", "Opening hours", "Jane")]
CODES = {"Problems": ["Waiting", "Staffing"], "Service": [], "Opening hours": []}


def coded(project_) -> list[tuple[str, str, str]]:
    """(coded text, code label, coder) per distinct selection, in document order."""
    labels = {c.id: c.label.en or c.label.zh for c in project_.codebook.codes}
    apps = project_.code_applications.drop_duplicates(["segment_id", "code_id", "start", "end", "coder"])
    texts = project_.documents.set_index("doc_id")["text"]
    seg_doc = project_.segments.set_index("segment_id")["doc_id"]
    out = []
    for row in apps.sort_values(["start"]).itertuples(index=False):
        piece = texts[seg_doc[row.segment_id]][row.start:row.end]
        assert piece == row.evidence
        out.append((piece, labels[row.code_id], row.coder))
    return list(dict.fromkeys(out))


@pytest.mark.parametrize("writer", [
    Writer("NVivo 12.6.0.959", folder="Sources", count="utf16"),     # Windows known from the archive's traits
    # As a real NVivo for Windows 12.6 export: origin says Windows, codings carry no creatingUser,
    # each source has a .docx next to its .txt.
    Writer("NVivo for Windows 12.6", folder="Sources", count="utf16", attributed=False, rich_too=True)])
def test_nvivo_windows_utf16_positions_bom_crlf_and_upper_sources(tmp_path, writer):
    path = project(tmp_path / "nvivo-win.qdpx", writer,
                   [Source("Interview P07", NVIVO_TEXT, NVIVO_CODINGS, encoding="utf-8-sig")], CODES, ["Jane"])
    imported = read_qdpx(path)
    assert imported.documents.iloc[0]["text"] == NVIVO_TEXT          # BOM gone, CRLF kept
    assert coded(imported) == [(t, c, u) for t, c, u in NVIVO_CODINGS]
    assert imported.positions.rule == "utf16" and imported.positions.ambiguous
    assert imported.positions.checks["utf16"].fits == 5
    summary = next(n for n in imported.notes if n.startswith("positions read as"))
    assert "NVivo for Windows" in summary and "5 of 5 selection(s) fit it" in summary and "BOM" in summary
    assert imported.problems.empty


def test_nvivo_windows_read_as_code_points_would_drift(tmp_path):
    # The old reading, forced: selections after the first emoji land on the wrong text.
    path = project(tmp_path / "nvivo-win.qdpx", Writer("NVivo 12.6.0.959", folder="Sources", count="utf16"),
                   [Source("Interview P07", NVIVO_TEXT, NVIVO_CODINGS, encoding="utf-8-sig")], CODES, ["Jane"])
    wrong = read_qdpx(path, positions="codepoints")
    texts = [t for t, _, _ in coded(wrong)]
    assert texts[0] == "How was the service centre?" and texts[1] != "排队太久了"


def test_nvivo_mac_lower_sources_checked_both_ways(tmp_path):
    path = project(tmp_path / "nvivo-mac.qdpx", Writer("NVivo 15 (Mac)", folder="sources"),
                   [Source("P07", NVIVO_TEXT.replace("\r\n", "\n"), NVIVO_CODINGS)], CODES, ["Jane"])
    imported = read_qdpx(path, "jane")
    assert coded(imported) == [(t, c, "jane") for t, c, _ in NVIVO_CODINGS]
    assert imported.positions.rule == "codepoints" and imported.positions.ambiguous
    assert "checked both ways" in imported.positions.summary()


def test_unknown_writer_with_selection_names_picks_the_rule_the_text_confirms(tmp_path):
    path = project(tmp_path / "x.qdpx", Writer("SomeTool 1.0", folder="Sources", count="utf16"),
                   [Source("P07", NVIVO_TEXT, NVIVO_CODINGS, named=True)], CODES, ["Jane"])
    imported = read_qdpx(path)
    assert imported.positions.rule == "utf16"
    assert imported.positions.checks["utf16"].text_matches == 5 > imported.positions.checks["codepoints"].text_matches
    assert [t for t, _, _ in coded(imported)] == [t for t, _, _ in NVIVO_CODINGS]


def test_maxqda_team_project_users_become_coders_with_hierarchy_and_cases(tmp_path):
    text = "I waited two hours 😡 and nobody answered the phone.\nThe staff were kind though.\n"
    codings = [("waited two hours", "Waiting", "Ann"), ("waited two hours", "Waiting", "Bo"),
               ("nobody answered the phone", "Staffing", "Bo"), ("The staff were kind", "Service", "Ann")]
    path = project(tmp_path / "maxqda.qdpx", Writer("MAXQDA 2024 (Release 24.0.0)", folder="sources"),
                   [Source("Survey R2 q1", text, codings)], CODES, ["Ann", "Bo"], cases={"Survey R2 q1": {"role": "resident"}})
    imported = read_qdpx(path)
    assert imported.coders == ("Ann", "Bo")
    assert coded(imported) == [(t, c, u) for t, c, u in codings]
    parents = {c.label.en: c.parent for c in imported.codebook.codes}
    assert parents["Waiting"] == parents["Staffing"] == next(c.id for c in imported.codebook.codes if c.label.en == "Problems")
    assert imported.respondents.set_index("respondent_id").loc["Survey R2 q1 case", "role"] == "resident"
    mapped = read_qdpx(path, coder_map={"Ann": "ann.lee"})
    assert mapped.coders == ("Bo", "ann.lee")


def test_atlas_ti_named_qde_docx_only_source_and_upper_sources(tmp_path):
    text = "问：您觉得怎么样？\n答：排队太久了。人手不够。"
    codings = [("排队太久了", "Waiting", "Li"), ("人手不够", "Staffing", "Li")]
    path = project(tmp_path / "atlas.qdpx", Writer("ATLAS.ti 23.2.1", folder="Sources", qde_name="Hospital Study.qde"),
                   [Source("访谈 A", text, codings, docx=True)], CODES, ["Li"])
    imported = read_qdpx(path)
    assert imported.documents.iloc[0]["text"] == text
    assert coded(imported) == [(t, c, "Li") for t, c, _ in codings]
    assert any(".docx" in n and "extracted" in n for n in imported.notes)


def test_qualcoder_code_points_lower_sources_and_utf16_bom_file(tmp_path):
    text = "Résumé: the queue 🙃 was long; 窗口 closed early.\n"
    codings = [("the queue", "Waiting", "colin"), ("窗口 closed early", "Opening hours", "colin")]
    path = project(tmp_path / "qualcoder.qdpx", Writer("QualCoder 3.6", folder="sources"),
                   [Source("notes", text, codings, encoding="utf-16", named=True)], CODES, ["colin"])
    imported = read_qdpx(path, "colin")
    assert coded(imported) == [(t, c, "colin") for t, c, _ in codings]
    assert imported.positions.rule == "codepoints"


def test_unplaceable_selections_are_reported_and_the_rest_imported(tmp_path):
    text = "one 😀 two three four"
    codings = [("one", "Service", "Jane"), ("two", "Service", "Jane"), ("three", "Nope", "Jane"),
               ("four", "Service", "Jane"), ("four", "Service", "Jane")]
    spans = [(0, 3), (5, 5), (text.index("three"), text.index("three") + 5), (18, 99),
             (text.index("four"), len(text))]
    path = project(tmp_path / "bad.qdpx", Writer("QualCoder 3.6"), [Source("s", text, codings, spans=spans)],
                   ["Service"], ["Jane"])
    imported = read_qdpx(path)
    assert coded(imported) == [("one", "Service", "Jane"), ("four", "Service", "Jane")]
    problems = imported.problems.set_index("selection")["why"].to_dict()
    assert set(problems) == {"00000004-0000-4000-8000-000000000002", "00000004-0000-4000-8000-000000000003",
                             "00000004-0000-4000-8000-000000000004"}
    assert "empty" in problems["00000004-0000-4000-8000-000000000002"]
    assert "not in the project's codebook" in problems["00000004-0000-4000-8000-000000000003"]
    assert "outside its text" in problems["00000004-0000-4000-8000-000000000004"]
    assert set(imported.problems["file"]) == {f"{path}!project.qde"} and imported.problems["line"].gt(0).all()
    run = tmp_path / "run"
    write_imported_run(imported, run)
    assert len(read_table(run, "import_problems")) == 3


def test_no_user_needs_coder_and_two_unnamed_qde_files_are_refused(tmp_path):
    # Codings without creatingUser in a file with two users: whose they are must be said.
    path = project(tmp_path / "p.qdpx", Writer("QualCoder 3.6", attributed=False),
                   [Source("s", "hello world", [("hello", "A", "u")])], ["A"], ["u", "v"])
    with zipfile.ZipFile(path) as zf:
        qde = zf.read("project.qde").decode()
        files = {n: zf.read(n) for n in zf.namelist() if n != "project.qde"}
    for name, extra in (("a.qdpx", {}), ("b.qdpx", {"other.qde": qde.encode()})):
        with zipfile.ZipFile(tmp_path / name, "w") as zf:
            zf.writestr("one.qde", qde)
            for n, data in {**files, **extra}.items():
                zf.writestr(n, data)
    with pytest.raises(RefiError, match="name no user"):
        read_qdpx(tmp_path / "a.qdpx")
    assert coded(read_qdpx(tmp_path / "a.qdpx", "sam")) == [("hello", "A", "sam")]
    with pytest.raises(RefiError, match="2 .qde files"):
        read_qdpx(tmp_path / "b.qdpx", "sam")


@pytest.mark.parametrize("ns", ["urn:QDA-XML:codebook:0:4", "urn:QDA-XML:codebook:1:0", "urn:QDA-XML:codebook:1.0"])
def test_codebook_namespaces_of_other_tools(ns):
    qdc = (f'<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="{ns}" origin="ATLAS.ti"><Codes>'
           '<Code guid="{00000002-0000-4000-8000-000000000001}" name="Waiting" isCodable="true">'
           '<Code guid="{00000002-0000-4000-8000-000000000002}" name="排队" isCodable="true"/></Code>'
           '</Codes></CodeBook>').encode("utf-8")
    book = qdc_to_codebook(b"\xef\xbb\xbf" + qdc, "atlas.qdc").codebook
    assert [(c.label.en or c.label.zh, c.parent) for c in book.codes] == [("Waiting", None), ("排队", "Waiting")]


def test_project_namespace_0_4(tmp_path):
    path = project(tmp_path / "p.qdpx", Writer("ATLAS.ti 9", namespace="urn:QDA-XML:project:0:4", qde_name="S.qde"),
                   [Source("s", "hello world", [("world", "A", "u")])], ["A"], ["u"])
    assert coded(read_qdpx(path)) == [("world", "A", "u")]


def test_offset_map_round_trips_and_refuses_half_characters():
    text = "a😀b𠮷c\r\nd"
    units = OffsetMap(text, "utf16")
    assert [units.to_units(i) for i in range(len(text) + 1)] == [utf16_units(text, i) for i in range(len(text) + 1)]
    assert [units.to_chars(utf16_units(text, i)) for i in range(len(text) + 1)] == list(range(len(text) + 1))
    assert units.to_chars(2) is None and units.to_chars(units.units + 1) is None
    choice = choose_rule([("plain text", [RawSelection(0, 5)])], origin="NVivo 12 Windows")
    assert "both rules agree" in choice.reason


def test_renamed_labels_keep_the_language_the_codebook_declares(codebook):
    from qualmine.outputs.refi.codebook import code_guid, codebook_to_qdc

    first = codebook.codes[0]

    def renamed(name_lang: str) -> bytes:
        data = codebook_to_qdc(codebook, name_lang=name_lang).decode("utf-8")
        at = data.index(f'guid="{code_guid(first.id)}" name="') + len(f'guid="{code_guid(first.id)}" name="')
        return (data[:at] + "WiFi" + data[data.index('"', at):]).encode("utf-8")

    declared = qdc_to_codebook(renamed("zh"), "zh.qdc").codebook.codes[0]      # block says: names are zh
    assert (declared.label.zh, declared.label.en) == ("WiFi", first.label.en)
    by_script = qdc_to_codebook(renamed("both"), "both.qdc").codebook.codes[0]
    assert by_script.label.en == "WiFi"
    asked = qdc_to_codebook(renamed("both"), "both.qdc", label_lang="zh").codebook.codes[0]
    assert (asked.label.zh, asked.label.en) == ("WiFi", first.label.en)


def test_nvivo_source_whose_txt_is_missing_falls_back_to_its_docx(tmp_path):
    from refi_tools import _docx

    text = "排队太久了。\n人手不够。"
    path = project(tmp_path / "n.qdpx", Writer("NVivo for Windows 12.6", folder="Sources", rich_too=True),
                   [Source("P", text, [("人手不够", "Staffing", "Jane")])], CODES, ["Jane"])
    with zipfile.ZipFile(path) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    txt = next(n for n in files if n.endswith(".txt"))
    files[txt[:-4] + ".docx"] = _docx(text)
    del files[txt]
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    imported = read_qdpx(path)
    assert coded(imported) == [("人手不够", "Staffing", "Jane")]
    assert any("only a .docx" in n for n in imported.notes)
