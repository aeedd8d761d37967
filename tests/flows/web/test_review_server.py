"""The review app's endpoints through FastAPI's test client, against a store of the example corpus."""
from __future__ import annotations

import re
import threading
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from qualmine.coding.review.web_store import current_decisions
from qualmine.coding.store.database import ProjectStore
from qualmine.flows.web.server import create_app
from web_helpers import HOSTILE_SEGMENT, HOSTILE_TEXT


def _shown_key(html: str) -> str:
    segment = re.search(r'name="segment_id" value="([^"]+)"', html).group(1)
    code = re.search(r'name="code_id" value="([^"]+)"', html).group(1)
    return f"{segment}~{code}"


def _post(client, path, **fields):
    data = {"form_key": client.form_key, "status": "pending", "order": "document", **fields}
    return client.post(path, data=data, follow_redirects=False)


def _decisions(store_path):
    with ProjectStore(store_path) as store:
        return store.decisions()


def test_index_lists_the_codebook_and_remembers_nothing_server_side(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "人手与服务能力" in page.text and "/codes/P-OPERATION-STAFF" in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    assert client.get("/queue", follow_redirects=False).headers["location"] == "/"   # no coder: pick one first


def test_queue_shows_the_item_in_context_with_evidence_and_attributes(client):
    page = client.get("/queue", params={"coder": "alice", "order": "document"})
    assert page.status_code == 200
    html = page.text
    key = _shown_key(html)
    assert re.search(r"<mark>[^<]+</mark>", html)                      # the evidence is highlighted
    assert 'id="current-segment"' in html and "In the conversation" in html
    assert 'id="attributes"' in html and "榕荫社区" in html              # I01's district from the run folder
    assert re.search(r'<progress value="0" max="(\d+)">', html)
    assert 'name="add_code" value="N-HEALTH"' in html                 # the searchable codebook list
    assert key.split("~")[0].startswith("seg_")


def test_accept_records_at_once_and_moves_to_the_next_item(client, store_path):
    first = _shown_key(client.get("/queue", params={"coder": "alice"}).text)
    segment_id, code_id = first.split("~")
    answer = _post(client, "/decide", coder="alice", segment_id=segment_id, code_id=code_id, decision="accept",
                   note="典型")
    assert answer.status_code == 303
    trail = _decisions(store_path)                                    # committed before the redirect
    assert list(zip(trail["segment_id"], trail["code_id"], trail["coder"], trail["decision"], trail["note"])) == \
        [(segment_id, code_id, "alice", "accept", "典型")]
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query["after"] == [first] and query["saved"] == [str(trail["decision_id"].iloc[0])]
    page = client.get(answer.headers["location"])
    assert _shown_key(page.text) != first
    assert "Saved" in page.text and '<strong id="done">1</strong>' in page.text


def test_skip_is_a_link_that_records_nothing(client, store_path):
    html = client.get("/queue", params={"coder": "alice"}).text
    first = _shown_key(html)
    skip = re.search(r'id="skip" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert _shown_key(client.get(skip).text) != first
    assert _decisions(store_path).empty


def test_add_a_code_keeps_the_item_and_undo_takes_it_back(client, store_path):
    first = _shown_key(client.get("/queue", params={"coder": "alice"}).text)
    segment_id, code_id = first.split("~")
    added = _post(client, "/decide", coder="alice", segment_id=segment_id, code_id=code_id, add_code="N-HEALTH",
                  note="也提到看病")
    assert parse_qs(urlsplit(added.headers["location"]).query)["near"] == [first]   # still to decide the suggestion
    page = client.get(added.headers["location"])
    assert "you added: N-HEALTH" in page.text
    undo = _post(client, "/undo", coder="alice", at=first)
    assert parse_qs(urlsplit(undo.headers["location"]).query)["near"] == [first]
    trail = _decisions(store_path)
    assert list(trail["decision"]) == ["add", "retract"]
    assert current_decisions(trail).empty
    nothing = client.get(_post(client, "/undo", coder="alice").headers["location"])
    assert "nothing to undo" in nothing.text


def test_a_respondents_script_is_shown_as_text(client):
    page = client.get("/queue", params={"coder": "alice", "at": f"{HOSTILE_SEGMENT}~P-OPERATION-HOURS"})
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "<b>bold</b>" not in page.text
    assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;" in page.text
    assert "&lt;i&gt;居民&lt;/i&gt;" in page.text                    # attributes are escaped too
    assert "<mark>排队</mark>" in page.text
    assert "survey_2023.csv" in page.text and "This respondent's answers" in page.text
    assert HOSTILE_TEXT.replace("<", "&lt;")[:10] in page.text


@pytest.mark.parametrize("method, path, fields, words", [
    ("get", "/codes/X-NOPE", None, "unknown code id &#39;X-NOPE&#39;"),
    ("get", "/queue?coder=alice&at=seg_nope~P-OPERATION", None, "unknown segment id &#39;seg_nope&#39;"),
    ("get", "/queue?coder=alice&code=X-NOPE", None, "unknown code id &#39;X-NOPE&#39;"),
    ("get", "/nowhere", None, "no page at /nowhere"),
    ("post", "/decide", {"segment_id": "seg_nope", "code_id": "P-OPERATION", "decision": "accept"},
     "unknown segment id &#39;seg_nope&#39;"),
    ("post", "/decide", {"segment_id": HOSTILE_SEGMENT, "code_id": "P-OPERATION", "add_code": "X-NOPE"},
     "unknown code id &#39;X-NOPE&#39;"),
])
def test_bad_ids_answer_404_with_a_message(client, store_path, method, path, fields, words):
    if method == "get":
        answer = client.get(path)
    else:
        answer = _post(client, path, coder="alice", **fields)
    assert answer.status_code == 404
    assert words in answer.text
    assert _decisions(store_path).empty


@pytest.mark.parametrize("params, status, words", [
    ({"coder": "alice", "status": "later"}, 400, "&#39;status&#39; parameter of the review page must be one of"),
    ({"coder": "alice", "at": "no-tilde"}, 400, "must look like &lt;segment_id&gt;~&lt;code_id&gt;"),
    ({"coder": "model:x"}, 400, "reserved"),
])
def test_bad_parameters_answer_400_with_a_message(client, params, status, words):
    answer = client.get("/queue", params=params)
    assert answer.status_code == status and words in answer.text


def test_a_bad_decision_value_is_refused(client, store_path):
    answer = _post(client, "/decide", coder="alice", segment_id=HOSTILE_SEGMENT, code_id="P-OPERATION-HOURS",
                   decision="maybe")
    assert answer.status_code == 400 and "must be one of accept, reject, add" in answer.text
    assert _decisions(store_path).empty


def test_a_form_from_elsewhere_is_refused(client, store_path):
    answer = client.post("/decide", data={"coder": "alice", "segment_id": HOSTILE_SEGMENT,
                                          "code_id": "P-OPERATION-HOURS", "decision": "accept",
                                          "form_key": "guessed"}, follow_redirects=False)
    assert answer.status_code == 403 and "not from this review server" in answer.text
    assert _decisions(store_path).empty


def test_code_page_shows_definition_accepted_and_pending(client):
    html = client.get("/queue", params={"coder": "alice", "code": "P-OPERATION-HOURS"}).text
    segment_id, code_id = _shown_key(html).split("~")
    _post(client, "/decide", coder="alice", segment_id=segment_id, code_id=code_id, decision="accept")
    page = client.get("/codes/P-OPERATION-HOURS")
    assert page.status_code == 200
    assert "开放时间与排队等候" in page.text
    accepted = page.text.split('id="accepted"')[1].split('id="pending"')[0]
    assert "accepted by alice" in accepted and '<span class="count">1</span>' in accepted
    pending = page.text.split('id="pending"')[1]
    assert int(re.search(r'<span class="count">(\d+)</span>', pending).group(1)) >= 1
    assert 'id="agreement"' in page.text


def test_two_coders_deciding_at_once_do_not_overwrite_each_other(store_path):
    app = create_app(str(store_path))
    with ProjectStore(store_path) as store:
        pairs = store.suggestions().drop_duplicates(["segment_id", "code_id"])[["segment_id", "code_id"]]
    pairs = list(pairs.itertuples(index=False))[:12]
    errors: list[str] = []
    start = threading.Barrier(2)

    def work(coder: str, decision: str) -> None:
        with TestClient(app, base_url="http://127.0.0.1") as web:
            start.wait()
            for segment_id, code_id in pairs:   # both coders on the same items at the same time
                answer = web.post("/decide", data={"form_key": app.state.form_key, "coder": coder,
                                                   "segment_id": segment_id, "code_id": code_id,
                                                   "decision": decision, "status": "all"}, follow_redirects=False)
                if answer.status_code != 303:
                    errors.append(f"{coder}: {answer.status_code} {answer.text[:200]}")

    threads = [threading.Thread(target=work, args=("alice", "accept")),
               threading.Thread(target=work, args=("bob", "reject"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    trail = _decisions(store_path)
    assert len(trail) == 2 * len(pairs) and trail["decision_id"].is_unique
    current = current_decisions(trail)
    for coder, decision in (("alice", "accept"), ("bob", "reject")):
        mine = current[current["coder"] == coder]
        assert len(mine) == len(pairs) and set(mine["decision"]) == {decision}


def test_loopback_server_refuses_other_host_names(store_path):
    with TestClient(create_app(str(store_path)), base_url="http://rebound.example") as web:
        answer = web.get("/")
    assert answer.status_code == 403 and "loopback addresses only" in answer.text


def test_token_is_required_on_every_request_and_traded_for_a_cookie(store_path):
    app = create_app(str(store_path), token="s3cret-token")
    with TestClient(app, base_url="http://192.0.2.10:8765") as web:
        assert web.get("/").status_code == 401
        assert web.get("/static/review.js").status_code == 401
        assert web.get("/?token=wrong").status_code == 401
        denied = web.post("/decide", data={"form_key": app.state.form_key, "coder": "alice",
                                           "segment_id": HOSTILE_SEGMENT, "code_id": "P-OPERATION-HOURS",
                                           "decision": "accept"}, follow_redirects=False)
        assert denied.status_code == 401
        first = web.get("/?token=s3cret-token&coder=alice", follow_redirects=False)
        assert first.status_code == 303 and first.headers["location"] == "/?coder=alice"   # token leaves the URL
        assert "httponly" in first.headers["set-cookie"].lower()
        assert web.get("/").status_code == 200                        # the cookie carries it from now on
        assert web.get("/", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
    assert _decisions(store_path).empty


def test_code_page_shows_agreement_once_two_coders_reviewed_the_same_segments(client, store_path):
    page = client.get("/codes/P-OPERATION-STAFF")
    assert "no segment is double-coded yet" in page.text
    from qualmine.coding.review.web_store import record_decision

    with ProjectStore(store_path) as store:
        suggested = store.suggestions()
        pairs = suggested[suggested["code_id"] == "P-OPERATION-STAFF"][["segment_id", "code_id"]].head(6)
        for i, (segment_id, code_id) in enumerate(pairs.itertuples(index=False)):
            record_decision(store, segment_id=segment_id, code_id=code_id, coder="alice", decision="accept")
            record_decision(store, segment_id=segment_id, code_id=code_id, coder="bob",
                            decision="accept" if i % 3 else "reject")
        record_decision(store, segment_id=segment_id, code_id="N-HEALTH", coder="alice", decision="add")
    assert _post(client, "/undo", coder="alice").status_code == 303    # a retract row: alice's add is gone
    page = client.get("/codes/P-OPERATION-STAFF")
    assert page.status_code == 200
    section = page.text.split('id="agreement"')[1].split('id="accepted"')[0]
    assert '<table class="agreement">' in section and "P-OPERATION-STAFF" in section
    assert "alice, bob" in section
