"""The document view and the bulk decisions: pieces and marks (pure), the pages and their forms,
and a store written before decisions had offsets (schema 1) opened by this version."""
from __future__ import annotations

import re
import sqlite3
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest

from qualmine.coding.review.web_document import Mark, document_marks, document_pieces, view_documents
from qualmine.coding.review.web_store import current_decisions
from qualmine.coding.store import schema
from qualmine.coding.store.database import DECISION_COLUMNS, ProjectStore
from web_helpers import HOSTILE_SEGMENT, HOSTILE_TEXT

TRANSCRIPT = "interview_01_resident.txt"


def _post(client, path, **fields):
    return client.post(path, data={"form_key": client.form_key, **fields}, follow_redirects=False)


def _store(store_path):
    return ProjectStore(store_path)


def test_pieces_join_to_the_text_and_carry_their_codes():
    text = "我等了差不多一个钟头😀，真的太久"
    marks = [Mark(3, 9, "P-HOURS", "coded"), Mark(6, 12, "P-STAFF", "suggested"), Mark(0, 2, "P-HOURS", "suggested")]
    pieces = document_pieces(text, marks, {"P-HOURS": 3, "P-STAFF": 4}, cuts={14})
    assert "".join(p["text"] for p in pieces) == text
    assert all(text[p["start"]:p["end"]] == p["text"] for p in pieces)
    by_start = {p["start"]: p for p in pieces}
    assert by_start[3]["coded"] == ["P-HOURS"] and by_start[3]["colour"] == 3 and by_start[3]["suggested"] == []
    assert by_start[6]["coded"] == ["P-HOURS"] and by_start[6]["suggested"] == ["P-STAFF"]
    assert by_start[9]["coded"] == [] and by_start[9]["suggested"] == ["P-STAFF"] and by_start[9]["colour"] is None
    assert 14 in by_start and 12 in by_start                             # the extra cut and a mark's end
    assert document_pieces("", [], None) == [{"start": 0, "end": 0, "text": "", "coded": [], "suggested": [],
                                              "colour": None}]


def test_marks_coded_by_people_and_pending_for_the_coder():
    segments = pd.DataFrame({"segment_id": ["s1", "s2"], "start": [0, 10], "end": [10, 20]})
    suggestions = pd.DataFrame({"segment_id": ["s1", "s2", "s2"], "code_id": ["A", "A", "B"],
                                "start": [2, None, 12], "end": [4, None, 15]})
    decisions = pd.DataFrame({"segment_id": ["s1", "s2", "s2", "s1"], "code_id": ["A", "C", "B", "B"],
                              "coder": ["alice", "bob", "alice", "model:x"],
                              "decision": ["accept", "add", "reject", "accept"],
                              "start": [None, 13, None, None], "end": [None, 18, None, None]})
    marks = document_marks(segments, suggestions, decisions, "alice", {"A", "B", "C"})
    assert marks == [Mark(0, 10, "A", "coded"),                        # alice's accept: the whole segment
                     Mark(10, 20, "A", "suggested"),                    # no evidence offsets: the segment
                     Mark(13, 18, "C", "coded")]                        # bob's span, at its offsets
    # bob has not decided s1~A, so for him it is both coded (by alice) and still to decide
    assert Mark(2, 4, "A", "suggested") in document_marks(segments, suggestions, decisions, "bob", {"A", "B", "C"})


def test_a_survey_view_is_every_answer_of_the_respondent_in_that_file():
    documents = pd.DataFrame({"doc_id": ["s.csv#R1/q2", "s.csv#R1/q1", "s.csv#R2/q1", "t.txt"],
                              "source_file": ["s.csv", "s.csv", "s.csv", "t.txt"],
                              "kind": ["survey", "survey", "survey", "transcript"],
                              "respondent_id": ["R1", "R1", "R2", None]})
    kind, shown = view_documents(documents, "s.csv#R1/q2")
    assert kind == "survey" and list(shown["doc_id"]) == ["s.csv#R1/q1", "s.csv#R1/q2"]
    assert view_documents(documents, "t.txt")[0] == "transcript"
    with pytest.raises(KeyError):
        view_documents(documents, "nope")


def test_the_documents_list_and_a_transcript_view(client, store_path):
    listing = client.get("/documents", params={"coder": "alice"})
    assert listing.status_code == 200
    assert f"/document?coder=alice&amp;doc={TRANSCRIPT}" in listing.text
    with _store(store_path) as store:
        segments, documents = store.segments(), store.documents()
    row = listing.text.split(f"doc={TRANSCRIPT}")[1].split("</tr>")[0]
    counts = [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', row)]
    assert counts[0] == int((segments["doc_id"] == TRANSCRIPT).sum()) and counts[1] == 0 and counts[2] > 0
    respondents = documents.loc[documents["kind"] == "survey", "respondent_id"].nunique()
    assert listing.text.count("<tr class=\"kind-survey\">") == respondents            # one entry per respondent
    page = client.get("/document", params={"coder": "alice", "doc": TRANSCRIPT})
    assert page.status_code == 200
    with _store(store_path) as store:
        text = store.documents().set_index("doc_id").at[TRANSCRIPT, "text"]
    pieces = re.findall(r'<span class="piece[^"]*" data-start="(\d+)"[^>]*>([^<]*)</span>', page.text)
    assert "".join(p for _, p in pieces).replace("&#34;", '"').replace("&#39;", "'") == text
    assert all(text.startswith(p.replace("&#34;", '"'), int(s)) for s, p in pieces)
    assert 'class="piece suggested"' in page.text and 'class="chip"' in page.text    # suggestions in place
    assert client.get("/document", params={"coder": "alice", "doc": "nope.txt"}).status_code == 404
    assert client.get("/document", params={"doc": TRANSCRIPT}, follow_redirects=False).status_code == 303


def test_a_span_is_coded_with_its_offsets_and_shows_as_coded(client, store_path):
    with _store(store_path) as store:
        text = store.documents().set_index("doc_id").at[TRANSCRIPT, "text"]
        segments = store.segments()
    chosen = "差不多一个星期来两三次"
    start = text.index(chosen)
    answer = _post(client, "/code-span", coder="alice", view_doc=TRANSCRIPT, doc_id=TRANSCRIPT, start=str(start),
                   end=str(start + len(chosen)), quote=chosen, code_id="N-HEALTH", note="来得很勤")
    assert answer.status_code == 303
    assert parse_qs(urlsplit(answer.headers["location"]).query)["doc"] == [TRANSCRIPT]
    with _store(store_path) as store:
        trail = store.decisions()
    assert list(trail.columns) == DECISION_COLUMNS
    row = trail.iloc[-1]
    assert (row["decision"], row["code_id"], row["coder"], row["note"]) == ("add", "N-HEALTH", "alice", "来得很勤")
    assert text[int(row["start"]):int(row["end"])] == chosen
    seg = segments.set_index("segment_id").loc[row["segment_id"]]
    assert seg["doc_id"] == TRANSCRIPT and seg["start"] <= start < seg["end"]       # the segment it lies in
    page = client.get(answer.headers["location"])
    assert "characters" in page.text and re.search(
        rf'class="piece coded code-c\d+"[^>]*data-start="{start}"[^>]*data-coded="N-HEALTH"', page.text)
    undo = _post(client, "/undo", coder="alice", view_doc=TRANSCRIPT)           # undo from the document view
    assert urlsplit(undo.headers["location"]).path == "/document"
    page = client.get(undo.headers["location"])
    assert "Undone" in page.text and 'data-coded="N-HEALTH"' not in page.text
    with _store(store_path) as store:
        assert list(store.decisions()["decision"]) == ["add", "retract"]


@pytest.mark.parametrize("fields, status, words", [
    ({"start": "5", "end": "2"}, 400, "0 &lt;= start &lt; end"),
    ({"start": "x", "end": "2"}, 400, "whole numbers"),
    ({"start": "0", "end": "3", "quote": "别的字"}, 400, "is not at offsets 0-3"),
    ({"doc_id": "nope.txt"}, 404, "unknown document id"),
    ({"start": "0", "end": "2"}, 400, "outside every segment"),          # the speaker label 问：
    ({"code_id": "X-NOPE"}, 404, "unknown code id"),
])
def test_a_bad_span_is_refused_and_nothing_is_written(client, store_path, fields, status, words):
    with _store(store_path) as store:
        start = store.documents().set_index("doc_id").at[TRANSCRIPT, "text"].index("差不多")
    form = {"coder": "alice", "doc_id": TRANSCRIPT, "start": str(start), "end": str(start + 3), "code_id": "N-HEALTH",
            **fields}
    answer = _post(client, "/code-span", **form)
    assert answer.status_code == status and words in answer.text
    with _store(store_path) as store:
        assert store.decisions().empty


def test_a_chip_decides_in_place_and_returns_to_the_document(client, store_path):
    page = client.get("/document", params={"coder": "alice", "doc": TRANSCRIPT}).text
    segment_id, code_id = re.search(r'class="chip" data-code="([^"]+)" data-segment="([^"]+)"', page).group(2, 1)
    answer = _post(client, "/decide", coder="alice", view_doc=TRANSCRIPT, segment_id=segment_id, code_id=code_id,
                   decision="reject")
    assert urlsplit(answer.headers["location"]).path == "/document"
    after = client.get(answer.headers["location"]).text
    assert f'data-code="{code_id}" data-segment="{segment_id}"' not in after   # decided: no chip any more


def test_one_screen_lists_every_suggestion_of_the_segment_and_decides_them_all(client, store_path):
    with _store(store_path) as store:
        suggested = store.suggestions().drop_duplicates(["segment_id", "code_id"])
    counts = suggested.groupby("segment_id")["code_id"].nunique()
    segment_id = counts[counts >= 3].index[0]
    codes = list(suggested.loc[suggested["segment_id"] == segment_id, "code_id"])
    html = client.get("/queue", params={"coder": "alice", "at": f"{segment_id}~{codes[0]}"}).text
    listed = re.findall(r'<li class="status-(\w+)[^"]*" data-code="([^"]+)"', html)
    assert sorted(code for _, code in listed) == sorted(codes) and {s for s, _ in listed} == {"pending"}
    other = next(c for c in codes if c != codes[0])
    stay = _post(client, "/decide", coder="alice", segment_id=segment_id, code_id=other, decision="reject",
                 stay=f"{segment_id}~{codes[0]}", status="pending", order="document")
    assert parse_qs(urlsplit(stay.headers["location"]).query)["near"] == [f"{segment_id}~{codes[0]}"]
    html = client.get(stay.headers["location"]).text
    assert f'data-code="{other}"' in html and re.search(rf'status-rejected" data-code="{other}"', html)
    rest = [c for c in codes if c != other]
    bulk = client.post("/decide-segment", data={"form_key": client.form_key, "coder": "alice", "segment_id": segment_id,
                                                "decision": "accept", "status": "pending", "order": "document",
                                                "code_id": rest}, follow_redirects=False)
    assert bulk.status_code == 303
    with _store(store_path) as store:
        current = current_decisions(store.decisions())
    assert dict(zip(current["code_id"], current["decision"])) == {other: "reject", **{c: "accept" for c in rest}}
    shown = client.get(bulk.headers["location"]).text
    assert f'name="segment_id" value="{segment_id}"' not in shown.split('id="decide-form"')[1][:600]


def test_bulk_accept_and_reject_from_a_code_page(client, store_path):
    page = client.get("/codes/P-OPERATION-HOURS", params={"coder": "alice"}).text
    ticked = re.findall(r'name="segment_id" value="([^"]+)" class="pick-segment"', page)
    assert len(ticked) >= 3
    pending_before = int(re.search(r'Pending suggestions <span class="count">(\d+)', page).group(1))
    fields = {"form_key": client.form_key, "coder": "alice", "code_id": "P-OPERATION-HOURS"}
    answer = client.post("/decide-bulk", data={**fields, "decision": "reject", "segment_id": ticked[:2]},
                         follow_redirects=False)
    assert answer.status_code == 303 and "saved=2" in answer.headers["location"]
    client.post("/decide-bulk", data={**fields, "decision": "accept", "segment_id": [ticked[2]]})
    with _store(store_path) as store:
        current = current_decisions(store.decisions())
    assert sorted(zip(current["segment_id"], current["decision"])) == sorted(
        [(ticked[0], "reject"), (ticked[1], "reject"), (ticked[2], "accept")])
    page = client.get("/codes/P-OPERATION-HOURS", params={"coder": "alice", "saved": 1}).text
    assert int(re.search(r'Pending suggestions <span class="count">(\d+)', page).group(1)) == pending_before - 3
    refused = client.post("/decide-bulk", data={**fields, "decision": "accept", "segment_id": [ticked[3], "seg_nope"]},
                          follow_redirects=False)
    assert refused.status_code == 404 and "seg_nope" in refused.text
    with _store(store_path) as store:
        assert ticked[3] not in set(store.decisions()["segment_id"])        # all or nothing


def test_a_schema_1_store_gets_the_span_columns_and_keeps_its_decisions(tmp_path, store_path):
    old = tmp_path / "old.sqlite"
    with _store(store_path) as store:
        store.engine.dispose()
    con = sqlite3.connect(store_path)
    con.execute(f"VACUUM INTO '{old}'")
    con.close()
    con = sqlite3.connect(old)                         # rebuild decisions as version 1 wrote it
    con.executescript("""
        DROP TABLE decisions;
        CREATE TABLE decisions (decision_id INTEGER PRIMARY KEY AUTOINCREMENT, segment_id VARCHAR(64) NOT NULL,
          code_id VARCHAR(128) NOT NULL, coder VARCHAR(128) NOT NULL, decision VARCHAR(16) NOT NULL, note TEXT,
          decided_at DATETIME NOT NULL, import_batch VARCHAR(64), file_hash VARCHAR(64));
        UPDATE store_meta SET value = '1' WHERE key = 'schema_version';
    """)
    con.execute("INSERT INTO decisions (segment_id, code_id, coder, decision, note, decided_at) "
                "VALUES (?, 'P-OPERATION-HOURS', 'alice', 'accept', '旧的', '2026-01-01 00:00:00')", (HOSTILE_SEGMENT,))
    con.commit()
    con.close()
    with ProjectStore(old) as store:
        trail = store.decisions()
        meta = dict(store._frame(schema.store_meta.select()).values)
    assert list(trail.columns) == DECISION_COLUMNS and meta["schema_version"] == schema.SCHEMA_VERSION == "2"
    assert (trail.iloc[0]["note"], pd.isna(trail.iloc[0]["start"])) == ("旧的", True)
    from qualmine.coding.review.web_store import record_decision

    with ProjectStore(old) as store:                   # opened again: nothing left to add
        saved = record_decision(store, segment_id=HOSTILE_SEGMENT, code_id="N-HEALTH", coder="alice",
                                decision="add", span=(0, 8))
        assert HOSTILE_TEXT[saved.start:saved.end] == '<script>'
        assert list(store.decisions()["start"].fillna(-1)) == [-1, 0]
