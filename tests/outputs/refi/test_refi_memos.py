"""Memos and coded spans across REFI-QDA: a coder's decision notes go out as REFI `<Notes>` and
come back; other tools' memos (QualCoder's annotations, journal notes, selection and source
Descriptions) are imported into the `memos` table; a span coded in the document view is
exported as exactly that span and imported back as a span."""
from __future__ import annotations

import zipfile

import pandas as pd

from qualmine.outputs.refi.common import PROJECT_NS, parse_xml
from qualmine.outputs.refi.project_export import export_qdpx
from qualmine.outputs.refi.project_import import read_qdpx, write_imported_run
from qualmine.outputs.writers import read_table
from refi_inputs import FOREIGN_TEXT, TRANSCRIPT, foreign_qde, write_qdpx, codebook, small_run  # noqa: F401

Q = f"{{{PROJECT_NS}}}"
SPAN = (TRANSCRIPT.index("等了一个小时"), TRANSCRIPT.index("等了一个小时") + len("等了一个小时"))


def _decisions() -> pd.DataFrame:
    at = pd.Timestamp("2026-11-30T09:15:00Z")
    return pd.DataFrame([
        {"segment_id": "seg2", "code_id": "P-OPERATION-STAFF", "coder": "mei", "decision": "accept",
         "note": "只有一个窗口开着 — one desk open", "decided_at": at, "start": None, "end": None},
        {"segment_id": "seg2", "code_id": "C-GOVERNANCE", "coder": "mei", "decision": "accept",
         "note": "a governance matter too\x0b", "decided_at": at, "start": None, "end": None},
        {"segment_id": "seg1", "code_id": "P-OPERATION-HOURS", "coder": "mei", "decision": "add",
         "note": "the hour is what hurts", "decided_at": at, "start": SPAN[0], "end": SPAN[1]},
        {"segment_id": "seg3", "code_id": "P-OPERATION-HOURS", "coder": "mei", "decision": "reject",
         "note": "not about hours", "decided_at": at, "start": None, "end": None},
    ])


def test_decision_notes_and_spans_go_out_as_notes_and_exact_selections(small_run, codebook, tmp_path):
    out = export_qdpx(small_run, tmp_path / "p.qdpx", codebook=codebook, decisions=_decisions()).path
    with zipfile.ZipFile(out) as zf:
        root = parse_xml(zf.read("project.qde"), "p.qde").getroot()
    notes = {n.findtext(f"{Q}PlainTextContent"): n for n in root.iter(f"{Q}Note")}
    assert set(notes) == {"只有一个窗口开着 — one desk open", "a governance matter too\ufffd",
                          "the hour is what hurts"}   # a reject's note travels in qualmine's block only
    # Two notes on one span by one coder: both referenced from the selection, one from the source
    # (QualCoder's import stops at a second annotation on the same span by the same coder).
    staff = next(s for s in root.iter(f"{Q}PlainTextSelection") if s.getparent().tag == f"{Q}TextSource"
                 and TRANSCRIPT[int(s.get("startPosition")):int(s.get("endPosition"))] == "人手不够。")
    coding_refs = {r.get("targetGUID") for r in staff.iter(f"{Q}NoteRef")}
    assert len(coding_refs) == 2
    assert len({r.get("targetGUID") for r in staff.getparent().findall(f"{Q}NoteRef")} & coding_refs) == 1
    hour = notes["the hour is what hurts"]
    assert hour.get("creationDateTime") == "2026-11-30T09:15:00Z"
    anchor = hour.find(f"{Q}PlainTextSelection")
    assert TRANSCRIPT[int(anchor.get("startPosition")):int(anchor.get("endPosition"))] == "等了一个小时"
    # The span is a selection of its own; the coder's coding there refers to the note (and so does its source).
    sel = next(s for s in root.iter(f"{Q}PlainTextSelection")
               if s.getparent().tag == f"{Q}TextSource" and (int(s.get("startPosition")), int(s.get("endPosition"))) == SPAN)
    assert [r.get("targetGUID") for r in sel.find(f"{Q}Coding").findall(f"{Q}NoteRef")] == [hour.get("guid")]
    assert hour.get("guid") in {r.get("targetGUID") for r in sel.getparent().findall(f"{Q}NoteRef")}


def test_notes_and_spans_come_back_on_a_qualmine_trip(small_run, codebook, tmp_path):
    out = export_qdpx(small_run, tmp_path / "p.qdpx", codebook=codebook, decisions=_decisions()).path
    project = read_qdpx(out)
    memos = project.memos.set_index("text")
    hour = memos.loc["the hour is what hurts"]
    assert (hour["target"], hour["author"], TRANSCRIPT[hour["start"]:hour["end"]]) == ("selection", "mei", "等了一个小时")
    decisions = project.decisions[project.decisions["coder"] == "mei"].set_index("code_id")
    added = decisions.loc["P-OPERATION-HOURS"]
    added = added[added["decision"] == "add"].iloc[0]
    # (small_run's segment ids are not the ones a re-cut gives, so qualmine's own block cannot match
    # them: the notes come back through the REFI Notes alone.)
    assert TRANSCRIPT[int(added["start"]):int(added["end"])] == "等了一个小时"
    assert added["note"].startswith("the hour is what hurts [imported from p.qdpx (user mei")
    assert decisions.loc["P-OPERATION-STAFF", "note"].startswith("只有一个窗口开着 — one desk open [imported from")
    assert decisions.loc["C-GOVERNANCE", "note"].startswith("a governance matter too\ufffd [imported from")   # each code its own
    write_imported_run(project, tmp_path / "run")
    assert set(read_table(tmp_path / "run", "memos")["text"]) >= {"the hour is what hurts", "只有一个窗口开着 — one desk open"}


QUALCODER_NOTES = """
  <Notes>
    <Note guid="{NOTE1}" creatingUser="{AAAAAAAA-0000-4000-8000-000000000001}" creationDateTime="2026-11-01T10:00:00Z">
      <PlainTextContent>Long wait: she came twice</PlainTextContent>
      <PlainTextSelection guid="{NOTE1-SEL}" startPosition="{q_start}" endPosition="{q_end}"/>
    </Note>
    <Note guid="{NOTE2}" name="Field diary" plainTextPath="internal://diary.txt" creatingUser="{AAAAAAAA-0000-4000-8000-000000000001}"/>
  </Notes>
"""
NOTE1, NOTE2 = "{0000AAAA-0000-4000-8000-000000000001}", "{0000AAAA-0000-4000-8000-000000000002}"


def test_qualcoder_annotations_journals_and_descriptions_are_imported(tmp_path):
    q_start, q_end = FOREIGN_TEXT.index("排队"), FOREIGN_TEXT.index("The staff")
    notes = (QUALCODER_NOTES.replace("{NOTE1}", NOTE1).replace("{NOTE2}", NOTE2)
             .replace("{NOTE1-SEL}", "{0000AAAA-0000-4000-8000-0000000000F1}")
             .replace("{q_start}", str(q_start)).replace("{q_end}", str(q_end)))
    qde = foreign_qde().replace("  </Sources>", "  </Sources>" + notes)
    # QualCoder: a coding memo is the selection's Description; an annotation's NoteRef sits in the source.
    qde = qde.replace('<Coding guid="{FFFFFFFF-0000-4000-8000-000000000004}"',
                      '<Description>rude to my mother</Description>\n        '
                      '<Coding guid="{FFFFFFFF-0000-4000-8000-000000000004}"')
    qde = qde.replace('plainTextPath="internal://p07.txt">',
                      f'plainTextPath="internal://p07.txt">\n      <Description>Interview in the hall</Description>')
    qde = qde.replace("    </TextSource>", f'      <NoteRef targetGUID="{NOTE1}"/>\n    </TextSource>')
    qde = qde.replace('name="P07">', 'name="P07">\n      <Description>Met at the hall</Description>')
    path = write_qdpx(tmp_path / "qc.qdpx", qde, {"sources/p07.txt": FOREIGN_TEXT, "sources/diary.txt": "Day 1: rain."})
    project = read_qdpx(path)
    memos = project.memos.set_index("text")
    assert set(memos.index) == {"Long wait: she came twice", "Day 1: rain.", "rude to my mother", "Interview in the hall",
                                "Met at the hall"}
    assert tuple(memos.loc["Met at the hall", ["target", "doc_id"]]) == ("case", "P07")
    annotation = memos.loc["Long wait: she came twice"]
    assert annotation["target"] == "selection" and annotation["author"] == "Jane"
    assert FOREIGN_TEXT[annotation["start"]:annotation["end"]] == "排队太久了。等了一个小时。"
    assert memos.loc["Day 1: rain.", "target"] == "unplaced"
    assert memos.loc["Interview in the hall", "target"] == "source"
    staff = memos.loc["rude to my mother"]
    assert FOREIGN_TEXT[staff["start"]:staff["end"]] == "The staff were rude." and staff["code_id"]
    # Memos on a coder's selection ride on that coder's decisions.
    by_code = project.decisions.groupby("code_id")["note"].first()
    assert by_code.str.startswith("Long wait: she came twice [imported from qc.qdpx").sum() == 1
    assert by_code.str.startswith("rude to my mother [imported from qc.qdpx").sum() == 1


def test_a_span_coded_by_two_users_is_one_selection_per_user(small_run, codebook, tmp_path):
    # QualCoder credits every coding of a selection to the selection's creatingUser (measured):
    # the rules' and mei's codings of the same span must not share a selection.
    decisions = pd.DataFrame([{"segment_id": "seg2", "code_id": "P-OPERATION-STAFF", "coder": "mei",
                               "decision": "add", "note": "", "decided_at": pd.Timestamp("2026-11-30T09:15:00Z"),
                               "start": 27, "end": 31}])
    out = export_qdpx(small_run, tmp_path / "p.qdpx", codebook=codebook, decisions=decisions).path
    with zipfile.ZipFile(out) as zf:
        root = parse_xml(zf.read("project.qde"), "p.qde").getroot()
    users = {u.get("guid"): u.get("name") for u in root.iter(f"{Q}User")}
    here = [s for s in root.iter(f"{Q}PlainTextSelection") if (s.get("startPosition"), s.get("endPosition")) == ("27", "31")]
    assert sorted(users[s.get("creatingUser")] for s in here) == ["mei", "qualmine-rules"]
    for sel in here:
        assert {c.get("creatingUser") for c in sel.findall(f"{Q}Coding")} == {sel.get("creatingUser")}
    assert len({s.get("guid") for s in here}) == 2
    back = read_qdpx(out).code_applications
    assert set(back.loc[back["evidence"] == "人手不够", "source"]) == {"rule", "coder"}
