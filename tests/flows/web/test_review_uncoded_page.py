"""The review page offers segments without a suggestion (a bare codebook gets its first gold codes in the
browser too, issue #19): same auto rule and order as the spreadsheet queue, codes added as `add` decisions."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from qualmine.codebooks import EXAMPLE_CODEBOOK
from qualmine.coding.review.queue import QueueOptions, build_queue
from qualmine.coding.review.web_store import current_decisions
from qualmine.coding.store.database import ProjectStore
from qualmine.flows.web.server import create_app

ANSWERS = {   # respondent -> answer: two near-duplicates, so diverse-first order shows
    "R1": "排队时间太长了，等了一个小时",
    "R2": "排队时间太长了，等了两个小时",
    "R3": "The staff were kind and helpful",
    "R4": "停车位太少，每次都找不到地方",
    "R5": "Opening hours do not suit people who work",
}


def _bare_store(path) -> None:
    """A store with a run of five survey answers and no suggestion at all (a codebook without keywords)."""
    from qualmine.coding.codebook import load_codebook
    from qualmine.coding.store.sync import sync_run

    docs, segs = [], []
    for i, (who, text) in enumerate(ANSWERS.items()):
        doc_id = f"survey.csv#{who}/q1"
        docs.append({"doc_id": doc_id, "source_file": "survey.csv", "kind": "survey", "respondent_id": who,
                     "question": "q1", "text": text})
        segs.append({"segment_id": f"seg_bare{i:012d}", "doc_id": doc_id, "source_file": "survey.csv",
                     "respondent_id": who, "speaker": "q1", "is_interviewer": False, "question": "q1",
                     "lang": "en" if text.isascii() else "zh", "start": 0, "end": len(text), "position": 0,
                     "turn": 0, "text": text})
    no_applications = pd.DataFrame(columns=["segment_id", "code_id", "source", "score", "evidence", "start", "end"])
    with ProjectStore(path) as store:
        sync_run(store, run_id="bare-1", codebook=load_codebook(EXAMPLE_CODEBOOK), documents=pd.DataFrame(docs),
                 segments=pd.DataFrame(segs), applications=no_applications, parameters={})


@pytest.fixture()
def bare(tmp_path):
    path = tmp_path / "bare.sqlite"
    _bare_store(path)
    return path


def _web(path, **options) -> TestClient:
    app = create_app(str(path), **options)
    web = TestClient(app, base_url="http://127.0.0.1:8765")
    web.form_key = app.state.form_key
    return web


def _shown(html: str) -> str:
    return re.search(r'name="at" value="([^"]+)"', html).group(1)


def _post(web, path, pairs):
    data = [("form_key", web.form_key), ("status", "pending"), ("order", "uncertainty"), *pairs]
    return web.post(path, content=urlencode(data),
                    headers={"content-type": "application/x-www-form-urlencoded"}, follow_redirects=False)


def _decisions(path) -> pd.DataFrame:
    with ProjectStore(path) as store:
        return store.decisions()


def test_a_bare_codebook_offers_every_segment_diverse_first_as_the_spreadsheet_does(bare):
    with ProjectStore(bare) as store:
        expected = build_queue(QueueOptions(coder="ann", order="uncertainty", uncoded="auto"),
                               suggestions=store.suggestions(), segments=store.segments(), codes=store.codes(),
                               decisions=store.decisions(latest=True), assignments=store.export_rows())
    order = list(expected["segment_id"])
    assert len(order) == 5 and not {"seg_bare000000000", "seg_bare000000001"} <= set(order[:3])   # twins apart
    with _web(bare) as web:
        seen = []
        page = web.get("/queue", params={"coder": "ann", "order": "uncertainty"})
        for _ in range(5):                              # follow Skip through the whole queue
            assert 'id="uncoded-form"' in page.text and 'id="accept"' not in page.text
            seen.append(_shown(page.text).removesuffix("~"))
            skip = re.search(r'id="skip" href="([^"]+)"', page.text).group(1).replace("&amp;", "&")
            page = web.get(skip)
        assert seen == order
        assert '<strong id="remaining">5</strong>' in page.text
        with_never = _web(bare, uncoded="never")
        with with_never:
            assert 'id="queue-empty"' in with_never.get("/queue", params={"coder": "ann"}).text


def test_ticked_codes_are_added_at_once_and_the_segment_counts_as_done(bare):
    with _web(bare) as web:
        page = web.get("/queue", params={"coder": "ann", "order": "uncertainty"})
        key = _shown(page.text)
        segment_id = key.removesuffix("~")
        answer = _post(web, "/decide-segment", [("coder", "ann"), ("segment_id", segment_id), ("at", key),
                                                ("code_id", "P-OPERATION-HOURS"), ("code_id", "N-HEALTH"),
                                                ("decision", "add"), ("note", "两个都有")])
        assert answer.status_code == 303
        trail = _decisions(bare)
        assert sorted(zip(trail["segment_id"], trail["code_id"], trail["decision"], trail["note"])) == [
            (segment_id, "N-HEALTH", "add", "两个都有"), (segment_id, "P-OPERATION-HOURS", "add", "两个都有")]
        query = parse_qs(urlsplit(answer.headers["location"]).query)
        assert query["after"] == [key]
        following = web.get(answer.headers["location"])
        assert _shown(following.text) != key                       # on to the next uncoded segment
        assert '<strong id="done">1</strong>' in following.text and '<strong id="remaining">4</strong>' in following.text
        done = web.get("/queue", params={"coder": "ann", "order": "uncertainty", "status": "accepted"})
        assert _shown(done.text) == key and "you added: N-HEALTH, P-OPERATION-HOURS" in done.text
        assert re.search(r'value="N-HEALTH" class="pick-code" checked disabled', done.text)
        # Undo walks back one code at a time; with none left the segment is pending again.
        for _ in range(2):
            assert _post(web, "/undo", [("coder", "ann"), ("at", key)]).status_code == 303
        assert current_decisions(_decisions(bare)).empty
        again = web.get("/queue", params={"coder": "ann", "order": "uncertainty"})
        assert '<strong id="done">0</strong>' in again.text


def test_one_coders_uncoded_segment_is_not_offered_to_another(bare):
    with _web(bare) as web:
        key = _shown(web.get("/queue", params={"coder": "ann"}).text)
        _post(web, "/decide-segment", [("coder", "ann"), ("segment_id", key[:-1]), ("at", key),
                                       ("code_id", "N-HEALTH"), ("decision", "add")])
        bob = web.get("/queue", params={"coder": "bob", "status": "all"}).text
        assert f'value="{key}"' not in bob and '<strong id="remaining">4</strong>' in bob
    with _web(bare, double_code=1.0) as shared:                      # the double-coded share goes to everyone
        assert '<strong id="remaining">5</strong>' in shared.get("/queue", params={"coder": "bob"}).text


@pytest.mark.parametrize("pairs, status, words", [
    ([("code_id", "X-NOPE")], 404, "unknown code id"),
    ([], 400, "at least one code"),
    ([("code_id", "N-HEALTH"), ("decision", "accept-all")], 400, "The &#39;decision&#39; parameter"),
])
def test_a_bad_add_records_nothing(bare, pairs, status, words):
    with _web(bare) as web:
        key = _shown(web.get("/queue", params={"coder": "ann"}).text)
        fields = [("coder", "ann"), ("segment_id", key[:-1]), ("at", key), ("decision", "add"), *pairs]
        answer = _post(web, "/decide-segment", fields)
        assert answer.status_code == status and words in answer.text
        forged = web.post("/decide-segment", data={"coder": "ann", "segment_id": key[:-1], "code_id": "N-HEALTH",
                                                   "decision": "add", "form_key": "guessed"})
        assert forged.status_code == 403                           # the form key rule holds here too
    assert _decisions(bare).empty


def test_the_example_store_adds_uncoded_rows_after_the_rule_suggestions(client, store_path):
    # 394 of the example's 898 answer segments have a rule suggestion: fewer than half, so `auto` adds the rest.
    page = client.get("/queue", params={"coder": "ann", "order": "document", "status": "all"})
    assert 'id="decide-form"' in page.text                          # a suggestion comes first
    only = client.get("/queue", params={"coder": "ann", "source": "uncoded"})
    assert 'id="uncoded-form"' in only.text
    rule = client.get("/queue", params={"coder": "ann", "source": "rule"})
    total = lambda html: int(re.search(r'<progress value="\d+" max="(\d+)">', html).group(1))  # noqa: E731
    everything = client.get("/queue", params={"coder": "ann"}).text
    assert total(everything) == total(rule.text) + total(only.text) and total(only.text) > total(rule.text) // 2
    with ProjectStore(store_path) as store:
        segments = store.segments()
        suggested = set(store.suggestions()["segment_id"])
    answers = segments[~segments["is_interviewer"].fillna(False).astype(bool)]
    assert total(only.text) == int((~answers["segment_id"].isin(suggested)).sum())


def test_serve_refuses_an_unknown_uncoded_choice(store_path):
    from typer.testing import CliRunner

    from qualmine.flows.cli.app import app as cli_app

    result = CliRunner().invoke(cli_app, ["review", "serve", "--store", str(store_path), "--uncoded", "sometimes"],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 2 and "--uncoded must be one of auto, always, never" in result.output
    with pytest.raises(ValueError, match="'uncoded' parameter"):
        create_app(str(store_path), uncoded="sometimes")
